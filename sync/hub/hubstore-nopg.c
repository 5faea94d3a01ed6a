/* hubstore-nopg: the PostgreSQL engine's place in a build without libpq
 * (make ARCH=arm64: Debian's libpq-dev cannot be installed for two
 * architectures at once). It refuses every PostgreSQL store. */
#include "hubstore.h"

int
hubstore_pg_open(const char *uri, enum hubstore_mode mode, struct hubstore **out, struct err *e)
{
	(void)uri;
	(void)mode;
	*out = NULL;
	return err_set(e,
	    "this storyhub was built without PostgreSQL (libpq); use a SQLite file, or a "
	    "storyhub built with WITH_PG=1");
}
