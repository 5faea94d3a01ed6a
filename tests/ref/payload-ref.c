/* payload-ref: the reference reader of story payloads, for the tests only.
 * The hub reads payloads with payread (sync/hub/payread.c, SQLite's JSON,
 * the one reader in the product: faster, see docs/hub.md); this is the plain
 * jansson reading of the same format that tests/unit/test-payread.c and the
 * differential fuzz target tests/fuzz/fuzz-payload.c hold payread to. */
#include "payload-ref.h"

#include <jansson.h>
#include <string.h>

#include "xmalloc.h"

static char *
get_str(json_t *root, const char *key, int nullable, struct err *e)
{
	json_t *v = json_object_get(root, key);

	if (v != NULL && json_is_string(v))
		return xstrdup(json_string_value(v));
	if (nullable && (v == NULL || json_is_null(v)))
		return NULL;
	err_set(e, "story payload: \"%s\" is missing or not a string", key);
	return NULL;
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

static int
strings_only(json_t *list)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item) if (!json_is_string(item)) return 0;
	return 1;
}

int
payload_ref_decode(const char *json, size_t len, struct payload **out, struct err *e)
{
	struct payload *p = xcalloc(1, sizeof *p);
	json_t *root, *v;
	json_error_t jerr;
	int rv = -1;

	*out = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		err_set(e, "story payload is not a JSON object%s%s", root == NULL ? ": " : "",
		    root == NULL ? jerr.text : "");
		goto out;
	}
	v = json_object_get(root, "v");
	if (!json_is_integer(v) || json_integer_value(v) != PAYLOAD_VERSION) {
		err_set(e, "story payload has an unknown version");
		goto out;
	}
	err_clear(e);
	if ((p->story_id = get_str(root, "story_id", 0, e)) == NULL ||
	    (p->code = get_str(root, "code", 0, e)) == NULL ||
	    (p->kiosk = get_str(root, "kiosk", 0, e)) == NULL ||
	    (p->form = get_str(root, "form", 0, e)) == NULL ||
	    (p->source = get_str(root, "source", 0, e)) == NULL ||
	    (p->created = get_str(root, "created", 0, e)) == NULL ||
	    (p->saved = get_str(root, "saved", 0, e)) == NULL ||
	    (p->lang = get_str(root, "lang", 0, e)) == NULL ||
	    (p->consent = get_str(root, "consent", 0, e)) == NULL)
		goto out;
	p->prompt = get_str(root, "prompt", 1, e);
	if (p->prompt == NULL && e != NULL && e->msg[0] != '\0')
		goto out;
	p->status = get_str(root, "status", 1, e);
	if (p->status == NULL && e != NULL && e->msg[0] != '\0')
		goto out;
	v = json_object_get(root, "form_version");
	if (!json_is_integer(v)) {
		err_set(e, "story payload: \"form_version\" is not an integer");
		goto out;
	}
	p->form_version = (long long)json_integer_value(v);
	v = json_object_get(root, "answers");
	if (!json_is_object(v)) {
		err_set(e, "story payload: \"answers\" is not an object");
		goto out;
	}
	p->answers = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	v = json_object_get(root, "types");
	if (!json_is_object(v)) {
		err_set(e, "story payload: \"types\" is not an object");
		goto out;
	}
	p->types = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	p->text = searchable_text(json_object_get(root, "answers"), v);
	if (p->answers == NULL || p->types == NULL)
		fatal("cannot re-encode a story payload");
	v = json_object_get(root, "untouched");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_array(v) || !strings_only(v)) {
			err_set(e, "story payload: \"untouched\" is not a list of question ids");
			goto out;
		}
		if ((p->untouched = json_dumps(v, JSON_COMPACT)) == NULL)
			fatal("cannot re-encode a story payload");
	}
	p->scribe = get_str(root, "scribe", 1, e);
	if (p->scribe == NULL && e != NULL && e->msg[0] != '\0')
		goto out;
	*out = p;
	p = NULL;
	rv = 0;
out:
	json_decref(root);
	payload_free(p);
	return rv;
}
