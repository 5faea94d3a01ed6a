/* report-svg: bars, histograms, ternary plots and columns, with fixed
 * sizes (the page scales them with a viewBox). */
#include "report-svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report-text.h"
#include "xmalloc.h"

#define INK "#222"
#define BAR "#3d6b99"
#define APART "#a9a9a9"
#define GRID "#d9d9d9"
#define MARK "#b3261e"

static void
svg_open(FILE *fp, const char *title, int w, int h, int standalone)
{
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\"",
		    fp);
	else
		fputs("<svg", fp);
	fprintf(fp,
	    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
	    " font-family=\"sans-serif\" font-size=\"12\" fill=\"" INK "\" aria-label=\"",
	    w, h, w, h);
	report_text_put(fp, title, 0);
	fputs("\"><title>", fp);
	report_text_put(fp, title, 0);
	fputs("</title>\n", fp);
}

static void
link_open(FILE *fp, const char *link, int standalone)
{
	if (standalone || link == NULL)
		return;
	fputs("<a href=\"", fp);
	report_text_put(fp, link, 0);
	fputs("\">", fp);
}

static void
link_close(FILE *fp, const char *link, int standalone)
{
	if (!standalone && link != NULL)
		fputs("</a>", fp);
}

static void
text_at(FILE *fp, double x, double y, const char *anchor, const char *s, size_t max)
{
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	report_text_put_short(fp, s, max);
	fputs("</text>", fp);
}

/* An axis end for counts: four ticks of 1, 2 or 5 times a power of ten. */
static double
count_axis(double v)
{
	double step = v / 4, p, m;

	if (step < 1)
		return 4;
	p = pow(10, floor(log10(step)));
	m = step / p;
	return 4 * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* An axis end for shares (0..1): ticks of 2.5, 5, 10, 15, 20 or 25%. */
static double
share_axis(double v)
{
	static const double ends[] = { 0.1, 0.2, 0.4, 0.6, 0.8, 1 };

	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (v <= ends[i] + 1e-9)
			return ends[i];
	return 1;
}

static void
format_value(char *buf, size_t len, double v, int percent)
{
	if (percent)
		snprintf(buf, len, "%g%%", round(v * 1000) / 10);
	else
		snprintf(buf, len, "%g", v);
}

#define BARS_W 560
#define BARS_LEFT 8
#define BARS_RIGHT 150 /* room for "12345 · 100%" */
#define BARS_ROW 34

static void
bar_row(FILE *fp, const struct svg_bar *b, double y, double scale, const char *fill, int percent,
    int standalone)
{
	double v = percent ? b->share : (double)b->n, len = isnan(v) ? 0 : v * scale;
	double x1 = BARS_W - BARS_RIGHT;

	link_open(fp, b->link, standalone);
	fputs("<g><title>", fp);
	report_text_put(fp, b->label, 0);
	fprintf(fp, ": %llu", (unsigned long long)b->n);
	if (!isnan(b->share))
		fprintf(fp, " (%.1f%%", 100 * b->share);
	if (!isnan(b->share) && !isnan(b->lo))
		fprintf(fp, "; 95%% interval %.1f%% to %.1f%%", 100 * b->lo, 100 * b->hi);
	if (!isnan(b->share))
		fputc(')', fp);
	fputs("</title>", fp);
	text_at(fp, BARS_LEFT, y + 12, "start", b->label, 70);
	fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>",
	    BARS_LEFT, y + 17, len < 0 ? 0 : len, fill);
	if (!isnan(b->lo) && !isnan(b->hi) && percent) {
		double a = BARS_LEFT + b->lo * scale, z = BARS_LEFT + b->hi * scale, m = y + 23;

		fprintf(fp,
		    "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"" INK
		    "\" stroke-width=\"1.2\" fill=\"none\"/>",
		    a, m, z, a, m - 4, m + 4, z, m - 4, m + 4);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\">%llu", x1 + 10, y + 27, (unsigned long long)b->n);
	if (!isnan(b->share))
		fprintf(fp, " \xc2\xb7 %.0f%%", 100 * b->share);
	fputs("</text></g>", fp);
	link_close(fp, b->link, standalone);
	fputc('\n', fp);
}

void
report_svg_bars(FILE *fp, const struct svg_bars *c, int standalone)
{
	int h = (int)(c->nbars + c->napart) * BARS_ROW + (c->napart ? 10 : 0) + 28;
	double x1 = BARS_W - BARS_RIGHT;
	/* counts: a round end, in whole numbers of stories per tick */
	double max = c->percent ? share_axis(c->max) : count_axis(c->max);
	double scale = (x1 - BARS_LEFT) / max, y = 4;
	char tick[32];

	svg_open(fp, c->title, BARS_W, h, standalone);
	/* axis: five ticks from 0 to max */
	for (int i = 0; i <= 4; i++) {
		double x = BARS_LEFT + (x1 - BARS_LEFT) * i / 4;

		fprintf(fp, "<path d=\"M%.1f 4V%d\" stroke=\"" GRID "\"/>", x, h - 20);
		format_value(tick, sizeof tick, max * i / 4, c->percent);
		fprintf(fp,
		    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>",
		    x, h - 6, tick);
	}
	fputc('\n', fp);
	for (size_t i = 0; i < c->nbars; i++, y += BARS_ROW)
		bar_row(fp, &c->bars[i], y, scale, BAR, c->percent, standalone);
	if (c->napart) {
		y += 10;
		fprintf(fp,
		    "<path d=\"M%d %.1fH%.1f\" stroke=\"" GRID "\" stroke-dasharray=\"3 3\"/>",
		    BARS_LEFT, y - 6, x1);
	}
	for (size_t i = 0; i < c->napart; i++, y += BARS_ROW)
		bar_row(fp, &c->apart[i], y, scale, APART, c->percent, standalone);
	fputs("</svg>", fp);
}

#define HIST_W 560
#define HIST_H 250
#define HIST_L 44
#define HIST_R 16
#define HIST_TOP 44 /* the summary strip above */
#define HIST_BOTTOM 196

void
report_svg_hist(FILE *fp, const struct svg_hist *h, int standalone)
{
	double pw = HIST_W - HIST_L - HIST_R, span = h->width * (double)h->nbins;
	double ymax = share_axis(h->ymax), bw = pw / (double)h->nbins;
	char tick[32];

	svg_open(fp, h->title, HIST_W, HIST_H, standalone);
	for (int i = 0; i <= 4; i++) {
		double y = HIST_BOTTOM - (HIST_BOTTOM - HIST_TOP) * i / 4.0;

		fprintf(fp, "<path d=\"M%d %.1fH%d\" stroke=\"" GRID "\"/>", HIST_L, y,
		    HIST_W - HIST_R);
		format_value(tick, sizeof tick, ymax * i / 4, 1);
		fprintf(fp,
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%s</text>",
		    HIST_L - 4, y + 4, tick);
	}
	fputc('\n', fp);
	for (size_t i = 0; i < h->nbins; i++) {
		double share = h->total ? (double)h->n[i] / (double)h->total : 0;
		double bh = share / ymax * (HIST_BOTTOM - HIST_TOP), x = HIST_L + bw * (double)i;
		const char *link = h->links != NULL && h->n[i] > 0 ? h->links[i] : NULL;

		if (h->n[i] == 0)
			continue;
		link_open(fp, link, standalone);
		fprintf(fp,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"" BAR
		    "\"><title>%g to %g: %llu (%.1f%%)</title></rect>",
		    x + 0.5, HIST_BOTTOM - bh, bw > 2 ? bw - 1 : bw, bh,
		    h->vlo + h->width * (double)i, h->vlo + h->width * (double)(i + 1),
		    (unsigned long long)h->n[i], 100 * share);
		link_close(fp, link, standalone);
	}
	fprintf(fp, "\n<path d=\"M%d %dH%d\" stroke=\"" INK "\"/>", HIST_L, HIST_BOTTOM,
	    HIST_W - HIST_R);
	for (size_t i = 0; i < h->nticks; i++) {
		double x = HIST_L + (h->ticks[i] - h->vlo) / span * pw;

		fprintf(fp,
		    "<path d=\"M%.1f %dv4\" stroke=\"" INK "\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\" font-size=\"10\">%g</text>",
		    x, HIST_BOTTOM, x, HIST_BOTTOM + 15, h->ticks[i]);
	}
	if (h->pole_lo != NULL)
		text_at(fp, HIST_L, HIST_BOTTOM + 34, "start", h->pole_lo, 36);
	if (h->pole_hi != NULL)
		text_at(fp, HIST_W - HIST_R, HIST_BOTTOM + 34, "end", h->pole_hi, 36);
	/* the summary strip: quartiles as a box, the median a line, the mean a dot */
	if (h->s != NULL && h->s->n > 0) {
		const struct stats_summary *s = h->s;
		double x1 = HIST_L + (s->q1 - h->vlo) / span * pw,
		       x3 = HIST_L + (s->q3 - h->vlo) / span * pw;
		double xm = HIST_L + (s->median - h->vlo) / span * pw;
		double xa = HIST_L + (s->mean - h->vlo) / span * pw;
		double xl = HIST_L + (s->min - h->vlo) / span * pw,
		       xh = HIST_L + (s->max - h->vlo) / span * pw;

		fprintf(fp,
		    "\n<g><title>quartiles %g and %g, median %g, mean %.1f</title>"
		    "<path d=\"M%.1f 22H%.1fM%.1f 22H%.1f\" stroke=\"" INK "\"/>"
		    "<rect x=\"%.1f\" y=\"14\" width=\"%.1f\" height=\"16\" fill=\"#fff\" "
		    "stroke=\"" INK "\"/>"
		    "<path d=\"M%.1f 12V32\" stroke=\"" MARK "\" stroke-width=\"3\"/>"
		    "<circle cx=\"%.1f\" cy=\"22\" r=\"3\" fill=\"" INK "\"/>"
		    "<text x=\"%.1f\" y=\"10\" text-anchor=\"middle\" font-size=\"10\">median "
		    "%g</text></g>",
		    s->q1, s->q3, s->median, s->mean, xl, x1, x3, xh, x1, x3 - x1 < 1 ? 1 : x3 - x1,
		    xm, xa, xm, s->median);
	}
	fputs("</svg>", fp);
}

#define TRI_W 460
#define TRI_TOPY 44
#define TRI_BOTY 323
#define TRI_LX 69
#define TRI_RX 391
#define TRI_CX 230

static void
tri_xy(const double p[3], double *x, double *y)
{
	*x = p[0] * TRI_CX + p[1] * TRI_LX + p[2] * TRI_RX;
	*y = p[0] * TRI_TOPY + (p[1] + p[2]) * TRI_BOTY;
}

void
report_svg_triad(FILE *fp, const struct svg_triad *t, int standalone)
{
	int steps = t->grid_steps, h = 372 + (int)t->nmarks * 16;
	uint64_t cells[121] = { 0 }, cmax = 0, gmax = 0;
	double side = TRI_RX - TRI_LX, hex = side / 10 / sqrt(3.0);

	svg_open(fp, t->title, TRI_W, h, standalone);
	fprintf(fp,
	    "<defs><clipPath id=\"%s-clip\"><path d=\"M%d %dL%d %dL%d %dZ\"/></clipPath></defs>\n",
	    t->id, TRI_CX, TRI_TOPY, TRI_LX, TRI_BOTY, TRI_RX, TRI_BOTY);
	/* the kiosk's tenths */
	for (int k = 1; k < 10; k++) {
		double a[3], b[3], x1, y1, x2, y2;

		for (int side_i = 0; side_i < 3; side_i++) {
			memset(a, 0, sizeof a);
			memset(b, 0, sizeof b);
			a[side_i] = b[side_i] = k / 10.0;
			a[(side_i + 1) % 3] = 1 - k / 10.0;
			b[(side_i + 2) % 3] = 1 - k / 10.0;
			tri_xy(a, &x1, &y1);
			tri_xy(b, &x2, &y2);
			fprintf(fp, "<path d=\"M%.1f %.1fL%.1f %.1f\" stroke=\"" GRID "\"/>", x1,
			    y1, x2, y2);
		}
	}
	fputc('\n', fp);
	for (int i = 0; i <= steps; i++)
		for (int j = 0; i + j <= steps; j++) {
			uint64_t c = t->grid[i * (steps + 1) + j];
			long ci = lround(10.0 * i / steps), cj = lround(10.0 * j / steps);

			if (ci + cj > 10)
				cj = 10 - ci;
			cells[ci * 11 + cj] += c;
			if (c > gmax)
				gmax = c;
		}
	for (int k = 0; k < 121; k++)
		if (cells[k] > cmax)
			cmax = cells[k];
	/* the density, when there are many answers: a hexagon per tenth */
	if (t->n >= 30) {
		fprintf(fp, "<g clip-path=\"url(#%s-clip)\">", t->id);
		for (int i = 0; i <= 10; i++)
			for (int j = 0; i + j <= 10; j++) {
				double p[3] = { i / 10.0, j / 10.0, (10 - i - j) / 10.0 }, x, y;
				uint64_t c = cells[i * 11 + j];
				char *link;

				if (c == 0)
					continue;
				tri_xy(p, &x, &y);
				link = xasprintf(
				    "%s%d", t->link_prefix ? t->link_prefix : "", i * 11 + j);
				link_open(fp, t->link_prefix ? link : NULL, standalone);
				fprintf(fp, "<path d=\"M%.1f %.1f", x, y - hex);
				for (int v = 1; v < 6; v++)
					fprintf(fp, "L%.1f %.1f", x + hex * sin(v * M_PI / 3),
					    y - hex * cos(v * M_PI / 3));
				fprintf(fp,
				    "Z\" fill=\"" BAR
				    "\" fill-opacity=\"%.2f\"><title>%llu answers "
				    "near %d/%d/%d</title></path>",
				    0.08 + 0.62 * (double)c / (double)cmax, (unsigned long long)c,
				    i * 10, j * 10, (10 - i - j) * 10);
				link_close(fp, t->link_prefix ? link : NULL, standalone);
				free(link);
			}
		fputs("</g>\n", fp);
	}
	fprintf(fp, "<path d=\"M%d %dL%d %dL%d %dZ\" fill=\"none\" stroke=\"" INK "\"/>\n", TRI_CX,
	    TRI_TOPY, TRI_LX, TRI_BOTY, TRI_RX, TRI_BOTY);
	/* the answers, one dot per grid point, larger where more fall */
	for (int i = 0; i <= steps; i++)
		for (int j = 0; i + j <= steps; j++) {
			uint64_t c = t->grid[i * (steps + 1) + j];
			double p[3] = { (double)i / steps, (double)j / steps,
				(double)(steps - i - j) / steps };
			double x, y, r;

			if (c == 0)
				continue;
			tri_xy(p, &x, &y);
			r = 2 + 5 * sqrt((double)c / (double)gmax);
			fprintf(fp,
			    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"" INK
			    "\" fill-opacity=\"0.45\">"
			    "<title>%llu at %.0f/%.0f/%.0f</title></circle>",
			    x, y, r, (unsigned long long)c, 100 * p[0], 100 * p[1], 100 * p[2]);
		}
	fputc('\n', fp);
	for (size_t m = 0; m < t->nmarks; m++) {
		double x, y;

		if (isnan(t->marks[m].p[0]))
			continue;
		tri_xy(t->marks[m].p, &x, &y);
		fprintf(fp,
		    "<g><title>%zu: centre %.0f/%.0f/%.0f</title><circle cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"8\" "
		    "fill=\"#fff\" stroke=\"" MARK
		    "\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" font-size=\"10\" font-weight=\"bold\">%zu</text></g>",
		    m + 1, 100 * t->marks[m].p[0], 100 * t->marks[m].p[1], 100 * t->marks[m].p[2],
		    x, y, x, y + 3.5, m + 1);
	}
	if (t->centre != NULL && !isnan(t->centre[0])) {
		double x, y;

		tri_xy(t->centre, &x, &y);
		fprintf(fp,
		    "<g><title>centre %.0f/%.0f/%.0f</title><path d=\"M%.1f %.1fl7 7l-7 7l-7 -7z\" "
		    "fill=\"" MARK "\" stroke=\"#fff\"/></g>",
		    100 * t->centre[0], 100 * t->centre[1], 100 * t->centre[2], x, y - 7);
	}
	text_at(fp, TRI_CX, TRI_TOPY - 12, "middle", t->corner[0], 60);
	text_at(fp, TRI_LX - 20, TRI_BOTY + 22, "start", t->corner[1], 34);
	text_at(fp, TRI_RX + 20, TRI_BOTY + 22, "end", t->corner[2], 34);
	if (t->centre != NULL && !isnan(t->centre[0]))
		fprintf(fp,
		    "<text x=\"%d\" y=\"%d\" font-size=\"11\"><tspan fill=\"" MARK
		    "\">\xe2\x97\x86</tspan> "
		    "centre %.0f/%.0f/%.0f (%%, corners top / left / right)</text>",
		    TRI_LX - 20, TRI_BOTY + 44, 100 * t->centre[0], 100 * t->centre[1],
		    100 * t->centre[2]);
	for (size_t m = 0; m < t->nmarks; m++) {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%zu: ", TRI_LX - 20,
		    TRI_BOTY + 60 + (int)m * 16, m + 1);
		report_text_put_short(fp, t->marks[m].label, 40);
		if (isnan(t->marks[m].p[0]))
			fprintf(fp, " (no answers)</text>");
		else
			fprintf(fp, " (n = %llu): %.0f/%.0f/%.0f</text>",
			    (unsigned long long)t->marks[m].n, 100 * t->marks[m].p[0],
			    100 * t->marks[m].p[1], 100 * t->marks[m].p[2]);
	}
	fputs("</svg>", fp);
}

#define COL_W 560
#define COL_H 200
#define COL_L 44
#define COL_BOTTOM 160

void
report_svg_columns(FILE *fp, const struct svg_columns *c, int standalone)
{
	uint64_t max = 0;
	double pw = COL_W - COL_L - 10, bw, ymax;
	size_t every;
	char tick[32];

	for (size_t i = 0; i < c->ncols; i++)
		if (c->n[i] > max)
			max = c->n[i];
	ymax = count_axis((double)max);
	bw = c->ncols ? pw / (double)c->ncols : pw;
	every = c->ncols / 6 + 1;
	svg_open(fp, c->title, COL_W, COL_H, standalone);
	for (int i = 0; i <= 4; i++) {
		double y = COL_BOTTOM - (COL_BOTTOM - 10) * i / 4.0;

		fprintf(fp, "<path d=\"M%d %.1fH%d\" stroke=\"" GRID "\"/>", COL_L, y, COL_W - 10);
		format_value(tick, sizeof tick, ymax * i / 4, 0);
		fprintf(fp,
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%s</text>",
		    COL_L - 4, y + 4, tick);
	}
	fputc('\n', fp);
	for (size_t i = 0; i < c->ncols; i++) {
		double bh = (double)c->n[i] / ymax * (COL_BOTTOM - 10), x = COL_L + bw * (double)i;
		const char *link = c->links != NULL ? c->links[i] : NULL;

		link_open(fp, link, standalone);
		fprintf(fp,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"" BAR
		    "\"><title>",
		    x + 0.5, COL_BOTTOM - bh, bw > 2 ? bw - 1 : bw, bh);
		report_text_put(fp, c->labels[i], 0);
		fprintf(fp, ": %llu</title></rect>", (unsigned long long)c->n[i]);
		link_close(fp, link, standalone);
		if (i % every == 0)
			text_at(fp, x + bw / 2, COL_BOTTOM + 16, "middle", c->labels[i], 12);
	}
	fprintf(fp, "\n<path d=\"M%d %dH%d\" stroke=\"" INK "\"/></svg>", COL_L, COL_BOTTOM,
	    COL_W - 10);
}
