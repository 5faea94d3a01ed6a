/* hub-export: CSV and JSON exports. CSV fields are quoted per RFC 4180 and
 * lines end in CRLF. After the question columns, CSV has a column
 * Q_untouched per scale and triad question: 1 when the participant accepted
 * the marker where it started, 0 when they moved it, empty when there is no
 * answer or the story's kiosk did not record it. Both formats have "scribe"
 * after "source": the initials of the scribe who typed a story of source
 * "scribe", empty (null in JSON) for the others.
 *
 * The CSV is one pass over the stories: its columns come from the store's
 * list of question types (types_foreach), and each story's answers are read
 * with payread_each (SQLite's JSON parser, no copy of the text) rather than
 * built into a jansson tree; text that needs no neutralising (nearly all)
 * is written as it is. The JSON export builds each object with jansson. */
#include "hub-export.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payread.h"
#include "utf8.h"
#include "xmalloc.h"

struct column {
	char *qid;
	char *type;
	const struct question *q; /* multi: the form's question (its choices), or NULL */
};

/* One story's answer to a column, copied out of payread_each's row. */
struct cell {
	int set;
	enum payread_kind kind;
	size_t off, len; /* text in the row buffer */
	long long integer;
	double real;
};

struct exporter {
	const struct hub_export_opts *o;
	FILE *out;
	struct column *cols;
	size_t ncols;
	size_t n;
	int min_rank;
	/* CSV rows */
	struct payread *rd;
	struct cell *cells;
	char *buf; /* the texts of the row's cells */
	size_t len, cap;
	char **items; /* an array's strings (multi), pointing into buf */
	size_t nitems, capitems;
	double triad[3];
	size_t ntriad;
	int triad_bad;
	int untouched_hit; /* the untouched list holds the column's id */
	const char *want;  /* the id looked for in the untouched list */
};

/* scribe: the initials of the scribe who typed the story (source "scribe"),
 * empty for the others. */
static const char *fixed[] = { "story_id", "code", "kiosk", "form", "form_version", "status",
	"source", "scribe", "lang", "consent", "prompt", "created", "saved", "imported",
	"conflict" };
#define NFIXED (sizeof fixed / sizeof fixed[0])

int
hub_export_tiers_parse(const char *list, char ***tiers, size_t *n, struct err *e)
{
	const char *p = list;

	*tiers = NULL;
	*n = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		if (len == 0) {
			hub_export_tiers_free(*tiers, *n);
			*tiers = NULL;
			*n = 0;
			return err_set(e, "empty tier name in \"%s\"", list);
		}
		*tiers = xreallocarray(*tiers, *n + 1, sizeof **tiers);
		(*tiers)[(*n)++] = xstrndup(p, len);
		p += len;
		if (*p == ',')
			p++;
	}
	if (*n == 0)
		return err_set(e, "no tiers given");
	return 0;
}

void
hub_export_tiers_free(char **tiers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tiers[i]);
	free(tiers);
}

static int
tier_rank(const struct hub_export_opts *o, const char *tier)
{
	for (size_t i = 0; i < o->ntiers; i++)
		if (tier != NULL && strcmp(o->tiers[i], tier) == 0)
			return (int)i;
	return -1;
}

static int
wanted(const struct exporter *x, const struct hub_story *s)
{
	if (x->o->form != NULL && strcmp(s->form, x->o->form) != 0)
		return 0;
	if (x->o->consent != NULL) {
		int r = tier_rank(x->o, s->consent);

		if (r < 0 || r < x->min_rank)
			return 0;
	}
	return 1;
}

/* Add the questions of one types object (form order) not seen before. */
static int
gather_columns(const char *form, const char *types, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	json_t *t, *v;
	const char *qid;

	(void)e;
	if (x->o->form != NULL && strcmp(form, x->o->form) != 0)
		return 0;
	if ((t = json_loads(types, 0, NULL)) == NULL)
		return 0;
	json_object_foreach(t, qid, v)
	{
		size_t i;

		for (i = 0; i < x->ncols; i++)
			if (strcmp(x->cols[i].qid, qid) == 0)
				break;
		if (i < x->ncols || !json_is_string(v))
			continue;
		x->cols = xreallocarray(x->cols, x->ncols + 1, sizeof *x->cols);
		memset(&x->cols[x->ncols], 0, sizeof x->cols[x->ncols]);
		x->cols[x->ncols].qid = xstrdup(qid);
		x->cols[x->ncols].type = xstrdup(json_string_value(v));
		x->ncols++;
	}
	json_decref(t);
	return 0;
}

/* With the form: the multi questions' choices, for their 0/1 columns. */
static void
attach_choices(struct exporter *x)
{
	const struct form *f = x->o->form_file;

	if (f == NULL)
		return;
	for (size_t i = 0; i < x->ncols; i++) {
		if (strcmp(x->cols[i].type, "multi") != 0)
			continue;
		for (size_t k = 0; k < f->nquestions; k++)
			if (f->questions[k].type == Q_MULTI &&
			    strcmp(f->questions[k].id, x->cols[i].qid) == 0)
				x->cols[i].q = &f->questions[k];
	}
}

/* A cell a spreadsheet would run as a formula (=, +, -, @, or a leading tab or
 * CR) gets a leading apostrophe, as OWASP advises for CSV; --raw turns it off
 * for R and pandas, which read the bytes exactly. */
static int
formula_like(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

static int
put(struct exporter *x, const char *s, size_t n)
{
	return n == 0 || fwrite(s, 1, n, x->out) == n ? 0 : -1;
}

/* s[0..n) as one RFC 4180 field: quoted when it holds a comma, quote, CR
 * or LF or starts or ends with a space; quotes doubled. */
static int
put_quoted(struct exporter *x, const char *s, size_t n)
{
	const char *q, *end = s + n;

	if (n == 0)
		return 0;
	if (s[0] != ' ' && s[n - 1] != ' ' && strpbrk(s, ",\"\r\n") == NULL)
		return put(x, s, n);
	if (put(x, "\"", 1) == -1)
		return -1;
	while ((q = memchr(s, '"', (size_t)(end - s))) != NULL) {
		if (put(x, s, (size_t)(q - s) + 1) == -1 || put(x, "\"", 1) == -1)
			return -1;
		s = q + 1;
	}
	if (put(x, s, (size_t)(end - s)) == -1)
		return -1;
	return put(x, "\"", 1);
}

/* One text cell (NUL-terminated s[0..n)), after a comma unless first.
 * Control characters, bidi overrides and the like never leave the hub raw:
 * a kiosk checks them away, but a compromised kiosk's signed bundle may
 * not. Text that needs nothing (nearly all) is not copied. */
static int
put_text(struct exporter *x, const char *s, size_t n, int first)
{
	char *safe = NULL;
	int rv, guard;

	if (!first && put(x, ",", 1) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (utf8_safe_prefix(s, n, 1) != n) {
		safe = utf8_neutralise(s, n, 1);
		s = safe;
		n = strlen(safe);
	}
	guard = (x->o == NULL || !x->o->raw) && formula_like(s);
	if (guard) {
		char *g = xasprintf("'%s", s);

		rv = put_quoted(x, g, n + 1);
		free(g);
	} else
		rv = put_quoted(x, s, n);
	free(safe);
	return rv;
}

static int
put_field(struct exporter *x, const char *s, int first)
{
	return put_text(x, s, s ? strlen(s) : 0, first);
}

/* A number cell: digits only, nothing to neutralise or guard (numbers may
 * be negative). NULL: empty. */
static int
put_number(struct exporter *x, const char *num, int first)
{
	if (!first && put(x, ",", 1) == -1)
		return -1;
	return num == NULL ? 0 : put(x, num, strlen(num));
}

/* A copy of v whose strings and keys are neutralised (see put_cell). */
static json_t *
json_neutralised(json_t *v)
{
	json_t *out, *item;
	const char *key;
	char *safe;
	size_t i;

	if (json_is_string(v)) {
		safe = utf8_neutralise(json_string_value(v), json_string_length(v), 1);
		out = json_string(safe);
		free(safe);
		return out;
	}
	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach(v, key, item)
		{
			safe = utf8_neutralise(key, strlen(key), 0);
			json_object_set_new(out, safe, json_neutralised(item));
			free(safe);
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, item) json_array_append_new(out, json_neutralised(item));
		return out;
	}
	return json_incref(v);
}

static void
number_text(double v, char out[32])
{
	snprintf(out, 32, "%.15g", v);
}

static int
has_marker(const struct column *c)
{
	return strcmp(c->type, "scale") == 0 || strcmp(c->type, "triad") == 0;
}

static int
is_multi(const struct column *c)
{
	return c->q != NULL;
}

static int
csv_header(struct exporter *x)
{
	for (size_t i = 0; i < NFIXED; i++)
		if (put_field(x, fixed[i], i == 0) == -1)
			return -1;
	for (size_t i = 0; i < x->ncols; i++) {
		if (strcmp(x->cols[i].type, "triad") == 0) {
			static const char *sfx[] = { "_1", "_2", "_3", "_x", "_y" };

			for (int j = 0; j < 5; j++) {
				char *h = xasprintf("%s%s", x->cols[i].qid, sfx[j]);
				int rv = put_field(x, h, 0);

				free(h);
				if (rv == -1)
					return -1;
			}
			continue;
		}
		if (put_field(x, x->cols[i].qid, 0) == -1)
			return -1;
		/* multi with the form: a 0/1 column per choice, as ODK writes */
		for (size_t c = 0; is_multi(&x->cols[i]) && c < x->cols[i].q->nchoices; c++) {
			char *h = xasprintf("%s_%s", x->cols[i].qid, x->cols[i].q->choices[c].id);
			int rv = put_field(x, h, 0);

			free(h);
			if (rv == -1)
				return -1;
		}
	}
	for (size_t i = 0; i < x->ncols; i++) {
		char *h;
		int rv;

		if (!has_marker(&x->cols[i]))
			continue;
		h = xasprintf("%s_untouched", x->cols[i].qid);
		rv = put_field(x, h, 0);
		free(h);
		if (rv == -1)
			return -1;
	}
	return put(x, "\r\n", 2);
}

/* Keep a copy of s[0..n) (and a NUL) in the row buffer; its offset. */
static size_t
keep(struct exporter *x, const char *s, size_t n)
{
	size_t off = x->len;

	if (x->len + n + 1 > x->cap) {
		x->cap = (x->len + n + 1) * 2;
		x->buf = xreallocarray(x->buf, x->cap, 1);
	}
	memcpy(x->buf + x->len, s, n);
	x->buf[x->len + n] = '\0';
	x->len += n + 1;
	return off;
}

/* An answer of the story: into its column's cell. */
static int
take_answer(const struct payread_value *v, void *ctx, struct err *e)
{
	struct exporter *x = ctx;

	(void)e;
	if (v->key == NULL)
		return 0;
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell *c = &x->cells[i];

		if (c->set || strcmp(x->cols[i].qid, v->key) != 0)
			continue;
		c->set = 1;
		c->kind = v->kind;
		c->integer = v->integer;
		c->real = v->real;
		if (v->text != NULL) {
			c->off = keep(x, v->text, v->len);
			c->len = v->len;
		}
		break;
	}
	return 0;
}

/* An item of an array answer (multi): its strings, kept in the buffer. */
static int
take_item(const struct payread_value *v, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	size_t off;

	(void)e;
	if (x->nitems == x->capitems) {
		x->capitems = x->capitems ? 2 * x->capitems : 8;
		x->items = xreallocarray(x->items, x->capitems, sizeof *x->items);
	}
	/* as the jansson export did: an item that is not a string is "" */
	off = keep(x, v->kind == PAYREAD_TEXT ? v->text : "", v->kind == PAYREAD_TEXT ? v->len : 0);
	x->items[x->nitems++] = (char *)(uintptr_t)off; /* made pointers once all are in */
	return 0;
}

static int
take_triad(const struct payread_value *v, void *ctx, struct err *e)
{
	struct exporter *x = ctx;

	(void)e;
	if (x->ntriad < 3)
		x->triad[x->ntriad] =
		    v->kind == PAYREAD_INTEGER || v->kind == PAYREAD_REAL ? v->real : 0.0;
	x->ntriad++;
	return 0;
}

static int
take_untouched(const struct payread_value *v, void *ctx, struct err *e)
{
	struct exporter *x = ctx;

	(void)e;
	if (v->kind == PAYREAD_TEXT && strcmp(v->text, x->want) == 0)
		x->untouched_hit = 1;
	return 0;
}

static const char *
cell_text(const struct exporter *x, const struct cell *c)
{
	return x->buf + c->off;
}

/* The items of array cell c (x->items), or -1. */
static int
read_items(struct exporter *x, const struct cell *c, struct err *e)
{
	size_t i;

	x->nitems = 0;
	if (payread_each(x->rd, cell_text(x, c), c->len, take_item, x, e) == -1)
		return -1;
	for (i = 0; i < x->nitems; i++)
		x->items[i] = x->buf + (uintptr_t)x->items[i];
	return 0;
}

static int
put_value(struct exporter *x, struct cell *c, struct err *e)
{
	char num[32], *joined;
	size_t i, n;
	int rv;

	if (!c->set)
		return put_number(x, NULL, 0);
	switch (c->kind) {
	case PAYREAD_TEXT:
		return put_text(x, cell_text(x, c), c->len, 0);
	case PAYREAD_INTEGER:
		snprintf(num, sizeof num, "%lld", c->integer);
		return put_number(x, num, 0);
	case PAYREAD_REAL:
		number_text(c->real, num);
		return put_number(x, num, 0);
	case PAYREAD_TRUE:
	case PAYREAD_FALSE:
		return put_field(x, c->kind == PAYREAD_TRUE ? "true" : "false", 0);
	case PAYREAD_ARRAY: /* multi: choice ids joined by ';' */
		if (read_items(x, c, e) == -1)
			return -1;
		for (i = 0, n = 0; i < x->nitems; i++)
			n += strlen(x->items[i]) + 1;
		joined = xmalloc(n + 1);
		joined[0] = '\0';
		for (i = 0, n = 0; i < x->nitems; i++) {
			size_t k = strlen(x->items[i]);

			if (i > 0)
				joined[n++] = ';';
			memcpy(joined + n, x->items[i], k + 1);
			n += k;
		}
		rv = put_text(x, joined, n, 0);
		free(joined);
		return rv;
	default:
		return put_number(x, NULL, 0);
	}
}

/* The multi's 0/1 columns: 1 if the choice was chosen, 0 if not, empty
 * when not answered (x->items holds the answer's items, from put_value). */
static int
put_choices(struct exporter *x, const struct column *col, const struct cell *c)
{
	for (size_t k = 0; k < col->q->nchoices; k++) {
		const char *v = NULL;

		if (c->set && c->kind == PAYREAD_ARRAY) {
			v = "0";
			for (size_t i = 0; i < x->nitems; i++)
				if (strcmp(x->items[i], col->q->choices[k].id) == 0)
					v = "1";
		}
		if (put_number(x, v, 0) == -1)
			return -1;
	}
	return 0;
}

static int
put_triad(struct exporter *x, const struct cell *c, struct err *e)
{
	char num[32];

	x->ntriad = 0;
	if (!c->set || c->kind != PAYREAD_ARRAY ||
	    payread_each(x->rd, cell_text(x, c), c->len, take_triad, x, e) == -1 ||
	    x->ntriad != 3) {
		for (int i = 0; i < 5; i++)
			if (put_number(x, NULL, 0) == -1)
				return -1;
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		number_text(x->triad[i], num);
		if (put_number(x, num, 0) == -1)
			return -1;
	}
	/* corners at (0,0), (1,0), (0.5, sqrt(3)/2) */
	number_text(x->triad[1] + x->triad[2] / 2, num);
	if (put_number(x, num, 0) == -1)
		return -1;
	number_text(x->triad[2] * sqrt(3.0) / 2, num);
	return put_number(x, num, 0);
}

/* Q_untouched for one story: "1", "0" or NULL (empty). */
static const char *
untouched_cell(struct exporter *x, const struct hub_story *s, const struct cell *c, const char *qid)
{
	struct err e;

	if (s->untouched == NULL || !c->set || c->kind == PAYREAD_NULL ||
	    strncmp(s->untouched, "[", 1) != 0)
		return NULL;
	x->want = qid;
	x->untouched_hit = 0;
	if (payread_each(x->rd, s->untouched, strlen(s->untouched), take_untouched, x, &e) == -1)
		return NULL;
	return x->untouched_hit ? "1" : "0";
}

static int
csv_row(const struct hub_story *s, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	char ver[24];
	int rv = -1;

	if (!wanted(x, s))
		return 0;
	snprintf(ver, sizeof ver, "%lld", s->form_version);
	const char *vals[NFIXED] = { s->story_id, s->code, s->kiosk_id, s->form, ver, s->status,
		s->source, s->scribe, s->lang, s->consent, s->prompt, s->created, s->saved,
		s->imported, s->conflict ? "1" : "0" };
	memset(x->cells, 0, x->ncols * sizeof *x->cells);
	x->len = 0;
	if (s->answers[0] != '\0' &&
	    payread_each(x->rd, s->answers, strlen(s->answers), take_answer, x, e) == -1)
		return -1;
	for (size_t i = 0; i < NFIXED; i++)
		if (put_field(x, vals[i], i == 0) == -1)
			goto out;
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell *c = &x->cells[i];

		if (strcmp(x->cols[i].type, "triad") == 0) {
			if (put_triad(x, c, e) == -1)
				goto out;
			continue;
		}
		x->nitems = 0;
		if (put_value(x, c, e) == -1 ||
		    (is_multi(&x->cols[i]) && put_choices(x, &x->cols[i], c) == -1))
			goto out;
	}
	for (size_t i = 0; i < x->ncols; i++)
		if (has_marker(&x->cols[i]) &&
		    put_number(x, untouched_cell(x, s, &x->cells[i], x->cols[i].qid), 0) == -1)
			goto out;
	if (put(x, "\r\n", 2) == -1)
		goto out;
	x->n++;
	rv = 0;
out:
	if (rv == -1 && e->msg[0] == '\0')
		err_set(e, "cannot write the export: %s", strerror(errno));
	return rv;
}

static int
json_row(const struct hub_story *s, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	json_t *obj, *answers, *untouched, *safe;
	int rv;

	if (!wanted(x, s))
		return 0;
	answers = json_loads(s->answers, 0, NULL);
	/* null: the story's kiosk did not record it */
	untouched = s->untouched != NULL ? json_loads(s->untouched, 0, NULL) : NULL;
	if (untouched != NULL && !json_is_array(untouched)) {
		json_decref(untouched);
		untouched = NULL;
	}
	obj = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s, s:s,"
	                " s:s, s:b, s:o, s:o?}",
	    "story_id", s->story_id, "code", s->code, "kiosk", s->kiosk_id, "form", s->form,
	    "form_version", (json_int_t)s->form_version, "status", s->status, "source", s->source,
	    "scribe", s->scribe, "lang", s->lang, "consent", s->consent, "prompt", s->prompt,
	    "created", s->created, "saved", s->saved, "imported", s->imported, "conflict",
	    s->conflict, "answers", answers ? answers : json_object(), "untouched", untouched);
	if (obj == NULL)
		return err_set(e, "cannot build the JSON for story %s", s->story_id);
	safe = json_neutralised(obj);
	json_decref(obj);
	obj = safe;
	rv = fputs(x->n ? ",\n" : "\n", x->out) == EOF ||
	        json_dumpf(obj, x->out, JSON_COMPACT | JSON_REAL_PRECISION(15)) == -1 ?
	    -1 :
	    0;
	json_decref(obj);
	if (rv == -1)
		return err_set(e, "cannot write the export: %s", strerror(errno));
	x->n++;
	return 0;
}

int
hub_export(
    struct hubstore *hs, const struct hub_export_opts *o, FILE *out, size_t *n, struct err *e)
{
	struct exporter x = { .o = o, .out = out };
	int rv = -1;

	*n = 0;
	if (o->consent != NULL && (x.min_rank = tier_rank(o, o->consent)) < 0) {
		char *list = xstrdup("");

		for (size_t i = 0; i < o->ntiers; i++) {
			char *next = xasprintf("%s%s%s", list, i ? ", " : "", o->tiers[i]);

			free(list);
			list = next;
		}
		err_set(e,
		    "unknown consent tier \"%s\" (tiers, most restrictive first: %s; "
		    "change them with --tiers)",
		    o->consent, list);
		free(list);
		return -1;
	}
	if (o->format == HUB_EXPORT_CSV) {
		if (hs->ops->types_foreach(hs, gather_columns, &x, e) == -1 ||
		    payread_open(&x.rd, e) == -1)
			goto out;
		attach_choices(&x);
		x.cells = xcalloc(x.ncols ? x.ncols : 1, sizeof *x.cells);
		if ((o->bom && fputs("\xef\xbb\xbf", out) == EOF) || csv_header(&x) == -1) {
			err_set(e, "cannot write the export: %s", strerror(errno));
			goto out;
		}
		if (hs->ops->story_foreach(hs, csv_row, &x, e) == -1)
			goto out;
	} else {
		if (fputc('[', out) == EOF) {
			err_set(e, "cannot write the export: %s", strerror(errno));
			goto out;
		}
		if (hs->ops->story_foreach(hs, json_row, &x, e) == -1)
			goto out;
		if (fputs(x.n ? "\n]\n" : "]\n", out) == EOF) {
			err_set(e, "cannot write the export: %s", strerror(errno));
			goto out;
		}
	}
	if (fflush(out) == EOF) {
		err_set(e, "cannot write the export: %s", strerror(errno));
		goto out;
	}
	*n = x.n;
	rv = 0;
out:
	for (size_t i = 0; i < x.ncols; i++) {
		free(x.cols[i].qid);
		free(x.cols[i].type);
	}
	free(x.cols);
	free(x.cells);
	if (x.buf != NULL)
		sodium_memzero(x.buf, x.cap); /* story text */
	free(x.buf);
	free(x.items);
	payread_close(x.rd);
	return rv;
}

static int
codebook_row(struct exporter *x, const char *column, const char *qid, const char *type,
    const char *text, const char *values)
{
	if (put_field(x, column, 1) == -1 || put_field(x, qid, 0) == -1 ||
	    put_field(x, type, 0) == -1 || put_field(x, text, 0) == -1 ||
	    put_field(x, values, 0) == -1)
		return -1;
	return fputs("\r\n", x->out) == EOF ? -1 : 0;
}

int
hub_export_codebook(const struct form *f, const char *lang, FILE *out, struct err *e)
{
	struct exporter x = { .out = out };
	int rv = -1;

	if (lang == NULL)
		lang = f->nlanguages ? f->languages[0] : "en";
	if (codebook_row(&x, "column", "question", "type", "text", "values") == -1)
		goto out;
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct question *q = &f->questions[i];
		const char *type = question_type_name(q->type);
		const char *text = form_text(&q->text, lang);
		char *values = NULL;

		if (q->type == Q_TRIAD) {
			static const char *sfx[] = { "_1", "_2", "_3" };

			for (int c = 0; c < 3; c++) {
				char *col = xasprintf("%s%s", q->id, sfx[c]);
				char *v = xasprintf("proportion for corner %d: %s", c + 1,
				    form_text(&q->corners[c], lang));
				int r = codebook_row(&x, col, q->id, type, text, v);

				free(col);
				free(v);
				if (r == -1)
					goto out;
			}
			char *cx = xasprintf("%s_x", q->id), *cy = xasprintf("%s_y", q->id);
			int r = codebook_row(&x, cx, q->id, type, text,
			            "x of the point; corners (0,0), (1,0), (0.5,0.866)") == -1 ||
			    codebook_row(&x, cy, q->id, type, text, "y of the point") == -1;

			free(cx);
			free(cy);
			if (r)
				goto out;
			continue;
		}
		if (q->type == Q_SCALE)
			values = xasprintf("0 = %s; 100 = %s", form_text(&q->poles[0], lang),
			    form_text(&q->poles[1], lang));
		else if (q->type == Q_CHOICE || q->type == Q_MULTI) {
			values = xstrdup(q->type == Q_MULTI ? "ids joined by ';': " : "");
			for (size_t c = 0; c < q->nchoices; c++) {
				char *next = xasprintf("%s%s%s = %s", values, c ? "; " : "",
				    q->choices[c].id, form_text(&q->choices[c].label, lang));

				free(values);
				values = next;
			}
		} else if (q->type == Q_NUMBER && (q->has_min || q->has_max))
			values = xasprintf("%g to %g", q->min, q->max);
		if (codebook_row(&x, q->id, q->id, type,
		        q->type == Q_STORY ? "(the story; its prompt is in the prompt column)" :
		                             text,
		        values ? values : "") == -1) {
			free(values);
			goto out;
		}
		free(values);
		for (size_t c = 0; q->type == Q_MULTI && c < q->nchoices; c++) {
			char *col = xasprintf("%s_%s", q->id, q->choices[c].id);
			char *v = xasprintf("1 = chose %s (%s); 0 = answered without it; empty = "
			                    "not answered",
			    q->choices[c].id, form_text(&q->choices[c].label, lang));
			int r = codebook_row(&x, col, q->id, type, text, v);

			free(col);
			free(v);
			if (r == -1)
				goto out;
		}
	}
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct question *q = &f->questions[i];
		char *col;
		int r;

		if (q->type != Q_SCALE && q->type != Q_TRIAD)
			continue;
		col = xasprintf("%s_untouched", q->id);
		r = codebook_row(&x, col, q->id, question_type_name(q->type),
		    form_text(&q->text, lang),
		    "1 = accepted where the marker started, never "
		    "moved; 0 = moved; empty = no answer, or not recorded by the kiosk");
		free(col);
		if (r == -1)
			goto out;
	}
	if (fflush(out) == EOF)
		goto out;
	rv = 0;
out:
	if (rv == -1)
		err_set(e, "cannot write the codebook: %s", strerror(errno));
	return rv;
}
