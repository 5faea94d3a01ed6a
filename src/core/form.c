/* form: the form model. A form is a YAML file a field worker may edit by hand,
 * so the parser is strict (unknown keys are typos) and collects every problem
 * with its line rather than stopping at the first; `storykiosk check-form`
 * prints them all. The YAML is loaded as a libyaml document (node graph with
 * marks) and walked along the known shape only, so its cost is bounded by the
 * caps below whatever the file holds. */
#include "form.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fsutil.h"
#include "utf8.h"
#include "xmalloc.h"

#define FORM_MAX_BYTES (1024 * 1024)
/* Collections nested deeper are refused (FILE:LINE: nesting too deep): the
 * default form needs 6 levels (the form, its questions, a question, its
 * choices, a choice, its label). */
#define FORM_MAX_DEPTH 16
#define FORM_MAX_LANGUAGES 20
#define FORM_MAX_TIERS 10
#define FORM_MAX_PROMPTS 20
#define FORM_MAX_QUESTIONS 200
#define FORM_MAX_CHOICES 100
#define FORM_ID_MAX 64
#define FORM_MIN_IDLE 10
#define FORM_MAX_IDLE 3600
#define FORM_DEFAULT_IDLE 120
#define FORM_MAX_KEYS 64 /* pairs in any one mapping */
#define FORM_MAX_PROBLEMS 500

/* Walking state: the document, the form being built and the problems found. */
struct parse {
	yaml_document_t *doc;
	struct form *f;
	struct form_problems *probs;
	int *show_if_lines; /* per question, 0 if none */
	int *typed;         /* per question, 1 if its type is known */
	size_t nproblems;
};

static const char *type_names[] = {
	[Q_STORY] = "story",
	[Q_TEXT] = "text",
	[Q_CHOICE] = "choice",
	[Q_MULTI] = "multi",
	[Q_NUMBER] = "number",
	[Q_SCALE] = "scale",
	[Q_TRIAD] = "triad",
};

const char *
question_type_name(enum question_type t)
{
	if ((size_t)t >= sizeof type_names / sizeof type_names[0])
		return "unknown";
	return type_names[t];
}

/* Record one problem at line (1-based, 0 if unknown). */
static void __attribute__((format(printf, 3, 4)))
problem(struct parse *p, int line, const char *fmt, ...)
{
	struct form_problems *probs = p->probs;
	va_list ap;

	/* A file of garbage (or aliases repeating it) must not flood memory. */
	if (p->nproblems == FORM_MAX_PROBLEMS)
		fmt = "too many problems; stopping here";
	if (p->nproblems++ > FORM_MAX_PROBLEMS)
		return;
	probs->v = xreallocarray(probs->v, probs->n + 1, sizeof *probs->v);
	probs->v[probs->n].line = line;
	va_start(ap, fmt);
	probs->v[probs->n].message = xvasprintf(fmt, ap);
	va_end(ap);
	probs->n++;
}

/* libyaml counts lines from 0; messages count from 1. */
static int
line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* The node with this id in the document being walked. */
static yaml_node_t *
node_at(struct parse *p, int id)
{
	return yaml_document_get_node(p->doc, id);
}

/* A copy of a scalar that is safe to quote in a message: short, no controls. */
static char *
quote(const yaml_node_t *n)
{
	size_t len;
	char *s, *q;

	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return xstrdup("?");
	len = n->data.scalar.length;
	if (len > 40)
		len = 40;
	s = utf8_neutralise((const char *)n->data.scalar.value, len, 0);
	if (n->data.scalar.length > 40) {
		q = xasprintf("%s...", s);
		free(s);
		return q;
	}
	return s;
}

/* What a node is, in words for a message. */
static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a single value";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* The scalar's text if n is a scalar without NUL bytes, else NULL. */
static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* Expect a scalar; report "what must be ..." otherwise. */
static const char *
want_scalar(struct parse *p, const yaml_node_t *n, const char *what)
{
	const char *s;

	if ((s = scalar(n)) != NULL)
		return s;
	if (n->type == YAML_SCALAR_NODE)
		problem(p, line_of(n), "%s contains a NUL character", what);
	else
		problem(p, line_of(n), "%s must be a single value, not %s", what, node_kind(n));
	return NULL;
}

/* Expect a mapping or a list; report what was found instead. */
static int
want_kind(struct parse *p, const yaml_node_t *n, yaml_node_type_t type, const char *what,
    const char *example)
{
	const char *kind = type == YAML_MAPPING_NODE ? "a mapping" : "a list";

	if (n->type == type)
		return 0;
	if (example != NULL)
		problem(p, line_of(n), "%s must be %s, not %s (for example %s)", what, kind,
		    node_kind(n), example);
	else
		problem(p, line_of(n), "%s must be %s, not %s", what, kind, node_kind(n));
	return -1;
}

/* Identifiers: [a-z0-9_-], 1 to 64 characters. */
static int
id_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > FORM_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		        s[i] == '-'))
			return 0;
	}
	return 1;
}

/* Parse an identifier node; NULL (and a problem) if it is not one. */
static char *
parse_id(struct parse *p, const yaml_node_t *n, const char *what)
{
	const char *s;
	char *q;

	if ((s = want_scalar(p, n, what)) == NULL)
		return NULL;
	if (!id_valid(s)) {
		q = quote(n);
		problem(p, line_of(n),
		    "%s \"%s\" is not a valid id: use 1 to %d of "
		    "a-z, 0-9, _ and -",
		    what, q, FORM_ID_MAX);
		free(q);
		return NULL;
	}
	return xstrdup(s);
}

/* Split a mapping into the values of the allowed keys (vals[i] for keys[i],
 * NULL when absent); unknown and repeated keys are problems. */
static int
fields(struct parse *p, const yaml_node_t *map, const char *what, const char *const *keys,
    yaml_node_t **vals)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	const char *s;
	char *q, *list = NULL, *t;
	size_t i, nkeys;
	int rv = 0;

	for (nkeys = 0; keys[nkeys] != NULL; nkeys++)
		vals[nkeys] = NULL;
	if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > FORM_MAX_KEYS) {
		problem(p, line_of(map), "%s: too many keys", what);
		return -1;
	}
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		k = node_at(p, pair->key);
		if ((s = scalar(k)) == NULL) {
			problem(p, line_of(k), "%s: keys must be plain names", what);
			rv = -1;
			continue;
		}
		for (i = 0; i < nkeys; i++) {
			if (strcmp(s, keys[i]) == 0)
				break;
		}
		if (i == nkeys) {
			if (list == NULL) {
				list = xstrdup(keys[0]);
				for (i = 1; i < nkeys; i++) {
					t = xasprintf("%s, %s", list, keys[i]);
					free(list);
					list = t;
				}
			}
			q = quote(k);
			problem(p, line_of(k),
			    "%s: unknown key \"%s\" (expected one "
			    "of: %s)",
			    what, q, list);
			free(q);
			rv = -1;
		} else if (vals[i] != NULL) {
			problem(p, line_of(k), "%s: \"%s\" is given twice", what, s);
			rv = -1;
		} else
			vals[i] = node_at(p, pair->value);
	}
	free(list);
	return rv;
}

/* A whole number in [min, max]. */
static int
parse_int(struct parse *p, const yaml_node_t *n, const char *what, long min, long max, long *out)
{
	const char *s;
	char *end;
	long v;

	if ((s = want_scalar(p, n, what)) == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		if (max == LONG_MAX)
			problem(p, line_of(n),
			    "%s must be a whole number of at "
			    "least %ld",
			    what, min);
		else
			problem(p, line_of(n),
			    "%s must be a whole number from "
			    "%ld to %ld",
			    what, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* A finite number. */
static int
parse_number(struct parse *p, const yaml_node_t *n, const char *what, double *out)
{
	const char *s;
	char *end;
	double v;

	if ((s = want_scalar(p, n, what)) == NULL)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v)) {
		problem(p, line_of(n), "%s must be a number", what);
		return -1;
	}
	*out = v;
	return 0;
}

/* true or false, nothing looser (no yes/no/on/off). */
static int
parse_bool(struct parse *p, const yaml_node_t *n, const char *what, int *out)
{
	const char *s;

	if ((s = want_scalar(p, n, what)) == NULL)
		return -1;
	if (strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0)
		*out = 0;
	else {
		problem(p, line_of(n), "%s must be true or false", what);
		return -1;
	}
	return 0;
}

/* A language code: 2-3 lowercase letters, optionally -Region or -variant. */
static int
lang_valid(const char *s)
{
	size_t i = 0, j;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (s[i] == '\0')
		return 1;
	if (s[i] != '-')
		return 0;
	for (j = i + 1; s[j] != '\0'; j++) {
		if (!((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
		        (s[j] >= '0' && s[j] <= '9')))
			return 0;
	}
	return j > i + 1 && j - i - 1 <= 8;
}

/* Position of lang among the form's languages, or -1. */
static int
lang_index(const struct form *f, const char *lang)
{
	size_t i;

	for (i = 0; i < f->nlanguages; i++) {
		if (strcmp(f->languages[i], lang) == 0)
			return (int)i;
	}
	return -1;
}

/* Free a text in every language. */
static void
ltext_free(struct ltext *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->lang[i]);
		free(t->value[i]);
	}
	free(t->lang);
	free(t->value);
	memset(t, 0, sizeof *t);
}

/* A participant-facing text: {lang: text} with every form language, in form
 * language order. Trailing newlines (from YAML block scalars) are dropped;
 * other newlines are kept only where multiline. */
static void
parse_ltext(
    struct parse *p, const yaml_node_t *n, const char *what, int multiline, struct ltext *out)
{
	struct form *f = p->f;
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	const char *ks, *vs;
	char *q, *val;
	size_t i, len, off;
	int li;

	out->n = f->nlanguages;
	out->lang = xcalloc(out->n + 1, sizeof *out->lang);
	out->value = xcalloc(out->n + 1, sizeof *out->value);
	for (i = 0; i < out->n; i++)
		out->lang[i] = xstrdup(f->languages[i]);
	if (want_kind(p, n, YAML_MAPPING_NODE, what, "{en: \"...\"}") == -1)
		goto fill;
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start > FORM_MAX_LANGUAGES) {
		problem(p, line_of(n), "%s: more texts than languages", what);
		goto fill;
	}
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		k = node_at(p, pair->key);
		v = node_at(p, pair->value);
		if ((ks = scalar(k)) == NULL) {
			problem(p, line_of(k), "%s: keys must be language codes", what);
			continue;
		}
		if ((li = lang_index(f, ks)) == -1) {
			if (f->nlanguages > 0) {
				q = quote(k);
				problem(p, line_of(k),
				    "%s: \"%s\" is not one of the "
				    "form's languages",
				    what, q);
				free(q);
			}
			continue;
		}
		if (out->value[li] != NULL) {
			problem(p, line_of(k), "%s: the \"%s\" text is given twice", what, ks);
			continue;
		}
		if ((vs = scalar(v)) == NULL) {
			if (v->type == YAML_SCALAR_NODE)
				problem(p, line_of(v),
				    "%s: the \"%s\" text contains a "
				    "NUL character",
				    what, ks);
			else
				problem(p, line_of(v),
				    "%s: the \"%s\" text must be a "
				    "single value, not %s",
				    what, ks, node_kind(v));
			continue;
		}
		len = strlen(vs);
		while (len > 0 && vs[len - 1] == '\n')
			len--;
		val = xstrndup(vs, len);
		if (utf8_check_text(val, len, multiline, &off) == -1) {
			if (!utf8_valid(val, len))
				problem(p, line_of(v),
				    "%s: the \"%s\" text is not "
				    "valid UTF-8",
				    what, ks);
			else if (val[off] == '\n')
				problem(p, line_of(v),
				    "%s: the \"%s\" text must be "
				    "one line",
				    what, ks);
			else
				problem(p, line_of(v),
				    "%s: the \"%s\" text contains "
				    "a control or invisible formatting character",
				    what, ks);
		} else if (strspn(val, " \t\n") == len)
			problem(p, line_of(v), "%s: the \"%s\" text is empty", what, ks);
		out->value[li] = val;
	}
	for (i = 0; i < out->n; i++) {
		if (out->value[i] == NULL)
			problem(p, line_of(n), "%s: missing the \"%s\" translation", what,
			    out->lang[i]);
	}
fill:
	for (i = 0; i < out->n; i++) {
		if (out->value[i] == NULL)
			out->value[i] = xstrdup("");
	}
}

/* {id: ..., KEY: {lang: text}}: a tier, prompt or choice. extrakey (NULL
 * for none) is one more key allowed; its value node (or NULL) goes to
 * *extra. */
static void
parse_item(struct parse *p, const yaml_node_t *n, const char *what, const char *textkey,
    int multiline, char **id, struct ltext *text, int *line, const char *extrakey,
    yaml_node_t **extra)
{
	const char *keys[] = { "id", textkey, extrakey, NULL };
	yaml_node_t *vals[3] = { NULL, NULL, NULL };
	char *w;

	*line = line_of(n);
	if (extra != NULL)
		*extra = NULL;
	if (want_kind(p, n, YAML_MAPPING_NODE, what, NULL) == -1)
		return;
	fields(p, n, what, keys, vals);
	if (extra != NULL)
		*extra = vals[2];
	if (vals[0] == NULL)
		problem(p, line_of(n), "%s: missing \"id\"", what);
	else
		*id = parse_id(p, vals[0], what);
	w = xasprintf("%s \"%s\": %s", what, *id != NULL ? *id : "?", textkey);
	if (vals[1] == NULL)
		problem(p, line_of(n), "%s: missing \"%s\"", w, textkey);
	else
		parse_ltext(p, vals[1], w, multiline, text);
	free(w);
}

/* Report an id that appeared before in ids[0..n). */
static void
check_unique(
    struct parse *p, const char *what, char *const *ids, size_t n, const char *id, int line)
{
	size_t i;

	if (id == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (ids[i] != NULL && strcmp(ids[i], id) == 0) {
			problem(p, line, "%s id \"%s\" is used twice", what, id);
			return;
		}
	}
}

/* languages: [en, fr, ...]: codes, none twice. */
static void
parse_languages(struct parse *p, const yaml_node_t *n)
{
	struct form *f = p->f;
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *s;
	char *q;
	size_t count;

	if (want_kind(p, n, YAML_SEQUENCE_NODE, "languages", "[en, fr]") == -1)
		return;
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count == 0) {
		problem(p, line_of(n), "languages: list at least one language");
		return;
	}
	if (count > FORM_MAX_LANGUAGES) {
		problem(p, line_of(n), "languages: at most %d languages", FORM_MAX_LANGUAGES);
		return;
	}
	f->languages = xcalloc(count, sizeof *f->languages);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		v = node_at(p, *it);
		if ((s = want_scalar(p, v, "a language")) == NULL)
			continue;
		if (!lang_valid(s)) {
			q = quote(v);
			problem(p, line_of(v),
			    "languages: \"%s\" is not a language "
			    "code like en, fr, sw or pt-BR",
			    q);
			free(q);
			continue;
		}
		if (lang_index(f, s) != -1) {
			problem(p, line_of(v), "languages: \"%s\" is listed twice", s);
			continue;
		}
		f->languages[f->nlanguages++] = xstrdup(s);
	}
}

/* settings: {idle_timeout, unsubmitted}; absent keys keep their defaults. */
static void
parse_settings(struct parse *p, const yaml_node_t *n)
{
	static const char *const keys[] = { "idle_timeout", "unsubmitted", NULL };
	struct form *f = p->f;
	yaml_node_t *vals[2];
	const char *s;
	char *q;
	long v;

	if (want_kind(p, n, YAML_MAPPING_NODE, "settings", NULL) == -1)
		return;
	fields(p, n, "settings", keys, vals);
	if (vals[0] != NULL &&
	    parse_int(p, vals[0], "settings: idle_timeout", FORM_MIN_IDLE, FORM_MAX_IDLE, &v) == 0)
		f->idle_timeout = (int)v;
	if (vals[1] != NULL && (s = want_scalar(p, vals[1], "settings: unsubmitted")) != NULL) {
		if (strcmp(s, "keep") == 0)
			f->unsubmitted_keep = 1;
		else if (strcmp(s, "discard") == 0)
			f->unsubmitted_keep = 0;
		else {
			q = quote(vals[1]);
			problem(p, line_of(vals[1]),
			    "settings: unsubmitted must be "
			    "keep or discard, not \"%s\"",
			    q);
			free(q);
		}
	}
}

/* consent: {text, tiers}; tiers keep their order (most restrictive first). */
static void
parse_consent(struct parse *p, const yaml_node_t *n)
{
	static const char *const keys[] = { "text", "tiers", NULL };
	struct form *f = p->f;
	yaml_node_t *vals[2];
	yaml_node_item_t *it;
	struct tier *t;
	char **ids;
	size_t count, i;

	if (want_kind(p, n, YAML_MAPPING_NODE, "consent", NULL) == -1)
		return;
	fields(p, n, "consent", keys, vals);
	if (vals[0] == NULL)
		problem(p, line_of(n), "consent: missing \"text\"");
	else
		parse_ltext(p, vals[0], "consent: text", 1, &f->consent_text);
	if (vals[1] == NULL) {
		problem(p, line_of(n), "consent: missing \"tiers\"");
		return;
	}
	if (want_kind(p, vals[1], YAML_SEQUENCE_NODE, "consent: tiers", NULL) == -1)
		return;
	it = vals[1]->data.sequence.items.start;
	count = (size_t)(vals[1]->data.sequence.items.top - it);
	if (count == 0 || count > FORM_MAX_TIERS) {
		problem(p, line_of(vals[1]),
		    "consent: tiers: list 1 to %d tiers, "
		    "most restrictive first",
		    FORM_MAX_TIERS);
		return;
	}
	f->tiers = xcalloc(count, sizeof *f->tiers);
	ids = xcalloc(count, sizeof *ids);
	for (i = 0; i < count; i++) {
		t = &f->tiers[f->ntiers++];
		parse_item(p, node_at(p, it[i]), "consent tier", "label", 0, &t->id, &t->label,
		    &t->line, NULL, NULL);
		check_unique(p, "consent tier", ids, i, t->id, t->line);
		ids[i] = t->id;
	}
	free(ids);
}

/* prompts: [{id, text}]; the participant picks one for the story. */
static void
parse_prompts(struct parse *p, const yaml_node_t *n)
{
	struct form *f = p->f;
	yaml_node_item_t *it;
	struct prompt *pr;
	char **ids;
	size_t count, i;

	if (want_kind(p, n, YAML_SEQUENCE_NODE, "prompts", NULL) == -1)
		return;
	it = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - it);
	if (count > FORM_MAX_PROMPTS) {
		problem(p, line_of(n), "prompts: at most %d prompts", FORM_MAX_PROMPTS);
		return;
	}
	f->prompts = xcalloc(count + 1, sizeof *f->prompts);
	ids = xcalloc(count + 1, sizeof *ids);
	for (i = 0; i < count; i++) {
		pr = &f->prompts[f->nprompts++];
		parse_item(p, node_at(p, it[i]), "prompt", "text", 1, &pr->id, &pr->text, &pr->line,
		    NULL, NULL);
		check_unique(p, "prompt", ids, i, pr->id, pr->line);
		ids[i] = pr->id;
	}
	free(ids);
}

/* A list of exactly want labels (scale poles, triad corners). */
static void
parse_labels(struct parse *p, const yaml_node_t *n, const char *qid, const char *key,
    const char *what, struct ltext *out, size_t want)
{
	yaml_node_item_t *it;
	size_t count, i;
	char *w;

	w = xasprintf("question \"%s\": %s", qid, key);
	if (want_kind(p, n, YAML_SEQUENCE_NODE, w, NULL) == -1)
		goto out;
	it = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - it);
	if (count != want) {
		problem(p, line_of(n), "%s: a %s needs exactly %zu %s, not %zu", w,
		    want == 2 ? "scale" : "triad", want, key, count);
		goto out;
	}
	for (i = 0; i < count; i++) {
		free(w);
		w = xasprintf("question \"%s\": %s %zu", qid, what, i + 1);
		parse_ltext(p, node_at(p, it[i]), w, 0, &out[i]);
	}
out:
	free(w);
}

/* choices: [{id, label, exclusive}] of a choice or multi question (typed:
 * its type is known); exclusive (multi only) says the choice is chosen alone. */
static void
parse_choices(struct parse *p, const yaml_node_t *n, struct question *q, const char *qid, int typed)
{
	yaml_node_item_t *it;
	yaml_node_t *ex;
	struct choice *c;
	size_t count, i;
	char **ids, *w, *wx;

	w = xasprintf("question \"%s\": choices", qid);
	if (want_kind(p, n, YAML_SEQUENCE_NODE, w, NULL) == -1)
		goto out;
	it = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - it);
	if (count == 0 || count > FORM_MAX_CHOICES) {
		problem(p, line_of(n), "%s: list 1 to %d choices", w, FORM_MAX_CHOICES);
		goto out;
	}
	free(w);
	w = xasprintf("question \"%s\": choice", qid);
	q->choices = xcalloc(count, sizeof *q->choices);
	ids = xcalloc(count, sizeof *ids);
	for (i = 0; i < count; i++) {
		c = &q->choices[q->nchoices++];
		parse_item(p, node_at(p, it[i]), w, "label", 0, &c->id, &c->label, &c->line,
		    "exclusive", &ex);
		check_unique(p, w, ids, i, c->id, c->line);
		ids[i] = c->id;
		if (ex == NULL)
			continue;
		wx = xasprintf("%s \"%s\": exclusive", w, c->id != NULL ? c->id : "?");
		if (typed && q->type != Q_MULTI)
			problem(p, line_of(ex),
			    "%s is only for multi questions (a "
			    "%s question takes one answer anyway)",
			    wx, question_type_name(q->type));
		else
			parse_bool(p, ex, wx, &c->exclusive);
		free(wx);
	}
	free(ids);
out:
	free(w);
}

/* show_if: {earlier_question: value} or {earlier_question: [v1, v2]}; checked
 * against the other questions once they are all read. */
static void
parse_show_if(struct parse *p, const yaml_node_t *n, struct question *q, const char *qid, int *line)
{
	yaml_node_pair_t *pair;
	yaml_node_item_t *it;
	yaml_node_t *k, *v, *item;
	size_t count, i;
	char *w, *id;

	w = xasprintf("question \"%s\": show_if", qid);
	if (want_kind(p, n, YAML_MAPPING_NODE, w, "{role: other}") == -1)
		goto out;
	pair = n->data.mapping.pairs.start;
	if (n->data.mapping.pairs.top - pair != 1) {
		problem(p, line_of(n), "%s must name exactly one earlier question", w);
		goto out;
	}
	k = node_at(p, pair->key);
	v = node_at(p, pair->value);
	if ((q->show_if_id = parse_id(p, k, w)) == NULL)
		goto out;
	*line = line_of(k);
	if (v->type == YAML_SEQUENCE_NODE) {
		it = v->data.sequence.items.start;
		count = (size_t)(v->data.sequence.items.top - it);
		if (count == 0 || count > FORM_MAX_CHOICES) {
			problem(p, line_of(v), "%s: list 1 to %d values", w, FORM_MAX_CHOICES);
			goto out;
		}
		q->show_if_values = xcalloc(count, sizeof *q->show_if_values);
		for (i = 0; i < count; i++) {
			item = node_at(p, it[i]);
			if ((id = parse_id(p, item, w)) != NULL)
				q->show_if_values[q->nshow_if_values++] = id;
		}
	} else {
		q->show_if_values = xcalloc(1, sizeof *q->show_if_values);
		if ((id = parse_id(p, v, w)) != NULL)
			q->show_if_values[q->nshow_if_values++] = id;
	}
out:
	free(w);
}

/* "story" -> Q_STORY, ...; -1 for an unknown name. */
static int
type_from_name(const char *s, enum question_type *t)
{
	size_t i;

	for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum question_type)i;
			return 0;
		}
	}
	return -1;
}

enum {
	QK_ID,
	QK_TYPE,
	QK_TEXT,
	QK_REQUIRED,
	QK_MIN,
	QK_MAX,
	QK_POLES,
	QK_CORNERS,
	QK_CHOICES,
	QK_SHOW_IF,
	QK_INTEGER,
	QK_COUNT
};

/* 1 if key k may appear on a question of type t. */
static int
key_applies(int k, enum question_type t)
{
	switch (k) {
	case QK_MIN:
	case QK_MAX:
		return t == Q_STORY || t == Q_TEXT || t == Q_NUMBER;
	case QK_INTEGER:
		return t == Q_NUMBER;
	case QK_POLES:
		return t == Q_SCALE;
	case QK_CORNERS:
		return t == Q_TRIAD;
	case QK_CHOICES:
		return t == Q_CHOICE || t == Q_MULTI;
	default:
		return 1;
	}
}

/* One question: common keys, then the keys its type uses. */
static void
parse_question(struct parse *p, const yaml_node_t *n, struct question *q, size_t index,
    int *show_if_line, int *typed_out)
{
	static const char *const keys[] = { "id", "type", "text", "required", "min", "max", "poles",
		"corners", "choices", "show_if", "integer", NULL };
	yaml_node_t *vals[QK_COUNT];
	const char *s, *qid;
	char label[32], *w, *qs;
	int typed = 0, k;
	long lv;
	double *bound;

	q->line = line_of(n);
	q->required = 1;
	snprintf(label, sizeof label, "question %zu", index + 1);
	if (want_kind(p, n, YAML_MAPPING_NODE, label, NULL) == -1)
		return;
	fields(p, n, label, keys, vals);
	if (vals[QK_ID] == NULL)
		problem(p, line_of(n), "%s: missing \"id\"", label);
	else
		q->id = parse_id(p, vals[QK_ID], label);
	qid = q->id != NULL ? q->id : label;
	w = xasprintf("question \"%s\"", qid);

	if (vals[QK_TYPE] == NULL)
		problem(p, line_of(n), "%s: missing \"type\"", w);
	else if ((s = want_scalar(p, vals[QK_TYPE], "type")) != NULL) {
		if (type_from_name(s, &q->type) == 0)
			typed = 1;
		else {
			qs = quote(vals[QK_TYPE]);
			problem(p, line_of(vals[QK_TYPE]),
			    "%s: unknown type \"%s\" "
			    "(expected story, text, choice, multi, number, scale or "
			    "triad)",
			    w, qs);
			free(qs);
		}
	}
	if (typed) {
		for (k = 0; k < QK_COUNT; k++) {
			if (vals[k] != NULL && !key_applies(k, q->type)) {
				problem(p, line_of(vals[k]),
				    "%s: \"%s\" is not used by "
				    "%s questions",
				    w, keys[k], question_type_name(q->type));
				vals[k] = NULL;
			}
		}
	}

	if (vals[QK_TEXT] != NULL) {
		free(w);
		w = xasprintf("question \"%s\": text", qid);
		parse_ltext(p, vals[QK_TEXT], w, 1, &q->text);
		free(w);
		w = xasprintf("question \"%s\"", qid);
	} else if (typed && q->type != Q_STORY)
		problem(p, line_of(n), "%s: missing \"text\"", w);

	if (vals[QK_REQUIRED] != NULL) {
		free(w);
		w = xasprintf("question \"%s\": required", qid);
		parse_bool(p, vals[QK_REQUIRED], w, &q->required);
		free(w);
		w = xasprintf("question \"%s\"", qid);
	}

	for (k = QK_MIN; k <= QK_MAX; k++) {
		if (vals[k] == NULL)
			continue;
		bound = k == QK_MIN ? &q->min : &q->max;
		free(w);
		w = xasprintf("question \"%s\": %s", qid, keys[k]);
		if (q->type == Q_NUMBER) {
			if (parse_number(p, vals[k], w, bound) == 0)
				*(k == QK_MIN ? &q->has_min : &q->has_max) = 1;
		} else if (parse_int(p, vals[k], w, 0, LONG_MAX, &lv) == 0) {
			if (lv > 10000000)
				problem(p, line_of(vals[k]),
				    "%s is too large "
				    "(at most 10000000 characters)",
				    w);
			else {
				*bound = (double)lv;
				*(k == QK_MIN ? &q->has_min : &q->has_max) = 1;
			}
		}
		free(w);
		w = xasprintf("question \"%s\"", qid);
	}
	if (q->has_min && q->has_max && q->min > q->max)
		problem(p, line_of(vals[QK_MIN]), "%s: min %g is greater than max %g", w, q->min,
		    q->max);
	if (vals[QK_INTEGER] != NULL) {
		free(w);
		w = xasprintf("question \"%s\": integer", qid);
		parse_bool(p, vals[QK_INTEGER], w, &q->integer);
		free(w);
		w = xasprintf("question \"%s\"", qid);
	}
	/* A whole-number question's bounds are whole numbers too. */
	for (k = QK_MIN; k <= QK_MAX && q->integer; k++) {
		bound = k == QK_MIN ? &q->min : &q->max;
		if ((k == QK_MIN ? q->has_min : q->has_max) && *bound != floor(*bound))
			problem(p, line_of(vals[k]),
			    "%s: %s %g is not a whole number, "
			    "but the question asks for one (integer: true)",
			    w, keys[k], *bound);
	}

	if (vals[QK_POLES] != NULL)
		parse_labels(p, vals[QK_POLES], qid, "poles", "pole", q->poles, 2);
	else if (typed && q->type == Q_SCALE)
		problem(p, line_of(n), "%s: a scale needs \"poles\" (two labels)", w);
	if (vals[QK_CORNERS] != NULL)
		parse_labels(p, vals[QK_CORNERS], qid, "corners", "corner", q->corners, 3);
	else if (typed && q->type == Q_TRIAD)
		problem(p, line_of(n),
		    "%s: a triad needs \"corners\" (three "
		    "labels)",
		    w);
	if (vals[QK_CHOICES] != NULL)
		parse_choices(p, vals[QK_CHOICES], q, qid, typed);
	else if (typed && (q->type == Q_CHOICE || q->type == Q_MULTI))
		problem(p, line_of(n), "%s: a %s question needs \"choices\"", w,
		    question_type_name(q->type));
	if (vals[QK_SHOW_IF] != NULL)
		parse_show_if(p, vals[QK_SHOW_IF], q, qid, show_if_line);
	*typed_out = typed;
	free(w);
}

/* Checks that need every question: ids, the story question, show_if. */
static void
check_questions(struct parse *p, const yaml_node_t *n)
{
	struct form *f = p->f;
	struct question *q;
	const struct question *c;
	const char *qn;
	char **ids;
	size_t i, j, nstory = 0;
	int line;

	ids = xcalloc(f->nquestions + 1, sizeof *ids);
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		check_unique(p, "question", ids, i, q->id, q->line);
		ids[i] = q->id;
		if (p->typed[i] && q->type == Q_STORY && nstory++ == 1)
			problem(p, q->line,
			    "question \"%s\": a form has at most one "
			    "story question",
			    q->id != NULL ? q->id : "?");
	}
	free(ids);
	if (nstory > 0 && f->nprompts == 0)
		problem(p, line_of(n),
		    "questions: the story question needs at "
		    "least one prompt in \"prompts\"");

	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (q->show_if_id == NULL)
			continue;
		line = p->show_if_lines[i];
		qn = q->id != NULL ? q->id : "?";
		if (q->id != NULL && strcmp(q->show_if_id, q->id) == 0) {
			problem(p, line,
			    "question \"%s\": show_if cannot depend on "
			    "the question itself",
			    qn);
			continue;
		}
		c = NULL;
		for (j = 0; j < f->nquestions; j++) {
			if (f->questions[j].id != NULL &&
			    strcmp(f->questions[j].id, q->show_if_id) == 0) {
				c = &f->questions[j];
				break;
			}
		}
		if (c == NULL) {
			problem(p, line,
			    "question \"%s\": show_if names \"%s\", which "
			    "is not a question of this form",
			    qn, q->show_if_id);
			continue;
		}
		if (j > i) {
			problem(p, line,
			    "question \"%s\": show_if names \"%s\", which "
			    "comes later; it must name an earlier question",
			    qn, q->show_if_id);
			continue;
		}
		if (c->type != Q_CHOICE && c->type != Q_MULTI) {
			problem(p, line,
			    "question \"%s\": show_if names \"%s\", a %s "
			    "question; only choice and multi questions can control "
			    "others",
			    qn, c->id, question_type_name(c->type));
			continue;
		}
		for (j = 0; j < q->nshow_if_values; j++) {
			if (question_choice(c, q->show_if_values[j]) == NULL)
				problem(p, line,
				    "question \"%s\": show_if: \"%s\" is not "
				    "a choice of \"%s\"",
				    qn, q->show_if_values[j], c->id);
		}
	}
}

/* questions: [...]: each question, then the checks across them. */
static void
parse_questions(struct parse *p, const yaml_node_t *n)
{
	struct form *f = p->f;
	yaml_node_item_t *it;
	size_t count, i;

	if (want_kind(p, n, YAML_SEQUENCE_NODE, "questions", NULL) == -1)
		return;
	it = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - it);
	if (count == 0) {
		problem(p, line_of(n), "questions: list at least one question");
		return;
	}
	if (count > FORM_MAX_QUESTIONS) {
		problem(p, line_of(n), "questions: at most %d questions", FORM_MAX_QUESTIONS);
		return;
	}
	f->questions = xcalloc(count, sizeof *f->questions);
	p->show_if_lines = xcalloc(count, sizeof *p->show_if_lines);
	p->typed = xcalloc(count, sizeof *p->typed);
	for (i = 0; i < count; i++) {
		parse_question(
		    p, node_at(p, it[i]), &f->questions[i], i, &p->show_if_lines[i], &p->typed[i]);
		f->nquestions++;
	}
	check_questions(p, n);
}

enum {
	RK_FORM,
	RK_VERSION,
	RK_LANGUAGES,
	RK_TITLE,
	RK_SETTINGS,
	RK_CONSENT,
	RK_PROMPTS,
	RK_QUESTIONS,
	RK_COUNT
};

/* Walk the root mapping in a fixed order: languages first, since every text
 * is checked against them. */
static void
parse_root(struct parse *p, const yaml_node_t *root)
{
	static const char *const keys[] = { "form", "version", "languages", "title", "settings",
		"consent", "prompts", "questions", NULL };
	struct form *f = p->f;
	yaml_node_t *vals[RK_COUNT];
	long v;
	int k;

	if (root->type != YAML_MAPPING_NODE) {
		problem(p, line_of(root),
		    "a form must be a mapping of keys (form, "
		    "version, languages, ...), not %s",
		    node_kind(root));
		return;
	}
	fields(p, root, "form file", keys, vals);
	for (k = 0; k < RK_COUNT; k++) {
		if (vals[k] == NULL && k != RK_SETTINGS && k != RK_PROMPTS)
			problem(p, line_of(root), "missing \"%s\"", keys[k]);
	}
	if (vals[RK_LANGUAGES] != NULL)
		parse_languages(p, vals[RK_LANGUAGES]);
	if (vals[RK_FORM] != NULL)
		f->id = parse_id(p, vals[RK_FORM], "form");
	if (vals[RK_VERSION] != NULL &&
	    parse_int(p, vals[RK_VERSION], "version", 1, INT_MAX, &v) == 0)
		f->version = (int)v;
	if (vals[RK_TITLE] != NULL)
		parse_ltext(p, vals[RK_TITLE], "title", 0, &f->title);
	if (vals[RK_SETTINGS] != NULL)
		parse_settings(p, vals[RK_SETTINGS]);
	if (vals[RK_CONSENT] != NULL)
		parse_consent(p, vals[RK_CONSENT]);
	if (vals[RK_PROMPTS] != NULL)
		parse_prompts(p, vals[RK_PROMPTS]);
	if (vals[RK_QUESTIONS] != NULL)
		parse_questions(p, vals[RK_QUESTIONS]);
}

/* Problems are found section by section; list them in file order. */
static void
sort_problems(struct form_problems *probs)
{
	struct form_problem t;
	size_t i, j;

	for (i = 1; i < probs->n; i++) {
		t = probs->v[i];
		for (j = i; j > 0 && probs->v[j - 1].line > t.line; j--)
			probs->v[j] = probs->v[j - 1];
		probs->v[j] = t;
	}
}

/* "FILE:LINE: first problem (and N more)" */
static void
summarise(struct err *e, const char *name, const struct form_problems *probs, size_t first)
{
	const struct form_problem *fp = &probs->v[first];
	char more[64] = "";

	if (probs->n - first > 1)
		snprintf(more, sizeof more, " (and %zu more)", probs->n - first - 1);
	if (fp->line > 0)
		err_set(e, "%s:%d: %s%s", name, fp->line, fp->message, more);
	else
		err_set(e, "%s: %s%s", name, fp->message, more);
}

/* The line (1-based) where buf nests collections deeper than
 * FORM_MAX_DEPTH, or 0. libyaml's scanner slows with the square of the
 * depth (a 200 KB file of '[' took 40 s to load), so the parser's events are
 * walked first, with a counter, and a hostile form is refused after its
 * first few hundred bytes, before any document is built. A syntax error
 * stops the walk: the loader reports it. */
static int
too_deep(const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, line = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		fatal("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > FORM_MAX_DEPTH) {
				line = (int)ev.start_mark.line + 1;
				done = 1;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (parser.error == YAML_MEMORY_ERROR)
		fatal("out of memory");
	yaml_parser_delete(&parser);
	return line;
}

int
form_parse(const char *name, const char *buf, size_t len, struct form **out,
    struct form_problems *probs, struct err *e)
{
	struct parse p;
	struct form *f;
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	size_t first = probs->n;
	int have_doc = 0, have_parser = 0, line;

	*out = NULL;
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(name);
	f->idle_timeout = FORM_DEFAULT_IDLE;
	f->unsubmitted_keep = 1;
	memset(&p, 0, sizeof p);
	p.doc = &doc;
	p.f = f;
	p.probs = probs;

	if (len > FORM_MAX_BYTES) {
		problem(&p, 0, "the file is larger than %d bytes", FORM_MAX_BYTES);
		goto out;
	}
	if ((line = too_deep(buf, len)) > 0) {
		problem(&p, line, "nesting too deep (more than %d levels)", FORM_MAX_DEPTH);
		goto out;
	}
	if (!yaml_parser_initialize(&parser))
		fatal("out of memory");
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &doc)) {
		line = (int)parser.problem_mark.line + 1;
		if (parser.error == YAML_MEMORY_ERROR)
			fatal("out of memory");
		problem(&p, line, "YAML syntax error: %s%s%s",
		    parser.problem != NULL ? parser.problem : "unreadable",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		goto out;
	}
	have_doc = 1;
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		problem(&p, 0, "the file is empty (expected a form)");
		goto out;
	}
	parse_root(&p, root);
	if (yaml_parser_load(&parser, &extra)) {
		if (yaml_document_get_root_node(&extra) != NULL)
			problem(&p, (int)extra.start_mark.line + 1,
			    "only one YAML "
			    "document (one form) per file");
		yaml_document_delete(&extra);
	} else
		problem(&p, (int)parser.problem_mark.line + 1,
		    "YAML syntax "
		    "error after the form: %s",
		    parser.problem != NULL ? parser.problem : "unreadable");

out:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	free(p.show_if_lines);
	free(p.typed);
	if (probs->n > first) {
		sort_problems(probs);
		summarise(e, name, probs, first);
		form_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

int
form_load(const char *path, struct form **out, struct form_problems *probs, struct err *e)
{
	unsigned char *buf = NULL;
	const char *msg;
	size_t len, plen;
	struct err re;
	int rv;

	*out = NULL;
	if (fsutil_read_file(path, FORM_MAX_BYTES, &buf, &len, &re) == -1) {
		/* fsutil names the file; the problem list names it already */
		msg = re.msg;
		plen = strlen(path);
		if (strncmp(msg, path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0)
			msg += plen + 2;
		probs->v = xreallocarray(probs->v, probs->n + 1, sizeof *probs->v);
		probs->v[probs->n].line = 0;
		probs->v[probs->n].message = xstrdup(msg);
		probs->n++;
		return err_set(e, "%s", re.msg);
	}
	rv = form_parse(path, (const char *)buf, len, out, probs, e);
	free(buf);
	return rv;
}

/* Free everything a question owns (not the question itself). */
static void
question_free(struct question *q)
{
	size_t i;

	free(q->id);
	ltext_free(&q->text);
	for (i = 0; i < 2; i++)
		ltext_free(&q->poles[i]);
	for (i = 0; i < 3; i++)
		ltext_free(&q->corners[i]);
	for (i = 0; i < q->nchoices; i++) {
		free(q->choices[i].id);
		ltext_free(&q->choices[i].label);
	}
	free(q->choices);
	free(q->show_if_id);
	for (i = 0; i < q->nshow_if_values; i++)
		free(q->show_if_values[i]);
	free(q->show_if_values);
}

void
form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	free(f->path);
	free(f->id);
	for (i = 0; i < f->nlanguages; i++)
		free(f->languages[i]);
	free(f->languages);
	ltext_free(&f->title);
	ltext_free(&f->consent_text);
	for (i = 0; i < f->ntiers; i++) {
		free(f->tiers[i].id);
		ltext_free(&f->tiers[i].label);
	}
	free(f->tiers);
	for (i = 0; i < f->nprompts; i++) {
		free(f->prompts[i].id);
		ltext_free(&f->prompts[i].text);
	}
	free(f->prompts);
	for (i = 0; i < f->nquestions; i++)
		question_free(&f->questions[i]);
	free(f->questions);
	free(f);
}

void
form_problems_free(struct form_problems *probs)
{
	size_t i;

	if (probs == NULL)
		return;
	for (i = 0; i < probs->n; i++)
		free(probs->v[i].message);
	free(probs->v);
	probs->v = NULL;
	probs->n = 0;
}

const char *
form_text(const struct ltext *t, const char *lang)
{
	size_t i;

	if (t == NULL || t->n == 0)
		return "";
	if (lang != NULL) {
		for (i = 0; i < t->n; i++) {
			if (strcmp(t->lang[i], lang) == 0 && t->value[i][0] != '\0')
				return t->value[i];
		}
	}
	return t->value[0];
}

const struct question *
form_question(const struct form *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].id != NULL && strcmp(f->questions[i].id, id) == 0)
			return &f->questions[i];
	}
	return NULL;
}

const struct tier *
form_tier(const struct form *f, const char *id)
{
	int i;

	if ((i = form_tier_rank(f, id)) == -1)
		return NULL;
	return &f->tiers[i];
}

const struct prompt *
form_prompt(const struct form *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nprompts; i++) {
		if (f->prompts[i].id != NULL && strcmp(f->prompts[i].id, id) == 0)
			return &f->prompts[i];
	}
	return NULL;
}

const struct choice *
question_choice(const struct question *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->nchoices; i++) {
		if (q->choices[i].id != NULL && strcmp(q->choices[i].id, id) == 0)
			return &q->choices[i];
	}
	return NULL;
}

int
form_tier_rank(const struct form *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->ntiers; i++) {
		if (f->tiers[i].id != NULL && strcmp(f->tiers[i].id, id) == 0)
			return (int)i;
	}
	return -1;
}

int
form_has_language(const struct form *f, const char *lang)
{
	return lang != NULL && lang_index(f, lang) != -1;
}
