/* packstore: install and read the kiosk's feedback pack. */
#include "packstore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "pack.h"

#define META_SEQ "feedback_seq"

static char *
pack_path(const struct kiosk *k)
{
	return fsutil_join(k->dir, PACKSTORE_FILE);
}

int
packstore_load(struct kiosk *k, struct feedback **fb, struct err *e)
{
	char *path = pack_path(k);
	unsigned char *buf = NULL;
	size_t len;
	int rv = -1;

	*fb = NULL;
	if (!fsutil_exists(path)) {
		free(path);
		return 0;
	}
	if (pack_load_file(path, &buf, &len, e) == 0 &&
	    pack_read(buf, len, k->hubs, k->nhubs, fb, e) == 0)
		rv = 0;
	else
		err_prefix(e, "the feedback pack %s", path);
	free(buf);
	free(path);
	return rv;
}

int
packstore_seq(struct kiosk *k, uint64_t *seq, struct err *e)
{
	struct feedback *fb = NULL;
	struct err ignored;
	char *v = NULL, *end;
	uint64_t kept = 0;

	*seq = 0;
	if (store_meta_get(k->store, META_SEQ, &v, e) == -1)
		return -1;
	if (v != NULL) {
		errno = 0;
		kept = strtoull(v, &end, 10);
		if (errno != 0 || *end != '\0')
			kept = 0;
		free(v);
	}
	/* The file counts too (a store restored from before it came); a
	 * damaged one does not. */
	if (packstore_load(k, &fb, &ignored) == 0 && fb != NULL && fb->seq > kept)
		kept = fb->seq;
	feedback_free(fb);
	*seq = kept;
	return 0;
}

int
packstore_install(
    struct kiosk *k, const unsigned char *buf, size_t len, struct feedback **fb, struct err *e)
{
	struct feedback *got = NULL;
	struct err ignored;
	char *path = NULL, text[32];
	uint64_t have;
	int rv = -1;

	if (fb != NULL)
		*fb = NULL;
	if (pack_read(buf, len, k->hubs, k->nhubs, &got, e) == -1)
		return -1;
	if (packstore_seq(k, &have, e) == -1)
		goto out;
	if (got->seq == have) {
		err_set(e, "this kiosk already has feedback pack %" PRIu64, have);
		goto out;
	}
	if (got->seq < have) {
		err_set(e,
		    "pack %" PRIu64 " is older than pack %" PRIu64 ", which this kiosk has (a "
		    "kiosk never goes back to an older pack)",
		    got->seq, have);
		goto out;
	}
	path = pack_path(k);
	if (fsutil_write_atomic(path, buf, len, 0644, 0, e) == -1)
		goto out;
	/* After the file, and best effort: the file itself holds the sequence,
	 * the store's copy only outlives a deleted file. */
	snprintf(text, sizeof text, "%" PRIu64, got->seq);
	(void)store_meta_set(k->store, META_SEQ, text, &ignored);
	if (fb != NULL) {
		*fb = got;
		got = NULL;
	}
	rv = 0;
out:
	feedback_free(got);
	free(path);
	return rv;
}

int
packstore_install_file(struct kiosk *k, const char *path, struct feedback **fb, struct err *e)
{
	unsigned char *buf;
	size_t len;
	int rv;

	if (pack_load_file(path, &buf, &len, e) == -1)
		return -1;
	if ((rv = packstore_install(k, buf, len, fb, e)) == -1)
		err_prefix(e, "%s", path);
	free(buf);
	return rv;
}
