/* Unit tests for report-stats: each expected value was computed
 * independently with R 4.2.2 (Debian's r-base-core), by the calls named
 * beside it; the scripts are reproduced in the comments so the numbers can
 * be checked again. R is not needed to run these tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "report-stats.h"

static void
near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.15g, want %.15g (tolerance %g)", got, want, tol);
}

/* R: prop.test(k, n, correct = FALSE)$conf.int (the Wilson score interval) */
static void
test_wilson(void **state)
{
	static const struct {
		uint64_t k, n;
		double lo, hi;
	} cases[] = {
		{ 7, 20, 0.181191824101082, 0.567145723314764 },
		{ 0, 10, 0, 0.277532799862889 },
		{ 10, 10, 0.722467200137111, 1 },
		{ 55, 200, 0.217797003293074, 0.340683393576696 },
	};
	double lo, hi;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		stats_wilson(cases[i].k, cases[i].n, 0.95, &lo, &hi);
		near(lo, cases[i].lo, 1e-12);
		near(hi, cases[i].hi, 1e-12);
	}
	stats_wilson(0, 0, 0.95, &lo, &hi);
	assert_true(lo == 0 && hi == 0);
}

/* R: x <- c(3,1,4,1,5,9,2,6,5,3,5); quantile(x, c(.25,.5,.75), type = 7)
 * gives 2.5 4 5; mean(x) 4; sd(x) 2.36643191323985.
 * y <- c(rep(0,3), rep(35,10), 50, rep(100,6)): 35 35 100, mean 50,
 * sd 36.0919877389341. */
static void
test_summary(void **state)
{
	static const double v[] = { 1, 2, 3, 4, 5, 6, 9 };
	static const uint64_t c[] = { 2, 1, 2, 1, 3, 1, 1 };
	static const double sv[] = { 0, 35, 50, 100 };
	static const uint64_t sc[] = { 3, 10, 1, 6 };
	struct stats_summary s;

	(void)state;
	stats_summarise(v, c, 7, &s);
	assert_int_equal(s.n, 11);
	near(s.q1, 2.5, 1e-12);
	near(s.median, 4, 1e-12);
	near(s.q3, 5, 1e-12);
	near(s.mean, 4, 1e-12);
	near(s.sd, 2.36643191323985, 1e-12);
	near(s.min, 1, 0);
	near(s.max, 9, 0);
	stats_summarise(sv, sc, 4, &s);
	near(s.q1, 35, 1e-12);
	near(s.median, 35, 1e-12);
	near(s.q3, 100, 1e-12);
	near(s.mean, 50, 1e-12);
	near(s.sd, 36.0919877389341, 1e-11);
	/* empty: NAN, never a made-up figure */
	stats_summarise(sv, (const uint64_t[]){ 0, 0, 0, 0 }, 4, &s);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.median) && isnan(s.mean));
}

/* R: kruskal.test(list(c(10,20,20,30,40), c(20,30,30,50),
 * c(40,50,60,60,60,70))): H = 9.39380341880341 (ties corrected), df 2,
 * p = 0.0091235006129713. */
static void
test_kruskal(void **state)
{
	/* values 10 20 30 40 50 60 70 by groups 1 2 3 */
	static const uint64_t counts[] = {
		1, 0, 0, /* 10 */
		2, 1, 0, /* 20 */
		1, 2, 0, /* 30 */
		1, 0, 1, /* 40 */
		0, 1, 1, /* 50 */
		0, 0, 3, /* 60 */
		0, 0, 1, /* 70 */
	};
	struct stats_test t;

	(void)state;
	stats_kruskal(counts, 7, 3, &t);
	assert_int_equal(t.method, STATS_KRUSKAL);
	near(t.stat, 9.39380341880341, 1e-10);
	near(t.df, 2, 0);
	near(t.p, 0.0091235006129713, 1e-12);
	assert_int_equal(t.n, 15);
	near(t.effect, 9.39380341880341 / 14, 1e-10); /* epsilon^2 = H / (n - 1) */
	/* everything tied: no test, not p = 1 */
	stats_kruskal((const uint64_t[]){ 4, 5 }, 1, 2, &t);
	assert_int_equal(t.method, STATS_NONE);
	/* one group: no test */
	stats_kruskal((const uint64_t[]){ 4, 0, 5, 0 }, 2, 2, &t);
	assert_int_equal(t.method, STATS_NONE);
}

/* R: chisq.test(matrix(c(30,20,10, 15,25,35), nrow = 2, byrow = TRUE),
 * correct = FALSE): X-squared = 18, df 2, p = 0.00012340980408668. */
static void
test_chisq(void **state)
{
	static const uint64_t t1[] = { 30, 20, 10, 15, 25, 35 };
	/* an empty row and column are left out: the same test */
	static const uint64_t t2[] = { 30, 0, 20, 10, 0, 0, 0, 0, 15, 0, 25, 35 };
	struct stats_test t;

	(void)state;
	stats_contingency(t1, 2, 3, 2000, 1, &t);
	assert_int_equal(t.method, STATS_CHISQ);
	near(t.stat, 18, 1e-10);
	near(t.df, 2, 0);
	near(t.p, 0.00012340980408668, 1e-14);
	near(t.effect, 18.0 / 135, 1e-12); /* Cramer's V squared: X^2 / (n (min(r,c) - 1)) */
	stats_contingency(t2, 3, 4, 2000, 1, &t);
	assert_int_equal(t.method, STATS_CHISQ);
	near(t.p, 0.00012340980408668, 1e-14);
}

/* R: fisher.test(matrix(c(3,1,1,3), 2, byrow = TRUE))$p.value =
 * 0.485714285714286; fisher.test(matrix(c(8,2,1,5), 2, byrow =
 * TRUE))$p.value = 0.034965034965035; fisher.test(matrix(c(0,7,6,1), 2,
 * byrow = TRUE))$p.value = 0.00466200466200466. Expected counts of 5 and
 * more are tested with chi-square instead: matrix(c(10,2,3,15), 2) has none
 * below 5. */
static void
test_fisher_2x2(void **state)
{
	struct stats_test t;

	(void)state;
	stats_contingency((const uint64_t[]){ 3, 1, 1, 3 }, 2, 2, 2000, 1, &t);
	assert_int_equal(t.method, STATS_FISHER);
	near(t.p, 0.485714285714286, 1e-12);
	stats_contingency((const uint64_t[]){ 8, 2, 1, 5 }, 2, 2, 2000, 1, &t);
	assert_int_equal(t.method, STATS_FISHER);
	near(t.p, 0.034965034965035, 1e-13);
	stats_contingency((const uint64_t[]){ 0, 7, 6, 1 }, 2, 2, 2000, 1, &t);
	assert_int_equal(t.method, STATS_FISHER);
	near(t.p, 0.00466200466200466, 1e-14);
	stats_contingency((const uint64_t[]){ 10, 2, 3, 15 }, 2, 2, 2000, 1, &t);
	assert_int_equal(t.method, STATS_CHISQ);
}

/* R: fisher.test(matrix(c(2,0,3, 1,4,0, 0,2,1), 3, byrow = TRUE))$p.value
 * = 0.0559440559440557 (exact, network algorithm). Ours is Monte Carlo:
 * with 20000 tables its standard error is about 0.0016. */
static void
test_fisher_mc(void **state)
{
	static const uint64_t x[] = { 2, 0, 3, 1, 4, 0, 0, 2, 1 };
	struct stats_test t;

	(void)state;
	stats_contingency(x, 3, 3, 20000, 42, &t);
	assert_int_equal(t.method, STATS_FISHER_MC);
	assert_int_equal(t.resamples, 20000);
	near(t.p, 0.0559440559440557, 0.006);
	/* another seed, the same answer within the error */
	stats_contingency(x, 3, 3, 20000, 7, &t);
	near(t.p, 0.0559440559440557, 0.006);
}

/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH") =
 * 0.025 0.05 0.05 0.025 0.5 */
static void
test_bh(void **state)
{
	static const double p[] = { 0.01, 0.04, 0.03, 0.005, 0.5 };
	static const double want[] = { 0.025, 0.05, 0.05, 0.025, 0.5 };
	double adj[6], p2[6];

	(void)state;
	stats_bh(p, 5, adj);
	for (int i = 0; i < 5; i++)
		near(adj[i], want[i], 1e-15);
	/* a NAN (no test) is not a comparison: same answers, NAN kept */
	memcpy(p2, p, sizeof p);
	p2[5] = NAN;
	stats_bh(p2, 6, adj);
	for (int i = 0; i < 5; i++)
		near(adj[i], want[i], 1e-15);
	assert_true(isnan(adj[5]));
}

/* R, zeros replaced by delta = 0.065 (multiplicative replacement):
 *   rep0 <- function(v, d) { z <- v == 0; out <- v * (1 - sum(z) * d);
 *                            out[z] <- d; out }
 *   T <- rbind(c(.5,.3,.2), c(1,0,0), c(.2,.2,.6), c(0,.5,.5))
 *   R <- t(apply(T, 1, rep0, d = 0.065))
 *   gm <- exp(colMeans(log(R))); gm / sum(gm)
 * rows 2 and 4 become 0.87 0.065 0.065 and 0.065 0.4675 0.4675; the centre
 * is 0.377409179449868 0.284391009093426 0.338199811456706. */
static void
test_triad_centre(void **state)
{
	static const double tri[4][3] = { { 0.5, 0.3, 0.2 }, { 1, 0, 0 }, { 0.2, 0.2, 0.6 },
		{ 0, 0.5, 0.5 } };
	static const double centre_want[3] = { 0.377409179449868, 0.284391009093426,
		0.338199811456706 };
	double logsum[3] = { 0, 0, 0 }, r[3], centre[3];
	int zeros = 0;

	(void)state;
	for (int i = 0; i < 4; i++) {
		zeros += stats_triad_replace(tri[i], 0.065, r);
		for (int j = 0; j < 3; j++)
			logsum[j] += log(r[j]);
		if (i == 1) {
			near(r[0], 0.87, 1e-15);
			near(r[1], 0.065, 1e-15);
		}
		if (i == 3)
			near(r[2], 0.4675, 1e-15);
	}
	assert_int_equal(zeros, 3);
	stats_triad_centre(logsum, 4, centre);
	for (int j = 0; j < 3; j++)
		near(centre[j], centre_want[j], 1e-12);
	assert_int_equal(stats_triad_replace((const double[]){ 0, 0, 0 }, 0.065, r), -1);
}

/* The permutation test and R^2 of the centres. R:
 *   X <- rbind(c(.6,.3,.1), c(.7,.2,.1), c(.5,.3,.2), c(.6,.2,.2),
 *              c(.2,.3,.5), c(.3,.3,.4), c(.2,.4,.4), c(.4,.4,.2))
 *   clr <- t(apply(log(X), 1, function(l) l - mean(l)))
 *   ssb(lab): sum over groups of n_g * |mean_g - mean|^2 of clr;
 *   sst: sum of |clr_i - mean|^2
 * gives ssb 3.1397820647479, sst 4.62589547774301, R^2 0.678740382236178,
 * and over all choose(8, 4) = 70 labellings (combn) the exact p =
 * 0.0285714285714286. Three groups of 2, 2, 3 from
 *   Y <- rbind(c(.5,.3,.2), c(.4,.4,.2), c(.3,.3,.4), c(.4,.3,.3),
 *              c(.5,.2,.3), c(.2,.5,.3), c(.3,.4,.3))
 * give R^2 0.333534104146197 and, over all 210 labellings, p =
 * 0.466666666666667. Ours draws 9999 permutations (standard error about
 * 0.002 and 0.005). */
static void
test_permutation(void **state)
{
	static const double x[8][3] = { { .6, .3, .1 }, { .7, .2, .1 }, { .5, .3, .2 },
		{ .6, .2, .2 }, { .2, .3, .5 }, { .3, .3, .4 }, { .2, .4, .4 }, { .4, .4, .2 } };
	static const int gx[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	static const double y[7][3] = { { .5, .3, .2 }, { .4, .4, .2 }, { .3, .3, .4 },
		{ .4, .3, .3 }, { .5, .2, .3 }, { .2, .5, .3 }, { .3, .4, .3 } };
	static const int gy[7] = { 0, 0, 1, 1, 2, 2, 2 };
	double clr[8 * 3], sum[3 * 3] = { 0 }, sumsq[3] = { 0 };
	uint64_t n[3] = { 0 };
	struct stats_reservoir *r;
	struct stats_test t;

	(void)state;
	for (int i = 0; i < 8; i++) {
		stats_clr(x[i], &clr[i * 3]);
		n[gx[i]]++;
		for (int j = 0; j < 3; j++) {
			sum[gx[i] * 3 + j] += clr[i * 3 + j];
			sumsq[gx[i]] += clr[i * 3 + j] * clr[i * 3 + j];
		}
	}
	near(stats_triad_r2(n, sum, sumsq, 2), 0.678740382236178, 1e-12);
	stats_permutation_raw(clr, gx, 8, 2, 9999, 1, &t);
	assert_int_equal(t.method, STATS_PERMUTATION);
	near(t.stat, 3.1397820647479, 1e-10);
	near(t.effect, 0.678740382236178, 1e-12);
	near(t.p, 0.0285714285714286, 0.008);

	/* the same through a reservoir large enough to hold every item */
	r = stats_reservoir_new(100, 5);
	for (int i = 0; i < 8; i++)
		stats_reservoir_add(r, &clr[i * 3], gx[i]);
	assert_int_equal(stats_reservoir_size(r), 8);
	stats_permutation(r, 2, 9999, 1, &t);
	near(t.stat, 3.1397820647479, 1e-10);
	near(t.p, 0.0285714285714286, 0.008);
	stats_reservoir_free(r);

	memset(sum, 0, sizeof sum);
	memset(sumsq, 0, sizeof sumsq);
	memset(n, 0, sizeof n);
	for (int i = 0; i < 7; i++) {
		stats_clr(y[i], &clr[i * 3]);
		n[gy[i]]++;
		for (int j = 0; j < 3; j++) {
			sum[gy[i] * 3 + j] += clr[i * 3 + j];
			sumsq[gy[i]] += clr[i * 3 + j] * clr[i * 3 + j];
		}
	}
	near(stats_triad_r2(n, sum, sumsq, 3), 0.333534104146197, 1e-12);
	stats_permutation_raw(clr, gy, 7, 3, 9999, 3, &t);
	near(t.stat, 0.510067021696702, 1e-10);
	near(t.p, 0.466666666666667, 0.02);
	/* one group: no test */
	stats_permutation_raw(clr, (const int[]){ 1, 1, 1, 1, 1, 1, 1 }, 7, 3, 99, 3, &t);
	assert_int_equal(t.method, STATS_NONE);
}

/* Reservoir sampling keeps at most cap items, counts every one, and keeps
 * a fair sample: of 20000 items, a tenth in group 1, a sample of 2000
 * holds about 200 of them (binomial sd 13; 5 sd allowed). The sample is
 * read back through the permutation test: with the first clr coordinate 1
 * in group 1 and 0 in group 0, the between-groups sum of squares is
 * n1 n0 / n, so n1 = (n - sqrt(n^2 - 4 n stat)) / 2. */
static void
test_reservoir(void **state)
{
	struct stats_reservoir *r = stats_reservoir_new(2000, 11);
	double clr[3] = { 0, 0, 0 }, n1;
	struct stats_test t;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		clr[0] = i % 10 == 0;
		stats_reservoir_add(r, clr, i % 10 == 0);
	}
	assert_int_equal(stats_reservoir_size(r), 2000);
	assert_int_equal(stats_reservoir_seen(r), 20000);
	stats_permutation(r, 2, 9, 1, &t);
	assert_int_equal(t.n, 2000);
	assert_int_equal(t.groups, 2);
	n1 = (2000 - sqrt(2000.0 * 2000 - 4 * 2000 * t.stat)) / 2;
	if (n1 > 200 + 65 || n1 < 200 - 65)
		fail_msg("the sample holds %g items of group 1, want about 200", n1);
	stats_reservoir_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_kruskal),
		cmocka_unit_test(test_chisq),
		cmocka_unit_test(test_fisher_2x2),
		cmocka_unit_test(test_fisher_mc),
		cmocka_unit_test(test_bh),
		cmocka_unit_test(test_triad_centre),
		cmocka_unit_test(test_permutation),
		cmocka_unit_test(test_reservoir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
