/* utf8: validation, decoding, neutralising and measuring UTF-8 text.
 * Everything a participant types passes through here before it is stored or shown. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s (at most len bytes) into *cp. Returns the
 * number of bytes used (1-4), or -1 for invalid, overlong, surrogate or
 * truncated input. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp into buf (at least 4 bytes); returns the byte count, 0 if invalid. */
size_t utf8_encode(uint32_t cp, char *buf);

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates), else 0. */
int utf8_valid(const char *s, size_t len);

/* 1 if cp must never reach a terminal as-is: C0 and C1 controls, DEL, bidi
 * embedding/override/isolate controls, and other invisible format characters
 * that can disguise text. Newline and tab are controls too; callers that allow
 * them check first. */
int utf8_is_unsafe(uint32_t cp);

/* Number of code points in s[0..len) (valid UTF-8 expected; invalid bytes count one each). */
size_t utf8_count(const char *s, size_t len);

/* A copy of s[0..len) that is safe to print: invalid bytes and unsafe code
 * points become U+FFFD; newlines and tabs are kept if keep_newlines, else they
 * become spaces. Caller frees. */
char *utf8_neutralise(const char *s, size_t len, int keep_newlines);

/* The length of the longest prefix of s[0..len) that utf8_neutralise would
 * copy unchanged (len: s needs no neutralising). A cheap test for the common
 * case, so that exports copy clean text without a new buffer. */
size_t utf8_safe_prefix(const char *s, size_t len, int keep_newlines);

/* Check text typed by a participant: valid UTF-8 and no unsafe code points
 * (newline allowed only when multiline; tab never). Returns 0 when fine, else
 * -1 and sets *offset to the byte where the problem is. */
int utf8_check_text(const char *s, size_t len, int multiline, size_t *offset);

#endif
