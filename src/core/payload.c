/* payload: the JSON sealed inside every story. Built and read with jansson,
 * never by hand, so every string is escaped correctly. */
#include "payload.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmalloc.h"

static void
iso8601(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

void
payload_text_free(char *text)
{
	wipe_free(text);
}

char *
payload_encode(const struct payload_meta *m, const struct form *f, const struct answers *a)
{
	char hex[2 * 16 + 1], created[32], saved[32], *answers_text, *text;
	json_t *root, *parsed, *types, *untouched;
	json_error_t jerr;
	size_t i;

	sodium_bin2hex(hex, sizeof hex, m->story_id, 16);
	iso8601(m->created, created);
	iso8601(m->saved, saved);
	answers_text = answers_to_json(a);
	parsed = json_loads(answers_text, 0, &jerr);
	answers_json_free(answers_text);
	if (parsed == NULL)
		fatal("answers_to_json produced invalid JSON: %s", jerr.text);
	types = json_object();
	for (i = 0; i < f->nquestions; i++)
		json_object_set_new(types, f->questions[i].id,
		    json_string(question_type_name(f->questions[i].type)));
	root = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "v",
	    PAYLOAD_VERSION, "story_id", hex, "code", m->code, "kiosk", m->kiosk, "form", f->id,
	    "form_version", (json_int_t)f->version, "source", m->source, "status", m->status,
	    "created", created, "saved", saved, "types", types);
	if (root == NULL)
		fatal("cannot build the story payload");
	/* lang, consent, prompt and answers, exactly as answers_to_json wrote them. */
	json_object_update(root, parsed);
	json_decref(parsed);
	/* Always present, even empty: a payload without it is from a kiosk that
	 * did not record whether a marker was moved. */
	untouched = json_array();
	for (i = 0; i < a->n; i++)
		if (a->v[i].answered && a->v[i].untouched)
			json_array_append_new(untouched, json_string(a->v[i].qid));
	json_object_set_new(root, "untouched", untouched);
	if (m->scribe != NULL)
		json_object_set_new(root, "scribe", json_string(m->scribe));
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		fatal("cannot encode the story payload");
	return text;
}

/* The story and text answers, in the order of types, one per line. */
static char *
searchable_text(json_t *answers, json_t *types)
{
	json_t *v, *a;
	const char *qid, *type;
	size_t len = 0, cap = 256, n;
	char *out = xmalloc(cap);

	out[0] = '\0';
	json_object_foreach(types, qid, v)
	{
		type = json_string_value(v);
		a = json_object_get(answers, qid);
		if (type == NULL || !json_is_string(a) ||
		    (strcmp(type, "story") != 0 && strcmp(type, "text") != 0))
			continue;
		n = json_string_length(a);
		while (len + n + 2 > cap)
			cap *= 2;
		out = xreallocarray(out, cap, 1);
		memcpy(out + len, json_string_value(a), n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	return out;
}

char *
payload_text_of(const char *answers, const char *types)
{
	json_t *a = json_loads(answers, JSON_REJECT_DUPLICATES, NULL);
	json_t *t = json_loads(types, JSON_REJECT_DUPLICATES, NULL);
	char *text = NULL;

	if (json_is_object(a) && json_is_object(t))
		text = searchable_text(a, t);
	json_decref(a);
	json_decref(t);
	return text;
}

void
payload_free(struct payload *p)
{
	if (p == NULL)
		return;
	free(p->story_id);
	free(p->code);
	free(p->kiosk);
	free(p->form);
	free(p->source);
	free(p->status);
	free(p->created);
	free(p->saved);
	free(p->lang);
	free(p->consent);
	free(p->prompt);
	wipe_free(p->answers);
	free(p->types);
	free(p->untouched);
	free(p->scribe);
	wipe_free(p->text);
	free(p);
}
