/* packnote: the coordinator's note of a feedback pack, read from a plain
 * text file with a header line per language (docs/hub.md):
 *
 *   # comments, before the first header only
 *   [en]
 *   What we heard, and what we will do.
 *   [sw]
 *   Tulichosikia, na tutakachofanya.
 */
#ifndef PACKNOTE_H
#define PACKNOTE_H

#include <stddef.h>

#include "err.h"
#include "form.h"

/* Read the note file at path into note (one text per section, in file
 * order; free with feedback_ltext_free). Every language must be one of
 * f's, once; each section holds text (blank lines around it are dropped),
 * valid UTF-8 without control characters, at most PACK_MAX_TEXT bytes.
 * A problem is "PATH:LINE: what", with nothing kept. */
int packnote_load(const char *path, const struct form *f, struct ltext *note, struct err *e);
/* The same for the text buf[0..len) of a note file named name. */
int packnote_parse(const char *name, const char *buf, size_t len, const struct form *f,
    struct ltext *note, struct err *e);

#endif
