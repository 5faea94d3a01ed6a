/* story: what a story's status and source are, their names and bounds,
 * defined once for the kiosk's store, bundles and the hub. The numbers are
 * on the wire (bundle records) and in both stores: never renumber. */
#ifndef STORY_H
#define STORY_H

#include "err.h"

enum story_status {
	STATUS_DRAFT,       /* being told; never exported */
	STATUS_SUBMITTED,   /* the participant finished it */
	STATUS_INTERRUPTED, /* left by a crash or a power cut */
	STATUS_TIMED_OUT,   /* the participant walked away */
	STATUS__COUNT
};

enum story_source {
	SOURCE_KIOSK,  /* typed at the kiosk by the teller */
	SOURCE_PAPER,  /* transcribed from paper (storykiosk add) */
	SOURCE_SCRIBE, /* typed at the kiosk by a scribe for the teller (scribe
	                * mode); the payload names the scribe ("scribe") */
	SOURCE__COUNT
};

/* A scribe's initials: 1 to STORY_SCRIBE_MAX letters A-Z, kept in capitals. */
#define STORY_SCRIBE_MAX 4

/* A bundle carries finished stories only: every status but draft. */
#define STORY_STATUS_EXPORTED_MIN STATUS_SUBMITTED

/* "submitted", "kiosk", ...; "unknown" outside the bounds. */
const char *story_status_name(int status);
const char *story_source_name(int source);

/* Check a scribe's initials as typed (letters a-z or A-Z only, 1 to
 * STORY_SCRIBE_MAX of them, no spaces) and write them in capitals to out:
 * 0, or -1 with the reason in e. */
int story_scribe_check(const char *in, char out[STORY_SCRIBE_MAX + 1], struct err *e);

#endif
