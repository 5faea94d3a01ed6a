/* storykiosk push: run the push helper (storykiosk-push), which holds the
 * HTTP client. Keeping libcurl and its TLS libraries out of this program
 * keeps the kiosk small and fast to start, and out of reach of whoever sits
 * at the keyboard. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fail.h"
#include "pushspawn.h"

int
cmd_push(int argc, char **argv)
{
	char *path = pushspawn_helper();

	(void)argc;
	argv[0] = path;
	execv(path, argv);
	fail("cannot run %s: %s (is storykiosk installed completely?)", path, strerror(errno));
	free(path);
	return 1;
}
