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

#endif
