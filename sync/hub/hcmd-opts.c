/* hcmd-opts: the options the storyhub commands that open the hub store share
 * (--store, --key, --passphrase-file), and opening what they name in the
 * order that leaves nothing behind on a mistake. */
#include <sodium.h>
#include <stddef.h>

#include "hcmd.h"
#include "secret.h"

int
hcmd_opts_take(struct hcmd_opts *o, int c, const char *arg)
{
	switch (c) {
	case HCMD_OPT_STORE:
		o->store = arg;
		return 1;
	case HCMD_OPT_KEY:
		o->key = arg;
		return 1;
	case HCMD_OPT_PASSFILE:
		o->passfile = arg;
		return 1;
	default:
		return 0;
	}
}

/* Open hub.key with the passphrase from STORYHUB_PASSPHRASE, passfile or the
 * terminal. */
static int
load_key(const char *path, const char *passfile, struct hub_seckey **out, struct err *e)
{
	char *pass = NULL;
	size_t len;
	int rv;

	if (secret_read("STORYHUB_PASSPHRASE", passfile, "hub key passphrase: ", 0, 0, &pass, &len,
	        e) == -1)
		return -1;
	rv = keys_hub_sec_load(path, pass, len, out, e);
	sodium_free(pass);
	return rv;
}

int
hcmd_opts_open(struct hcmd_opts *o, enum hubstore_mode mode, struct err *e)
{
	if (mode == HUBSTORE_EXISTING && hubstore_open(o->store, mode, &o->hs, e) == -1)
		return -1;
	if (o->key != NULL && !o->key_when_needed && load_key(o->key, o->passfile, &o->sk, e) == -1)
		return -1;
	if (mode != HUBSTORE_EXISTING && hubstore_open(o->store, mode, &o->hs, e) == -1)
		return -1;
	return 0;
}

int
hcmd_opts_key(struct hcmd_opts *o, const struct hub_seckey **key, struct err *e)
{
	*key = NULL;
	if (o->sk == NULL) {
		if (o->key == NULL)
			return err_set(e, "this needs the hub key: give --key hub.key");
		if (load_key(o->key, o->passfile, &o->sk, e) == -1)
			return -1;
	}
	*key = o->sk;
	return 0;
}

void
hcmd_opts_close(struct hcmd_opts *o)
{
	hubstore_close(o->hs);
	keys_hub_free(o->sk);
	o->hs = NULL;
	o->sk = NULL;
}
