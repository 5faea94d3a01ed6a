/* story: what a story's status and source are, their names and bounds,
 * defined once for the kiosk's store, bundles and the hub. The numbers are
 * on the wire (bundle records) and in both stores: never renumber. */
#ifndef STORY_H
#define STORY_H

enum story_status {
	STATUS_DRAFT,       /* being told; never exported */
	STATUS_SUBMITTED,   /* the participant finished it */
	STATUS_INTERRUPTED, /* left by a crash or a power cut */
	STATUS_TIMED_OUT,   /* the participant walked away */
	STATUS__COUNT
};

enum story_source {
	SOURCE_KIOSK, /* typed at the kiosk */
	SOURCE_PAPER, /* transcribed from paper (storykiosk add) */
	SOURCE__COUNT
};

/* A bundle carries finished stories only: every status but draft. */
#define STORY_STATUS_EXPORTED_MIN STATUS_SUBMITTED

/* "submitted", "kiosk", ...; "unknown" outside the bounds. */
const char *story_status_name(int status);
const char *story_source_name(int source);

#endif
