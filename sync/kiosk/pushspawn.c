/* pushspawn: start and watch the push helper from the running kiosk. */
#include "pushspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "xmalloc.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/lib/storykiosk"
#endif

char *
pushspawn_helper(void)
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
pushspawn_url_check(const char *url, struct err *e)
{
	const char *host;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return err_set(
		    e, "the push URL must start with http:// or https:// (got \"%.60s\")", url);
	if (*host == '\0' || *host == '/' || *host == ':')
		return err_set(e, "the push URL names no host: \"%.60s\"", url);
	for (; *url != '\0'; url++)
		if ((unsigned char)*url <= ' ' || *url == 0x7f)
			return err_set(e, "the push URL contains a space or a control character");
	return 0;
}

/* The child's standard error: DIR/push.log, appended, started again when it
 * grew past PUSHSPAWN_LOG_MAX; /dev/null when it cannot be opened. */
static int
open_log(const char *dir)
{
	char *path = fsutil_join(dir, PUSHSPAWN_LOG_FILE), when[32];
	struct stat st;
	int fd, trunc;
	time_t now = time(NULL);
	struct tm tm;

	trunc = stat(path, &st) == 0 && st.st_size > PUSHSPAWN_LOG_MAX;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | (trunc ? O_TRUNC : 0) | O_CLOEXEC, 0600);
	free(path);
	if (fd == -1)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	dprintf(fd, "%s push started\n", when);
	return fd;
}

int
pushspawn_start(const char *helper, const char *dir, const char *url, const char *ca, long timeout,
    pid_t *pid, struct err *e)
{
	char tbuf[24];
	pid_t p;

	snprintf(tbuf, sizeof tbuf, "%ld", timeout);
	p = fork();
	if (p == -1)
		return err_set(e, "cannot start a push: %s", strerror(errno));
	if (p == 0) {
		char *argv[] = { (char *)helper, "--data", (char *)dir, "--url", (char *)url,
			"--timeout", tbuf, "--once", ca != NULL ? "--ca" : NULL, (char *)ca, NULL };
		int fd = open("/dev/null", O_RDWR), log = open_log(dir);

		/* Never write on the kiosk's screen or read its keyboard. */
		if (fd == -1 || log == -1)
			_exit(127);
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		/* Nothing else of the kiosk's (its database, the terminal). */
		closefrom(STDERR_FILENO + 1);
		/* Out of the terminal's process group: keys never signal it. */
		setpgid(0, 0);
		/* The participant's typing comes first on a small machine. */
		setpriority(PRIO_PROCESS, 0, 10);
		execv(helper, argv);
		dprintf(STDERR_FILENO, "storykiosk: cannot run %s: %s\n", helper, strerror(errno));
		_exit(127);
	}
	*pid = p;
	return 0;
}

int
pushspawn_poll(pid_t pid, int *ok, struct err *e)
{
	int st;
	pid_t r = waitpid(pid, &st, WNOHANG);

	if (r == -1)
		return err_set(e, "push process %ld: %s", (long)pid, strerror(errno));
	if (r == 0)
		return 0;
	*ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	return 1;
}

void
pushspawn_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

long
pushspawn_backoff(unsigned failures)
{
	long d = PUSH_BACKOFF_FIRST;

	if (failures == 0)
		return 0;
	while (--failures > 0 && d < PUSH_BACKOFF_MAX)
		d *= 2;
	return d < PUSH_BACKOFF_MAX ? d : PUSH_BACKOFF_MAX;
}
