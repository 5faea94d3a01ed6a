/* gen-bundles: many stories for hub tests and benchmarks, fast. A new kiosk
 * identity writes NBUNDLES bundles of NSTORIES stories each (about 2 KB of
 * varied words per story, some with accents, a choice of consent tiers and
 * multi answers; every seventh typed by a scribe, "AB") sealed to the hub
 * key in HUBPUB, into DIR, named as
 * storykiosk export names them. Prints the kiosk id. What `storykiosk add`
 * and `export` would make, without a kiosk database (that takes 10 ms a
 * story; this, about 50 us).
 *   gen-bundles DIR HUBPUB NBUNDLES NSTORIES   (TOP: the source tree) */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "bundle.h"
#include "form.h"
#include "fsutil.h"
#include "keys.h"
#include "payload.h"
#include "seal.h"
#include "story.h"
#include "storycode.h"
#include "xmalloc.h"

#define STORY_BYTES 2000

static const char *const words[] = { "community", "partnership", "funding", "village", "committee",
	"clinic", "water", "school", "trust", "power", "listened", "together", "agenda", "process",
	"donor", "volunteers", "meeting", "report", "project", "women", "youth", "elders", "well",
	"market", "training", "budget", "we", "they", "the", "and", "because", "when", "helped",
	"failed", "asked", "decided", "shared", "learned", "years", "season", "café", "réunion",
	"élèves", "coopérative", "mkutano", "jamii", "maji" };
static const char *const tiers[] = { "analysis", "quotes", "public" };
static const char *const obstacles[] = { "funding", "power", "process", "agendas" };

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "gen-bundles: %s%s%s\n", what, e ? ": " : "", e ? e->msg : "");
	exit(1);
}

static void
make_story(char *out, size_t cap, uint32_t seed)
{
	size_t len = 0;

	while (len + 32 < cap && len < STORY_BYTES) {
		seed = seed * 1103515245u + 12345u;
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "",
		    words[(seed >> 16) % (sizeof words / sizeof words[0])]);
		if ((seed >> 8) % 13 == 0)
			len += (size_t)snprintf(out + len, cap - len, " %u.", seed % 997);
	}
	out[len] = '\0';
}

int
main(int argc, char **argv)
{
	static const double triad[3] = { 0.5, 0.3, 0.2 };
	struct hub_pubkey *hubs = NULL;
	struct kiosk_identity *kid;
	struct form_problems probs = { 0 };
	struct form *f;
	char kid_hex[KEY_ID_HEX], *path, story[STORY_BYTES + 64];
	size_t nhubs = 0, nbundles, nstories, b, i;
	uint64_t seq = 0;
	struct err e;

	if (argc != 5) {
		fprintf(stderr, "usage: gen-bundles DIR HUBPUB NBUNDLES NSTORIES\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	nbundles = strtoul(argv[3], NULL, 10);
	nstories = strtoul(argv[4], NULL, 10);
	path = xasprintf("%s/forms/partnership.yaml", getenv("TOP") ? getenv("TOP") : ".");
	if (form_load(path, &f, &probs, &e) == -1)
		die(path, &e);
	free(path);
	form_problems_free(&probs);
	if (keys_hub_pub_load(argv[2], &hubs, &nhubs, &e) == -1)
		die(argv[2], &e);
	if (fsutil_mkdir(argv[1], 0700, &e) == -1)
		die(argv[1], &e);
	kid = keys_kiosk_generate();
	keys_id_hex(kid->id, kid_hex);
	for (b = 0; b < nbundles; b++) {
		struct bundle_writer *w;
		unsigned char **sealed = xcalloc(nstories ? nstories : 1, sizeof *sealed), *buf;
		size_t *slen = xcalloc(nstories ? nstories : 1, sizeof *slen), len;
		char *name;
		FILE *fp;

		if (bundle_writer_create(
		        kid, "generated kiosk", b + 1, 1795000000, hubs, nhubs, &w, &e) == -1)
			die("bundle_writer_create", &e);
		for (i = 0; i < nstories; i++) {
			struct payload_meta m = { 0 };
			struct answers *a = answers_new(f);
			struct bundle_record r;
			const char *obs[2];
			char *text, code[STORYCODE_LEN];
			int scribe = seq % 7 == 3; /* as scribe mode seals it */

			randombytes_buf(r.id, sizeof r.id);
			make_story(story, sizeof story, (uint32_t)(seq * 7919 + b));
			answers_set_meta(a, "en", tiers[seq % 3], "worked");
			answers_set_text(a, "story", story);
			answers_set_text(a, "title", "A generated story");
			answers_set_triad(a, "drivers", triad);
			answers_set_number(a, "equal", (double)(seq % 101));
			answers_set_text(a, "role", seq % 2 ? "community" : "funder");
			obs[0] = obstacles[seq % 4];
			obs[1] = obstacles[(seq + 1) % 4];
			answers_set_ids(a, "obstacles", obs, 1 + seq % 2);
			m.story_id = r.id;
			storycode_new(code);
			m.code = code;
			m.kiosk = kid_hex;
			m.source = scribe ? "scribe" : "paper";
			m.scribe = scribe ? "AB" : NULL;
			m.status = "submitted";
			m.created = m.saved = 1795000000 + (int64_t)seq;
			text = payload_encode(&m, f, a);
			if (seal_story(r.id, (unsigned char *)text, strlen(text), hubs, nhubs,
			        &sealed[i], &slen[i], &e) == -1)
				die("seal_story", &e);
			payload_text_free(text);
			answers_free(a);
			r.seq = ++seq;
			r.status = STATUS_SUBMITTED;
			r.source = scribe ? SOURCE_SCRIBE : SOURCE_PAPER;
			r.sealed = sealed[i];
			r.sealed_len = slen[i];
			if (bundle_writer_add(w, &r, &e) == -1)
				die("bundle_writer_add", &e);
		}
		if (bundle_writer_finish(w, &buf, &len, &e) == -1)
			die("bundle_writer_finish", &e);
		name = bundle_file_name(kid->id, b + 1);
		path = fsutil_join(argv[1], name);
		if ((fp = fopen(path, "wb")) == NULL)
			die(path, NULL);
		if (bundle_write_file(fp, buf, len, &e) == -1)
			die(path, &e);
		if (fclose(fp) != 0)
			die(path, NULL);
		for (i = 0; i < nstories; i++)
			free(sealed[i]);
		free(sealed);
		free(slen);
		free(buf);
		free(name);
		free(path);
	}
	printf("%s\n", kid_hex);
	keys_kiosk_free(kid);
	free(hubs);
	form_free(f);
	return 0;
}
