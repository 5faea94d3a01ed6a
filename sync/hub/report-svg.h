/* report-svg: the charts of storyhub report as SVG, drawn from plain
 * figures (this module knows nothing of forms or stores). A chart is
 * written either inline, for the page (no namespace declaration, bars and
 * cells linking to the stories behind them), or standalone, for --svg-dir
 * (an XML file of its own, without links). Every text goes through
 * report-text, so labels are inert. Shapes carry presentation attributes
 * only, so a chart looks the same in the page, alone, and in print. */
#ifndef REPORT_SVG_H
#define REPORT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report-stats.h"

struct svg_bar {
	const char *label;
	uint64_t n;
	double share;     /* n of the denominator, 0..1; NAN: counts only */
	double lo, hi;    /* the 95% interval of share; NAN: none */
	const char *link; /* "#f:..." (inline only), NULL: none */
};

/* Horizontal bars, a label above each. With percent, lengths are shares on
 * an axis from 0 to max (a share); else counts on an axis from 0 to max.
 * Bars in apart (such as "not answered") come after a gap, in grey. */
struct svg_bars {
	const char *title;
	const struct svg_bar *bars;
	size_t nbars;
	const struct svg_bar *apart;
	size_t napart;
	int percent;
	double max;
};
void report_svg_bars(FILE *fp, const struct svg_bars *c, int standalone);

/* A histogram: bin i covers values [vlo + i * width, vlo + (i + 1) * width);
 * heights are shares of total on an axis from 0 to ymax. The quartiles,
 * median and mean (s, when not NULL) are drawn above it on the same value
 * axis; the poles (scales) label its two ends. */
struct svg_hist {
	const char *title;
	const uint64_t *n;
	size_t nbins;
	uint64_t total;
	double ymax;
	double vlo, width;
	const double *ticks; /* values labelled on the axis */
	size_t nticks;
	const char *pole_lo, *pole_hi;
	const struct stats_summary *s;
	const char *const *links; /* per bin, or NULL */
};
void report_svg_hist(FILE *fp, const struct svg_hist *h, int standalone);

/* A ternary plot: corner 0 at the top, 1 bottom left, 2 bottom right, as
 * the kiosk draws it. grid holds the answers counted on a (GRID + 1)^2
 * grid (i for corner 0, j for corner 1, in steps of 1 / grid_steps); when
 * there are many, a shading of the density on the kiosk's tenths (cells
 * link to link_prefix + cell number). The centre is marked; marks lists
 * more centres (the groups', numbered, with a legend). */
struct svg_mark {
	const char *label;
	double p[3];
	uint64_t n;
};
struct svg_triad {
	const char *title;
	const char *id; /* unique in the page (for the clip path) */
	const char *corner[3];
	const uint64_t *grid;
	int grid_steps;
	uint64_t n;
	const double *centre; /* NULL: none */
	const struct svg_mark *marks;
	size_t nmarks;
	const char *link_prefix; /* NULL: no links */
};
void report_svg_triad(FILE *fp, const struct svg_triad *t, int standalone);

/* Vertical bars of counts over labelled columns (stories per day), every
 * so many columns labelled. */
struct svg_columns {
	const char *title;
	const char *const *labels;
	const uint64_t *n;
	size_t ncols;
	const char *const *links; /* per column, or NULL */
};
void report_svg_columns(FILE *fp, const struct svg_columns *c, int standalone);

#endif
