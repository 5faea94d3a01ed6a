/* harden: no core files. A core of `storyhub serve` held a story's text and
 * the passphrase from STORYHUB_PASSPHRASE; the systemd units' LimitCORE=0
 * does not cover a program run by hand. */
#include "harden.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int
harden_process(struct err *e)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) == -1)
		return err_set(e, "cannot turn core files off: %s", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return err_set(e, "cannot make the process undumpable: %s", strerror(errno));
	return 0;
}
