/* ftsquery: FTS5 query syntax to PostgreSQL tsquery text, by recursive
 * descent over FTS5's grammar with its precedence (NOT binds tightest, then
 * AND, written or implicit between two phrases, then OR):
 *
 *   or     := and ("OR" and)*
 *   and    := not (["AND"] not)*
 *   not    := primary ("NOT" primary)*
 *   primary:= "(" or ")" | phrase
 *   phrase := (bareword | "quoted string") ["*"]
 *
 * A bareword is what FTS5 takes without quotes: ASCII letters, digits, '_',
 * U+001A and every byte of a non-ASCII character. AND, OR and NOT are
 * operators only in capitals, as in FTS5. */
#include "ftsquery.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* The nesting allowed: deeper is refused rather than recursed into. */
#define MAX_DEPTH 64

struct parser {
	const char *q; /* the whole query, for messages */
	const char *p; /* where the parser is */
	char *out;
	size_t len, cap;
	int depth;
	struct err *e;
};

static void
emit(struct parser *ps, const char *s, size_t n)
{
	if (ps->len + n + 1 > ps->cap) {
		ps->cap = (ps->len + n + 1) * 2;
		ps->out = xreallocarray(ps->out, ps->cap, 1);
	}
	memcpy(ps->out + ps->len, s, n);
	ps->len += n;
	ps->out[ps->len] = '\0';
}

static void
emits(struct parser *ps, const char *s)
{
	emit(ps, s, strlen(s));
}

static int
bad(struct parser *ps, const char *what)
{
	return err_set(ps->e, "%s at offset %zu of the search", what, (size_t)(ps->p - ps->q));
}

static int
bareword_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == 0x1a;
}

static void
skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

/* The operator word op (AND, OR, NOT) comes next, as a whole bareword. */
static int
at_keyword(struct parser *ps, const char *op)
{
	size_t n = strlen(op);

	skip_space(ps);
	return strncmp(ps->p, op, n) == 0 && !bareword_byte((unsigned char)ps->p[n]);
}

/* Something a phrase can start with comes next. */
static int
at_phrase(struct parser *ps)
{
	skip_space(ps);
	if (*ps->p == '"' || *ps->p == '(')
		return 1;
	if (!bareword_byte((unsigned char)*ps->p))
		return 0;
	return !at_keyword(ps, "AND") && !at_keyword(ps, "OR") && !at_keyword(ps, "NOT");
}

/* One quoted tsquery operand: the text with ' and \ escaped. */
static void
emit_operand(struct parser *ps, const char *s, size_t n, int prefix)
{
	size_t i;

	emits(ps, "'");
	for (i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			emit(ps, &s[i], 1);
		emit(ps, &s[i], 1);
	}
	emits(ps, prefix ? "':*" : "'");
}

static int parse_or(struct parser *ps);

static int
parse_phrase(struct parser *ps)
{
	char *text = NULL;
	size_t n = 0, cap = 0;
	const char *start;
	int prefix = 0;

	skip_space(ps);
	if (*ps->p == '"') {
		ps->p++;
		for (;;) {
			if (*ps->p == '\0') {
				free(text);
				return bad(ps, "unterminated string");
			}
			if (*ps->p == '"') {
				if (ps->p[1] != '"')
					break;
				ps->p++; /* "" is a quote */
			}
			if (n + 2 > cap) {
				cap = (n + 2) * 2;
				text = xreallocarray(text, cap, 1);
			}
			text[n++] = *ps->p++;
		}
		ps->p++;
	} else {
		start = ps->p;
		while (bareword_byte((unsigned char)*ps->p))
			ps->p++;
		if (ps->p == start) {
			free(text);
			return bad(ps, *ps->p ? "syntax error" : "unexpected end");
		}
		n = (size_t)(ps->p - start);
		text = xstrndup(start, n);
	}
	if (*ps->p == '*') {
		prefix = 1;
		ps->p++;
	}
	emit_operand(ps, text ? text : "", n, prefix);
	free(text);
	skip_space(ps);
	if (*ps->p == '+' || *ps->p == ':' || *ps->p == '^' || *ps->p == '{')
		return bad(ps, "syntax error (column filters and '+' are not supported)");
	return 0;
}

static int
parse_primary(struct parser *ps)
{
	skip_space(ps);
	if (*ps->p == '(') {
		if (++ps->depth > MAX_DEPTH)
			return bad(ps, "too deeply nested");
		ps->p++;
		emits(ps, "(");
		if (parse_or(ps) == -1)
			return -1;
		skip_space(ps);
		if (*ps->p != ')')
			return bad(ps, "syntax error (missing ')')");
		ps->p++;
		emits(ps, ")");
		ps->depth--;
		return 0;
	}
	if (at_keyword(ps, "NEAR") && ps->p[4] == '(')
		return bad(ps, "syntax error (NEAR is not supported)");
	if (!at_phrase(ps))
		return bad(ps, *ps->p ? "syntax error" : "unexpected end");
	return parse_phrase(ps);
}

static int
parse_not(struct parser *ps)
{
	emits(ps, "(");
	if (parse_primary(ps) == -1)
		return -1;
	while (at_keyword(ps, "NOT")) {
		ps->p += 3;
		emits(ps, " & !");
		if (parse_primary(ps) == -1)
			return -1;
	}
	emits(ps, ")");
	return 0;
}

static int
parse_and(struct parser *ps)
{
	emits(ps, "(");
	if (parse_not(ps) == -1)
		return -1;
	for (;;) {
		if (at_keyword(ps, "AND"))
			ps->p += 3;
		else if (!at_phrase(ps))
			break;
		emits(ps, " & ");
		if (parse_not(ps) == -1)
			return -1;
	}
	emits(ps, ")");
	return 0;
}

static int
parse_or(struct parser *ps)
{
	if (parse_and(ps) == -1)
		return -1;
	while (at_keyword(ps, "OR")) {
		ps->p += 2;
		emits(ps, " | ");
		if (parse_and(ps) == -1)
			return -1;
	}
	return 0;
}

int
ftsquery_to_tsquery(const char *query, char **out, struct err *e)
{
	struct parser ps = { .q = query, .p = query, .e = e };

	*out = NULL;
	emits(&ps, "");
	if (parse_or(&ps) == -1)
		goto fail;
	skip_space(&ps);
	if (*ps.p != '\0') {
		bad(&ps, *ps.p == ')' ? "syntax error (unbalanced ')')" : "syntax error");
		goto fail;
	}
	*out = ps.out;
	return 0;
fail:
	free(ps.out);
	return -1;
}
