/* secret: passphrases and PINs. Scripts pass them through a file or the
 * environment; people type them with echo off. They only ever live in
 * sodium_malloc memory. */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fsutil.h"
#include "xmalloc.h"

#define SECRET_MAX 1024

/* Read one line from the terminal with echo off into buf (size max). */
static int
prompt_tty(const char *prompt, char *buf, size_t max, struct err *e)
{
	struct termios old, quiet;
	size_t n = 0;
	int fd, rv = -1, restored = 0;
	char c;
	ssize_t r;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return err_set(e, "no terminal to ask for the secret on");
	if (tcgetattr(fd, &old) == -1) {
		err_set(e, "cannot read the terminal settings: %s", strerror(errno));
		goto out;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
		err_set(e, "cannot turn terminal echo off: %s", strerror(errno));
		goto out;
	}
	if (write(fd, prompt, strlen(prompt)) == -1)
		goto restore;
	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < max)
			buf[n++] = c;
	}
	buf[n] = '\0';
	c = 0;
	rv = 0;
restore:
	tcsetattr(fd, TCSAFLUSH, &old);
	restored = 1;
	if (write(fd, "\n", 1) == -1)
		rv = -1;
	if (rv == -1)
		err_set(e, "cannot use the terminal: %s", strerror(errno));
out:
	(void)restored;
	close(fd);
	return rv;
}

/* Wipe the variable's value in place and remove it from the environment:
 * no core, /proc/PID/environ or child process gets it afterwards. */
static void
env_scrub(const char *envname)
{
	char *v;

	if (envname == NULL || (v = getenv(envname)) == NULL)
		return;
	sodium_memzero(v, strlen(v));
	unsetenv(envname);
}

int
secret_read(const char *envname, const char *file, const char *prompt, int confirm, size_t minlen,
    char **out, size_t *outlen, struct err *e)
{
	char *buf = xsecure_malloc(SECRET_MAX), *again = NULL, *env, *fp;
	unsigned char *data = NULL;
	size_t len, n;
	int rv = -1;

	*out = NULL;
	*outlen = 0;
	if (file != NULL) {
		if (fsutil_read_secret(file, SECRET_MAX - 1, &data, &len, e) == -1)
			goto out;
		fp = memchr(data, '\n', len);
		n = fp != NULL ? (size_t)(fp - (char *)data) : len;
		if (n > 0 && data[n - 1] == '\r')
			n--;
		memcpy(buf, data, n);
		buf[n] = '\0';
	} else if (envname != NULL && (env = getenv(envname)) != NULL) {
		n = strlen(env);
		if (n >= SECRET_MAX) {
			err_set(e, "%s is too long", envname);
			goto out;
		}
		memcpy(buf, env, n + 1);
		env_scrub(envname);
	} else {
		if (prompt_tty(prompt, buf, SECRET_MAX, e) == -1)
			goto out;
		if (confirm) {
			again = xsecure_malloc(SECRET_MAX);
			if (prompt_tty("Type it again: ", again, SECRET_MAX, e) == -1)
				goto out;
			if (strcmp(buf, again) != 0) {
				err_set(e, "the two entries do not match; nothing was changed");
				goto out;
			}
		}
	}
	n = strlen(buf);
	if (n == 0) {
		err_set(e, "empty passphrase or PIN");
		goto out;
	}
	if (n < minlen) {
		err_set(e, "too short: use at least %zu characters", minlen);
		goto out;
	}
	*out = buf;
	*outlen = n;
	buf = NULL;
	rv = 0;
out:
	env_scrub(envname); /* also when a file was given or reading failed */
	if (buf != NULL)
		sodium_free(buf);
	if (again != NULL)
		sodium_free(again);
	if (data != NULL)
		sodium_free(data);
	return rv;
}
