/* storycode: the short code a participant keeps to withdraw a story later,
 * e.g. "K7P-2QX": six characters from an alphabet without look-alikes. */
#ifndef STORYCODE_H
#define STORYCODE_H

#define STORYCODE_LEN 8 /* "XXX-XXX" + NUL */

/* A new random code. */
void storycode_new(char out[STORYCODE_LEN]);
/* Normalise what a person typed (case, spaces, missing dash)
 * into canonical form; -1 if it cannot be a code. */
int storycode_normalise(const char *in, char out[STORYCODE_LEN]);

#endif
