/* storykiosk push: run the push helper (storykiosk-push), which holds the
 * HTTP client. Keeping libcurl and its TLS libraries out of this program
 * keeps the kiosk small and fast to start, and out of reach of whoever sits
 * at the keyboard. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "xmalloc.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/lib/storykiosk"
#endif

/* The helper beside this executable (a build tree), else the installed one. */
static char *
helper_path(void)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = xasprintf("%s/storykiosk-push", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup(LIBEXECDIR "/storykiosk-push");
}

int
cmd_push(int argc, char **argv)
{
	char *path = helper_path();

	(void)argc;
	argv[0] = path;
	execv(path, argv);
	cmd_fail("cannot run %s: %s (is storykiosk installed completely?)", path,
	    strerror(errno));
	free(path);
	return 1;
}
