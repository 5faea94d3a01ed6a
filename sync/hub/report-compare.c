/* report-compare: the groups of --by compared question by question (a test
 * of difference for each, the p-values adjusted together by
 * Benjamini-Hochberg), and the strongest differences said in plain words
 * for Patterns. */
#include "report-compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Groups smaller than this are left out of the sentences when at least two
 * groups are this large (a difference between two people is no pattern). */
#define PATTERN_MIN_N 5

static void
add_test(struct report *r, size_t q, int choice, const struct stats_test *t)
{
	if (t->method == STATS_NONE)
		return;
	r->tests = xreallocarray(r->tests, r->ntests + 1, sizeof *r->tests);
	r->tests[r->ntests].q = q;
	r->tests[r->ntests].choice = choice;
	r->tests[r->ntests].t = *t;
	r->tests[r->ntests].padj = NAN;
	r->tests[r->ntests].pattern = NULL;
	r->ntests++;
}

static void
test_question(struct report *r, size_t qi)
{
	struct report_q *rq = &r->qs[qi];
	const struct question *q = rq->q;
	size_t k = r->ngroups - 1;
	unsigned long seed = 1000 + qi;
	struct stats_test t;
	uint64_t *x;

	switch (q->type) {
	case Q_CHOICE:
		x = xcalloc(k * q->nchoices, sizeof *x);
		for (size_t g = 0; g < k; g++)
			for (size_t c = 0; c < q->nchoices; c++)
				x[g * q->nchoices + c] = rq->cell[1 + g].counts[c];
		stats_contingency(x, k, q->nchoices, REPORT_FISHER_TABLES, seed, &t);
		add_test(r, qi, -1, &t);
		free(x);
		break;
	case Q_MULTI:
		x = xcalloc(k * 2, sizeof *x);
		for (size_t c = 0; c < q->nchoices; c++) {
			for (size_t g = 0; g < k; g++) {
				x[g * 2] = rq->cell[1 + g].counts[c];
				x[g * 2 + 1] = rq->cell[1 + g].answered - rq->cell[1 + g].counts[c];
			}
			stats_contingency(x, k, 2, REPORT_FISHER_TABLES, seed * 100 + c, &t);
			add_test(r, qi, (int)c, &t);
		}
		free(x);
		break;
	case Q_SCALE:
		x = xcalloc(REPORT_SCALE_VALUES * k, sizeof *x);
		for (size_t v = 0; v < REPORT_SCALE_VALUES; v++)
			for (size_t g = 0; g < k; g++)
				x[v * k + g] = rq->cell[1 + g].counts[v];
		stats_kruskal(x, REPORT_SCALE_VALUES, k, &t);
		add_test(r, qi, -1, &t);
		free(x);
		break;
	case Q_NUMBER:
		x = xcalloc(rq->values->nrows * k + 1, sizeof *x);
		for (size_t v = 0; v < rq->values->nrows; v++)
			for (size_t g = 0; g < k; g++)
				x[v * k + g] = rq->values->rows[v].n[1 + g];
		stats_kruskal(x, rq->values->nrows, k, &t);
		add_test(r, qi, -1, &t);
		free(x);
		break;
	case Q_TRIAD: {
		uint64_t *n = xcalloc(k, sizeof *n);
		double *sum = xcalloc(k * 3, sizeof *sum), *sumsq = xcalloc(k, sizeof *sumsq);

		stats_permutation(rq->sample, k, REPORT_PERMUTATIONS, seed, &t);
		/* the share explained, from every answer (the test's own is the sample's) */
		for (size_t g = 0; g < k; g++) {
			n[g] = rq->cell[1 + g].answered;
			sumsq[g] = rq->cell[1 + g].clrsq;
			memcpy(&sum[g * 3], rq->cell[1 + g].clrsum, 3 * sizeof *sum);
		}
		if (t.method != STATS_NONE && !isnan(stats_triad_r2(n, sum, sumsq, k)))
			t.effect = stats_triad_r2(n, sum, sumsq, k);
		add_test(r, qi, -1, &t);
		free(n);
		free(sum);
		free(sumsq);
		break;
	}
	default:
		break;
	}
}

/* "= 0.003", "< 0.001" */
static char *
p_text(double p)
{
	return p < 0.001 ? xstrdup("< 0.001") : xasprintf("= %.3f", p);
}

static int
big_enough(const struct report_q *rq, size_t g, uint64_t min)
{
	return rq->cell[g].answered >= min && rq->cell[g].answered > 0;
}

/* The smallest group size the sentences consider. */
static uint64_t
min_size(const struct report *r, const struct report_q *rq)
{
	size_t big = 0;

	for (size_t g = 1; g < r->ngroups; g++)
		big += rq->cell[g].answered >= PATTERN_MIN_N;
	return big >= 2 ? PATTERN_MIN_N : 1;
}

static char *
scale_sentence(const struct report *r, const struct report_test *t, const char *padj)
{
	const struct report_q *rq = &r->qs[t->q];
	const struct question *q = rq->q;
	uint64_t min = min_size(r, rq);
	size_t lo = 0, hi = 0;

	for (size_t g = 1; g < r->ngroups; g++) {
		const struct stats_summary *s = &rq->cell[g].sum;

		if (!big_enough(rq, g, min))
			continue;
		if (lo == 0 || s->median < rq->cell[lo].sum.median ||
		    (s->median == rq->cell[lo].sum.median && s->mean < rq->cell[lo].sum.mean))
			lo = g;
		if (hi == 0 || s->median > rq->cell[hi].sum.median ||
		    (s->median == rq->cell[hi].sum.median && s->mean > rq->cell[hi].sum.mean))
			hi = g;
	}
	if (lo == 0 || hi == 0 || lo == hi)
		return NULL;
	if (q->type == Q_SCALE)
		return xasprintf(
		    "\xe2\x80\x9c%s\xe2\x80\x9d placed \xe2\x80\x9c%s\xe2\x80\x9d nearer "
		    "\xe2\x80\x9c%s\xe2\x80\x9d than \xe2\x80\x9c%s\xe2\x80\x9d did: median %g "
		    "against %g (mean %.1f against %.1f; 0 = %s, 100 = %s), adjusted p %s, "
		    "n = %llu and %llu.",
		    report_group_label(r, lo), form_text(&q->text, r->lang),
		    form_text(&q->poles[0], r->lang), report_group_label(r, hi),
		    rq->cell[lo].sum.median, rq->cell[hi].sum.median, rq->cell[lo].sum.mean,
		    rq->cell[hi].sum.mean, form_text(&q->poles[0], r->lang),
		    form_text(&q->poles[1], r->lang), padj,
		    (unsigned long long)rq->cell[lo].answered,
		    (unsigned long long)rq->cell[hi].answered);
	return xasprintf(
	    "\xe2\x80\x9c%s\xe2\x80\x9d gave lower answers to \xe2\x80\x9c%s\xe2\x80\x9d "
	    "than \xe2\x80\x9c%s\xe2\x80\x9d: median %g against %g (mean %.1f against "
	    "%.1f), adjusted p %s, n = %llu and %llu.",
	    report_group_label(r, lo), form_text(&q->text, r->lang), report_group_label(r, hi),
	    rq->cell[lo].sum.median, rq->cell[hi].sum.median, rq->cell[lo].sum.mean,
	    rq->cell[hi].sum.mean, padj, (unsigned long long)rq->cell[lo].answered,
	    (unsigned long long)rq->cell[hi].answered);
}

static double
share(const struct report_cell *c, size_t choice)
{
	return c->answered ? (double)c->counts[choice] / (double)c->answered : 0;
}

static char *
choice_sentence(const struct report *r, const struct report_test *t, const char *padj)
{
	const struct report_q *rq = &r->qs[t->q];
	const struct question *q = rq->q;
	uint64_t min = min_size(r, rq);
	size_t best_c = 0, g1 = 0, g2 = 0;
	double best = -1;

	for (size_t c = 0; c < q->nchoices; c++) {
		if (t->choice >= 0 && (size_t)t->choice != c)
			continue;
		for (size_t a = 1; a < r->ngroups; a++)
			for (size_t b = 1; b < r->ngroups; b++) {
				double d;

				if (a == b || !big_enough(rq, a, min) || !big_enough(rq, b, min))
					continue;
				d = share(&rq->cell[a], c) - share(&rq->cell[b], c);
				if (d > best) {
					best = d;
					best_c = c;
					g1 = a;
					g2 = b;
				}
			}
	}
	if (g1 == 0 || best <= 0)
		return NULL;
	return xasprintf(
	    "\xe2\x80\x9c%s\xe2\x80\x9d %s \xe2\x80\x9c%s\xe2\x80\x9d for \xe2\x80\x9c%s"
	    "\xe2\x80\x9d more often than \xe2\x80\x9c%s\xe2\x80\x9d: %.0f%% against "
	    "%.0f%%, adjusted p %s, n = %llu and %llu.",
	    report_group_label(r, g1), q->type == Q_MULTI ? "ticked" : "chose",
	    form_text(&q->choices[best_c].label, r->lang), form_text(&q->text, r->lang),
	    report_group_label(r, g2), 100 * share(&rq->cell[g1], best_c),
	    100 * share(&rq->cell[g2], best_c), padj, (unsigned long long)rq->cell[g1].answered,
	    (unsigned long long)rq->cell[g2].answered);
}

static double
clr_distance(const double a[3], const double b[3])
{
	double la[3], lb[3], ga = 0, gb = 0, d = 0;

	for (int j = 0; j < 3; j++) {
		la[j] = log(a[j]);
		lb[j] = log(b[j]);
		ga += la[j] / 3;
		gb += lb[j] / 3;
	}
	for (int j = 0; j < 3; j++)
		d += (la[j] - ga - lb[j] + gb) * (la[j] - ga - lb[j] + gb);
	return sqrt(d);
}

static char *
triad_sentence(const struct report *r, const struct report_test *t, const char *padj)
{
	const struct report_q *rq = &r->qs[t->q];
	const struct question *q = rq->q;
	uint64_t min = min_size(r, rq);
	size_t g1 = 0, g2 = 0, corner = 0;
	double best = -1, diff = -2;
	const double *a, *b;

	for (size_t x = 1; x < r->ngroups; x++)
		for (size_t y = x + 1; y < r->ngroups; y++) {
			double d;

			if (!big_enough(rq, x, min) || !big_enough(rq, y, min))
				continue;
			d = clr_distance(rq->cell[x].centre, rq->cell[y].centre);
			if (d > best) {
				best = d;
				g1 = x;
				g2 = y;
			}
		}
	if (g1 == 0)
		return NULL;
	/* the corner the two centres differ on most, the group nearer it first */
	for (int j = 0; j < 3; j++) {
		double d = fabs(rq->cell[g1].centre[j] - rq->cell[g2].centre[j]);

		if (d > diff) {
			diff = d;
			corner = (size_t)j;
		}
	}
	if (rq->cell[g1].centre[corner] < rq->cell[g2].centre[corner]) {
		size_t tmp = g1;

		g1 = g2;
		g2 = tmp;
	}
	a = rq->cell[g1].centre;
	b = rq->cell[g2].centre;
	return xasprintf("\xe2\x80\x9c%s\xe2\x80\x9d placed \xe2\x80\x9c%s\xe2\x80\x9d nearer "
	                 "\xe2\x80\x9c%s\xe2\x80\x9d than \xe2\x80\x9c%s\xe2\x80\x9d did: centre "
	                 "%.0f/%.0f/%.0f against %.0f/%.0f/%.0f (%s / %s / %s, in %%), adjusted p "
	                 "%s, n = %llu and %llu.",
	    report_group_label(r, g1), form_text(&q->text, r->lang),
	    form_text(&q->corners[corner], r->lang), report_group_label(r, g2), 100 * a[0],
	    100 * a[1], 100 * a[2], 100 * b[0], 100 * b[1], 100 * b[2],
	    form_text(&q->corners[0], r->lang), form_text(&q->corners[1], r->lang),
	    form_text(&q->corners[2], r->lang), padj, (unsigned long long)rq->cell[g1].answered,
	    (unsigned long long)rq->cell[g2].answered);
}

static int
cmp_effect(const void *a, const void *b)
{
	const struct report_test *x = *(const struct report_test *const *)a;
	const struct report_test *y = *(const struct report_test *const *)b;

	if (x->t.effect != y->t.effect)
		return x->t.effect > y->t.effect ? -1 : 1;
	if (x->padj != y->padj)
		return x->padj < y->padj ? -1 : 1;
	return x->q < y->q ? -1 : x->q > y->q;
}

void
report_compare(struct report *r)
{
	double *p, *adj;

	if (r->by < 0 || r->ngroups < 3)
		return;
	for (size_t i = 0; i < r->nq; i++)
		if (!r->qs[i].is_by)
			test_question(r, i);
	if (r->ntests == 0)
		return;
	p = xcalloc(r->ntests, sizeof *p);
	adj = xcalloc(r->ntests, sizeof *adj);
	for (size_t i = 0; i < r->ntests; i++)
		p[i] = r->tests[i].t.p;
	stats_bh(p, r->ntests, adj);
	r->patterns = xcalloc(r->ntests, sizeof *r->patterns);
	for (size_t i = 0; i < r->ntests; i++) {
		struct report_test *t = &r->tests[i];
		char *pt;

		t->padj = adj[i];
		if (!(t->padj < REPORT_ALPHA) || !(t->t.effect >= REPORT_MIN_EFFECT))
			continue;
		pt = p_text(t->padj);
		switch (r->qs[t->q].q->type) {
		case Q_SCALE:
		case Q_NUMBER:
			t->pattern = scale_sentence(r, t, pt);
			break;
		case Q_CHOICE:
		case Q_MULTI:
			t->pattern = choice_sentence(r, t, pt);
			break;
		case Q_TRIAD:
			t->pattern = triad_sentence(r, t, pt);
			break;
		default:
			break;
		}
		free(pt);
		if (t->pattern != NULL)
			r->patterns[r->npatterns++] = t;
	}
	qsort(r->patterns, r->npatterns, sizeof *r->patterns, cmp_effect);
	if (r->npatterns > REPORT_PATTERNS_MAX)
		r->npatterns = REPORT_PATTERNS_MAX;
	free(p);
	free(adj);
}
