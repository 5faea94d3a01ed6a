/* story: the names of a story's status and source, and the check of a
 * scribe's initials (story.h). */
#include "story.h"

#include <string.h>

static const char *const status_names[STATUS__COUNT] = {
	"draft",
	"submitted",
	"interrupted",
	"timed_out",
};
static const char *const source_names[SOURCE__COUNT] = { "kiosk", "paper", "scribe" };

const char *
story_status_name(int status)
{
	return status >= 0 && status < STATUS__COUNT ? status_names[status] : "unknown";
}

const char *
story_source_name(int source)
{
	return source >= 0 && source < SOURCE__COUNT ? source_names[source] : "unknown";
}

int
story_scribe_check(const char *in, char out[STORY_SCRIBE_MAX + 1], struct err *e)
{
	size_t i, n = strlen(in);

	out[0] = '\0';
	if (n == 0 || n > STORY_SCRIBE_MAX)
		return err_set(
		    e, "a scribe's initials are 1 to %d letters (A-Z)", STORY_SCRIBE_MAX);
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z') {
			out[0] = '\0';
			return err_set(e,
			    "a scribe's initials are letters A-Z only (1 to %d, no spaces or dots)",
			    STORY_SCRIBE_MAX);
		}
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}
