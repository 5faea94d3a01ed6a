/* feedback: the contents of a feedback pack, allocated and freed. */
#include "feedback.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct feedback *
feedback_new(void)
{
	return xcalloc(1, sizeof(struct feedback));
}

void
feedback_ltext_add(struct ltext *t, const char *lang, const char *value)
{
	t->lang = xreallocarray(t->lang, t->n + 1, sizeof *t->lang);
	t->value = xreallocarray(t->value, t->n + 1, sizeof *t->value);
	t->lang[t->n] = xstrdup(lang);
	t->value[t->n] = xstrdup(value);
	t->n++;
}

void
feedback_ltext_free(struct ltext *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->lang[i]);
		free(t->value[i]);
	}
	free(t->lang);
	free(t->value);
	memset(t, 0, sizeof *t);
}

static void
item_free(struct feedback_item *it)
{
	free(it->qid);
	feedback_ltext_free(&it->text);
	for (size_t i = 0; i < it->noptions; i++) {
		free(it->options[i].id);
		feedback_ltext_free(&it->options[i].label);
	}
	free(it->options);
	for (size_t i = 0; i < 3; i++)
		feedback_ltext_free(&it->ends[i]);
}

void
feedback_free(struct feedback *fb)
{
	if (fb == NULL)
		return;
	free(fb->form);
	feedback_ltext_free(&fb->note);
	for (size_t i = 0; i < fb->nprompts; i++) {
		free(fb->prompts[i].id);
		feedback_ltext_free(&fb->prompts[i].text);
	}
	free(fb->prompts);
	for (size_t i = 0; i < fb->nitems; i++)
		item_free(&fb->items[i]);
	free(fb->items);
	for (size_t i = 0; i < fb->nstories; i++) {
		free(fb->stories[i].ref);
		free(fb->stories[i].lang);
		free(fb->stories[i].prompt);
		free(fb->stories[i].text);
	}
	free(fb->stories);
	free(fb);
}

const struct feedback_prompt *
feedback_prompt(const struct feedback *fb, const char *id)
{
	for (size_t i = 0; id != NULL && i < fb->nprompts; i++)
		if (strcmp(fb->prompts[i].id, id) == 0)
			return &fb->prompts[i];
	return NULL;
}

size_t *
feedback_order(const struct feedback *fb, const char *lang)
{
	size_t *order, n = 0;

	if (fb->nstories == 0)
		return NULL;
	order = xcalloc(fb->nstories, sizeof *order);
	for (size_t i = 0; i < fb->nstories; i++)
		if (lang != NULL && strcmp(fb->stories[i].lang, lang) == 0)
			order[n++] = i;
	for (size_t i = 0; i < fb->nstories; i++)
		if (lang == NULL || strcmp(fb->stories[i].lang, lang) != 0)
			order[n++] = i;
	return order;
}
