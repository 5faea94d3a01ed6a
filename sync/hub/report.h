/* report: storyhub report, an offline sense-making page. The model (what
 * one pass over the store counts, per question and per group), the
 * selection and consent rules, and that one streaming pass: every selected
 * story is counted, and the card of each quotable one (report-html.c) goes
 * to a nameless spool file next to the page; the page is then written from
 * the counts, and the cards copied into it. Memory is bounded by the form
 * (a histogram per scale, a grid per triad, a table of distinct values per
 * number), not by the store, beyond a bounded sample per triad and the
 * short answers the page lists: story texts go from the store to the
 * spool. Only the hub store interface is used (hubstore.h). */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "form.h"
#include "hubstore.h"
#include "report-stats.h"

/* Scale answers are counted per whole number 0..100. */
#define REPORT_SCALE_VALUES 101
/* Triads are counted on a grid of this many steps per side (the kiosk's
 * steps of a tenth fall on it; paper answers are rounded to it). */
#define REPORT_TRIAD_GRID 60
/* A zero part of a triad is replaced by this before logarithms are taken:
 * 0.65 of the kiosk's smallest step (a tenth). */
#define REPORT_TRIAD_DELTA 0.065
/* Triad answers the permutation test keeps (a uniform sample). */
#define REPORT_TRIAD_SAMPLE 5000
/* Random relabellings, and Monte Carlo tables of Fisher's test. */
#define REPORT_PERMUTATIONS 999
#define REPORT_FISHER_TABLES 2000
/* Short text answers listed under a text question (a random sample when
 * there are more; every one is also in its story's card). */
#define REPORT_TEXT_LIST 50
/* A difference is listed in Patterns when its adjusted p is below ALPHA
 * and its effect (the share of variation the groups explain) is at least
 * MIN_EFFECT, a small effect by Cohen's guides: with many stories, a
 * difference too small to matter can still have a tiny p. */
#define REPORT_ALPHA 0.05
#define REPORT_MIN_EFFECT 0.01
#define REPORT_PATTERNS_MAX 12

struct report_opts {
	const char *lang;          /* NULL: the form's first language */
	const char *by;            /* NULL: no comparison */
	const char *consent;       /* NULL: the form's second tier (its only one if one) */
	const char *form_id;       /* NULL: the form file's id */
	const char *since, *until; /* YYYY-MM-DD (the kiosk's clock), NULL: open */
	char *const *where;        /* "QUESTION=VALUE" */
	size_t nwhere;
	size_t stories;      /* texts per group; 0: every quotable story */
	const char *svg_dir; /* NULL: none */
};

/* A count by key (kiosk, language, day, a number's distinct values): one
 * row per distinct key, with a count per group. */
struct report_row {
	char *key;
	double num; /* the key as a number (numbers) */
	uint64_t *n;
};

struct report_tally {
	struct report_row *rows;
	size_t nrows, cap, ngroups;
	size_t *slot; /* open addressing: row index + 1, 0 empty */
	size_t nslots;
};

/* One question in one group. */
struct report_cell {
	uint64_t seen;     /* shown the question (show_if) */
	uint64_t answered; /* of those, answered */
	uint64_t invalid;  /* answers that do not fit the form (another version) */
	uint64_t *counts;  /* choice, multi: per choice; scale: per value 0..100;
	                    * triad: per grid point i * (GRID + 1) + j */
	double logsum[3];  /* triad: sums of log parts (zeros replaced) */
	double clrsum[3], clrsq;
	uint64_t zeros; /* triad answers with a zero part */
	/* after the pass */
	struct stats_summary sum; /* scale, number */
	double centre[3];         /* triad */
};

/* A difference between the groups in one question (a choice of a multi is
 * tested alone). */
struct report_test {
	size_t q;   /* index into report.qs */
	int choice; /* multi: the choice; -1: the whole question */
	struct stats_test t;
	double padj;
	char *pattern; /* a sentence for Patterns (NULL when not significant) */
};

/* A short text kept for the page, chosen by a keyed hash of its story. */
struct report_quote {
	uint64_t hash;
	char *text;
};

struct report_q {
	const struct question *q;
	int is_by;
	struct report_cell *cell;       /* [ngroups]: 0 all, 1 + c the --by choice c */
	struct report_tally *values;    /* number: distinct values */
	struct stats_reservoir *sample; /* triad, when comparing */
	/* number histogram, after the pass */
	double bin_lo, bin_width;
	size_t nbins;
	/* text: the quotable answers and the sample of them listed */
	uint64_t quotable;
	struct report_quote *quotes; /* a max-heap on hash while counting */
	size_t nquotes;
};

struct report {
	const struct form *f;
	const char *lang;
	const char *form_id;
	const char *consent; /* the quoting tier */
	int consent_rank;
	const struct report_opts *o;
	int by;         /* question index of --by, -1 none */
	size_t ngroups; /* 1 + choices of --by */

	struct report_q *qs; /* one per question of the form */
	size_t nq;
	/* the selection: each `where` as a question index and a value */
	struct report_where {
		size_t q;
		int choice;    /* choice, multi */
		double lo, hi; /* scale, number */
		const char *text;
	} * where;
	size_t nwhere;

	/* the store */
	uint64_t in_store;     /* not withdrawn */
	uint64_t other_form;   /* of another form */
	uint64_t out_of_dates; /* outside --since/--until */
	uint64_t filtered;     /* left out by --where */
	uint64_t unreadable;   /* answers that are not a JSON object */
	uint64_t selected;
	uint64_t quotable;          /* selected, tier allows quoting */
	uint64_t no_group;          /* selected, no answer to --by */
	struct report_tally *forms; /* other forms' ids (for the error) */
	/* overview */
	struct report_tally *kiosks, *langs, *prompts, *tiers, *sources, *statuses, *days;
	char **kiosk_names; /* "id\tname" from kiosk_foreach */
	size_t nkiosk_names;

	/* the cards of the quotable stories, per group (0 no answer to --by,
	 * 1 + c); with --stories N, a max-heap per group of the N cards of
	 * smallest hash (the others never reach the page) */
	FILE *spool;
	uint64_t *group_quotable;
	struct report_pick {
		uint64_t hash;
		uint64_t off, len; /* in the spool */
	} * *picks;
	size_t *npicks;
	uint64_t cards; /* on the page */

	/* comparison */
	struct report_test *tests;
	size_t ntests;
	struct report_test **patterns; /* the significant ones, strongest first */
	size_t npatterns;
};

/* Check o against the form, make the report from the store at hs and
 * write it atomically to out (and the charts to o->svg_dir). Nothing is
 * written when the options do not fit the form or no story is selected;
 * e says why. *selected counts the stories in the figures. */
int report_make(struct hubstore *hs, const struct form *f, const struct report_opts *o,
    const char *out, uint64_t *selected, struct err *e);

/* For report-html.c: copy the cards on the page from the spool to fp, in
 * import order. */
int report_cards_copy(struct report *r, FILE *fp, struct err *e);
/* The label of a --by group (1 + c) in the report's language; "no answer"
 * for 0. */
const char *report_group_label(const struct report *r, size_t g);
/* The kiosk's name as the hub knows it, or NULL. */
const char *report_kiosk_name(const struct report *r, const char *id);
/* The histogram bin of a number answer (0..nbins-1): bin i holds the
 * values from report_number_edge(i) up to, not including, edge(i + 1). */
size_t report_number_bin(const struct report_q *rq, double v);
double report_number_edge(const struct report_q *rq, size_t i);
/* The grid point of a triad answer, i * (GRID + 1) + j. */
size_t report_triad_point(const double p[3]);
/* The kiosk's tenth nearest a triad answer's grid point, as i * 11 + j:
 * the cell of the shading it falls in, and of its link. */
size_t report_triad_cell(const double p[3]);

#endif
