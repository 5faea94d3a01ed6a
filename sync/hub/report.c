/* report: the options checked against the form, the one pass over the
 * store (counting, and spooling the cards of quotable stories), what is
 * worked out from the counts, and the file written atomically (the page
 * itself is report-html.c's). */
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "keys.h"
#include "report-compare.h"
#include "report-html.h"
#include "report-read.h"
#include "xmalloc.h"

/* Buffers of the page and the spool: fewer, larger writes. */
#define REPORT_IO_BUFFER (256 * 1024)

/* The keyed hash that picks stories and short answers when there are more
 * than the page shows: fixed, so the same store gives the same page. */
static const unsigned char pick_key[crypto_shorthash_KEYBYTES] = "storyhub report";

/* ---- tallies ---- */

static struct report_tally *
tally_new(size_t ngroups)
{
	struct report_tally *t = xcalloc(1, sizeof *t);

	t->ngroups = ngroups;
	t->nslots = 64;
	t->slot = xcalloc(t->nslots, sizeof *t->slot);
	return t;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void
tally_grow(struct report_tally *t)
{
	size_t n = t->nslots * 2;

	free(t->slot);
	t->slot = xcalloc(n, sizeof *t->slot);
	t->nslots = n;
	for (size_t i = 0; i < t->nrows; i++) {
		size_t s = hash_str(t->rows[i].key) & (n - 1);

		while (t->slot[s] != 0)
			s = (s + 1) & (n - 1);
		t->slot[s] = i + 1;
	}
}

/* The row for key, made when new. */
static struct report_row *
tally_row(struct report_tally *t, const char *key, double num)
{
	size_t s;

	if (2 * (t->nrows + 1) > t->nslots)
		tally_grow(t);
	s = hash_str(key) & (t->nslots - 1);
	while (t->slot[s] != 0) {
		struct report_row *r = &t->rows[t->slot[s] - 1];

		if (strcmp(r->key, key) == 0)
			return r;
		s = (s + 1) & (t->nslots - 1);
	}
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	t->rows[t->nrows].key = xstrdup(key);
	t->rows[t->nrows].num = num;
	t->rows[t->nrows].n = xcalloc(t->ngroups, sizeof *t->rows[t->nrows].n);
	t->slot[s] = ++t->nrows;
	return &t->rows[t->nrows - 1];
}

/* Count one for key in group 0 and, when g > 0, in group g. */
static void
tally_add(struct report_tally *t, const char *key, double num, size_t g)
{
	struct report_row *r = tally_row(t, key != NULL && *key ? key : "unknown", num);

	r->n[0]++;
	if (g > 0 && g < t->ngroups)
		r->n[g]++;
}

static int
cmp_row_key(const void *a, const void *b)
{
	return strcmp(((const struct report_row *)a)->key, ((const struct report_row *)b)->key);
}

static int
cmp_row_num(const void *a, const void *b)
{
	double x = ((const struct report_row *)a)->num, y = ((const struct report_row *)b)->num;

	return x < y ? -1 : x > y;
}

static int
cmp_row_count(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	if (x->n[0] != y->n[0])
		return x->n[0] > y->n[0] ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Sort the rows (the lookup slots are dropped: no more adds). */
static void
tally_sort(struct report_tally *t, int (*cmp)(const void *, const void *))
{
	if (t->nrows > 0)
		qsort(t->rows, t->nrows, sizeof *t->rows, cmp);
	free(t->slot);
	t->slot = NULL;
	t->nslots = 0;
}

static void
tally_free(struct report_tally *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		free(t->rows[i].key);
		free(t->rows[i].n);
	}
	free(t->rows);
	free(t->slot);
	free(t);
}

/* ---- max-heaps of the smallest hashes ---- */

/* 1 when a story of hash h would be kept among the n of cap smallest. */
static int
pick_wanted(const struct report_pick *h, size_t n, size_t cap, uint64_t hash)
{
	return n < cap || hash < h[0].hash;
}

/* Keep v among the cap smallest hashes of h (a max-heap of n). */
static void
pick_push(struct report_pick *h, size_t *n, size_t cap, struct report_pick v)
{
	size_t i;

	if (*n < cap) {
		i = (*n)++;
		while (i > 0 && h[(i - 1) / 2].hash < v.hash) {
			h[i] = h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		h[i] = v;
		return;
	}
	if (v.hash >= h[0].hash)
		return;
	i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;
		uint64_t bv = v.hash;

		if (l < *n && h[l].hash > bv) {
			big = l;
			bv = h[l].hash;
		}
		if (r < *n && h[r].hash > bv)
			big = r;
		if (big == i)
			break;
		h[i] = h[big];
		i = big;
	}
	h[i] = v;
}

/* The same for quotes (the text travels with its hash). */
static void
quote_push(struct report_q *rq, size_t cap, uint64_t hash, const char *text, size_t len)
{
	struct report_quote *h = rq->quotes, v;
	size_t i;

	if (rq->nquotes == cap && hash >= h[0].hash)
		return;
	v.hash = hash;
	v.text = xstrndup(text, len);
	if (rq->nquotes < cap) {
		i = rq->nquotes++;
		while (i > 0 && h[(i - 1) / 2].hash < hash) {
			h[i] = h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		h[i] = v;
		return;
	}
	free(h[0].text);
	i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;
		uint64_t bv = hash;

		if (l < rq->nquotes && h[l].hash > bv) {
			big = l;
			bv = h[l].hash;
		}
		if (r < rq->nquotes && h[r].hash > bv)
			big = r;
		if (big == i)
			break;
		h[i] = h[big];
		i = big;
	}
	h[i] = v;
}

static int
cmp_quote(const void *a, const void *b)
{
	uint64_t x = ((const struct report_quote *)a)->hash,
	         y = ((const struct report_quote *)b)->hash;

	return x < y ? -1 : x > y;
}

static uint64_t
story_hash(const char *story_id)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h = 0;

	crypto_shorthash(out, (const unsigned char *)story_id, strlen(story_id), pick_key);
	for (int i = 0; i < 8; i++)
		h = h << 8 | out[i];
	return h;
}

/* ---- the options against the form ---- */

static char *
list_ids(const struct form *f, int (*want)(const struct question *q))
{
	char *s = xstrdup("");

	for (size_t i = 0; i < f->nquestions; i++) {
		char *next;

		if (want != NULL && !want(&f->questions[i]))
			continue;
		next = xasprintf("%s%s%s", s, *s ? ", " : "", f->questions[i].id);
		free(s);
		s = next;
	}
	return s;
}

static int
is_choice(const struct question *q)
{
	return q->type == Q_CHOICE;
}

static int
is_filterable(const struct question *q)
{
	return q->type == Q_CHOICE || q->type == Q_MULTI || q->type == Q_SCALE ||
	    q->type == Q_NUMBER;
}

static char *
list_choices(const struct question *q)
{
	char *s = xstrdup("");

	for (size_t c = 0; c < q->nchoices; c++) {
		char *next = xasprintf("%s%s%s", s, c ? ", " : "", q->choices[c].id);

		free(s);
		s = next;
	}
	return s;
}

static int
question_unknown(const struct form *f, const char *flag, const char *id,
    int (*want)(const struct question *q), struct err *e)
{
	char *ids = list_ids(f, want);

	err_set(e, "%s: the form has no question \"%s\" (%s: %s)", flag, id,
	    want == is_choice ? "its choice questions" : "its questions", ids);
	free(ids);
	return -1;
}

static int
valid_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	return strncmp(s + 5, "01", 2) >= 0 && strncmp(s + 5, "12", 2) <= 0 &&
	    strncmp(s + 8, "01", 2) >= 0 && strncmp(s + 8, "31", 2) <= 0;
}

static int
parse_number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return *s != '\0' && *end == '\0' && errno == 0 && isfinite(*v) ? 0 : -1;
}

static int
parse_where(struct report *r, const char *arg, struct report_where *w, struct err *e)
{
	const char *eq = strchr(arg, '=');
	char *qid, *dots;
	const struct question *q;

	if (eq == NULL || eq == arg)
		return err_set(
		    e, "--where \"%s\": give QUESTION=VALUE (for example role=funder)", arg);
	qid = xstrndup(arg, (size_t)(eq - arg));
	q = form_question(r->f, qid);
	if (q == NULL) {
		question_unknown(r->f, "--where", qid, is_filterable, e);
		free(qid);
		return -1;
	}
	free(qid);
	if (!is_filterable(q))
		return err_set(e,
		    "--where %s: a %s question cannot select stories (use a choice, multi, "
		    "scale or number question)",
		    q->id, question_type_name(q->type));
	w->q = (size_t)(q - r->f->questions);
	w->text = eq + 1;
	if (q->type == Q_CHOICE || q->type == Q_MULTI) {
		const struct choice *c = question_choice(q, eq + 1);

		if (c == NULL) {
			char *ids = list_choices(q);

			err_set(e, "--where %s: \"%s\" is not one of its choices (%s)", q->id,
			    eq + 1, ids);
			free(ids);
			return -1;
		}
		w->choice = (int)(c - q->choices);
		return 0;
	}
	dots = strstr(eq + 1, "..");
	if (dots != NULL) {
		char *lo = xstrndup(eq + 1, (size_t)(dots - (eq + 1)));
		int bad = parse_number(lo, &w->lo) == -1 || parse_number(dots + 2, &w->hi) == -1;

		free(lo);
		if (bad || w->lo > w->hi)
			return err_set(e, "--where %s: \"%s\" is not a range LOW..HIGH of numbers",
			    q->id, eq + 1);
		return 0;
	}
	if (parse_number(eq + 1, &w->lo) == -1)
		return err_set(
		    e, "--where %s: \"%s\" is not a number (or a range LOW..HIGH)", q->id, eq + 1);
	w->hi = w->lo;
	return 0;
}

static size_t
cell_counts(const struct question *q)
{
	switch (q->type) {
	case Q_CHOICE:
	case Q_MULTI:
		return q->nchoices;
	case Q_SCALE:
		return REPORT_SCALE_VALUES;
	case Q_TRIAD:
		return (REPORT_TRIAD_GRID + 1) * (REPORT_TRIAD_GRID + 1);
	default:
		return 0;
	}
}

static int
setup(struct report *r, const struct form *f, const struct report_opts *o, struct err *e)
{
	r->f = f;
	r->o = o;
	r->by = -1;
	r->lang = o->lang != NULL ? o->lang : f->nlanguages ? f->languages[0] : "en";
	if (!form_has_language(f, r->lang)) {
		char *langs = xstrdup("");

		for (size_t i = 0; i < f->nlanguages; i++) {
			char *next = xasprintf("%s%s%s", langs, i ? ", " : "", f->languages[i]);

			free(langs);
			langs = next;
		}
		err_set(e, "--lang %s: the form has no such language (it has %s)", r->lang, langs);
		free(langs);
		return -1;
	}
	r->form_id = f->id;
	if (o->form_id != NULL && strcmp(o->form_id, f->id) != 0)
		return err_set(e,
		    "--form %s does not match the form file, which is form \"%s\" (give the file "
		    "of form %s with --form-file)",
		    o->form_id, f->id, o->form_id);
	if (f->ntiers < 2 && o->consent == NULL)
		r->consent = NULL; /* one tier: nothing is quoted */
	else {
		r->consent = o->consent != NULL ? o->consent : f->tiers[1].id;
		r->consent_rank = form_tier_rank(f, r->consent);
		if (r->consent_rank < 0) {
			char *tiers = xstrdup("");

			for (size_t i = 0; i < f->ntiers; i++) {
				char *next =
				    xasprintf("%s%s%s", tiers, i ? ", " : "", f->tiers[i].id);

				free(tiers);
				tiers = next;
			}
			err_set(e,
			    "--consent %s: the form has no such tier (its tiers, most "
			    "restrictive first: %s)",
			    r->consent, tiers);
			free(tiers);
			return -1;
		}
		if (r->consent_rank == 0)
			return err_set(e,
			    "--consent %s: that is the form's most restrictive tier; its stories "
			    "are "
			    "for analysis only and are never quoted (choose %s or a more open "
			    "tier)",
			    r->consent, f->ntiers > 1 ? f->tiers[1].id : "a more open tier");
	}
	if (o->since != NULL && !valid_date(o->since))
		return err_set(e, "--since %s: give a date as YYYY-MM-DD", o->since);
	if (o->until != NULL && !valid_date(o->until))
		return err_set(e, "--until %s: give a date as YYYY-MM-DD", o->until);
	if (o->since != NULL && o->until != NULL && strcmp(o->since, o->until) > 0)
		return err_set(e, "--since %s is after --until %s", o->since, o->until);
	if (o->by != NULL) {
		const struct question *q = form_question(f, o->by);

		if (q == NULL)
			return question_unknown(f, "--by", o->by, is_choice, e);
		if (q->type != Q_CHOICE) {
			char *ids = list_ids(f, is_choice);

			err_set(e,
			    "--by %s: it is a %s question; groups come from a choice question (%s)",
			    q->id, question_type_name(q->type), ids);
			free(ids);
			return -1;
		}
		r->by = (int)(q - f->questions);
	}
	r->ngroups = 1 + (r->by >= 0 ? f->questions[r->by].nchoices : 0);
	r->where = xcalloc(o->nwhere ? o->nwhere : 1, sizeof *r->where);
	for (size_t i = 0; i < o->nwhere; i++) {
		if (parse_where(r, o->where[i], &r->where[i], e) == -1)
			return -1;
		r->nwhere++;
	}

	r->nq = f->nquestions;
	r->qs = xcalloc(r->nq ? r->nq : 1, sizeof *r->qs);
	for (size_t i = 0; i < r->nq; i++) {
		struct report_q *rq = &r->qs[i];
		size_t nc = cell_counts(&f->questions[i]);

		rq->q = &f->questions[i];
		rq->is_by = (int)i == r->by;
		rq->cell = xcalloc(r->ngroups, sizeof *rq->cell);
		for (size_t g = 0; g < r->ngroups; g++)
			rq->cell[g].counts = xcalloc(nc ? nc : 1, sizeof *rq->cell[g].counts);
		if (rq->q->type == Q_NUMBER)
			rq->values = tally_new(r->ngroups);
		if (rq->q->type == Q_TRIAD && r->by >= 0)
			rq->sample = stats_reservoir_new(REPORT_TRIAD_SAMPLE, 1 + i);
		if (rq->q->type == Q_TEXT)
			rq->quotes = xcalloc(REPORT_TEXT_LIST, sizeof *rq->quotes);
	}
	r->forms = tally_new(1);
	r->kiosks = tally_new(1);
	r->langs = tally_new(1);
	r->prompts = tally_new(1);
	r->tiers = tally_new(1);
	r->sources = tally_new(1);
	r->statuses = tally_new(1);
	r->days = tally_new(1);
	r->group_quotable = xcalloc(r->ngroups, sizeof *r->group_quotable);
	r->picks = xcalloc(r->ngroups, sizeof *r->picks);
	r->npicks = xcalloc(r->ngroups, sizeof *r->npicks);
	if (o->stories > 0)
		for (size_t g = 0; g < r->ngroups; g++)
			r->picks[g] = xcalloc(o->stories, sizeof *r->picks[g]);
	return 0;
}

/* ---- the counting pass ---- */

struct pass {
	struct report *r;
	struct report_story *rs;
};

size_t
report_triad_point(const double p[3])
{
	long i = lround(p[0] * REPORT_TRIAD_GRID), j = lround(p[1] * REPORT_TRIAD_GRID);

	if (i < 0)
		i = 0;
	if (i > REPORT_TRIAD_GRID)
		i = REPORT_TRIAD_GRID;
	if (j < 0)
		j = 0;
	if (i + j > REPORT_TRIAD_GRID)
		j = REPORT_TRIAD_GRID - i;
	return (size_t)i * (REPORT_TRIAD_GRID + 1) + (size_t)j;
}

size_t
report_triad_cell(const double p[3])
{
	size_t pt = report_triad_point(p);
	long i = (long)(pt / (REPORT_TRIAD_GRID + 1)), j = (long)(pt % (REPORT_TRIAD_GRID + 1));
	long ci = lround(10.0 * (double)i / REPORT_TRIAD_GRID);
	long cj = lround(10.0 * (double)j / REPORT_TRIAD_GRID);

	/* as report-svg.c shades the grid: the nearest tenth of each */
	if (ci + cj > 10)
		cj = 10 - ci;
	return (size_t)(ci * 11 + cj);
}

double
report_number_edge(const struct report_q *rq, size_t i)
{
	return rq->bin_lo + rq->bin_width * (double)i;
}

size_t
report_number_bin(const struct report_q *rq, double v)
{
	double b = floor((v - rq->bin_lo) / rq->bin_width);
	size_t i = !(b > 0) ? 0 : b >= (double)rq->nbins ? rq->nbins - 1 : (size_t)b;

	/* exactly as the page's links test it: edge(i) <= v < edge(i + 1) */
	while (i > 0 && v < report_number_edge(rq, i))
		i--;
	while (i + 1 < rq->nbins && v >= report_number_edge(rq, i + 1))
		i++;
	return i;
}

static int
where_holds(const struct report *r, const struct report_story *rs)
{
	for (size_t i = 0; i < r->nwhere; i++) {
		const struct report_where *w = &r->where[i];
		const struct report_answer *a = &rs->a[w->q];

		if (a->state != REPORT_GIVEN)
			return 0;
		switch (r->f->questions[w->q].type) {
		case Q_CHOICE:
			if (a->choice != w->choice)
				return 0;
			break;
		case Q_MULTI:
			if (!a->picked[w->choice])
				return 0;
			break;
		default:
			if (a->num < w->lo || a->num > w->hi)
				return 0;
		}
	}
	return 1;
}

/* 1 when the story is one the report is about (form, dates, --where), with
 * its answers read into rs; counts why not in r. */
static int
selected(struct report *r, const struct hub_story *s, struct report_story *rs)
{
	if (s->form == NULL || strcmp(s->form, r->form_id) != 0) {
		r->other_form++;
		tally_add(r->forms, s->form, 0, 0);
		return 0;
	}
	if ((r->o->since != NULL &&
	        (s->created == NULL || strncmp(s->created, r->o->since, 10) < 0)) ||
	    (r->o->until != NULL &&
	        (s->created == NULL || strncmp(s->created, r->o->until, 10) > 0))) {
		r->out_of_dates++;
		return 0;
	}
	if (report_read(rs, r->f, s->answers) == -1) {
		r->unreadable++;
		return 0;
	}
	if (!where_holds(r, rs)) {
		r->filtered++;
		return 0;
	}
	return 1;
}

static int
quotable(const struct report *r, const struct hub_story *s)
{
	return r->consent != NULL && form_tier_rank(r->f, s->consent) >= r->consent_rank;
}

static size_t
story_group(const struct report *r, const struct report_story *rs)
{
	if (r->by < 0 || rs->a[r->by].state != REPORT_GIVEN)
		return 0;
	return 1 + (size_t)rs->a[r->by].choice;
}

static void
count_cell(struct report_q *rq, struct report_cell *c, const struct report_answer *a)
{
	const struct question *q = rq->q;

	c->seen++;
	if (a->state == REPORT_INVALID)
		c->invalid++;
	if (a->state != REPORT_GIVEN)
		return;
	c->answered++;
	switch (q->type) {
	case Q_CHOICE:
		c->counts[a->choice]++;
		break;
	case Q_MULTI:
		for (size_t i = 0; i < q->nchoices; i++)
			c->counts[i] += a->picked[i];
		break;
	case Q_SCALE:
		c->counts[lround(a->num)]++;
		break;
	case Q_TRIAD: {
		double rep[3], clr[3];
		int zeros = stats_triad_replace(a->triad, REPORT_TRIAD_DELTA, rep);

		c->counts[report_triad_point(a->triad)]++;
		if (zeros < 0)
			break;
		c->zeros += zeros > 0;
		stats_clr(rep, clr);
		for (int j = 0; j < 3; j++) {
			c->logsum[j] += log(rep[j]);
			c->clrsum[j] += clr[j];
			c->clrsq += clr[j] * clr[j];
		}
		break;
	}
	default:
		break;
	}
}

static void
count_question(
    struct report *r, size_t qi, const struct report_story *rs, size_t g, int quote, uint64_t hash)
{
	struct report_q *rq = &r->qs[qi];
	const struct report_answer *a = &rs->a[qi];

	if (a->state == REPORT_ABSENT)
		return;
	if (!report_read_shown(r->f, rs, qi) && a->state != REPORT_GIVEN)
		return;
	count_cell(rq, &rq->cell[0], a);
	if (g > 0)
		count_cell(rq, &rq->cell[g], a);
	if (a->state != REPORT_GIVEN)
		return;
	if (rq->q->type == Q_NUMBER) {
		char key[40];

		snprintf(key, sizeof key, "%.17g", a->num);
		tally_add(rq->values, key, a->num, g);
	}
	if (rq->sample != NULL && g > 0) {
		double rep[3], clr[3];

		if (stats_triad_replace(a->triad, REPORT_TRIAD_DELTA, rep) >= 0) {
			stats_clr(rep, clr);
			stats_reservoir_add(rq->sample, clr, (int)g - 1);
		}
	}
	if (rq->q->type == Q_TEXT && quote && a->len > 0) {
		rq->quotable++;
		quote_push(rq, REPORT_TEXT_LIST, hash, a->text, a->len);
	}
}

/* The story's card into the spool (and, with --stories, among its group's
 * picks). */
static int
spool_card(struct report *r, const struct hub_story *s, const struct report_story *rs, size_t g,
    uint64_t hash, struct err *e)
{
	struct report_pick pick = { hash, 0, 0 };
	off_t at = ftello(r->spool);

	report_html_card(r, r->spool, s, rs, (int)g);
	if (at == -1 || ferror(r->spool))
		return err_set(e, "cannot write the stories aside: %s", strerror(errno));
	pick.off = (uint64_t)at;
	pick.len = (uint64_t)(ftello(r->spool) - at);
	if (r->o->stories > 0)
		pick_push(r->picks[g], &r->npicks[g], r->o->stories, pick);
	return 0;
}

static int
gather(const struct hub_story *s, void *ctx, struct err *e)
{
	struct pass *p = ctx;
	struct report *r = p->r;
	uint64_t hash = 0;
	size_t g;
	int quote;
	char day[11];

	r->in_store++;
	if (!selected(r, s, p->rs))
		return 0;
	r->selected++;
	g = story_group(r, p->rs);
	r->no_group += r->by >= 0 && g == 0;
	quote = quotable(r, s);
	tally_add(r->kiosks, s->kiosk_id, 0, 0);
	tally_add(r->langs, s->lang, 0, 0);
	tally_add(r->prompts, s->prompt, 0, 0);
	tally_add(r->tiers, s->consent, 0, 0);
	tally_add(r->sources, s->source, 0, 0);
	tally_add(r->statuses, s->status, 0, 0);
	snprintf(day, sizeof day, "%s", s->created != NULL ? s->created : "");
	tally_add(r->days, valid_date(day) ? day : "unknown", 0, 0);
	if (quote) {
		r->quotable++;
		r->group_quotable[g]++;
		hash = story_hash(s->story_id);
	}
	for (size_t i = 0; i < r->nq; i++)
		count_question(r, i, p->rs, g, quote, hash);
	if (quote &&
	    (r->o->stories == 0 || pick_wanted(r->picks[g], r->npicks[g], r->o->stories, hash)))
		return spool_card(r, s, p->rs, g, hash, e);
	return 0;
}

static int
add_kiosk_name(const struct hub_kiosk *k, void *ctx, struct err *e)
{
	struct report *r = ctx;
	char hex[KEY_ID_HEX];

	(void)e;
	keys_id_hex(k->id, hex);
	r->kiosk_names = xreallocarray(r->kiosk_names, r->nkiosk_names + 1, sizeof *r->kiosk_names);
	r->kiosk_names[r->nkiosk_names++] = xasprintf("%s\t%s", hex, k->name);
	return 0;
}

const char *
report_kiosk_name(const struct report *r, const char *id)
{
	size_t len = strlen(id);

	for (size_t i = 0; i < r->nkiosk_names; i++)
		if (strncmp(r->kiosk_names[i], id, len) == 0 && r->kiosk_names[i][len] == '\t')
			return r->kiosk_names[i][len + 1] ? r->kiosk_names[i] + len + 1 : NULL;
	return NULL;
}

const char *
report_group_label(const struct report *r, size_t g)
{
	if (g == 0 || r->by < 0)
		return "no answer";
	return form_text(&r->f->questions[r->by].choices[g - 1].label, r->lang);
}

/* ---- worked out from the counts ---- */

/* A bin width of 1, 2, 2.5 or 5 times a power of ten near raw. */
static double
nice_width(double raw)
{
	double p = pow(10, floor(log10(raw))), m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

static void
number_bins(struct report_q *rq)
{
	struct report_tally *t = rq->values;
	double lo, hi;
	int integers = 1;

	rq->nbins = 1;
	rq->bin_width = 1;
	rq->bin_lo = 0;
	if (t->nrows == 0)
		return;
	lo = t->rows[0].num;
	hi = t->rows[t->nrows - 1].num;
	for (size_t i = 0; i < t->nrows; i++)
		integers &= t->rows[i].num == floor(t->rows[i].num);
	if (integers && hi - lo <= 40) {
		rq->bin_lo = lo - 0.5;
		rq->nbins = (size_t)(hi - lo) + 1;
		return;
	}
	rq->bin_width = nice_width((hi - lo) / 15);
	rq->bin_lo = floor(lo / rq->bin_width) * rq->bin_width;
	rq->nbins = (size_t)floor((hi - rq->bin_lo) / rq->bin_width) + 1;
}

static void
finish_question(struct report *r, struct report_q *rq)
{
	const struct question *q = rq->q;

	if (q->type == Q_SCALE) {
		double v[REPORT_SCALE_VALUES];

		for (int i = 0; i < REPORT_SCALE_VALUES; i++)
			v[i] = i;
		for (size_t g = 0; g < r->ngroups; g++)
			stats_summarise(
			    v, rq->cell[g].counts, REPORT_SCALE_VALUES, &rq->cell[g].sum);
	} else if (q->type == Q_NUMBER) {
		struct report_tally *t = rq->values;
		double *v;
		uint64_t *c;

		tally_sort(t, cmp_row_num);
		number_bins(rq);
		v = xcalloc(t->nrows ? t->nrows : 1, sizeof *v);
		c = xcalloc(t->nrows ? t->nrows : 1, sizeof *c);
		for (size_t i = 0; i < t->nrows; i++)
			v[i] = t->rows[i].num;
		for (size_t g = 0; g < r->ngroups; g++) {
			for (size_t i = 0; i < t->nrows; i++)
				c[i] = t->rows[i].n[g];
			stats_summarise(v, c, t->nrows, &rq->cell[g].sum);
		}
		free(v);
		free(c);
	} else if (q->type == Q_TRIAD) {
		for (size_t g = 0; g < r->ngroups; g++) {
			struct report_cell *c = &rq->cell[g];

			stats_triad_centre(c->logsum, c->answered, c->centre);
		}
	} else if (q->type == Q_TEXT)
		qsort(rq->quotes, rq->nquotes, sizeof *rq->quotes, cmp_quote);
}

static void
finish(struct report *r)
{
	for (size_t i = 0; i < r->nq; i++)
		finish_question(r, &r->qs[i]);
	tally_sort(r->kiosks, cmp_row_count);
	tally_sort(r->langs, cmp_row_count);
	tally_sort(r->prompts, cmp_row_count);
	tally_sort(r->tiers, cmp_row_count);
	tally_sort(r->sources, cmp_row_count);
	tally_sort(r->statuses, cmp_row_count);
	tally_sort(r->days, cmp_row_key);
	tally_sort(r->forms, cmp_row_count);
}

/* ---- the cards ---- */

/* A nameless file for the cards, in the page's own directory (the same
 * disk and the same people as the page; a story never goes to /tmp): made
 * 0600 by mkstemp and unlinked at once, so it goes when it is closed,
 * even if the command is killed. */
static int
spool_open(struct report *r, const char *out, struct err *e)
{
	const char *slash = strrchr(out, '/');
	char *tmpl = slash != NULL ?
	    xasprintf("%.*s/.storyhub-report-XXXXXX", (int)(slash - out), out) :
	    xstrdup(".storyhub-report-XXXXXX");
	int fd = mkstemp(tmpl);

	if (fd == -1) {
		err_set(e, "cannot make a file next to %s: %s", out, strerror(errno));
		free(tmpl);
		return -1;
	}
	unlink(tmpl);
	free(tmpl);
	if ((r->spool = fdopen(fd, "w+")) == NULL) {
		close(fd);
		return err_set(e, "cannot make a file next to %s: %s", out, strerror(errno));
	}
	setvbuf(r->spool, NULL, _IOFBF, REPORT_IO_BUFFER);
	return 0;
}

static int
cmp_pick_off(const void *a, const void *b)
{
	uint64_t x = ((const struct report_pick *)a)->off, y = ((const struct report_pick *)b)->off;

	return x < y ? -1 : x > y;
}

/* Copy len bytes at off of the spool to fp (len UINT64_MAX: to the end). */
static int
copy_span(FILE *spool, uint64_t off, uint64_t len, FILE *fp)
{
	static char buf[REPORT_IO_BUFFER];

	if (fseeko(spool, (off_t)off, SEEK_SET) == -1)
		return -1;
	while (len > 0) {
		size_t want = len < sizeof buf ? (size_t)len : sizeof buf, got;

		got = fread(buf, 1, want, spool);
		if (got == 0)
			return ferror(spool) ? -1 : 0;
		if (fwrite(buf, 1, got, fp) != got)
			return -1;
		len -= got;
	}
	return 0;
}

int
report_cards_copy(struct report *r, FILE *fp, struct err *e)
{
	struct report_pick *all = NULL;
	size_t n = 0;
	int rv = 0;

	if (fflush(r->spool) == EOF)
		return err_set(e, "cannot read the stories back: %s", strerror(errno));
	if (r->o->stories == 0) {
		r->cards = r->quotable;
		if (copy_span(r->spool, 0, UINT64_MAX, fp) == -1)
			rv = err_set(
			    e, "cannot copy the stories into the page: %s", strerror(errno));
		return rv;
	}
	for (size_t g = 0; g < r->ngroups; g++)
		n += r->npicks[g];
	all = xcalloc(n ? n : 1, sizeof *all);
	n = 0;
	for (size_t g = 0; g < r->ngroups; g++) {
		memcpy(&all[n], r->picks[g], r->npicks[g] * sizeof *all);
		n += r->npicks[g];
	}
	qsort(all, n, sizeof *all, cmp_pick_off);
	for (size_t i = 0; i < n && rv == 0; i++)
		if (copy_span(r->spool, all[i].off, all[i].len, fp) == -1)
			rv = err_set(
			    e, "cannot copy the stories into the page: %s", strerror(errno));
	r->cards = n;
	free(all);
	return rv;
}

/* ---- the whole ---- */

static void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->nq; i++) {
		struct report_q *rq = &r->qs[i];

		for (size_t g = 0; g < r->ngroups && rq->cell != NULL; g++)
			free(rq->cell[g].counts);
		free(rq->cell);
		tally_free(rq->values);
		stats_reservoir_free(rq->sample);
		for (size_t j = 0; j < rq->nquotes; j++) {
			sodium_memzero(rq->quotes[j].text, strlen(rq->quotes[j].text));
			free(rq->quotes[j].text);
		}
		free(rq->quotes);
	}
	free(r->qs);
	free(r->where);
	tally_free(r->forms);
	tally_free(r->kiosks);
	tally_free(r->langs);
	tally_free(r->prompts);
	tally_free(r->tiers);
	tally_free(r->sources);
	tally_free(r->statuses);
	tally_free(r->days);
	for (size_t i = 0; i < r->nkiosk_names; i++)
		free(r->kiosk_names[i]);
	free(r->kiosk_names);
	for (size_t g = 0; g < r->ngroups && r->picks != NULL; g++)
		free(r->picks[g]);
	free(r->picks);
	free(r->npicks);
	if (r->spool != NULL)
		fclose(r->spool);
	free(r->group_quotable);
	for (size_t i = 0; i < r->ntests; i++)
		free(r->tests[i].pattern);
	free(r->tests);
	free(r->patterns);
}

/* Why nothing is selected, in a sentence that says what to do. */
static int
nothing_selected(const struct report *r, struct err *e)
{
	if (r->in_store == 0)
		return err_set(e,
		    "no stories match: the store holds no stories (import bundles "
		    "first); no report written");
	if (r->other_form == r->in_store) {
		const struct report_row *top = &r->forms->rows[0];

		return err_set(e,
		    "the form file is form \"%s\", but the store holds no story of it (%llu of "
		    "form \"%s\"%s): give that form's file with --form-file; no report written",
		    r->form_id, (unsigned long long)top->n[0], top->key,
		    r->forms->nrows > 1 ? " and others" : "");
	}
	return err_set(e,
	    "no stories match the selection (%llu of form \"%s\": %llu outside the dates, "
	    "%llu left out by --where, %llu unreadable); no report written",
	    (unsigned long long)(r->in_store - r->other_form), r->form_id,
	    (unsigned long long)r->out_of_dates, (unsigned long long)r->filtered,
	    (unsigned long long)r->unreadable);
}

static int
write_page(struct report *r, const char *out, struct report_charts *charts, struct err *e)
{
	struct fsutil_atomic a;
	FILE *fp;
	int fd, rv;

	if (fsutil_atomic_open(&a, out, 0600, e) == -1)
		return -1;
	if ((fd = dup(a.fd)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		fsutil_atomic_abort(&a);
		return err_set(e, "%s: %s", out, strerror(errno));
	}
	setvbuf(fp, NULL, _IOFBF, REPORT_IO_BUFFER);
	rv = report_html_write(r, fp, charts, e);
	if (rv == 0 && (fflush(fp) == EOF || ferror(fp)))
		rv = err_set(e, "cannot write %s: %s", out, strerror(errno));
	if (fclose(fp) == EOF && rv == 0)
		rv = err_set(e, "cannot write %s: %s", out, strerror(errno));
	if (rv == -1) {
		fsutil_atomic_abort(&a);
		return -1;
	}
	return fsutil_atomic_commit(&a, 0, e);
}

int
report_make(struct hubstore *hs, const struct form *f, const struct report_opts *o, const char *out,
    uint64_t *nselected, struct err *e)
{
	struct report r = { 0 };
	struct report_charts charts = { 0 };
	struct pass p = { &r, NULL };
	int rv = -1;

	*nselected = 0;
	if (setup(&r, f, o, e) == -1)
		goto out;
	if ((p.rs = report_read_new(f, e)) == NULL || spool_open(&r, out, e) == -1)
		goto out;
	if (hs->ops->kiosk_foreach(hs, add_kiosk_name, &r, e) == -1 ||
	    hs->ops->story_foreach(hs, gather, &p, e) == -1)
		goto out;
	if (r.selected == 0) {
		nothing_selected(&r, e);
		goto out;
	}
	if (o->svg_dir != NULL && fsutil_mkdir(o->svg_dir, 0755, e) == -1)
		goto out;
	finish(&r);
	report_compare(&r);
	charts.keep = o->svg_dir != NULL;
	if (write_page(&r, out, &charts, e) == -1)
		goto out;
	for (size_t i = 0; i < charts.n; i++) {
		char *path = fsutil_join(o->svg_dir, charts.v[i].name);
		int bad =
		    fsutil_write_atomic(path, charts.v[i].svg, strlen(charts.v[i].svg), 0644, 0, e);

		free(path);
		if (bad == -1)
			goto out;
	}
	*nselected = r.selected;
	rv = 0;
out:
	report_charts_free(&charts);
	report_read_free(p.rs);
	report_free(&r);
	return rv;
}
