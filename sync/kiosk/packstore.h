/* packstore: the feedback pack a kiosk shows, kept in its data directory as
 * it came (DIR/feedback.skf, public text) and verified against the kiosk's
 * hub keys each time it is read. A kiosk takes only a pack newer than any it
 * has taken (the highest sequence is also kept in its store, so deleting
 * the file does not open the way back to an older pack). */
#ifndef PACKSTORE_H
#define PACKSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "feedback.h"
#include "kiosk.h"

#define PACKSTORE_FILE "feedback.skf"

/* Verify the pack buf[0..len) whole against k's hub keys and install it
 * atomically, unless its sequence is not above the highest k has taken.
 * *fb (when fb is not NULL) gets its contents (free with feedback_free).
 * On any refusal the kiosk's pack is unchanged and e says why. */
int packstore_install(
    struct kiosk *k, const unsigned char *buf, size_t len, struct feedback **fb, struct err *e);
/* The same for the pack file at path. */
int packstore_install_file(struct kiosk *k, const char *path, struct feedback **fb, struct err *e);

/* The pack in use, verified: *fb NULL when there is none; -1 when the file
 * cannot be read or does not verify (then none is shown). */
int packstore_load(struct kiosk *k, struct feedback **fb, struct err *e);

/* The highest pack sequence k has taken (0: none yet). */
int packstore_seq(struct kiosk *k, uint64_t *seq, struct err *e);

#endif
