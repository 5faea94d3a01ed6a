/* fail: how a program reports what stops it, once, at the top: one line on
 * standard error, "PROGRAM: what went wrong (and what to do)". Used by
 * storykiosk, storyhub and storykiosk-push. */
#ifndef FAIL_H
#define FAIL_H

/* Name the program the messages start with (name must outlive every call;
 * "storykiosk" until set). First thing in main. */
void fail_set_program(const char *name);
/* Print "PROGRAM: msg" on stderr; returns 1 (the failure exit status). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "PROGRAM: COMMAND: bad usage; see 'PROGRAM COMMAND --help'" on
 * stderr; returns 2 (the usage exit status). */
int fail_usage(const char *command);

#endif
