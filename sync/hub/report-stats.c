/* report-stats: intervals, summaries and tests for storyhub report, on count
 * tables, with GSL's distributions and random numbers. GSL's default error
 * handler aborts the program; it is turned off once, and every result that
 * cannot be computed is NAN or STATS_NONE instead. */
#include "report-stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* A table probability within this factor of the observed one counts as
 * equal (R's fisher.test uses the same relative tolerance). */
#define STATS_REL_TOL (1 + 1e-7)
/* The expected count below which a contingency table is tested exactly. */
#define STATS_SMALL_EXPECTED 5.0

static void
quiet_gsl(void)
{
	static int done;

	if (!done) {
		gsl_set_error_handler_off();
		done = 1;
	}
}

static gsl_rng *
rng_new(unsigned long seed)
{
	gsl_rng *r;

	quiet_gsl();
	if ((r = gsl_rng_alloc(gsl_rng_mt19937)) == NULL)
		fatal("out of memory");
	gsl_rng_set(r, seed);
	return r;
}

void
stats_wilson(uint64_t k, uint64_t n, double conf, double *lo, double *hi)
{
	double z, p, nn, z2, den, centre, half;

	quiet_gsl();
	if (n == 0) {
		*lo = *hi = 0;
		return;
	}
	z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf) / 2);
	nn = (double)n;
	p = (double)k / nn;
	z2 = z * z;
	den = 1 + z2 / nn;
	centre = (p + z2 / (2 * nn)) / den;
	half = z / den * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

/* The idx-th (0-based) smallest observation. */
static double
order_stat(const double *v, const uint64_t *c, size_t m, uint64_t idx)
{
	uint64_t seen = 0;

	for (size_t i = 0; i < m; i++) {
		seen += c[i];
		if (idx < seen)
			return v[i];
	}
	return m ? v[m - 1] : NAN;
}

static uint64_t
total(const uint64_t *c, size_t m)
{
	uint64_t n = 0;

	for (size_t i = 0; i < m; i++)
		n += c[i];
	return n;
}

double
stats_quantile(const double *v, const uint64_t *c, size_t m, double p)
{
	uint64_t n = total(c, m), j;
	double h, lo, hi;

	if (n == 0)
		return NAN;
	h = (double)(n - 1) * p;
	j = (uint64_t)floor(h);
	lo = order_stat(v, c, m, j);
	hi = j + 1 < n ? order_stat(v, c, m, j + 1) : lo;
	return lo + (h - (double)j) * (hi - lo);
}

void
stats_summarise(const double *v, const uint64_t *c, size_t m, struct stats_summary *s)
{
	double sum = 0, ss = 0;

	s->n = total(c, m);
	if (s->n == 0) {
		s->mean = s->sd = s->min = s->q1 = s->median = s->q3 = s->max = NAN;
		return;
	}
	for (size_t i = 0; i < m; i++)
		sum += (double)c[i] * v[i];
	s->mean = sum / (double)s->n;
	for (size_t i = 0; i < m; i++)
		ss += (double)c[i] * (v[i] - s->mean) * (v[i] - s->mean);
	s->sd = s->n > 1 ? sqrt(ss / (double)(s->n - 1)) : NAN;
	s->min = order_stat(v, c, m, 0);
	s->max = order_stat(v, c, m, s->n - 1);
	s->q1 = stats_quantile(v, c, m, 0.25);
	s->median = stats_quantile(v, c, m, 0.5);
	s->q3 = stats_quantile(v, c, m, 0.75);
}

static void
no_test(struct stats_test *t)
{
	memset(t, 0, sizeof *t);
	t->method = STATS_NONE;
	t->stat = t->p = t->effect = NAN;
}

void
stats_kruskal(const uint64_t *counts, size_t m, size_t k, struct stats_test *t)
{
	double *rsum = xcalloc(k, sizeof *rsum), rank = 0, ties = 0, h = 0, nn, corr;
	uint64_t *ng = xcalloc(k, sizeof *ng), n = 0;
	size_t groups = 0;

	quiet_gsl();
	no_test(t);
	for (size_t i = 0; i < m; i++) {
		double tv = 0, avg;

		for (size_t g = 0; g < k; g++)
			tv += (double)counts[i * k + g];
		if (tv == 0)
			continue;
		avg = rank + (tv + 1) / 2;
		for (size_t g = 0; g < k; g++) {
			rsum[g] += (double)counts[i * k + g] * avg;
			ng[g] += counts[i * k + g];
		}
		rank += tv;
		ties += tv * tv * tv - tv;
	}
	for (size_t g = 0; g < k; g++) {
		n += ng[g];
		if (ng[g] > 0) {
			groups++;
			h += rsum[g] * rsum[g] / (double)ng[g];
		}
	}
	nn = (double)n;
	t->n = n;
	t->groups = groups;
	corr = n > 1 ? 1 - ties / (nn * nn * nn - nn) : 0;
	if (groups >= 2 && corr > 1e-12) {
		h = (12 / (nn * (nn + 1)) * h - 3 * (nn + 1)) / corr;
		t->method = STATS_KRUSKAL;
		t->stat = h < 0 ? 0 : h;
		t->df = (double)(groups - 1);
		t->p = gsl_cdf_chisq_Q(t->stat, t->df);
		t->effect = t->stat / (nn - 1);
		if (t->effect > 1)
			t->effect = 1;
	}
	free(rsum);
	free(ng);
}

/* A draw from the hypergeometric distribution (t items from n1 marked and
 * n2 unmarked; how many marked), by inversion searching outwards from the
 * mode, so the cost grows with the spread and not with n1 + n2 (GSL's own
 * sampler draws t uniforms). */
static unsigned
hyper_draw(gsl_rng *rng, unsigned n1, unsigned n2, unsigned t)
{
	unsigned lo = t > n2 ? t - n2 : 0, hi = t < n1 ? t : n1, mode, a, b;
	double pm, pa, pb, u;

	if (lo == hi)
		return lo;
	mode = (unsigned)floor(((double)t + 1) * ((double)n1 + 1) / ((double)n1 + n2 + 2));
	if (mode < lo)
		mode = lo;
	if (mode > hi)
		mode = hi;
	pm = gsl_ran_hypergeometric_pdf(mode, n1, n2, t);
	u = gsl_rng_uniform(rng) - pm;
	if (u <= 0)
		return mode;
	a = b = mode;
	pa = pb = pm;
	for (;;) {
		double down = 0, up = 0;

		if (a > lo)
			down = pa * (double)a * ((double)n2 - t + a) /
			    (((double)n1 - a + 1) * ((double)t - a + 1));
		if (b < hi)
			up = pb * ((double)n1 - b) * ((double)t - b) /
			    (((double)b + 1) * ((double)n2 - t + b + 1));
		if (a <= lo && b >= hi)
			return mode; /* rounding left a sliver of probability */
		if (b >= hi || (a > lo && down >= up)) {
			pa = down;
			a--;
			if ((u -= pa) <= 0)
				return a;
		} else {
			pb = up;
			b++;
			if ((u -= pb) <= 0)
				return b;
		}
	}
}

/* The sum of log(x!) over a table: minus the log of its probability, up to
 * a constant given the margins. */
static double
lfact_sum(const unsigned *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += gsl_sf_lnfact(x[i]);
	return s;
}

/* Fisher's exact test of a 2 x 2 table [a b; c d], two-sided: the
 * probability of every table with these margins no more likely than it. */
static double
fisher_2x2(const unsigned *x)
{
	unsigned r1 = x[0] + x[1], r2 = x[2] + x[3], c1 = x[0] + x[2];
	unsigned lo = c1 > r2 ? c1 - r2 : 0, hi = c1 < r1 ? c1 : r1;
	double pobs = gsl_ran_hypergeometric_pdf(x[0], r1, r2, c1), p = 0;

	for (unsigned k = lo; k <= hi; k++) {
		double pk = gsl_ran_hypergeometric_pdf(k, r1, r2, c1);

		if (pk <= pobs * STATS_REL_TOL)
			p += pk;
	}
	return p > 1 ? 1 : p;
}

/* Fisher's test of an r x c table by Monte Carlo: random tables with the
 * same margins (each cell drawn given the ones before it), the observed
 * table's probability against theirs, as R's fisher.test does with
 * simulate.p.value = TRUE. */
static double
fisher_mc(const unsigned *x, size_t r, size_t c, unsigned resamples, unsigned long seed)
{
	unsigned *rows = xcalloc(r, sizeof *rows), *cols = xcalloc(c, sizeof *cols);
	unsigned *rem = xcalloc(c, sizeof *rem), *sim = xcalloc(r * c, sizeof *sim);
	double obs = lfact_sum(x, r * c) / STATS_REL_TOL;
	unsigned hits = 0;
	gsl_rng *rng = rng_new(seed);

	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < c; j++) {
			rows[i] += x[i * c + j];
			cols[j] += x[i * c + j];
		}
	for (unsigned b = 0; b < resamples; b++) {
		memcpy(rem, cols, c * sizeof *rem);
		for (size_t i = 0; i < r; i++) {
			unsigned left = rows[i], after = 0;

			if (i == r - 1) {
				memcpy(&sim[i * c], rem, c * sizeof *rem);
				break;
			}
			for (size_t j = 0; j < c; j++)
				after += rem[j];
			for (size_t j = 0; j < c; j++) {
				unsigned v;

				after -= rem[j];
				v = j == c - 1 ? left : hyper_draw(rng, rem[j], after, left);
				sim[i * c + j] = v;
				rem[j] -= v;
				left -= v;
			}
		}
		if (lfact_sum(sim, r * c) >= obs)
			hits++;
	}
	gsl_rng_free(rng);
	free(rows);
	free(cols);
	free(rem);
	free(sim);
	return (1.0 + hits) / (1.0 + resamples);
}

void
stats_contingency(const uint64_t *counts, size_t r, size_t c, unsigned resamples,
    unsigned long seed, struct stats_test *t)
{
	uint64_t *rs = xcalloc(r, sizeof *rs), *cs = xcalloc(c, sizeof *cs), n = 0;
	size_t *ri = xcalloc(r, sizeof *ri), *ci = xcalloc(c, sizeof *ci), rr = 0, cc = 0;
	unsigned *x = NULL;
	double x2 = 0, nn;
	int small = 0;

	quiet_gsl();
	no_test(t);
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < c; j++) {
			rs[i] += counts[i * c + j];
			cs[j] += counts[i * c + j];
			n += counts[i * c + j];
		}
	for (size_t i = 0; i < r; i++)
		if (rs[i] > 0)
			ri[rr++] = i;
	for (size_t j = 0; j < c; j++)
		if (cs[j] > 0)
			ci[cc++] = j;
	t->n = n;
	t->groups = rr;
	if (rr < 2 || cc < 2 || n > UINT32_MAX)
		goto out;
	nn = (double)n;
	x = xcalloc(rr * cc, sizeof *x);
	for (size_t i = 0; i < rr; i++)
		for (size_t j = 0; j < cc; j++) {
			double o = (double)counts[ri[i] * c + ci[j]];
			double ex = (double)rs[ri[i]] * (double)cs[ci[j]] / nn;

			x[i * cc + j] = (unsigned)counts[ri[i] * c + ci[j]];
			x2 += (o - ex) * (o - ex) / ex;
			if (ex < STATS_SMALL_EXPECTED)
				small = 1;
		}
	t->stat = x2;
	t->effect = x2 / (nn * (double)((rr < cc ? rr : cc) - 1));
	if (t->effect > 1)
		t->effect = 1;
	if (!small) {
		t->method = STATS_CHISQ;
		t->df = (double)((rr - 1) * (cc - 1));
		t->p = gsl_cdf_chisq_Q(x2, t->df);
	} else if (rr == 2 && cc == 2) {
		t->method = STATS_FISHER;
		t->p = fisher_2x2(x);
	} else {
		t->method = STATS_FISHER_MC;
		t->resamples = resamples;
		t->p = fisher_mc(x, rr, cc, resamples, seed);
	}
out:
	free(x);
	free(rs);
	free(cs);
	free(ri);
	free(ci);
}

struct pv {
	double p;
	size_t i;
};

static int
cmp_pv(const void *a, const void *b)
{
	const struct pv *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
stats_bh(const double *p, size_t n, double *adj)
{
	struct pv *v = xcalloc(n ? n : 1, sizeof *v);
	size_t m = 0;
	double run = 1;

	for (size_t i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i])) {
			v[m].p = p[i];
			v[m].i = i;
			m++;
		}
	}
	qsort(v, m, sizeof *v, cmp_pv);
	for (size_t j = m; j > 0; j--) {
		double a = (double)m / (double)j * v[j - 1].p;

		if (a < run)
			run = a;
		adj[v[j - 1].i] = run;
	}
	free(v);
}

int
stats_triad_replace(const double p[3], double delta, double out[3])
{
	double sum = 0, keep;
	int zeros = 0;

	for (int j = 0; j < 3; j++) {
		out[j] = p[j] > 0 ? p[j] : 0;
		sum += out[j];
		zeros += out[j] == 0;
	}
	if (sum <= 0 || zeros == 3)
		return -1;
	keep = (1 - zeros * delta) / sum;
	for (int j = 0; j < 3; j++)
		out[j] = out[j] == 0 ? delta : out[j] * keep;
	return zeros;
}

void
stats_clr(const double p[3], double clr[3])
{
	double l[3], g = 0;

	for (int j = 0; j < 3; j++) {
		l[j] = log(p[j]);
		g += l[j] / 3;
	}
	for (int j = 0; j < 3; j++)
		clr[j] = l[j] - g;
}

void
stats_triad_centre(const double logsum[3], uint64_t n, double centre[3])
{
	double sum = 0;

	if (n == 0) {
		centre[0] = centre[1] = centre[2] = NAN;
		return;
	}
	for (int j = 0; j < 3; j++) {
		centre[j] = exp(logsum[j] / (double)n);
		sum += centre[j];
	}
	for (int j = 0; j < 3; j++)
		centre[j] /= sum;
}

double
stats_triad_r2(const uint64_t *n, const double *sum, const double *sumsq, size_t k)
{
	double all[3] = { 0, 0, 0 }, nn = 0, sst = 0, ssb = 0, tot2;

	for (size_t g = 0; g < k; g++) {
		nn += (double)n[g];
		sst += sumsq[g];
		for (int j = 0; j < 3; j++)
			all[j] += sum[g * 3 + j];
	}
	if (nn < 2)
		return NAN;
	tot2 = (all[0] * all[0] + all[1] * all[1] + all[2] * all[2]) / nn;
	sst -= tot2;
	for (size_t g = 0; g < k; g++) {
		const double *s = &sum[g * 3];

		if (n[g] > 0)
			ssb += (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) / (double)n[g];
	}
	ssb -= tot2;
	if (sst <= 1e-12)
		return NAN;
	return ssb < 0 ? 0 : ssb / sst;
}

struct stats_reservoir {
	size_t cap, n;
	uint64_t seen;
	double *clr;
	int *group;
	gsl_rng *rng;
};

struct stats_reservoir *
stats_reservoir_new(size_t cap, unsigned long seed)
{
	struct stats_reservoir *r = xcalloc(1, sizeof *r);

	r->cap = cap;
	r->clr = xcalloc(cap ? cap * 3 : 1, sizeof *r->clr);
	r->group = xcalloc(cap ? cap : 1, sizeof *r->group);
	r->rng = rng_new(seed);
	return r;
}

void
stats_reservoir_add(struct stats_reservoir *r, const double clr[3], int group)
{
	size_t at;

	if (r->n < r->cap)
		at = r->n++;
	else {
		/* keep the new item with probability cap / (seen + 1) */
		uint64_t j = (uint64_t)(gsl_rng_uniform(r->rng) * (double)(r->seen + 1));

		if (j >= r->cap) {
			r->seen++;
			return;
		}
		at = (size_t)j;
	}
	memcpy(&r->clr[at * 3], clr, 3 * sizeof *clr);
	r->group[at] = group;
	r->seen++;
}

uint64_t
stats_reservoir_seen(const struct stats_reservoir *r)
{
	return r->seen;
}

size_t
stats_reservoir_size(const struct stats_reservoir *r)
{
	return r->n;
}

void
stats_reservoir_free(struct stats_reservoir *r)
{
	if (r == NULL)
		return;
	gsl_rng_free(r->rng);
	free(r->clr);
	free(r->group);
	free(r);
}

/* The between-groups sum of squares of clr coordinates for a labelling
 * (the overall mean does not change with the labels, so this is all a
 * permutation needs). */
static double
between_ss(const double *clr, const int *group, size_t n, size_t k, double *sums, size_t *ns)
{
	double ssb = 0;

	memset(sums, 0, k * 3 * sizeof *sums);
	memset(ns, 0, k * sizeof *ns);
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < 3; j++)
			sums[(size_t)group[i] * 3 + (size_t)j] += clr[i * 3 + (size_t)j];
		ns[group[i]]++;
	}
	for (size_t g = 0; g < k; g++) {
		const double *s = &sums[g * 3];

		if (ns[g] > 0)
			ssb += (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) / (double)ns[g];
	}
	return ssb;
}

void
stats_permutation_raw(const double *clr, const int *group, size_t n, size_t k, unsigned resamples,
    unsigned long seed, struct stats_test *t)
{
	double *sums = xcalloc(k * 3, sizeof *sums), all[3] = { 0, 0, 0 }, sst = 0, tot2, obs;
	size_t *ns = xcalloc(k, sizeof *ns), groups = 0;
	int *perm = NULL;
	unsigned hits = 0;
	gsl_rng *rng;

	no_test(t);
	t->n = n;
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < 3; j++) {
			all[j] += clr[i * 3 + (size_t)j];
			sst += clr[i * 3 + (size_t)j] * clr[i * 3 + (size_t)j];
		}
	obs = between_ss(clr, group, n, k, sums, ns);
	for (size_t g = 0; g < k; g++)
		groups += ns[g] > 0;
	t->groups = groups;
	tot2 = n ? (all[0] * all[0] + all[1] * all[1] + all[2] * all[2]) / (double)n : 0;
	sst -= tot2;
	if (groups < 2 || sst <= 1e-12)
		goto out;
	perm = xcalloc(n, sizeof *perm);
	memcpy(perm, group, n * sizeof *perm);
	rng = rng_new(seed);
	for (unsigned b = 0; b < resamples; b++) {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)gsl_rng_uniform_int(rng, (unsigned long)i + 1);
			int tmp = perm[i];

			perm[i] = perm[j];
			perm[j] = tmp;
		}
		if (between_ss(clr, perm, n, k, sums, ns) >= obs - 1e-9 * fabs(obs))
			hits++;
	}
	gsl_rng_free(rng);
	t->method = STATS_PERMUTATION;
	t->stat = obs - tot2 < 0 ? 0 : obs - tot2;
	t->effect = t->stat / sst;
	t->resamples = resamples;
	t->p = (1.0 + hits) / (1.0 + resamples);
out:
	free(perm);
	free(sums);
	free(ns);
}

void
stats_permutation(const struct stats_reservoir *r, size_t k, unsigned resamples, unsigned long seed,
    struct stats_test *t)
{
	stats_permutation_raw(r->clr, r->group, r->n, k, resamples, seed, t);
}

const char *
stats_method_name(enum stats_method m)
{
	switch (m) {
	case STATS_KRUSKAL:
		return "Kruskal-Wallis";
	case STATS_CHISQ:
		return "chi-square";
	case STATS_FISHER:
		return "Fisher's exact test";
	case STATS_FISHER_MC:
		return "Fisher's test (Monte Carlo)";
	case STATS_PERMUTATION:
		return "permutation test";
	case STATS_NONE:
		break;
	}
	return "no test";
}
