/* report-stats: the statistics of storyhub report, over the GNU Scientific
 * Library (the distributions, the random numbers), and the only file of the
 * report that includes GSL. Every function works on counts (tables of
 * distinct values with how often each occurs), so a caller keeps memory
 * bounded however many stories it streams; none of them knows about forms
 * or stores. Groups are numbered 0..k-1. */
#ifndef REPORT_STATS_H
#define REPORT_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The Wilson score interval for k successes in n trials at confidence conf
 * (0.95 for 95%); both 0 when n is 0. */
void stats_wilson(uint64_t k, uint64_t n, double conf, double *lo, double *hi);

/* A distribution given as m distinct values in ascending order, each with
 * its count. */
struct stats_summary {
	uint64_t n;
	double mean, sd; /* sd: the sample standard deviation (n - 1) */
	double min, q1, median, q3, max;
};

/* The p-quantile (0 <= p <= 1) of the n = sum(c) observations, as R's
 * quantile(type = 7) computes it from the sorted data; NAN when n is 0. */
double stats_quantile(const double *v, const uint64_t *c, size_t m, double p);
/* n, mean, sd, min, quartiles (type 7), max; every field NAN (n 0) when there
 * are no observations, sd NAN with one. */
void stats_summarise(const double *v, const uint64_t *c, size_t m, struct stats_summary *s);

enum stats_method {
	STATS_NONE,        /* no test: fewer than two groups, or no variation */
	STATS_KRUSKAL,     /* Kruskal-Wallis, chi-square approximation, ties corrected */
	STATS_CHISQ,       /* Pearson's chi-square, no continuity correction */
	STATS_FISHER,      /* Fisher's exact test (2 x 2), two-sided */
	STATS_FISHER_MC,   /* Fisher's test by Monte Carlo (larger tables) */
	STATS_PERMUTATION, /* permutation test on the compositional centres */
};

struct stats_test {
	enum stats_method method;
	double stat; /* H, X^2, or the between-groups sum of squares */
	double df;   /* degrees of freedom (0 for the exact and resampled tests) */
	double p;
	double effect;      /* the share of variation the groups explain, 0..1:
	                    * epsilon^2 (Kruskal-Wallis), V^2 (Cramer's V squared,
	                    * contingency tables), R^2 (triad centres) */
	unsigned resamples; /* Monte Carlo tables or permutations drawn */
	uint64_t n;         /* observations in the test */
	size_t groups;      /* groups with at least one observation */
};

/* Kruskal-Wallis over a table of m distinct values (ascending) by k groups:
 * counts[i * k + g] observations of value i in group g. Tied values get
 * their mean rank and H is divided by the tie correction. */
void stats_kruskal(const uint64_t *counts, size_t m, size_t k, struct stats_test *t);

/* The test of independence of an r x c table (counts[i * c + j]; rows
 * groups, columns categories), empty rows and columns left out: Pearson's
 * chi-square, or when an expected count is below 5, Fisher's exact test (2 x
 * 2) or Fisher's test by Monte Carlo with `resamples` random tables of the
 * same margins drawn from seed (R's fisher.test(simulate.p.value = TRUE)). */
void stats_contingency(const uint64_t *counts, size_t r, size_t c, unsigned resamples,
    unsigned long seed, struct stats_test *t);

/* Benjamini-Hochberg: adj[i] is p[i] adjusted for the n comparisons (as R's
 * p.adjust(p, "BH")). NAN entries are left out of n and stay NAN. */
void stats_bh(const double *p, size_t n, double *adj);

/* Triads (compositions of three parts). Zeros have no logarithm: a zero
 * part is replaced by delta and the others are scaled by (1 - zeros * delta)
 * so the sum stays 1 (multiplicative replacement, Martin-Fernandez,
 * Barcelo-Vidal and Pawlowsky-Glahn 2003). Returns the number of parts
 * replaced, or -1 when no part is positive. */
int stats_triad_replace(const double p[3], double delta, double out[3]);
/* The centred log-ratio of a composition without zeros. */
void stats_clr(const double p[3], double clr[3]);
/* The compositional centre (the closure of the geometric means) from the
 * sums over n compositions of the logarithms of their parts. */
void stats_triad_centre(const double logsum[3], uint64_t n, double centre[3]);
/* R^2 of the groups in clr space from per-group sums: n[g], the sums of the
 * clr coordinates sum[g * 3 + j] and of their squared norms sumsq[g]. */
double stats_triad_r2(const uint64_t *n, const double *sum, const double *sumsq, size_t k);

/* A uniform random sample of at most cap (clr coordinates, group) pairs
 * from a stream (reservoir sampling, Vitter's algorithm R), with a fixed
 * seed so a report is the same each time it is made. */
struct stats_reservoir;
struct stats_reservoir *stats_reservoir_new(size_t cap, unsigned long seed);
void stats_reservoir_add(struct stats_reservoir *r, const double clr[3], int group);
/* Items seen so far, and items kept (at most cap). */
uint64_t stats_reservoir_seen(const struct stats_reservoir *r);
size_t stats_reservoir_size(const struct stats_reservoir *r);
void stats_reservoir_free(struct stats_reservoir *r);

/* Permutation test of equal compositional centres across k groups on the
 * sample: the statistic is the between-groups sum of squares of the clr
 * coordinates, compared with `resamples` random relabellings; p =
 * (1 + at least as large) / (1 + resamples). */
void stats_permutation(const struct stats_reservoir *r, size_t k, unsigned resamples,
    unsigned long seed, struct stats_test *t);
/* The same on plain arrays (clr[i * 3 + j], group[i]); what the reservoir
 * version calls, and what the unit tests use. */
void stats_permutation_raw(const double *clr, const int *group, size_t n, size_t k,
    unsigned resamples, unsigned long seed, struct stats_test *t);

/* "Kruskal-Wallis", "chi-square", ... */
const char *stats_method_name(enum stats_method m);

#endif
