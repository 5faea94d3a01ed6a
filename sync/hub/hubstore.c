/* hubstore: choose the engine for a --store argument. Only SQLite exists
 * today; a "postgresql://" store would get its own hubstore_ops. */
#include "hubstore.h"

#include <string.h>

void
hubstore_init(void)
{
	hubstore_sqlite_init();
}

int
hubstore_open(const char *spec, enum hubstore_mode mode, struct hubstore **out, struct err *e)
{
	*out = NULL;
	if (strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0)
		return err_set(e, "PostgreSQL stores are not supported yet; use a SQLite file");
	return hubstore_sqlite_open(spec, mode, out, e);
}

void
hubstore_close(struct hubstore *hs)
{
	if (hs != NULL)
		hs->ops->close(hs);
}
