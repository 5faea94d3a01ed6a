/* pushspawn: automatic push from the running kiosk. The kiosk never links
 * the HTTP client; it starts the storykiosk-push helper as a child process
 * between participants, polls it from its timer tick without blocking, and
 * waits longer after each failure in a row. */
#ifndef PUSHSPAWN_H
#define PUSHSPAWN_H

#include <sys/types.h>

#include "err.h"

#define PUSH_BACKOFF_FIRST 30 /* seconds before the first retry */
#define PUSH_BACKOFF_MAX 1800 /* never wait longer than this */

/* The helper program: storykiosk-push beside this executable (a build tree),
 * else the installed one in LIBEXECDIR. Caller frees. */
char *pushspawn_helper(void);

/* Check that url is one push can use (http:// or https:// and a host). */
int pushspawn_url_check(const char *url, struct err *e);

/* In a kiosk's data directory: the CA certificate 'init --ca' saved, and
 * the log of the pushes the running kiosk starts (what the helper says on
 * standard error: "hub busy, will retry ...", failures), kept short. */
#define PUSHSPAWN_CA_FILE "push-ca.pem"
/* The kiosk's meta keys for enrolment: the token waiting to be sent by the
 * next push (empty once the hub took it) and when the hub confirmed it. */
#define PUSHSPAWN_META_TOKEN "enroll_token"
#define PUSHSPAWN_META_ENROLLED "enrolled"
#define PUSHSPAWN_LOG_FILE "push.log"
#define PUSHSPAWN_LOG_MAX ((long)256 << 10) /* started again past this size */

/* Start `helper --data dir --url url --timeout timeout --once [--ca ca]` with
 * stdin and stdout on /dev/null and stderr appended to DIR/push.log (it
 * must never write on the kiosk's screen); *pid is the child. The helper
 * records its attempt, success and error in the kiosk's store; a busy hub
 * ends it at once ("hub busy, will retry"), and the kiosk's backoff decides
 * when it tries again. ca: NULL
 * lets the helper choose (STORYKIOSK_PUSH_CA, DIR/push-ca.pem). */
int pushspawn_start(const char *helper, const char *dir, const char *url, const char *ca,
    long timeout, pid_t *pid, struct err *e);

/* Check a started push without blocking: 0 still running, 1 finished with
 * *ok set (1 success, 0 failure), -1 with e set when pid is not our child. */
int pushspawn_poll(pid_t pid, int *ok, struct err *e);

/* Stop a push still running (the kiosk is quitting) and reap it. A push cut
 * short changes nothing: the hub keeps each story once when it comes again. */
void pushspawn_stop(pid_t pid);

/* Seconds to wait before the next automatic attempt after this many failures
 * in a row (0: try now): PUSH_BACKOFF_FIRST doubling up to PUSH_BACKOFF_MAX. */
long pushspawn_backoff(unsigned failures);

#endif
