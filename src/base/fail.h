/* fail: how a program reports what stops it, once, at the top: one line on
 * standard error, "PROGRAM: what went wrong (and what to do)". Used by
 * storykiosk, storyhub and storykiosk-push. Every line is neutralised
 * (utf8_neutralise): a path, file name or kiosk name in it, which whoever
 * hands over a USB stick chooses, never reaches the terminal as control
 * bytes or breaks the one line. */
#ifndef FAIL_H
#define FAIL_H

#include <stdio.h>

/* Name the program the messages start with (name must outlive every call;
 * "storykiosk" until set). First thing in main. */
void fail_set_program(const char *name);
/* Print "PROGRAM: msg" on stderr; returns 1 (the failure exit status). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "PROGRAM: warning: msg" on stderr (the command goes on). */
void fail_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "PROGRAM: COMMAND: bad usage; see 'PROGRAM COMMAND --help'" on
 * stderr; returns 2 (the usage exit status). */
int fail_usage(const char *command);
/* Print one line of output on fp, neutralised as above, then a newline:
 * for every line of a command's output that names a path, a file or a
 * kiosk. Returns 0, or -1 if the stream failed. */
int fail_say(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
