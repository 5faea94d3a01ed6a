/* hcmd: the storyhub subcommands. Each takes argv after the program name
 * (argv[0] is the subcommand), reports its own errors once on stderr as
 * "storyhub: what went wrong (and what to do)" (fail.h), and returns the
 * exit status (1 after fail(), 2 after fail_usage()). */
#ifndef HCMD_H
#define HCMD_H

#include <getopt.h>

#include "err.h"
#include "hubstore.h"
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
int hcmd_migrate(int argc, char **argv);
int hcmd_feedback(int argc, char **argv);
int hcmd_report(int argc, char **argv);

/* The options of the commands that open the hub store (hcmd-opts.c). A
 * command lists those it takes in its getopt_long table and hands each
 * option to hcmd_opts_take before its own. */
enum {
	HCMD_OPT_STORE = 0x100,
	HCMD_OPT_KEY,
	HCMD_OPT_PASSFILE
};
#define HCMD_OPTION_STORE \
	{ \
		"store", required_argument, NULL, HCMD_OPT_STORE \
	}
#define HCMD_OPTION_KEY \
	{ \
		"key", required_argument, NULL, HCMD_OPT_KEY \
	}
#define HCMD_OPTION_PASSFILE \
	{ \
		"passphrase-file", required_argument, NULL, HCMD_OPT_PASSFILE \
	}

struct hcmd_opts {
	const char *store;     /* --store DB (NULL: not given) */
	const char *key;       /* --key hub.key (NULL: not given) */
	const char *passfile;  /* --passphrase-file FILE */
	int key_when_needed;   /* hcmd_opts_open leaves the key: hcmd_opts_key loads it */
	struct hubstore *hs;   /* opened by hcmd_opts_open */
	struct hub_seckey *sk; /* loaded by hcmd_opts_open (or hcmd_opts_key) */
};

/* Take option c (getopt_long's value, with its argument) into o: 1 if it is
 * one of these options, 0 if it is the command's own. */
int hcmd_opts_take(struct hcmd_opts *o, int c, const char *arg);
/* Open the store at o->store (mode) and, when --key was given, load the key
 * with the passphrase from STORYHUB_PASSPHRASE, --passphrase-file or the
 * terminal. HUBSTORE_EXISTING opens the store first, so a mistyped --store
 * is refused before the passphrase is asked; HUBSTORE_CREATE loads the key
 * first, so a wrong passphrase creates no store. -1 with e set. */
int hcmd_opts_open(struct hcmd_opts *o, enum hubstore_mode mode, struct err *e);
/* The secret key, loaded now if it was not (key_when_needed): for a command
 * that needs it only sometimes (kiosks trust: when bundles wait), so that
 * the passphrase and Argon2id's 128 MiB are spent only then. -1 with e set
 * when --key was not given or the key cannot be opened. */
int hcmd_opts_key(struct hcmd_opts *o, const struct hub_seckey **key, struct err *e);
/* Close the store and free the key, whichever was opened. */
void hcmd_opts_close(struct hcmd_opts *o);

#endif
