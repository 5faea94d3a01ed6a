/* cmd-opts: the options of the kiosk commands that take --data DIR alone. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "fail.h"

int
cmd_opts_data(int argc, char **argv, const char *usage, const char **dir)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*dir = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*dir = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage(argv[0]);
		}
	}
	return -1;
}
