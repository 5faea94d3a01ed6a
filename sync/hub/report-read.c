/* report-read: a story's answers JSON read with jansson into per-question
 * values the report counts. */
#include "report-read.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct report_story *
report_read_new(const struct form *f)
{
	struct report_story *rs = xcalloc(1, sizeof *rs);

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

static void
read_one(const struct question *q, json_t *v, struct report_answer *a)
{
	size_t i;
	json_t *item;

	if (v == NULL) {
		a->state = REPORT_ABSENT;
		return;
	}
	if (json_is_null(v)) {
		a->state = REPORT_NULL;
		return;
	}
	a->state = REPORT_INVALID;
	switch (q->type) {
	case Q_STORY:
	case Q_TEXT:
		if (json_is_string(v)) {
			a->text = json_string_value(v);
			a->len = json_string_length(v);
			a->state = REPORT_GIVEN;
		}
		break;
	case Q_CHOICE:
		if (json_is_string(v) && (a->choice = choice_index(q, json_string_value(v))) >= 0)
			a->state = REPORT_GIVEN;
		break;
	case Q_MULTI:
		if (!json_is_array(v))
			break;
		memset(a->picked, 0, q->nchoices);
		json_array_foreach(v, i, item)
		{
			int c =
			    json_is_string(item) ? choice_index(q, json_string_value(item)) : -1;

			if (c < 0)
				return;
			a->picked[c] = 1;
		}
		a->state = REPORT_GIVEN;
		break;
	case Q_NUMBER:
	case Q_SCALE:
		if (json_is_number(v) && isfinite(json_number_value(v))) {
			a->num = json_number_value(v);
			if (q->type == Q_NUMBER || (a->num >= 0 && a->num <= 100))
				a->state = REPORT_GIVEN;
		}
		break;
	case Q_TRIAD: {
		double sum = 0;

		if (!json_is_array(v) || json_array_size(v) != 3)
			break;
		for (int j = 0; j < 3; j++) {
			item = json_array_get(v, (size_t)j);
			if (!json_is_number(item))
				return;
			a->triad[j] = json_number_value(item);
			if (!isfinite(a->triad[j]) || a->triad[j] < 0 || a->triad[j] > 1)
				return;
			sum += a->triad[j];
		}
		if (fabs(sum - 1) < 1e-3)
			a->state = REPORT_GIVEN;
		break;
	}
	}
}

int
report_read(struct report_story *rs, const struct form *f, const char *answers)
{
	json_t *root;

	json_decref(rs->json);
	rs->json = NULL;
	root = answers != NULL ? json_loads(answers, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (root != NULL && !json_is_object(root)) {
		json_decref(root);
		root = NULL;
	}
	rs->json = root;
	for (size_t i = 0; i < rs->n; i++) {
		struct report_answer *a = &rs->a[i];

		a->text = NULL;
		a->len = 0;
		read_one(
		    &f->questions[i], root ? json_object_get(root, f->questions[i].id) : NULL, a);
	}
	return root != NULL ? 0 : -1;
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
	json_decref(rs->json);
	for (size_t i = 0; i < rs->n; i++)
		free(rs->a[i].picked);
	free(rs->a);
	free(rs);
}
