/* packsum: summary figures from the stored answers (jansson). */
#include "packsum.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* What one item gathers while the stories go by. */
struct acc {
	const struct question *q;
	double *values; /* scale */
	size_t nvalues, cap;
	double sum[3]; /* triad */
};

struct sum {
	const struct form *f;
	struct feedback *fb;
	struct acc *acc; /* one per item */
};

static void
ltext_copy(struct ltext *to, const struct ltext *from)
{
	for (size_t i = 0; i < from->n; i++)
		feedback_ltext_add(to, from->lang[i], from->value[i]);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

unsigned
packsum_median_tenths(double *v, size_t n)
{
	double m;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	m = round(m * 10);
	return m < 0 ? 0 : m > 1000 ? 1000 : (unsigned)m;
}

void
packsum_centre(const double sum[3], size_t n, uint16_t out[3])
{
	double exact[3], total = 0;
	unsigned given = 0;

	memset(out, 0, 3 * sizeof *out);
	if (n == 0)
		return;
	for (int i = 0; i < 3; i++)
		total += sum[i];
	if (total <= 0)
		return;
	for (int i = 0; i < 3; i++) {
		exact[i] = sum[i] / total * 1000;
		out[i] = (uint16_t)floor(exact[i]);
		given += out[i];
	}
	/* The per mille left go to the largest remainders, first corner first. */
	while (given < 1000) {
		int best = 0;

		for (int i = 1; i < 3; i++)
			if (exact[i] - out[i] > exact[best] - out[best])
				best = i;
		out[best]++;
		exact[best] = out[best]; /* its remainder is used */
		given++;
	}
}

static void
count_choice(struct feedback_item *it, const char *id)
{
	for (size_t i = 0; i < it->noptions; i++)
		if (strcmp(it->options[i].id, id) == 0) {
			it->options[i].count++;
			return;
		}
}

/* One answer into its item: only values of the shape the form defines count. */
static void
take(struct feedback_item *it, struct acc *a, json_t *v)
{
	json_t *x;
	size_t i;

	switch (it->kind) {
	case FEEDBACK_CHOICE:
		if (json_is_string(v) && question_choice(a->q, json_string_value(v)) != NULL) {
			it->answered++;
			count_choice(it, json_string_value(v));
		}
		break;
	case FEEDBACK_MULTI:
		if (!json_is_array(v) || json_array_size(v) == 0)
			break;
		it->answered++;
		json_array_foreach(v, i, x)
		{
			size_t j;

			if (!json_is_string(x))
				continue;
			for (j = 0; j < i; j++) /* a choice counts once per story */
				if (json_equal(json_array_get(v, j), x))
					break;
			if (j == i)
				count_choice(it, json_string_value(x));
		}
		break;
	case FEEDBACK_SCALE:
		if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
			break;
		if (a->nvalues == a->cap) {
			a->cap = a->cap ? 2 * a->cap : 64;
			a->values = xreallocarray(a->values, a->cap, sizeof *a->values);
		}
		a->values[a->nvalues++] = json_number_value(v);
		it->answered++;
		break;
	case FEEDBACK_TRIAD: {
		double p[3], total = 0;

		if (!json_is_array(v) || json_array_size(v) != 3)
			break;
		for (i = 0; i < 3; i++) {
			x = json_array_get(v, i);
			if (!json_is_number(x) || json_number_value(x) < 0)
				return;
			p[i] = json_number_value(x);
			total += p[i];
		}
		if (total < 0.99 || total > 1.01)
			break;
		for (i = 0; i < 3; i++)
			a->sum[i] += p[i] / total;
		it->answered++;
		break;
	}
	}
}

static int
each_story(const struct hub_story *s, void *ctx, struct err *e)
{
	struct sum *x = ctx;
	json_t *answers;

	(void)e;
	if (strcmp(s->form, x->f->id) != 0 || form_tier_rank(x->f, s->consent) < 0)
		return 0;
	x->fb->counted++;
	if ((answers = json_loads(s->answers, 0, NULL)) == NULL)
		return 0;
	for (size_t i = 0; i < x->fb->nitems; i++) {
		json_t *v = json_object_get(answers, x->fb->items[i].qid);

		if (v != NULL && !json_is_null(v))
			take(&x->fb->items[i], &x->acc[i], v);
	}
	json_decref(answers);
	return 0;
}

static enum feedback_kind
kind_of(enum question_type t)
{
	switch (t) {
	case Q_CHOICE:
		return FEEDBACK_CHOICE;
	case Q_MULTI:
		return FEEDBACK_MULTI;
	case Q_SCALE:
		return FEEDBACK_SCALE;
	case Q_TRIAD:
		return FEEDBACK_TRIAD;
	default:
		return 0;
	}
}

int
packsum_compute(struct hubstore *hs, const struct form *f, struct feedback *fb, struct err *e)
{
	struct sum x = { f, fb, NULL };
	int rv;

	fb->counted = 0;
	fb->items = xcalloc(f->nquestions ? f->nquestions : 1, sizeof *fb->items);
	x.acc = xcalloc(f->nquestions ? f->nquestions : 1, sizeof *x.acc);
	fb->nitems = 0;
	for (size_t i = 0; i < f->nquestions; i++) {
		const struct question *q = &f->questions[i];
		struct feedback_item *it = &fb->items[fb->nitems];

		if (kind_of(q->type) == 0)
			continue;
		it->kind = kind_of(q->type);
		it->qid = xstrdup(q->id);
		ltext_copy(&it->text, &q->text);
		if (q->type == Q_CHOICE || q->type == Q_MULTI) {
			it->options = xcalloc(q->nchoices, sizeof *it->options);
			it->noptions = q->nchoices;
			for (size_t j = 0; j < q->nchoices; j++) {
				it->options[j].id = xstrdup(q->choices[j].id);
				ltext_copy(&it->options[j].label, &q->choices[j].label);
			}
		} else
			for (size_t j = 0; j < (q->type == Q_SCALE ? 2u : 3u); j++)
				ltext_copy(&it->ends[j],
				    q->type == Q_SCALE ? &q->poles[j] : &q->corners[j]);
		x.acc[fb->nitems].q = q;
		fb->nitems++;
	}
	rv = hs->ops->story_foreach(hs, each_story, &x, e);
	for (size_t i = 0; i < fb->nitems; i++) {
		struct feedback_item *it = &fb->items[i];

		if (it->kind == FEEDBACK_SCALE)
			it->median =
			    (uint16_t)packsum_median_tenths(x.acc[i].values, x.acc[i].nvalues);
		else if (it->kind == FEEDBACK_TRIAD)
			packsum_centre(x.acc[i].sum, it->answered, it->centre);
		free(x.acc[i].values);
	}
	free(x.acc);
	return rv;
}
