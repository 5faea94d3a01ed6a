/* Replays a saved libFuzzer corpus through one fuzz target without libFuzzer,
 * so make check (and make check SANITIZE=1) runs every input the fuzzer kept.
 * Linked with one tests/fuzz/fuzz-TARGET.c; run as
 *   fuzz-replay-TARGET DIR     (default: $TOP/tests/fuzz/corpus/TARGET)
 * Prints TAP: one line per corpus, with the number of inputs. Each input is
 * copied into a buffer of exactly its size, so ASan catches over-reads. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "xmalloc.h"

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET='\"name\"'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	const char *top = getenv("TOP");
	char *dir = argc > 1 ? xstrdup(argv[1]) :
	                       xasprintf("%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_TARGET);
	struct dirent *de;
	size_t files = 0, bytes = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		printf("not ok 1 - fuzz corpus %s: cannot open %s\n1..1\n", FUZZ_TARGET, dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		unsigned char *buf, *exact;
		struct err e;
		size_t len;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = fsutil_join(dir, de->d_name);
		if (fsutil_read_file(path, 16u << 20, &buf, &len, &e) == -1) {
			printf("not ok 1 - fuzz corpus %s: %s\n1..1\n", FUZZ_TARGET, e.msg);
			return 1;
		}
		exact = xmalloc(len ? len : 1);
		memcpy(exact, buf, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
		free(buf);
		free(path);
		files++;
		bytes += len;
	}
	closedir(d);
	printf("%s 1 - fuzz corpus %s: %zu inputs (%zu bytes) replayed\n1..1\n",
	    files >= 3 ? "ok" : "not ok", FUZZ_TARGET, files, bytes);
	free(dir);
	return files >= 3 ? 0 : 1;
}
