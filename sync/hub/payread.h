/* payread: the hub's one reader of story payloads. It parses with SQLite's
 * JSON functions in a private in-memory database (not the hub store): about
 * 40% less time per payload than jansson (27 against 46 us for a 2.7 KB
 * story), and decoding is most of what an import opens besides the seal;
 * with jansson, import took 18-20% more CPU per story. The tests hold it to a
 * plain jansson reader (tests/ref/payload-ref.c) on every input they have.
 * One reader per thread; never shared. */
#ifndef PAYREAD_H
#define PAYREAD_H

#include <stddef.h>

#include "err.h"
#include "payload.h"

struct payread;

int payread_open(struct payread **out, struct err *e);
void payread_close(struct payread *r);

/* Decode and check json[0..len) into *out (free with payload_free). Accepts
 * and refuses what the reference reader does; "answers", "types" and "untouched"
 * come back as compact JSON of the same value (SQLite's rendering, escapes
 * kept). */
int payread_decode(
    struct payread *r, const char *json, size_t len, struct payload **out, struct err *e);

/* One member of a JSON object, or element of an array, as payread_each
 * gives it. key is the member's name (NULL in an array); text is a
 * string's value (TEXT) or the JSON text of an array or object; all are
 * valid during the callback only. */
enum payread_kind {
	PAYREAD_NULL,
	PAYREAD_TRUE,
	PAYREAD_FALSE,
	PAYREAD_INTEGER,
	PAYREAD_REAL,
	PAYREAD_TEXT,
	PAYREAD_ARRAY,
	PAYREAD_OBJECT,
};

struct payread_value {
	const char *key;
	enum payread_kind kind;
	const char *text;
	size_t len;
	long long integer;
	double real;
};

/* Call fn for every member of the JSON object, or element of the array,
 * in json[0..len), in order (a scalar: once, with key NULL). For the hub's
 * exports, which read stored answers (already checked at import) with it:
 * one parse per call, no copy of the strings. -1 with e set when json does
 * not parse or fn returns -1. */
int payread_each(struct payread *r, const char *json, size_t len,
    int (*fn)(const struct payread_value *v, void *ctx, struct err *e), void *ctx, struct err *e);

#endif
