/* harden: what each program (storykiosk, storyhub, storykiosk-push) does
 * first, before it reads a key, a passphrase, a PIN or a story: a crash
 * must not leave a core file holding them. */
#ifndef HARDEN_H
#define HARDEN_H

#include "err.h"

/* Set RLIMIT_CORE to 0 (soft and hard: no core file, even after
 * `ulimit -c unlimited`) and PR_SET_DUMPABLE to 0 (no core either, and no
 * ptrace or /proc/PID/mem by other processes of the same user). */
int harden_process(struct err *e);

#endif
