/* packbuild: the stories of a feedback pack, chosen from the hub store. Only
 * stories told with the form, submitted, and whose consent tier is the
 * form's most open tier (public, in the default form) may go in. */
#ifndef PACKBUILD_H
#define PACKBUILD_H

#include <stddef.h>

#include "err.h"
#include "feedback.h"
#include "form.h"
#include "hubstore.h"

enum packbuild_mode {
	PACKBUILD_ALL,    /* every story that may go in */
	PACKBUILD_SELECT, /* the stories with these codes, each one checked */
	PACKBUILD_SEARCH, /* the stories that may go in and match a search */
};

struct packbuild_opts {
	enum packbuild_mode mode;
	const char *codes; /* SELECT: "CODE[,CODE...]" */
	const char *query; /* SEARCH: the store's search syntax */
};

/* Fill fb's form id and version, prompts and stories (told in the form's
 * languages, in import order, the order of the codes, or best match
 * first). A selected code whose story may not go in (another tier, not
 * submitted, another form, withdrawn, unknown), and a search that finds
 * nothing, are refused with a message naming it; fb is then left as it
 * was. */
int packbuild_stories(struct hubstore *hs, const struct form *f, const struct packbuild_opts *o,
    struct feedback *fb, struct err *e);

#endif
