/* hubstore: choose the engine for a --store argument: a postgresql:// or
 * postgres:// URI is a PostgreSQL store, anything else a SQLite file. */
#include "hubstore.h"

#include <string.h>

void
hubstore_init(void)
{
	hubstore_sqlite_init();
}

int
hubstore_is_pg(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0;
}

int
hubstore_open(const char *spec, enum hubstore_mode mode, struct hubstore **out, struct err *e)
{
	*out = NULL;
	if (hubstore_is_pg(spec))
		return hubstore_pg_open(spec, mode, out, e);
	return hubstore_sqlite_open(spec, mode, out, e);
}

void
hubstore_close(struct hubstore *hs)
{
	if (hs != NULL)
		hs->ops->close(hs);
}
