/* hub-export: CSV and JSON exports. Values come from the stored answers JSON
 * through jansson; CSV fields are quoted per RFC 4180 and lines end in CRLF.
 * After the question columns, CSV has a column Q_untouched per scale and
 * triad question: 1 when the participant accepted the marker where it
 * started, 0 when they moved it, empty when there is no answer or the
 * story's kiosk did not record it. Both formats have "scribe" after
 * "source": the initials of the scribe who typed a story of source
 * "scribe", empty (null in JSON) for the others. */
#include "hub-export.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

struct column {
	char *qid;
	char *type;
};

struct exporter {
	const struct hub_export_opts *o;
	FILE *out;
	struct column *cols;
	size_t ncols;
	size_t n;
	int min_rank;
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

static int
gather_columns(const struct hub_story *s, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	json_t *types, *v;
	const char *qid;

	(void)e;
	if (!wanted(x, s))
		return 0;
	if ((types = json_loads(s->types, 0, NULL)) == NULL)
		return 0;
	json_object_foreach(types, qid, v)
	{
		size_t i;

		for (i = 0; i < x->ncols; i++)
			if (strcmp(x->cols[i].qid, qid) == 0)
				break;
		if (i < x->ncols || !json_is_string(v))
			continue;
		x->cols = xreallocarray(x->cols, x->ncols + 1, sizeof *x->cols);
		x->cols[x->ncols].qid = xstrdup(qid);
		x->cols[x->ncols].type = xstrdup(json_string_value(v));
		x->ncols++;
	}
	json_decref(types);
	return 0;
}

/* A cell a spreadsheet would run as a formula (=, +, -, @, or a leading tab or
 * CR) gets a leading apostrophe, as OWASP advises for CSV; --raw turns it off
 * for R and pandas, which read the bytes exactly. */
static int
formula_like(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* One CSV cell; text cells are guarded, numbers (which may be negative) not.
 * Control characters, bidi overrides and the like never leave the hub raw: a
 * kiosk checks them away, but a compromised kiosk's signed bundle may not. */
static int
put_cell(struct exporter *x, const char *s, int first, int guard)
{
	char *safe;
	int rv;

	if (!first && fputc(',', x->out) == EOF)
		return -1;
	if (s == NULL)
		return 0;
	if (guard >= 0) {
		safe = utf8_neutralise(s, strlen(s), 1);
		if (guard && (x->o == NULL || !x->o->raw) && formula_like(safe)) {
			char *guarded = xasprintf("'%s", safe);

			free(safe);
			safe = guarded;
		}
		rv = put_cell(x, safe, 1, -1);
		free(safe);
		return rv;
	}
	if (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ')) {
		if (fputc('"', x->out) == EOF)
			return -1;
		for (; *s; s++) {
			if (*s == '"' && fputc('"', x->out) == EOF)
				return -1;
			if (fputc(*s, x->out) == EOF)
				return -1;
		}
		return fputc('"', x->out) == EOF ? -1 : 0;
	}
	return fputs(s, x->out) == EOF ? -1 : 0;
}

static int
put_field(struct exporter *x, const char *s, int first)
{
	return put_cell(x, s, first, 1);
}

static int
put_number(struct exporter *x, const char *num, int first)
{
	return put_cell(x, num, first, -1); /* digits only: nothing to neutralise */
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
put_json_value(struct exporter *x, json_t *v)
{
	char num[32];

	if (json_is_string(v))
		return put_field(x, json_string_value(v), 0);
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return put_number(x, num, 0);
	}
	if (json_is_real(v)) {
		number_text(json_real_value(v), num);
		return put_number(x, num, 0);
	}
	if (json_is_true(v) || json_is_false(v))
		return put_field(x, json_is_true(v) ? "true" : "false", 0);
	if (json_is_array(v)) {
		/* multi: choice ids joined by ';' */
		size_t len = 0, i;
		json_t *item;
		char *joined = xstrdup(""), *next;
		int rv;

		json_array_foreach(v, i, item)
		{
			next = xasprintf("%s%s%s", joined, len++ ? ";" : "",
			    json_is_string(item) ? json_string_value(item) : "");
			free(joined);
			joined = next;
		}
		rv = put_field(x, joined, 0);
		free(joined);
		return rv;
	}
	return put_field(x, NULL, 0);
}

static int
put_triad(struct exporter *x, json_t *v)
{
	double p[3];
	char num[32];

	if (!json_is_array(v) || json_array_size(v) != 3) {
		for (int i = 0; i < 5; i++)
			if (put_field(x, NULL, 0) == -1)
				return -1;
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		p[i] = json_number_value(json_array_get(v, (size_t)i));
		number_text(p[i], num);
		if (put_number(x, num, 0) == -1)
			return -1;
	}
	/* corners at (0,0), (1,0), (0.5, sqrt(3)/2) */
	number_text(p[1] + p[2] / 2, num);
	if (put_number(x, num, 0) == -1)
		return -1;
	number_text(p[2] * sqrt(3.0) / 2, num);
	return put_number(x, num, 0);
}

static int
has_marker(const struct column *c)
{
	return strcmp(c->type, "scale") == 0 || strcmp(c->type, "triad") == 0;
}

/* Q_untouched for one story: "1", "0" or NULL (empty). */
static const char *
untouched_cell(json_t *answers, json_t *untouched, const char *qid)
{
	json_t *v = json_object_get(answers, qid), *item;
	size_t i;

	if (!json_is_array(untouched) || v == NULL || json_is_null(v))
		return NULL;
	json_array_foreach(untouched, i,
	    item) if (json_is_string(item) && strcmp(json_string_value(item), qid) == 0) return "1";
	return "0";
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
		} else if (put_field(x, x->cols[i].qid, 0) == -1)
			return -1;
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
	return fputs("\r\n", x->out) == EOF ? -1 : 0;
}

static int
csv_row(const struct hub_story *s, void *ctx, struct err *e)
{
	struct exporter *x = ctx;
	char ver[24];
	json_t *answers, *untouched;
	int rv = -1;

	if (!wanted(x, s))
		return 0;
	snprintf(ver, sizeof ver, "%lld", s->form_version);
	const char *vals[NFIXED] = { s->story_id, s->code, s->kiosk_id, s->form, ver, s->status,
		s->source, s->scribe, s->lang, s->consent, s->prompt, s->created, s->saved,
		s->imported, s->conflict ? "1" : "0" };
	answers = json_loads(s->answers, 0, NULL);
	untouched = s->untouched != NULL ? json_loads(s->untouched, 0, NULL) : NULL;
	for (size_t i = 0; i < NFIXED; i++)
		if (put_field(x, vals[i], i == 0) == -1)
			goto out;
	for (size_t i = 0; i < x->ncols; i++) {
		json_t *v = json_object_get(answers, x->cols[i].qid);

		if (strcmp(x->cols[i].type, "triad") == 0 ? put_triad(x, v) == -1 :
		                                            put_json_value(x, v) == -1)
			goto out;
	}
	for (size_t i = 0; i < x->ncols; i++)
		if (has_marker(&x->cols[i]) &&
		    put_number(x, untouched_cell(answers, untouched, x->cols[i].qid), 0) == -1)
			goto out;
	if (fputs("\r\n", x->out) == EOF)
		goto out;
	x->n++;
	rv = 0;
out:
	json_decref(answers);
	json_decref(untouched);
	if (rv == -1)
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
		if (hs->ops->story_foreach(hs, gather_columns, &x, e) == -1)
			goto out;
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
