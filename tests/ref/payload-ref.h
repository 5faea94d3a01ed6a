/* payload-ref: the tests' reference reader of story payloads (jansson),
 * which payread must agree with on every input. */
#ifndef PAYLOAD_REF_H
#define PAYLOAD_REF_H

#include <stddef.h>

#include "err.h"
#include "payload.h"

/* Decode and check shape as payread_decode does; free with payload_free. */
int payload_ref_decode(const char *json, size_t len, struct payload **out, struct err *e);

#endif
