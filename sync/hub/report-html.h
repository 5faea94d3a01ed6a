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

/* Write the page for r to fp, the cards copied in from r's spool
 * (report_cards_copy). Write errors are left in fp's error flag. */
int report_html_write(struct report *r, FILE *fp, struct report_charts *charts, struct err *e);
/* Write the card of a quotable story (its text, code, language, prompt,
 * tier, group and answers, and the tokens of the links that show it) to
 * fp; errors are left in fp's error flag. */
struct report_story;
void report_html_card(struct report *r, FILE *fp, const struct hub_story *s,
    const struct report_story *rs, int group);
void report_charts_free(struct report_charts *c);

#endif
