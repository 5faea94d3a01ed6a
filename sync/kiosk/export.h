/* export: the kiosk side of USB transport. Writes one signed bundle of
 * finished stories into a directory, atomically, and marks them exported. */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kiosk.h"

struct export_result {
	char *path; /* the bundle written, NULL when there was nothing to export */
	uint64_t bundle_seq;
	size_t stories;
	size_t receipts; /* receipts found in the directory and applied first */
};

/* Export every finished story not yet exported (all: every one still held)
 * into todir. Nothing is marked exported unless the bundle is safely on disk. */
int
export_run(struct kiosk *k, const char *todir, int all, struct export_result *res, struct err *e);
void export_result_free(struct export_result *r);

/* One signed bundle of the kiosk's finished stories, as export writes it and
 * push sends it. */
struct export_bundle {
	unsigned char *buf; /* NULL when no story matched */
	size_t len;
	uint64_t seq;                         /* bundle sequence, taken only when buf is set */
	unsigned char (*ids)[STORE_ID_BYTES]; /* the stories in it, in order */
	size_t n;
};

/* Build the bundle of every story matching filter, signed by the kiosk and
 * addressed to its hub keys. Free with export_bundle_free. */
int export_bundle_build(
    struct kiosk *k, enum store_filter filter, struct export_bundle *b, struct err *e);
void export_bundle_free(struct export_bundle *b);

/* Verify the receipt file at path against the kiosk's hub keys and mark the
 * stories it lists acknowledged: *listed in the receipt, *marked found here. */
int export_receipt_apply(
    struct kiosk *k, const char *path, size_t *listed, size_t *marked, struct err *e);

#endif
