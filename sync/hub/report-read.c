/* report-read: a story's answers JSON read with payread (the hub's payload
 * reader: SQLite's JSON functions, about half jansson's time per story, which
 * was 43% of a report's CPU) into per-question values the report counts. */
#include "report-read.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "payread.h"
#include "xmalloc.h"

struct report_story *
report_read_new(const struct form *f, struct err *e)
{
	struct report_story *rs = xcalloc(1, sizeof *rs);

	if (payread_open(&rs->pr, e) == -1) {
		free(rs);
		return NULL;
	}
	rs->n = f->nquestions;
	rs->a = xcalloc(rs->n ? rs->n : 1, sizeof *rs->a);
	for (size_t i = 0; i < rs->n; i++)
		if (f->questions[i].type == Q_MULTI)
			rs->a[i].picked = xcalloc(f->questions[i].nchoices + 1, 1);
	return rs;
}

static int
choice_index(const struct question *q, const char *id)
{
	for (size_t c = 0; c < q->nchoices; c++)
		if (strcmp(q->choices[c].id, id) == 0)
			return (int)c;
	return -1;
}

/* Keep a copy of text[0..len) in a's own buffer (payread's strings live for
 * one callback only), NUL-terminated. */
static void
keep_text(struct report_answer *a, const char *text, size_t len)
{
	if (a->cap < len + 1) {
		a->cap = len + 1 > 2 * a->cap ? len + 1 : 2 * a->cap;
		a->buf = xreallocarray(a->buf, a->cap, 1);
	}
	memcpy(a->buf, text, len);
	a->buf[len] = '\0';
	a->len = len;
}

struct top {
	const struct form *f;
	struct report_story *rs;
	int bad; /* not an object, or a question's key twice */
};

/* One member of the answers object: scalars are read at once; a multi's or
 * triad's array is kept as JSON text for items() once this pass is over
 * (the reader runs one parse at a time). */
static int
member(const struct payread_value *v, void *ctx, struct err *e)
{
	struct top *t = ctx;
	const struct question *q = NULL;
	struct report_answer *a;
	size_t i;

	(void)e;
	if (v->key == NULL) {
		t->bad = 1;
		return 0;
	}
	for (i = 0; i < t->f->nquestions; i++)
		if (strcmp(t->f->questions[i].id, v->key) == 0) {
			q = &t->f->questions[i];
			break;
		}
	if (q == NULL)
		return 0;
	a = &t->rs->a[i];
	if (a->state != REPORT_ABSENT) {
		t->bad = 1;
		return 0;
	}
	if (v->kind == PAYREAD_NULL) {
		a->state = REPORT_NULL;
		return 0;
	}
	a->state = REPORT_INVALID;
	switch (q->type) {
	case Q_STORY:
	case Q_TEXT:
		if (v->kind == PAYREAD_TEXT) {
			keep_text(a, v->text, v->len);
			a->text = a->buf;
			a->state = REPORT_GIVEN;
		}
		break;
	case Q_CHOICE:
		if (v->kind == PAYREAD_TEXT && (a->choice = choice_index(q, v->text)) >= 0)
			a->state = REPORT_GIVEN;
		break;
	case Q_MULTI:
	case Q_TRIAD:
		if (v->kind == PAYREAD_ARRAY) {
			keep_text(a, v->text, v->len);
			a->items = 1;
		}
		break;
	case Q_NUMBER:
	case Q_SCALE:
		if ((v->kind == PAYREAD_INTEGER || v->kind == PAYREAD_REAL) && isfinite(v->real)) {
			a->num = v->real;
			if (q->type == Q_NUMBER || (a->num >= 0 && a->num <= 100))
				a->state = REPORT_GIVEN;
		}
		break;
	}
	return 0;
}

struct items {
	const struct question *q;
	struct report_answer *a;
	size_t n;
	int bad;
};

/* One item of a multi's or triad's array. */
static int
item(const struct payread_value *v, void *ctx, struct err *e)
{
	struct items *it = ctx;
	const struct question *q = it->q;
	struct report_answer *a = it->a;
	int c;

	(void)e;
	if (it->bad)
		return 0;
	if (q->type == Q_MULTI) {
		c = v->kind == PAYREAD_TEXT ? choice_index(q, v->text) : -1;
		if (c < 0)
			it->bad = 1;
		else
			a->picked[c] = 1;
	} else if (it->n >= 3 || (v->kind != PAYREAD_INTEGER && v->kind != PAYREAD_REAL) ||
	    !isfinite(v->real) || v->real < 0 || v->real > 1) {
		it->bad = 1;
	} else {
		a->triad[it->n] = v->real;
	}
	it->n++;
	return 0;
}

/* A multi's or triad's array, kept by member(): given when every item fits. */
static void
read_items(struct report_story *rs, const struct question *q, struct report_answer *a)
{
	struct items it = { q, a, 0, 0 };
	struct err e = { 0 };

	if (q->type == Q_MULTI)
		memset(a->picked, 0, q->nchoices);
	if (payread_each(rs->pr, a->buf, a->len, item, &it, &e) == -1 || it.bad)
		return;
	if (q->type == Q_MULTI) {
		a->state = REPORT_GIVEN;
	} else if (it.n == 3 && fabs(a->triad[0] + a->triad[1] + a->triad[2] - 1) < 1e-3) {
		a->state = REPORT_GIVEN;
	}
}

int
report_read(struct report_story *rs, const struct form *f, const char *answers)
{
	struct top t = { f, rs, 0 };
	struct err e = { 0 };
	const char *p = answers;
	int rv = 0;

	for (size_t i = 0; i < rs->n; i++) {
		rs->a[i].state = REPORT_ABSENT;
		rs->a[i].text = NULL;
		rs->a[i].len = 0;
		rs->a[i].items = 0;
	}
	while (p != NULL && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == NULL || *p != '{' ||
	    payread_each(rs->pr, answers, strlen(answers), member, &t, &e) == -1 || t.bad)
		rv = -1;
	for (size_t i = 0; i < rs->n; i++) {
		struct report_answer *a = &rs->a[i];

		if (rv == -1) {
			a->state = REPORT_ABSENT;
			a->text = NULL;
			a->len = 0;
		} else if (a->items) {
			read_items(rs, &f->questions[i], a);
		}
	}
	return rv;
}

static size_t
question_index(const struct form *f, const struct question *q)
{
	return (size_t)(q - f->questions);
}

int
report_read_shown(const struct form *f, const struct report_story *rs, size_t qi)
{
	const struct question *q = &f->questions[qi], *c;
	const struct report_answer *an;
	size_t ci;

	if (q->show_if_id == NULL)
		return 1;
	/* the form puts c before q, so this recursion ends */
	if ((c = form_question(f, q->show_if_id)) == NULL || c >= q)
		return 0;
	ci = question_index(f, c);
	if (!report_read_shown(f, rs, ci))
		return 0;
	an = &rs->a[ci];
	if (an->state != REPORT_GIVEN)
		return 0;
	for (size_t i = 0; i < q->nshow_if_values; i++) {
		int v = choice_index(c, q->show_if_values[i]);

		if (v < 0)
			continue;
		if (c->type == Q_CHOICE && an->choice == v)
			return 1;
		if (c->type == Q_MULTI && an->picked[v])
			return 1;
	}
	return 0;
}

void
report_read_free(struct report_story *rs)
{
	if (rs == NULL)
		return;
	payread_close(rs->pr);
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->a[i].picked);
		free(rs->a[i].buf);
	}
	free(rs->a);
	free(rs);
}
