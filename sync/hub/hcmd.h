/* hcmd: the storyhub subcommands. Each takes argv after the program name
 * (argv[0] is the subcommand), reports its own errors once on stderr as
 * "storyhub: what went wrong (and what to do)", and returns the exit status. */
#ifndef HCMD_H
#define HCMD_H

#include "err.h"
#include "keys.h"

struct hcmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int hcmd_keygen(int argc, char **argv);
int hcmd_import(int argc, char **argv);
int hcmd_export(int argc, char **argv);
int hcmd_kiosks(int argc, char **argv);
int hcmd_search(int argc, char **argv);
int hcmd_withdraw(int argc, char **argv);
int hcmd_serve(int argc, char **argv);

/* Print "storyhub: msg" on stderr; returns 1. */
int hcmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "storyhub: NAME: bad usage; see 'storyhub NAME --help'"; returns 2. */
int hcmd_usage_error(const char *name);
/* Open hub.key with the passphrase from STORYHUB_PASSPHRASE, passfile or the
 * terminal. Free *out with keys_hub_free. */
int hcmd_load_key(const char *path, const char *passfile, struct hub_seckey **out,
    struct err *e);

#endif
