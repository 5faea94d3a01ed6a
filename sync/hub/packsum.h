/* packsum: the summary figures of a feedback pack, over every story the hub
 * holds that was told with the form and consented for analysis (every
 * consent tier allows analysis; withdrawn stories are gone): for each
 * choice and multi question the count of each choice, for each scale the
 * median, for each triad the centre (the mean of the points). */
#ifndef PACKSUM_H
#define PACKSUM_H

#include <stddef.h>

#include "err.h"
#include "feedback.h"
#include "form.h"
#include "hubstore.h"

/* Fill fb->counted and fb->items (with the form's texts and labels) from
 * the stories of form f in hs. */
int packsum_compute(struct hubstore *hs, const struct form *f, struct feedback *fb, struct err *e);

/* The median of v[0..n) (sorted here) in tenths, rounded: 0 when n is 0. */
unsigned packsum_median_tenths(double *v, size_t n);
/* Proportions sum[0..3) (each a total over n points) as per mille that sum
 * to 1000 exactly (largest remainders); all 0 when n is 0. */
void packsum_centre(const double sum[3], size_t n, uint16_t out[3]);

#endif
