/* cmd-preview: `storykiosk preview FORM`, the kiosk in practice with no data
 * directory and no keys: for trying a new form and training, anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fail.h"

static void
usage(FILE *fp)
{
	fputs("usage: storykiosk preview FORM [--idle SECONDS] [--assisted [--scribe INITIALS]]\n\n"
	      "Show the form FORM on the full-screen kiosk, in practice: the whole\n"
	      "journey, with \"PRACTICE: nothing is kept\" on every screen. No data\n"
	      "directory and no keys are needed, and nothing is stored, sealed or\n"
	      "exported; the story code shown is not real. F12 (or Ctrl-A) opens the\n"
	      "admin screen without a PIN: change the form, turn scribe mode on or\n"
	      "off, or quit. The same as 'storykiosk run --practice --form FORM'.\n\n"
	      "  --idle SECONDS    override the form's idle timeout\n"
	      "  --assisted        start in scribe mode (train scribes)\n"
	      "  --scribe INITIALS the scribe's initials, 1 to 4 letters (implies\n"
	      "                    --assisted; without it --assisted asks for them)\n",
	    fp);
}

int
cmd_preview(int argc, char **argv)
{
	struct run_opts o = { .practice = 1 };
	int i;
	char *end;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--assisted") == 0)
			o.assisted = 1;
		else if (strcmp(argv[i], "--scribe") == 0 && i + 1 < argc) {
			o.scribe = argv[++i];
			o.assisted = 1;
		} else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc) {
			o.idle = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || o.idle <= 0)
				return fail_usage("preview");
		} else if (argv[i][0] != '-' && o.form == NULL)
			o.form = argv[i];
		else
			return fail_usage("preview");
	}
	if (o.form == NULL)
		return fail_usage("preview");
	return run_kiosk(&o);
}
