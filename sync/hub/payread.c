/* payread: story payloads read with SQLite's JSON functions (one walk of the
 * tree per payload), held to the tests' reference reader (tests/ref/payload-ref.c).
 *
 * SQLite's JSON parser is laxer than jansson's in six ways, each closed here
 * so that everything accepted also loads in jansson later (hub exports):
 *   - it takes bytes that are not UTF-8, and decodes a lone surrogate escape
 *     to such bytes: every key and string is checked with utf8_valid;
 *   - it cuts a string at the escape \u0000 (jansson refuses it): found by
 *     dropping every escaped backslash and looking for what is left;
 *   - it reads a raw NUL byte as the end of the text: refused up front;
 *   - it turns an integer too big for 64 bits into a real, and an
 *     overflowing real into infinity: refused, as jansson does;
 *   - it keeps duplicate keys: refused, as JSON_REJECT_DUPLICATES does;
 *   - SQLite 3.40 takes an object or an array whose last value is a
 *     string where a key belongs ({"a":1,{"x":"y"}:2}), and json_tree then
 *     writes outside its nodes: every key is checked to be a string before
 *     SQLite sees the text (keys_are_strings).
 * tests/fuzz/fuzz-payload.c runs both decoders on the same inputs. */
#include "payread.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

struct payread {
	sqlite3 *db;
	sqlite3_stmt *nul;  /* an escaped NUL anywhere (the text is valid JSON) */
	sqlite3_stmt *tree; /* every node, in document order */
	sqlite3_stmt *each; /* the members of the root (payread_each) */
};

/* A key seen in an object: duplicates are found by sorting these. */
struct key {
	sqlite3_int64 parent;
	char *name;
	size_t len;
};

/* A top-level member or an answer, as found while walking the tree. */
struct member {
	char *key;
	int type;   /* K_TEXT, K_OBJECT, ...: kind() of SQLite's type name */
	char *text; /* text atom, or rendered JSON for an object */
	sqlite3_int64 integer;
};

struct walk {
	struct key *keys;
	size_t nkeys, capkeys;
	struct member *top, *answers, *types;
	size_t ntop, nanswers, ntypes, cap[3];
	sqlite3_int64 root, answers_id, types_id, untouched_id;
	int untouched_bad; /* an item of "untouched" is not a string */
	int root_kind;
};

enum {
	K_NULL,
	K_TRUE,
	K_FALSE,
	K_INTEGER,
	K_REAL,
	K_TEXT,
	K_ARRAY,
	K_OBJECT
};

static int
kind(const char *type)
{
	static const char *const names[] = { "null", "true", "false", "integer", "real", "text",
		"array", "object" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(type, names[i]) == 0)
			return (int)i;
	return -1;
}

int
payread_open(struct payread **out, struct err *e)
{
	struct payread *r = xcalloc(1, sizeof *r);

	*out = NULL;
	if (sqlite3_open_v2(":memory:", &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK ||
	    /* SQL strings take backslashes literally: '\\' is two of them */
	    sqlite3_prepare_v2(r->db, "SELECT instr(replace(?1, '\\\\', ''), '\\u0000')", -1,
	        &r->nul, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
	        "SELECT id, parent, type, key, atom, value FROM"
	        " json_tree(?1)",
	        -1, &r->tree, NULL) != SQLITE_OK ||
	    /* atom: a scalar's value (a string unescaped); value: the JSON of
	     * an array or object */
	    sqlite3_prepare_v2(r->db,
	        "SELECT key, type, CASE WHEN type IN ('array', 'object') THEN value"
	        " ELSE atom END FROM json_each(?1)",
	        -1, &r->each, NULL) != SQLITE_OK) {
		err_set(e, "cannot start the payload reader: %s",
		    r->db ? sqlite3_errmsg(r->db) : "out of memory");
		payread_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
payread_close(struct payread *r)
{
	if (r == NULL)
		return;
	sqlite3_finalize(r->nul);
	sqlite3_finalize(r->tree);
	sqlite3_finalize(r->each);
	sqlite3_close(r->db);
	free(r);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	char *s = xmalloc(n + 1);

	memcpy(s, t ? (const char *)t : "", t ? n : 0);
	s[t ? n : 0] = '\0';
	return s;
}

static struct member *
member_add(struct member **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	memset(&(*v)[*n], 0, sizeof **v);
	return &(*v)[(*n)++];
}

static void
members_free(struct member *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		payload_text_free(v[i].text); /* wipes */
	}
	free(v);
}

static void
walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nkeys; i++)
		free(w->keys[i].name);
	free(w->keys);
	members_free(w->top, w->ntop);
	members_free(w->answers, w->nanswers);
	members_free(w->types, w->ntypes);
}

static int
bad(struct err *e, const char *why)
{
	return err_set(e, "story payload is not a JSON object: %s", why);
}

static int
cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->name, y->name, x->len);
}

/* One node of json_tree: check it, remember what the payload needs. */
static int
walk_node(struct walk *w, sqlite3_stmt *st, struct err *e)
{
	sqlite3_int64 id = sqlite3_column_int64(st, 0), parent;
	int k = kind((const char *)sqlite3_column_text(st, 2)), top;
	const char *key = NULL;
	size_t keylen = 0;
	struct member *m;

	if (k == -1)
		return bad(e, "unknown JSON type");
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) { /* the root */
		w->root = id;
		w->root_kind = k;
		return 0;
	}
	parent = sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 3) == SQLITE_TEXT) { /* a member of an object */
		key = (const char *)sqlite3_column_text(st, 3);
		keylen = (size_t)sqlite3_column_bytes(st, 3);
		if (!utf8_valid(key, keylen))
			return bad(e, "a key is not valid UTF-8");
		if (w->nkeys == w->capkeys) {
			w->capkeys = w->capkeys ? 2 * w->capkeys : 32;
			w->keys = xreallocarray(w->keys, w->capkeys, sizeof *w->keys);
		}
		w->keys[w->nkeys].parent = parent;
		w->keys[w->nkeys].name = col_dup(st, 3);
		w->keys[w->nkeys++].len = keylen;
	}
	if (k == K_TEXT &&
	    !utf8_valid(
	        (const char *)sqlite3_column_text(st, 4), (size_t)sqlite3_column_bytes(st, 4)))
		return bad(e, "a string is not valid UTF-8 (or has a lone surrogate escape)");
	if (k == K_INTEGER && sqlite3_column_type(st, 4) != SQLITE_INTEGER)
		return bad(e, "an integer is too big");
	if (k == K_REAL && !isfinite(sqlite3_column_double(st, 4)))
		return bad(e, "a number is too big");
	if (parent == w->untouched_id && k != K_TEXT)
		w->untouched_bad = 1;
	if (key == NULL)
		return 0;
	top = parent == w->root;
	if (top)
		m = member_add(&w->top, &w->ntop, &w->cap[0]);
	else if (parent == w->answers_id && k == K_TEXT)
		m = member_add(&w->answers, &w->nanswers, &w->cap[1]);
	else if (parent == w->types_id)
		m = member_add(&w->types, &w->ntypes, &w->cap[2]);
	else
		return 0;
	m->key = col_dup(st, 3);
	m->type = k;
	if (k == K_TEXT)
		m->text = col_dup(st, 4);
	else if (k == K_INTEGER)
		m->integer = sqlite3_column_int64(st, 4);
	else if (k == K_OBJECT && top) {
		m->text = col_dup(st, 5); /* rendered compact, escapes kept */
		/* the first of a name: a second one is refused as a duplicate */
		if (strcmp(m->key, "answers") == 0 && w->answers_id == -1)
			w->answers_id = id;
		else if (strcmp(m->key, "types") == 0 && w->types_id == -1)
			w->types_id = id;
	} else if (k == K_ARRAY && top && strcmp(m->key, "untouched") == 0 &&
	    w->untouched_id == -1) {
		m->text = col_dup(st, 5);
		w->untouched_id = id;
	}
	return 0;
}

/* 1 if the six bytes \u0000 are anywhere in s (escaped or not). */
static int
holds_nul_escape_bytes(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= 6 && memcmp(p, "\\u0000", 6) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* Containers deeper than this are refused before SQLite sees the text, as
 * jansson refuses them (its limit is 2048; SQLite's own is 2000). */
#define MAX_DEPTH 2048

static int
bit_get(const unsigned char *bits, size_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

static void
bit_set(unsigned char *bits, size_t i, int on)
{
	if (on)
		bits[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		bits[i / 8] &= (unsigned char)~(1u << (i % 8));
}

/* 0 when every key of every object in json is a string (or the text is not
 * JSON at all, left to SQLite to refuse), -1 with e set otherwise. SQLite
 * 3.40 takes an object or an array as a key when its last value is a
 * string, {["a"]:1} for one, and json_tree then reads and writes outside
 * its nodes (found by fuzz-payload: heap corruption, then a crash). jansson
 * refuses such text, so it is refused here before SQLite parses it. Valid
 * JSON is never refused: only what follows '{', or ',' in an object,
 * outside strings, is looked at. */
static int
keys_are_strings(const char *json, size_t len, struct err *e)
{
	unsigned char in_object[MAX_DEPTH / 8] = { 0 };
	size_t i, depth = 0;
	int want_key = 0; /* after '{' (or '}' may come) or after ',' in an object */
	int empty_ok = 0;

	for (i = 0; i < len; i++) {
		char c = json[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (want_key) {
			if (c != '"' && !(empty_ok && c == '}'))
				return bad(e, "malformed JSON (a key is not a string)");
			want_key = 0;
		}
		switch (c) {
		case '"': /* skip the string, escapes and all */
			for (i++; i < len && json[i] != '"'; i++)
				if (json[i] == '\\')
					i++;
			break;
		case '{':
		case '[':
			if (depth == MAX_DEPTH)
				return bad(e, "nested too deeply");
			bit_set(in_object, depth++, c == '{');
			want_key = empty_ok = c == '{';
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			want_key = depth > 0 && bit_get(in_object, depth - 1);
			empty_ok = 0;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Walk the whole tree once; fail on anything jansson would refuse to load. */
static int
walk_tree(struct payread *r, const char *json, size_t len, struct walk *w, struct err *e)
{
	int rc, rv = 0;
	size_t i;

	if (memchr(json, '\0', len) != NULL)
		return bad(e, "it holds a NUL byte");
	if (keys_are_strings(json, len, e) == -1)
		return -1;
	w->root = w->answers_id = w->types_id = w->untouched_id = -1;
	sqlite3_bind_text64(r->tree, 1, json, len, SQLITE_STATIC, SQLITE_UTF8);
	while ((rc = sqlite3_step(r->tree)) == SQLITE_ROW)
		if ((rv = walk_node(w, r->tree, e)) == -1)
			break;
	if (rv == 0 && rc != SQLITE_DONE)
		rv = bad(e, sqlite3_errmsg(r->db)); /* "malformed JSON" */
	sqlite3_reset(r->tree);
	sqlite3_clear_bindings(r->tree);
	if (rv == -1)
		return -1;
	if (w->nkeys > 1)
		qsort(w->keys, w->nkeys, sizeof *w->keys, cmp_key);
	for (i = 1; i < w->nkeys; i++)
		if (cmp_key(&w->keys[i - 1], &w->keys[i]) == 0)
			return bad(e, "duplicate object key");
	/* valid JSON: a backslash only ever starts an escape inside a string.
	 * Without those six bytes anywhere there is no such escape (the usual
	 * case: SQLite need not copy the text to look). */
	if (!holds_nul_escape_bytes(json, len))
		return 0;
	sqlite3_bind_text64(r->nul, 1, json, len, SQLITE_STATIC, SQLITE_UTF8);
	rc = sqlite3_step(r->nul);
	if (rc == SQLITE_ROW && sqlite3_column_int64(r->nul, 0) > 0)
		rv = bad(e, "a string holds \\u0000");
	else if (rc != SQLITE_ROW)
		rv = bad(e, sqlite3_errmsg(r->db));
	sqlite3_reset(r->nul);
	sqlite3_clear_bindings(r->nul);
	return rv;
}

/* Walk, then look at the root: after every check of the JSON itself, as
 * jansson parses everything before the root's type is looked at. */
static int
walk_payload(struct payread *r, const char *json, size_t len, struct walk *w, struct err *e)
{
	if (walk_tree(r, json, len, w, e) == -1)
		return -1;
	/* as jansson: a bare value does not parse, an array is not an object */
	if (w->root_kind == K_ARRAY)
		return err_set(e, "story payload is not a JSON object");
	if (w->root_kind != K_OBJECT)
		return bad(e, "an object or array was expected");
	return 0;
}

static const struct member *
find(const struct member *v, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

static char *
get_str(const struct walk *w, const char *key, int nullable, struct err *e)
{
	const struct member *m = find(w->top, w->ntop, key);

	if (m != NULL && m->type == K_TEXT)
		return xstrdup(m->text);
	if (nullable && (m == NULL || m->type == K_NULL))
		return NULL;
	err_set(e, "story payload: \"%s\" is missing or not a string", key);
	return NULL;
}

/* The story and text answers, in the order of types, one per line (as
 * payload.c's searchable_text). */
static char *
searchable_text(const struct walk *w)
{
	size_t len = 0, cap = 256, n, i;
	char *out = xmalloc(cap);

	out[0] = '\0';
	for (i = 0; i < w->ntypes; i++) {
		const struct member *t = &w->types[i], *a;

		if (t->type != K_TEXT ||
		    (strcmp(t->text, "story") != 0 && strcmp(t->text, "text") != 0) ||
		    (a = find(w->answers, w->nanswers, t->key)) == NULL)
			continue;
		n = strlen(a->text);
		while (len + n + 2 > cap)
			cap *= 2;
		out = xreallocarray(out, cap, 1);
		memcpy(out + len, a->text, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	return out;
}

int
payread_decode(struct payread *r, const char *json, size_t len, struct payload **out, struct err *e)
{
	struct payload *p = xcalloc(1, sizeof *p);
	struct walk w = { 0 };
	const struct member *m;
	int rv = -1;

	*out = NULL;
	if (walk_payload(r, json, len, &w, e) == -1)
		goto out;
	/* the reference reader's checks, in its order (so the same message) */
	m = find(w.top, w.ntop, "v");
	if (m == NULL || m->type != K_INTEGER || m->integer != PAYLOAD_VERSION) {
		err_set(e, "story payload has an unknown version");
		goto out;
	}
	err_clear(e);
	if ((p->story_id = get_str(&w, "story_id", 0, e)) == NULL ||
	    (p->code = get_str(&w, "code", 0, e)) == NULL ||
	    (p->kiosk = get_str(&w, "kiosk", 0, e)) == NULL ||
	    (p->form = get_str(&w, "form", 0, e)) == NULL ||
	    (p->source = get_str(&w, "source", 0, e)) == NULL ||
	    (p->created = get_str(&w, "created", 0, e)) == NULL ||
	    (p->saved = get_str(&w, "saved", 0, e)) == NULL ||
	    (p->lang = get_str(&w, "lang", 0, e)) == NULL ||
	    (p->consent = get_str(&w, "consent", 0, e)) == NULL)
		goto out;
	p->prompt = get_str(&w, "prompt", 1, e);
	if (p->prompt == NULL && e->msg[0] != '\0')
		goto out;
	p->status = get_str(&w, "status", 1, e);
	if (p->status == NULL && e->msg[0] != '\0')
		goto out;
	m = find(w.top, w.ntop, "form_version");
	if (m == NULL || m->type != K_INTEGER) {
		err_set(e, "story payload: \"form_version\" is not an integer");
		goto out;
	}
	p->form_version = (long long)m->integer;
	m = find(w.top, w.ntop, "answers");
	if (m == NULL || m->type != K_OBJECT) {
		err_set(e, "story payload: \"answers\" is not an object");
		goto out;
	}
	p->answers = xstrdup(m->text);
	m = find(w.top, w.ntop, "types");
	if (m == NULL || m->type != K_OBJECT) {
		err_set(e, "story payload: \"types\" is not an object");
		goto out;
	}
	p->types = xstrdup(m->text);
	p->text = searchable_text(&w);
	m = find(w.top, w.ntop, "untouched");
	if (m != NULL && m->type != K_NULL) {
		if (m->type != K_ARRAY || w.untouched_bad) {
			err_set(e, "story payload: \"untouched\" is not a list of question ids");
			goto out;
		}
		p->untouched = xstrdup(m->text);
	}
	p->scribe = get_str(&w, "scribe", 1, e);
	if (p->scribe == NULL && e->msg[0] != '\0')
		goto out;
	*out = p;
	p = NULL;
	rv = 0;
out:
	walk_free(&w);
	payload_free(p);
	return rv;
}

int
payread_each(struct payread *r, const char *json, size_t len,
    int (*fn)(const struct payread_value *v, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct payread_value v;
	int rc, rv = 0;

	/* TRANSIENT: SQLite keeps its own copy, so fn may move what json
	 * points into (the exporter's row buffer grows) */
	sqlite3_bind_text64(r->each, 1, json, len, SQLITE_TRANSIENT, SQLITE_UTF8);
	while ((rc = sqlite3_step(r->each)) == SQLITE_ROW) {
		memset(&v, 0, sizeof v);
		if (sqlite3_column_type(r->each, 0) == SQLITE_TEXT)
			v.key = (const char *)sqlite3_column_text(r->each, 0);
		v.kind = (enum payread_kind)kind((const char *)sqlite3_column_text(r->each, 1));
		switch (v.kind) {
		case PAYREAD_INTEGER:
			v.integer = sqlite3_column_int64(r->each, 2);
			v.real = (double)v.integer;
			break;
		case PAYREAD_REAL:
			v.real = sqlite3_column_double(r->each, 2);
			break;
		case PAYREAD_TEXT:
		case PAYREAD_ARRAY:
		case PAYREAD_OBJECT:
			v.text = (const char *)sqlite3_column_text(r->each, 2);
			v.len = (size_t)sqlite3_column_bytes(r->each, 2);
			if (v.text == NULL)
				v.text = "";
			break;
		default:
			break;
		}
		if ((rv = fn(&v, ctx, e)) == -1)
			break;
	}
	if (rv == 0 && rc != SQLITE_DONE)
		rv = err_set(e, "cannot read stored JSON: %s", sqlite3_errmsg(r->db));
	sqlite3_reset(r->each);
	sqlite3_clear_bindings(r->each);
	return rv;
}
