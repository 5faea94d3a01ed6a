/* gen-pack-vectors: write the feedback pack test vectors of
 * tests/vectors/pack/ (docs/pack-format.md, tests/vectors/README.md) into
 * DIR. The hub keys come from fixed seeds (32 x 'P' for the hub, 32 x 'Q'
 * for another hub) and Ed25519 signatures are deterministic, so every run
 * writes the same bytes: tests/e2e/pack-vectors.sh runs it (make check
 * builds it as $(BUILD)/tests/gen-pack-vectors) and compares its output
 * with the committed files, so they always match what pack_write makes.
 *
 *   gen-pack-vectors DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "fsutil.h"
#include "keys.h"
#include "pack.h"
#include "xmalloc.h"

static const char *dir;
static FILE *expected;

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "gen-pack-vectors: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

static void
put(const char *name, const unsigned char *buf, size_t len, const char *want)
{
	char *path = fsutil_join(dir, name);
	struct err e;

	if (fsutil_write_atomic(path, buf, len, 0644, 0, &e) == -1)
		die(name, &e);
	if (want != NULL)
		fprintf(expected, "%s\t%s\n", name, want);
	free(path);
}

/* The hub key pair whose seeds are 32 x c. */
static void
seeded_key(struct hub_seckey *k, int c)
{
	unsigned char seed[32];

	memset(k, 0, sizeof *k);
	memset(seed, c, sizeof seed);
	crypto_sign_seed_keypair(k->pub.sign_pk, k->sign_sk, seed);
	crypto_box_seed_keypair(k->pub.box_pk, k->box_sk, seed);
	keys_hub_id(k->pub.box_pk, k->pub.sign_pk, k->pub.id);
}

static void
lt(struct ltext *t, const char *en, const char *sw)
{
	feedback_ltext_add(t, "en", en);
	if (sw != NULL)
		feedback_ltext_add(t, "sw", sw);
}

static void
add_story(
    struct feedback *fb, const char *ref, const char *lang, const char *prompt, const char *text)
{
	struct feedback_story *s;

	fb->stories = xreallocarray(fb->stories, fb->nstories + 1, sizeof *fb->stories);
	s = &fb->stories[fb->nstories++];
	s->ref = xstrdup(ref);
	s->lang = xstrdup(lang);
	s->prompt = xstrdup(prompt);
	s->text = xstrdup(text);
}

/* The pack most vectors derive from: a note in two languages, one prompt,
 * a question of each kind and two stories (Kiswahili and French). */
static struct feedback *
full_pack(void)
{
	struct feedback *fb = feedback_new();
	struct feedback_item *it;

	fb->seq = 7;
	fb->created = 1795000000;
	fb->form = xstrdup("partnership-stories");
	fb->form_version = 1;
	lt(&fb->note, "What we heard: trust grows when funds arrive on time.",
	    "Tulichosikia: uaminifu hukua fedha zikifika kwa wakati.");
	fb->prompts = xcalloc(1, sizeof *fb->prompts);
	fb->nprompts = 1;
	fb->prompts[0].id = xstrdup("worked");
	lt(&fb->prompts[0].text, "When did working together work?",
	    "Ni lini kufanya kazi pamoja kulifanikiwa?");
	fb->counted = 5;
	fb->items = xcalloc(4, sizeof *fb->items);
	fb->nitems = 4;
	it = &fb->items[0];
	it->kind = FEEDBACK_CHOICE;
	it->qid = xstrdup("role");
	lt(&it->text, "Who were you?", "Ulikuwa nani?");
	it->answered = 4;
	it->options = xcalloc(2, sizeof *it->options);
	it->noptions = 2;
	it->options[0].id = xstrdup("community");
	lt(&it->options[0].label, "A community member", "Mwanajamii");
	it->options[0].count = 3;
	it->options[1].id = xstrdup("funder");
	lt(&it->options[1].label, "A funder", "Mfadhili");
	it->options[1].count = 1;
	it = &fb->items[1];
	it->kind = FEEDBACK_MULTI;
	it->qid = xstrdup("obstacles");
	lt(&it->text, "What got in the way?", "Ni nini kilizuia?");
	it->answered = 5;
	it->options = xcalloc(2, sizeof *it->options);
	it->noptions = 2;
	it->options[0].id = xstrdup("funding");
	lt(&it->options[0].label, "Funding pressure", "Shinikizo la ufadhili");
	it->options[0].count = 4;
	it->options[1].id = xstrdup("power");
	lt(&it->options[1].label, "Power imbalance", NULL);
	it->options[1].count = 2;
	it = &fb->items[2];
	it->kind = FEEDBACK_SCALE;
	it->qid = xstrdup("equal");
	lt(&it->text, "How equal was the relationship?", "Uhusiano ulikuwa wa usawa kiasi gani?");
	it->answered = 5;
	lt(&it->ends[0], "Equal", "Wa usawa");
	lt(&it->ends[1], "Unequal", "Usio wa usawa");
	it->median = 355;
	it = &fb->items[3];
	it->kind = FEEDBACK_TRIAD;
	it->qid = xstrdup("drivers");
	lt(&it->text, "What drove the partnership?", "Ni nini kiliendesha ushirikiano?");
	it->answered = 3;
	lt(&it->ends[0], "A shared purpose", "Lengo la pamoja");
	lt(&it->ends[1], "Funding", "Ufadhili");
	lt(&it->ends[2], "Who held the power", "Aliyeshika mamlaka");
	it->centre[0] = 500;
	it->centre[1] = 300;
	it->centre[2] = 200;
	add_story(fb, "1", "sw", "worked",
	    "Hadithi ya \"ushirikiano\": kisima kilijengwa pamoja, na kila mtu alisikilizwa. 🎉");
	add_story(fb, "2", "fr", "",
	    "Le comité a décidé avec nous : 水 et 𝄞 s'affichent, la ligne est longue.");
	return fb;
}

static unsigned char *
sign(const struct feedback *fb, const struct hub_seckey *k, size_t *len)
{
	unsigned char *out;
	struct err e;

	if (pack_write(fb, k, &out, len, &e) == -1)
		die("pack_write", &e);
	return out;
}

static void
resign(const struct hub_seckey *k, unsigned char *buf, size_t len)
{
	crypto_sign_detached(buf + len - 64, NULL, buf, len - 64, k->sign_sk);
}

/* Offset of the first story's length fields: the story count is the u32
 * just before the first story, found by searching for its reference "1"
 * and language "sw", each after its u32 length. */
static size_t
first_story(const unsigned char *buf, size_t len)
{
	static const unsigned char first[] = { 1, 0, 0, 0, '1', 2, 0, 0, 0, 's', 'w' };

	for (size_t i = 0; i + sizeof first <= len; i++)
		if (memcmp(buf + i, first, sizeof first) == 0)
			return i; /* the reference's length field */
	die("no story in the pack", NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct hub_seckey hub, other;
	struct feedback *fb, *empty, *hostile;
	unsigned char *good, *buf;
	size_t glen, len, at;
	char *path, *pub;
	struct err e;

	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: gen-pack-vectors DIR\n");
		return 2;
	}
	dir = argv[1];
	if (fsutil_mkdir(dir, 0755, &e) == -1)
		die(dir, &e);
	path = fsutil_join(dir, "expected.txt");
	if ((expected = fopen(path, "w")) == NULL)
		die(path, NULL);
	free(path);
	fprintf(expected,
	    "# file\texpected (pack_read against hub.pub: ok N = verifies, N "
	    "stories; else the message starts so)\n");
	seeded_key(&hub, 'P');
	seeded_key(&other, 'Q');
	pub = keys_hub_pub_format(&hub.pub);
	put("hub.pub", (unsigned char *)pub, strlen(pub), NULL);
	free(pub);
	pub = keys_hub_pub_format(&other.pub);
	put("other-hub.pub", (unsigned char *)pub, strlen(pub), NULL);
	free(pub);

	fb = full_pack();
	good = sign(fb, &hub, &glen);
	put("valid.skf", good, glen, "ok 2");

	empty = feedback_new();
	empty->seq = 1;
	empty->created = 1795000000;
	empty->form = xstrdup("f");
	empty->form_version = 1;
	buf = sign(empty, &hub, &len);
	put("valid-empty.skf", buf, len, "ok 0");
	free(buf);
	feedback_free(empty);

	/* Texts a compromised kiosk could have sent: the pack keeps them as
	 * they were told; the kiosk draws them inert. */
	hostile = full_pack();
	hostile->seq = 8;
	free(hostile->stories[0].text);
	hostile->stories[0].text = xstrdup("HOSTILE-START \x1b[2J\x1b]0;owned\x07 \xe2\x80\xae"
	                                   "reversed\xe2\x80\xac \xff\xfe bad bytes \x9b"
	                                   "31m HOSTILE-END");
	free(hostile->note.value[0]);
	hostile->note.value[0] = xstrdup("NOTE \x1b[31mred\x1b[0m \xe2\x80\x8f end");
	buf = sign(hostile, &hub, &len);
	put("hostile.skf", buf, len, "ok 2");
	free(buf);
	feedback_free(hostile);

	fb->seq = 6;
	buf = sign(fb, &hub, &len);
	put("older.skf", buf, len, "ok 2");
	free(buf);
	fb->seq = 7;

	buf = sign(fb, &other, &len);
	put("other-hub.skf", buf, len, "signed by hub key");
	free(buf);

	buf = xmalloc(glen + 8);
	memcpy(buf, good, glen);
	memcpy(buf, "SKBUNDLE", 8);
	put("bad-magic.skf", buf, glen, "bad magic");
	memcpy(buf, good, glen);
	le_put16(buf + 8, 2);
	put("unknown-version.skf", buf, glen, "unknown version 2");
	memcpy(buf, good, glen);
	buf[10] = 2;
	put("unknown-algorithm.skf", buf, glen, "unknown signature algorithm 2");
	memcpy(buf, good, glen);
	put("truncated-header.skf", buf, 20, "truncated (header)");
	at = first_story(good, glen);
	put("truncated-story.skf", buf, at + 40, "truncated (story 1)");
	put("truncated-signature.skf", buf, glen - 1, "truncated (signature)");
	memset(buf + glen, 0, 8);
	put("trailing-bytes.skf", buf, glen + 8, "trailing bytes (8 after the signature)");
	buf[at + 40] ^= 0x01; /* a letter of the first story */
	put("bad-signature.skf", buf, glen, "bad signature");
	memcpy(buf, good, glen);
	le_put32(buf + at - 4, PACK_MAX_STORIES + 1);
	resign(&hub, buf, glen);
	put("oversized-count.skf", buf, glen, "length field too large (story count 5001");
	memcpy(buf, good, glen);
	le_put32(buf + at + 4 + 1 + 4 + 2 + 4 + 6, PACK_MAX_TEXT + 1); /* story 1's text */
	resign(&hub, buf, glen);
	put("oversized-story.skf", buf, glen, "length field too large (story 1: 65537 bytes");
	memcpy(buf, good, glen);
	buf[at + 4] = '\x1b'; /* the reference is a token: no control character */
	resign(&hub, buf, glen);
	put("bad-code.skf", buf, glen, "bad story 1 (not an id)");
	free(buf);

	free(good);
	feedback_free(fb);
	sodium_memzero(&hub, sizeof hub);
	sodium_memzero(&other, sizeof other);
	if (fclose(expected) != 0)
		die("expected.txt", NULL);
	return 0;
}
