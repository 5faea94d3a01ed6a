/* packbuild: choose the stories of a feedback pack. Stories are gathered
 * into a list first and handed to fb only when the whole choice stands. */
#include "packbuild.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "storycode.h"
#include "xmalloc.h"

#define SEARCH_LIMIT ((size_t)PACK_MAX_STORIES * 4)

struct chosen {
	char *story_id;
	struct feedback_story s;
};

struct build {
	const struct form *f;
	const struct packbuild_opts *o;
	const char *open_tier;
	struct chosen *v;
	size_t n;
	const char *code; /* SELECT: the code being looked for */
	size_t found;     /* SELECT: stories with that code */
};

static void
chosen_free(struct chosen *c)
{
	free(c->story_id);
	free(c->s.ref);
	free(c->s.lang);
	free(c->s.prompt);
	free(c->s.text);
}

/* The story's own text: the answer to its story question (the payload's
 * types say which question that is). NULL if there is none. */
static char *
story_text(const struct hub_story *s)
{
	json_t *types = json_loads(s->types, 0, NULL), *answers = NULL, *v;
	const char *qid;
	char *text = NULL;

	if (types == NULL)
		return NULL;
	answers = json_loads(s->answers, 0, NULL);
	json_object_foreach(types, qid, v)
	{
		json_t *a;

		if (!json_is_string(v) || strcmp(json_string_value(v), "story") != 0)
			continue;
		a = json_object_get(answers, qid);
		if (json_is_string(a) && json_string_length(a) > 0)
			text = xstrndup(json_string_value(a), json_string_length(a));
		break;
	}
	json_decref(answers);
	json_decref(types);
	return text;
}

/* Why s may not go in the pack, or NULL if it may. */
static const char *
refusal(struct build *b, const struct hub_story *s, char *why, size_t whysz)
{
	if (strcmp(s->form, b->f->id) != 0) {
		snprintf(why, whysz, "was told with form %.64s, not %.64s", s->form, b->f->id);
		return why;
	}
	if (strcmp(s->consent, b->open_tier) != 0) {
		snprintf(why, whysz,
		    "has consent tier %.64s: only stories whose tellers chose %.64s may be given "
		    "back",
		    s->consent[0] ? s->consent : "(none)", b->open_tier);
		return why;
	}
	if (strcmp(s->status, "submitted") != 0) {
		snprintf(why, whysz,
		    "was not submitted (it is %.32s): only finished stories are given back",
		    s->status);
		return why;
	}
	if (!form_has_language(b->f, s->lang)) {
		snprintf(
		    why, whysz, "is in language \"%.32s\", which the form does not have", s->lang);
		return why;
	}
	return NULL;
}

static int
take(struct build *b, const struct hub_story *s, struct err *e)
{
	struct chosen c;
	char *text;

	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].story_id, s->story_id) == 0)
			return 0; /* the same story twice (a conflict, a code named twice) */
	if (b->n == PACK_MAX_STORIES)
		return err_set(e,
		    "more than %d stories for one pack: choose fewer with --select or --search",
		    PACK_MAX_STORIES);
	if ((text = story_text(s)) == NULL)
		return err_set(e, "story %.16s has no story text", s->code);
	memset(&c, 0, sizeof c);
	c.story_id = xstrdup(s->story_id);
	/* Story codes stay out of packs: a code is what withdraws a story, and a
	 * pack is shown to anyone at the kiosk. The reference is its number. */
	c.s.ref = xasprintf("%zu", b->n + 1);
	c.s.lang = xstrdup(s->lang);
	c.s.prompt = xstrdup(s->prompt != NULL && form_prompt(b->f, s->prompt) ? s->prompt : "");
	c.s.text = text;
	b->v = xreallocarray(b->v, b->n + 1, sizeof *b->v);
	b->v[b->n++] = c;
	return 0;
}

/* --all and --search: the stories that may go in; others are passed by
 * (a story with a tier, status or form that keeps it out is no mistake). A
 * story that should go in but cannot (its language) is refused. */
static int
each_open(const struct hub_story *s, void *ctx, struct err *e)
{
	struct build *b = ctx;
	char why[256];

	if (strcmp(s->form, b->f->id) != 0 || strcmp(s->consent, b->open_tier) != 0 ||
	    strcmp(s->status, "submitted") != 0)
		return 0;
	if (refusal(b, s, why, sizeof why) != NULL)
		return err_set(e, "story %.16s %s", s->code, why);
	return take(b, s, e);
}

/* --select: every story with the code being looked for must be able to go in. */
static int
each_coded(const struct hub_story *s, void *ctx, struct err *e)
{
	struct build *b = ctx;
	char why[256];

	if (strcmp(s->code, b->code) != 0)
		return 0;
	b->found++;
	if (refusal(b, s, why, sizeof why) != NULL)
		return err_set(e, "story %s %s; no pack written", b->code, why);
	return take(b, s, e);
}

static int
select_codes(struct hubstore *hs, struct build *b, struct err *e)
{
	const char *p = b->o->codes;
	char code[STORYCODE_LEN], typed[64];
	size_t withdrawn;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		snprintf(typed, sizeof typed, "%.*s", (int)(len < 63 ? len : 63), p);
		if (len == 0 || storycode_normalise(typed, code) == -1)
			return err_set(
			    e, "--select: \"%s\" is not a story code (like K7P-2QX)", typed);
		b->code = code;
		b->found = 0;
		if (hs->ops->story_foreach(hs, each_coded, b, e) == -1)
			return -1;
		if (b->found == 0) {
			if (hs->ops->code_withdrawn(hs, code, &withdrawn, e) == -1)
				return -1;
			if (withdrawn > 0)
				return err_set(e, "story %s was withdrawn; no pack written", code);
			return err_set(
			    e, "no story with code %s in this store; no pack written", code);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
packbuild_stories(struct hubstore *hs, const struct form *f, const struct packbuild_opts *o,
    struct feedback *fb, struct err *e)
{
	struct build b = { 0 };
	int rv = -1;

	if (f->ntiers == 0)
		return err_set(e, "the form has no consent tiers");
	b.f = f;
	b.o = o;
	b.open_tier = f->tiers[f->ntiers - 1].id;
	switch (o->mode) {
	case PACKBUILD_ALL:
		if (hs->ops->story_foreach(hs, each_open, &b, e) == -1)
			goto out;
		break;
	case PACKBUILD_SEARCH:
		if (hs->ops->search(hs, o->query, SEARCH_LIMIT, each_open, &b, e) == -1)
			goto out;
		if (b.n == 0) {
			err_set(e, "no %s story told with form %s matches \"%s\"; no pack written",
			    b.open_tier, f->id, o->query);
			goto out;
		}
		break;
	case PACKBUILD_SELECT:
		if (select_codes(hs, &b, e) == -1)
			goto out;
		break;
	}
	fb->form = xstrdup(f->id);
	fb->form_version = (uint32_t)f->version;
	fb->prompts = f->nprompts ? xcalloc(f->nprompts, sizeof *fb->prompts) : NULL;
	for (size_t i = 0; i < f->nprompts; i++) {
		fb->prompts[i].id = xstrdup(f->prompts[i].id);
		for (size_t j = 0; j < f->prompts[i].text.n; j++)
			feedback_ltext_add(&fb->prompts[i].text, f->prompts[i].text.lang[j],
			    f->prompts[i].text.value[j]);
	}
	fb->nprompts = f->nprompts;
	fb->stories = b.n ? xcalloc(b.n, sizeof *fb->stories) : NULL;
	for (size_t i = 0; i < b.n; i++) {
		fb->stories[i] = b.v[i].s;
		memset(&b.v[i].s, 0, sizeof b.v[i].s);
	}
	fb->nstories = b.n;
	rv = 0;
out:
	for (size_t i = 0; i < b.n; i++)
		chosen_free(&b.v[i]);
	free(b.v);
	return rv;
}
