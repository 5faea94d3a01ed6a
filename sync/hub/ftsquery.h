/* ftsquery: the hub's search language (SQLite FTS5's query syntax: words,
 * "a phrase", prefix*, AND, OR, NOT, parentheses) turned into the text of a
 * PostgreSQL tsquery, so that `storyhub search` takes the same queries on
 * both engines. Pure C: no database, no library. */
#ifndef FTSQUERY_H
#define FTSQUERY_H

#include "err.h"

/* Translate query into tsquery text for to_tsquery() (each word or phrase
 * a quoted operand, which to_tsquery normalises with the store's text search
 * configuration). *out is a new string (caller frees). A query FTS5 would not
 * accept, or that uses what this subset leaves out (column filters, NEAR,
 * ^, +), is refused with e saying where. */
int ftsquery_to_tsquery(const char *query, char **out, struct err *e);

#endif
