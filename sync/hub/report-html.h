/* report-html: storyhub report's page. One self-contained HTML file: CSS
 * and SVG inline, one small inline script (the story search and the filter
 * a chart's link sets) allowed by its hash, and a Content-Security-Policy
 * that forbids every network request; a print stylesheet. The page is
 * complete without the script. Texts come from the form in the report's
 * language; every text is made inert by report-text. */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include <stdio.h>

#include "err.h"
#include "hubstore.h"
#include "report.h"

/* The charts as standalone SVG files, kept for --svg-dir when keep is set. */
struct report_chart {
	char *name; /* a file name: "q-equal.svg", "q-equal-g2.svg", ... */
	char *svg;
};
struct report_charts {
	int keep;
	struct report_chart *v;
	size_t n;
};

/* Write the page for r to fp; the stories are read from hs by the second
 * pass (report_stories). Write errors are left in fp's error flag. */
int report_html_write(
    struct report *r, struct hubstore *hs, FILE *fp, struct report_charts *charts, struct err *e);
void report_charts_free(struct report_charts *c);

#endif
