/* story: the names of a story's status and source (story.h). */
#include "story.h"

static const char *const status_names[STATUS__COUNT] = {
	"draft",
	"submitted",
	"interrupted",
	"timed_out",
};
static const char *const source_names[SOURCE__COUNT] = { "kiosk", "paper" };

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
