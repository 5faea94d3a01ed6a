/* report-compare: the comparison of storyhub report's --by groups: a test
 * of difference per question (Kruskal-Wallis for scales and numbers,
 * chi-square or Fisher's test for choices and each choice of a multi, a
 * permutation test on the triad centres), the p-values adjusted together
 * (Benjamini-Hochberg), and the significant ones as sentences, strongest
 * first. */
#ifndef REPORT_COMPARE_H
#define REPORT_COMPARE_H

#include "report.h"

/* Fill r->tests and r->patterns from r's counts (nothing without --by). */
void report_compare(struct report *r);

#endif
