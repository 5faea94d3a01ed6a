/* report-html: the page, section by section: Patterns, Overview, every
 * question (with the groups side by side and their tests when comparing),
 * then the quotable stories, streamed from the store. A bar, a bin, a
 * triad cell or a group links to "#f:TOKEN" (in a group's chart,
 * "#f:GROUP+TOKEN"); every story card lists the tokens it matches
 * (data-k), the script shows the cards of the token in the address, and
 * without the script the link still lands on the Stories. */
#include "report-html.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-read.h"
#include "report-svg.h"
#include "report-text.h"
#include "xmalloc.h"

/* The one script: search the stories, and show those behind a chart's
 * link: the cards holding its token, or for a number's bin "Q=rLO:HI",
 * those whose "Q=vX" has LO <= X < HI; a link of a group's chart joins the
 * group's token and its own with '+' (which no token holds), and the cards
 * must match both. The CSP allows it by its SHA-256; textContent only, no
 * markup. */
static const char script[] =
    "(function () {\n"
    "  var box = document.getElementById('search'), tools = document.getElementById('tools'),\n"
    "      note = document.getElementById('shown'), all = document.getElementById('all'),\n"
    "      cards = document.querySelectorAll('article.story'), key = '';\n"
    "  if (!box) return;\n"
    "  function one(ks, part) {\n"
    "    var m = /^(.*)=r([^:]*):(.*)$/.exec(part), i, v;\n"
    "    for (i = 0; i < ks.length; i++) {\n"
    "      if (ks[i] === part) return true;\n"
    "      if (m && ks[i].indexOf(m[1] + '=v') === 0) {\n"
    "        v = parseFloat(ks[i].slice(m[1].length + 2));\n"
    "        if (v >= parseFloat(m[2]) && v < parseFloat(m[3])) return true;\n"
    "      }\n"
    "    }\n"
    "    return false;\n"
    "  }\n"
    "  function has(c) {\n"
    "    var ks = c.getAttribute('data-k').split(' '), parts = key.split('+'), i;\n"
    "    for (i = 0; i < parts.length; i++) if (!one(ks, parts[i])) return false;\n"
    "    return true;\n"
    "  }\n"
    "  function apply() {\n"
    "    var q = box.value.toLowerCase().trim(), n = 0, i, c, ok;\n"
    "    for (i = 0; i < cards.length; i++) {\n"
    "      c = cards[i];\n"
    "      ok = (!q || c.textContent.toLowerCase().indexOf(q) >= 0) && (!key || has(c));\n"
    "      c.hidden = !ok;\n"
    "      if (ok) n++;\n"
    "    }\n"
    "    note.textContent = n + ' of ' + cards.length + ' stories shown' +\n"
    "        (key ? ' (' + key + ')' : '') + (q ? ' matching \\u201c' + q + '\\u201d' : '');\n"
    "  }\n"
    "  function fromHash() {\n"
    "    var h = '';\n"
    "    try { h = decodeURIComponent(location.hash.slice(1)); } catch (err) { h = ''; }\n"
    "    if (h.indexOf('f:') === 0) key = h.slice(2);\n"
    "    else if (h.indexOf('search=') === 0) { key = ''; box.value = h.slice(7); }\n"
    "    apply();\n"
    "  }\n"
    "  tools.hidden = false;\n"
    "  box.addEventListener('input', apply);\n"
    "  all.addEventListener('click', function () { key = ''; box.value = ''; apply(); });\n"
    "  window.addEventListener('hashchange', fromHash);\n"
    "  fromHash();\n"
    "})();\n";

static const char style[] =
    "body{font-family:system-ui,sans-serif;color:#222;background:#fff;max-width:1040px;"
    "margin:0 auto;padding:0 16px 48px;line-height:1.45}\n"
    "h1{font-size:1.7em;margin:.8em 0 .2em}h2{border-bottom:2px solid #3d6b99;"
    "padding-bottom:.15em;margin-top:2em}h3{margin:1.4em 0 .3em}\n"
    "a{color:#1d4f80}svg{max-width:100%;height:auto;display:block}\n"
    ".meta,.qmeta,.note,.smeta{color:#555;font-size:.92em;margin:.2em 0}\n"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}\n"
    "figure{margin:.6em 0}figcaption{font-size:.9em;color:#333}\n"
    ".groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:12px}\n"
    ".groups figure{border:1px solid #e3e3e3;padding:6px;margin:0}\n"
    ".overview{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));"
    "gap:0 24px}\n"
    "table{border-collapse:collapse;font-size:.88em;margin:.4em 0}\n"
    "td,th{border-bottom:1px solid #e3e3e3;padding:2px 8px;text-align:left;vertical-align:top}\n"
    "td.n,td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".test{background:#f3f6fa;border-left:4px solid #3d6b99;padding:4px 8px;font-size:.92em}\n"
    ".patterns li{margin:.4em 0}.quotes{columns:18em}.quotes li{margin:.2em 0}\n"
    ".summary{font-size:.88em;color:#333;margin:.2em 0}.empty{color:#777;font-size:.9em}\n"
    "article.story{border-top:1px solid #ccc;padding:.4em 0 .8em}\n"
    "article.story h3{margin:.3em 0 0;font-family:monospace}\n"
    "blockquote{white-space:pre-wrap;margin:.4em 0 .4em 1em;padding-left:.8em;"
    "border-left:3px solid #ccc}\n"
    "dl{display:grid;grid-template-columns:minmax(10em,22em) 1fr;gap:0 1em;font-size:.92em;"
    "margin:.3em 0}dt{color:#555}dd{margin:0}\n"
    "#tools{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ccc}\n"
    "#search{font-size:1em;padding:3px 6px;width:18em;max-width:60%}\n"
    "summary{font-size:.85em;color:#555;cursor:pointer}\n"
    ".section-note{font-size:.92em}\n"
    "@media print{body{max-width:none;font-size:10pt;padding:0}nav,#tools,.anchors{display:none}"
    "a{color:inherit;text-decoration:none}figure,article.story,table,.test{break-inside:avoid}"
    "h2,h3{break-after:avoid}.groups{grid-template-columns:repeat(2,1fr)}"
    "@page{margin:14mm}}\n";

#define DOT " \xc2\xb7 "

struct page {
	struct report *r;
	FILE *fp;
	struct report_charts *charts;
	char **tokens; /* every token a chart links to */
	size_t ntokens;
};

/* ---- small writers ---- */

static void
put(struct page *pg, const char *s)
{
	report_text_put(pg->fp, s, 0);
}

static void
raw(struct page *pg, const char *s)
{
	fputs(s, pg->fp);
}

static void
pct(struct page *pg, double share)
{
	if (isnan(share))
		raw(pg, "\xe2\x80\x93");
	else
		fprintf(pg->fp, "%.1f%%", 100 * share);
}

static void
num(struct page *pg, double v)
{
	if (isnan(v))
		raw(pg, "\xe2\x80\x93");
	else
		fprintf(pg->fp, "%.4g", v);
}

/* A token: "name=value" with anything but [A-Za-z0-9_.:=+-] made '_'
 * (store strings may hold anything). */
static char *
token(const char *name, const char *value)
{
	char *t = xasprintf("%s=%s", name, value != NULL && *value ? value : "unknown");

	for (char *c = t; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		        (*c >= '0' && *c <= '9') || strchr("_.:-=", *c) != NULL))
			*c = '_';
	return t;
}

/* The token of value of question qid in the chart of group g: in a --by
 * group's chart, "BY=CHOICE+Q=VALUE" (the script shows the cards holding
 * both). */
static char *
group_token(const struct page *pg, size_t g, const char *qid, const char *value)
{
	const struct question *by;
	char *t = token(qid, value), *gt, *both;

	if (g == 0 || pg->r->by < 0)
		return t;
	by = &pg->r->f->questions[pg->r->by];
	gt = token(by->id, by->choices[g - 1].id);
	both = xasprintf("%s+%s", gt, t);
	free(gt);
	free(t);
	return both;
}

/* The link to token's stories (remembered for the anchors). */
static char *
link_to(struct page *pg, char *tok)
{
	size_t i;

	for (i = 0; i < pg->ntokens; i++)
		if (strcmp(pg->tokens[i], tok) == 0)
			break;
	if (i == pg->ntokens) {
		pg->tokens = xreallocarray(pg->tokens, pg->ntokens + 1, sizeof *pg->tokens);
		pg->tokens[pg->ntokens++] = xstrdup(tok);
	}
	char *l = xasprintf("#f:%s", tok);

	free(tok);
	return l;
}

static const char *
qtext(const struct page *pg, const struct question *q)
{
	return q->type == Q_STORY ? "The story" : form_text(&q->text, pg->r->lang);
}

/* ---- charts ---- */

static void
draw_bars(FILE *fp, const void *c, int standalone)
{
	report_svg_bars(fp, c, standalone);
}

static void
draw_hist(FILE *fp, const void *c, int standalone)
{
	report_svg_hist(fp, c, standalone);
}

static void
draw_triad(FILE *fp, const void *c, int standalone)
{
	report_svg_triad(fp, c, standalone);
}

static void
draw_columns(FILE *fp, const void *c, int standalone)
{
	report_svg_columns(fp, c, standalone);
}

/* A chart inline, and a standalone copy named name for --svg-dir. */
static void
chart(struct page *pg, const char *name, void (*draw)(FILE *, const void *, int), const void *arg)
{
	struct report_charts *cs = pg->charts;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	draw(pg->fp, arg, 0);
	if (!cs->keep)
		return;
	if ((mem = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	draw(mem, arg, 1);
	fputc('\n', mem);
	if (fclose(mem) != 0)
		fatal("out of memory");
	cs->v = xreallocarray(cs->v, cs->n + 1, sizeof *cs->v);
	cs->v[cs->n].name = xasprintf("%s.svg", name);
	for (char *c = cs->v[cs->n].name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		        *c == '.'))
			*c = '_';
	cs->v[cs->n].svg = buf;
	cs->n++;
}

void
report_charts_free(struct report_charts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].svg);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* ---- overview ---- */

static char *
row_label(const struct page *pg, const char *what, const char *key)
{
	const struct form *f = pg->r->f;

	if (strcmp(what, "kiosk") == 0) {
		const char *name = report_kiosk_name(pg->r, key);

		return name != NULL ? xasprintf("%s (%s)", name, key) : xstrdup(key);
	}
	if (strcmp(what, "prompt") == 0 && form_prompt(f, key) != NULL)
		return xstrdup(form_text(&form_prompt(f, key)->text, pg->r->lang));
	if (strcmp(what, "consent") == 0 && form_tier(f, key) != NULL)
		return xasprintf("%s (%s)", form_text(&form_tier(f, key)->label, pg->r->lang), key);
	return xstrdup(key);
}

static void
overview_chart(struct page *pg, const char *what, const char *title, struct report_tally *t)
{
	struct svg_bar *bars = xcalloc(t->nrows ? t->nrows : 1, sizeof *bars);
	struct svg_bars c = { .title = title, .bars = bars, .nbars = t->nrows };
	char *name = xasprintf("overview-%s", what);
	uint64_t max = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		bars[i].label = row_label(pg, what, t->rows[i].key);
		bars[i].n = t->rows[i].n[0];
		bars[i].share = (double)t->rows[i].n[0] / (double)pg->r->selected;
		bars[i].lo = bars[i].hi = NAN;
		bars[i].link = link_to(pg, token(what, t->rows[i].key));
		if (t->rows[i].n[0] > max)
			max = t->rows[i].n[0];
	}
	c.max = (double)max;
	fprintf(pg->fp, "<figure class=\"chart\" data-chart=\"overview-%s\"><figcaption>", what);
	put(pg, title);
	raw(pg, "</figcaption>\n");
	chart(pg, name, draw_bars, &c);
	fprintf(pg->fp,
	    "<details><summary>the figures</summary><table class=\"counts\" data-overview=\"%s\">"
	    "<tbody>",
	    what);
	for (size_t i = 0; i < t->nrows; i++) {
		raw(pg, "<tr data-v=\"");
		put(pg, t->rows[i].key);
		raw(pg, "\"><td>");
		put(pg, bars[i].label);
		fprintf(pg->fp, "</td><td class=\"n\">%llu</td><td class=\"num\">",
		    (unsigned long long)t->rows[i].n[0]);
		pct(pg, bars[i].share);
		raw(pg, "</td></tr>");
	}
	raw(pg, "</tbody></table></details></figure>\n");
	for (size_t i = 0; i < t->nrows; i++) {
		free((char *)bars[i].label);
		free((char *)bars[i].link);
	}
	free(bars);
	free(name);
}

static void
days_chart(struct page *pg)
{
	struct report_tally *t = pg->r->days;
	const char **labels = xcalloc(t->nrows + 1, sizeof *labels);
	const char **links = xcalloc(t->nrows + 1, sizeof *links);
	uint64_t *n = xcalloc(t->nrows + 1, sizeof *n);
	struct svg_columns c = { "Stories per day (the kiosk's clock)", labels, n, t->nrows,
		links };

	for (size_t i = 0; i < t->nrows; i++) {
		labels[i] = t->rows[i].key;
		n[i] = t->rows[i].n[0];
		links[i] = link_to(pg, token("day", t->rows[i].key));
	}
	raw(pg,
	    "<figure class=\"chart\" data-chart=\"overview-day\"><figcaption>Stories per day "
	    "(the day the kiosk's clock gave; a kiosk without a clock may be "
	    "wrong)</figcaption>\n");
	chart(pg, "overview-day", draw_columns, &c);
	raw(pg,
	    "<details><summary>the figures</summary><table class=\"counts\" "
	    "data-overview=\"day\"><tbody>");
	for (size_t i = 0; i < t->nrows; i++) {
		raw(pg, "<tr data-v=\"");
		put(pg, labels[i]);
		raw(pg, "\"><td>");
		put(pg, labels[i]);
		fprintf(pg->fp, "</td><td class=\"n\">%llu</td></tr>", (unsigned long long)n[i]);
	}
	raw(pg, "</tbody></table></details></figure>\n");
	for (size_t i = 0; i < t->nrows; i++)
		free((char *)links[i]);
	free(labels);
	free(links);
	free(n);
}

static void
overview(struct page *pg)
{
	raw(pg, "<section id=\"overview\"><h2>Overview</h2>\n");
	fprintf(pg->fp,
	    "<p class=\"section-note\">The %llu stories in the figures, by where and how they "
	    "were told. Every bar links to the quotable stories behind it.</p>\n",
	    (unsigned long long)pg->r->selected);
	raw(pg, "<div class=\"overview\">\n");
	overview_chart(pg, "kiosk", "Stories by kiosk", pg->r->kiosks);
	overview_chart(pg, "lang", "Stories by language", pg->r->langs);
	overview_chart(pg, "prompt", "Stories by prompt", pg->r->prompts);
	overview_chart(pg, "consent", "Stories by consent tier", pg->r->tiers);
	overview_chart(pg, "source", "Stories by source (kiosk or paper)", pg->r->sources);
	overview_chart(pg, "status", "Stories by status", pg->r->statuses);
	days_chart(pg);
	raw(pg, "</div></section>\n");
}

/* ---- questions ---- */

static char *
chart_name(const struct report_q *rq, size_t g)
{
	return g == 0 ? xasprintf("q-%s", rq->q->id) : xasprintf("q-%s-g%zu", rq->q->id, g);
}

static void
group_heading(struct page *pg, const struct report_q *rq, size_t g)
{
	const struct report_cell *c = &rq->cell[g];

	raw(pg, "<figcaption>");
	if (g == 0)
		raw(pg, "All stories");
	else {
		char *l = link_to(pg,
		    token(pg->r->f->questions[pg->r->by].id,
		        pg->r->f->questions[pg->r->by].choices[g - 1].id));

		fprintf(pg->fp, "<a href=\"%s\">", l);
		put(pg, report_group_label(pg->r, g));
		raw(pg, "</a>");
		free(l);
	}
	fprintf(pg->fp, " (n = %llu", (unsigned long long)c->answered);
	if (c->seen > c->answered)
		fprintf(pg->fp, "; %llu not answered", (unsigned long long)(c->seen - c->answered));
	raw(pg, ")</figcaption>\n");
}

/* The largest upper interval end over the groups g0..g1-1: the axis they
 * share. */
static double
choice_axis(const struct report_q *rq, size_t g0, size_t g1)
{
	double max = 0, lo, hi;

	for (size_t g = g0; g < g1; g++) {
		const struct report_cell *c = &rq->cell[g];

		for (size_t i = 0; i < rq->q->nchoices; i++) {
			stats_wilson(c->counts[i], c->answered, 0.95, &lo, &hi);
			if (hi > max)
				max = hi;
		}
		if (c->seen > 0 && (double)(c->seen - c->answered) / (double)c->seen > max)
			max = (double)(c->seen - c->answered) / (double)c->seen;
	}
	return max;
}

static void
choice_figure(struct page *pg, const struct report_q *rq, size_t g, double axis)
{
	const struct question *q = rq->q;
	const struct report_cell *c = &rq->cell[g];
	struct svg_bar *bars = xcalloc(q->nchoices, sizeof *bars), apart;
	struct svg_bars chartc = { .bars = bars,
		.nbars = q->nchoices,
		.apart = &apart,
		.napart = c->seen > c->answered ? 1 : 0,
		.percent = 1,
		.max = axis };
	char *title =
	    xasprintf("%s%s%s", qtext(pg, q), g ? ": " : "", g ? report_group_label(pg->r, g) : "");
	char *name = chart_name(rq, g);

	chartc.title = title;
	for (size_t i = 0; i < q->nchoices; i++) {
		bars[i].label = form_text(&q->choices[i].label, pg->r->lang);
		bars[i].n = c->counts[i];
		bars[i].share = c->answered ? (double)c->counts[i] / (double)c->answered : NAN;
		stats_wilson(c->counts[i], c->answered, 0.95, &bars[i].lo, &bars[i].hi);
		if (c->answered == 0)
			bars[i].lo = bars[i].hi = NAN;
		bars[i].link = link_to(pg, group_token(pg, g, q->id, q->choices[i].id));
	}
	apart.label = "not answered";
	apart.n = c->seen - c->answered;
	apart.share = c->seen ? (double)apart.n / (double)c->seen : NAN;
	apart.lo = apart.hi = NAN;
	apart.link = link_to(pg, group_token(pg, g, q->id, "-"));
	fprintf(pg->fp, "<figure class=\"chart\" data-q=\"%s\" data-g=\"%zu\">", q->id, g);
	group_heading(pg, rq, g);
	chart(pg, name, draw_bars, &chartc);
	fprintf(pg->fp,
	    "<table class=\"counts\" data-q=\"%s\" data-g=\"%zu\"><thead><tr><th>answer</th>"
	    "<th>n</th><th>%%</th><th>95%% interval</th></tr></thead><tbody>",
	    q->id, g);
	for (size_t i = 0; i < q->nchoices; i++) {
		fprintf(pg->fp, "<tr data-v=\"%s\"><td>", q->choices[i].id);
		put(pg, bars[i].label);
		fprintf(pg->fp, "</td><td class=\"n\">%llu</td><td class=\"num\">",
		    (unsigned long long)bars[i].n);
		pct(pg, bars[i].share);
		raw(pg, "</td><td class=\"num\">");
		if (!isnan(bars[i].lo)) {
			pct(pg, bars[i].lo);
			raw(pg, " \xe2\x80\x93 ");
			pct(pg, bars[i].hi);
		}
		raw(pg, "</td></tr>");
	}
	fprintf(pg->fp,
	    "<tr data-v=\"-\"><td>not answered</td><td class=\"n\">%llu</td><td class=\"num\">",
	    (unsigned long long)apart.n);
	pct(pg, apart.share);
	raw(pg, " of those shown</td><td></td></tr></tbody></table></figure>\n");
	for (size_t i = 0; i < q->nchoices; i++)
		free((char *)bars[i].link);
	free((char *)apart.link);
	free(bars);
	free(title);
	free(name);
}

/* Scale answers in bins of 5 centred on 0, 5, ..., 100 (the kiosk's steps). */
#define SCALE_BINS 21

static void
hist_bins(const struct report *r, const struct report_q *rq, size_t g, uint64_t *n)
{
	const struct report_cell *c = &rq->cell[g];

	if (rq->q->type == Q_SCALE) {
		memset(n, 0, SCALE_BINS * sizeof *n);
		for (int v = 0; v < REPORT_SCALE_VALUES; v++)
			n[lround(v / 5.0)] += c->counts[v];
		return;
	}
	memset(n, 0, rq->nbins * sizeof *n);
	for (size_t i = 0; i < rq->values->nrows; i++)
		n[report_number_bin(rq, rq->values->rows[i].num)] += rq->values->rows[i].n[g];
	(void)r;
}

static double
hist_axis(const struct report *r, const struct report_q *rq, size_t g0, size_t g1)
{
	size_t nb = rq->q->type == Q_SCALE ? SCALE_BINS : rq->nbins;
	uint64_t *n = xcalloc(nb, sizeof *n);
	double max = 0;

	for (size_t g = g0; g < g1; g++) {
		if (rq->cell[g].answered == 0)
			continue;
		hist_bins(r, rq, g, n);
		for (size_t i = 0; i < nb; i++)
			if ((double)n[i] / (double)rq->cell[g].answered > max)
				max = (double)n[i] / (double)rq->cell[g].answered;
	}
	free(n);
	return max;
}

/* One figure: sep, label, the value (in a span named for the tests). */
static void
stat(struct page *pg, const char *name, const char *sep, const char *label, double v)
{
	fprintf(pg->fp, "%s%s <span data-stat=\"%s\">", sep, label, name);
	num(pg, v);
	raw(pg, "</span>");
}

/* The figures of a scale or number in one line that wraps in a narrow
 * column: n, median, quartiles, mean, sd, range, not answered. */
static void
summary_line(struct page *pg, const struct report_q *rq, size_t g)
{
	const struct report_cell *c = &rq->cell[g];
	const struct stats_summary *s = &c->sum;

	fprintf(pg->fp, "<p class=\"summary\" data-q=\"%s\" data-g=\"%zu\">", rq->q->id, g);
	stat(pg, "n", "", "n", (double)c->answered);
	stat(pg, "median", DOT, "median", s->median);
	stat(pg, "q1", DOT, "quartiles", s->q1);
	stat(pg, "q3", " ", "and", s->q3);
	stat(pg, "mean", DOT, "mean", s->mean);
	stat(pg, "sd", DOT, "sd", s->sd);
	stat(pg, "min", DOT, "range", s->min);
	stat(pg, "max", " ", "to", s->max);
	stat(pg, "not-answered", DOT, "not answered", (double)(c->seen - c->answered));
	raw(pg, "</p>");
}

static void
hist_figure(struct page *pg, const struct report_q *rq, size_t g, double ymax)
{
	const struct question *q = rq->q;
	const struct report_cell *c = &rq->cell[g];
	int scale = q->type == Q_SCALE;
	size_t nb = scale ? SCALE_BINS : rq->nbins;
	uint64_t *n = xcalloc(nb, sizeof *n);
	char **links = xcalloc(nb, sizeof *links);
	double *ticks = xcalloc(nb + 6, sizeof *ticks);
	char *title =
	    xasprintf("%s%s%s", qtext(pg, q), g ? ": " : "", g ? report_group_label(pg->r, g) : "");
	char *name = chart_name(rq, g);
	struct svg_hist h = { .title = title,
		.n = n,
		.nbins = nb,
		.total = c->answered,
		.ymax = ymax,
		.s = &c->sum,
		.links = (const char *const *)links };
	size_t nt = 0, every;

	hist_bins(pg->r, rq, g, n);
	for (size_t i = 0; i < nb; i++) {
		char b[96];

		if (scale)
			snprintf(b, sizeof b, "b%zu", i);
		else /* the values from edge i up to edge i + 1 */
			snprintf(b, sizeof b, "r%.17g:%.17g", report_number_edge(rq, i),
			    report_number_edge(rq, i + 1));
		links[i] = link_to(pg, group_token(pg, g, q->id, b));
	}
	if (scale) {
		h.vlo = -2.5;
		h.width = 5;
		for (int t = 0; t <= 100; t += 25)
			ticks[nt++] = t;
		h.pole_lo = form_text(&q->poles[0], pg->r->lang);
		h.pole_hi = form_text(&q->poles[1], pg->r->lang);
	} else {
		h.vlo = rq->bin_lo;
		h.width = rq->bin_width;
		every = nb / 8 + 1;
		for (size_t i = 0; i < nb; i += every)
			ticks[nt++] = rq->bin_width == 1 && rq->bin_lo != floor(rq->bin_lo) ?
			    rq->bin_lo + 0.5 + (double)i :
			    rq->bin_lo + rq->bin_width * (double)i;
	}
	h.ticks = ticks;
	h.nticks = nt;
	fprintf(pg->fp, "<figure class=\"chart\" data-q=\"%s\" data-g=\"%zu\">", q->id, g);
	group_heading(pg, rq, g);
	chart(pg, name, draw_hist, &h);
	summary_line(pg, rq, g);
	raw(pg, "</figure>\n");
	for (size_t i = 0; i < nb; i++)
		free(links[i]);
	free(links);
	free(ticks);
	free(n);
	free(title);
	free(name);
}

static void
triad_figure(struct page *pg, const struct report_q *rq, size_t g)
{
	const struct question *q = rq->q;
	const struct report_cell *c = &rq->cell[g];
	char *title =
	    xasprintf("%s%s%s", qtext(pg, q), g ? ": " : "", g ? report_group_label(pg->r, g) : "");
	char *name = chart_name(rq, g), *cell = group_token(pg, g, q->id, "t");
	char *prefix = xasprintf("#f:%s", cell);
	struct svg_mark *marks = NULL;
	struct svg_triad t = { .title = title,
		.id = name,
		.grid = c->counts,
		.grid_steps = REPORT_TRIAD_GRID,
		.n = c->answered,
		.centre = c->centre,
		.link_prefix = prefix };

	for (int j = 0; j < 3; j++)
		t.corner[j] = form_text(&q->corners[j], pg->r->lang);
	/* the "all" chart also marks each group's centre */
	if (g == 0 && pg->r->ngroups > 1) {
		marks = xcalloc(pg->r->ngroups - 1, sizeof *marks);
		for (size_t k = 1; k < pg->r->ngroups; k++) {
			marks[k - 1].label = report_group_label(pg->r, k);
			memcpy(marks[k - 1].p, rq->cell[k].centre, sizeof marks[k - 1].p);
			marks[k - 1].n = rq->cell[k].answered;
		}
		t.marks = marks;
		t.nmarks = pg->r->ngroups - 1;
	}
	/* the cells' tokens, for the anchors */
	for (size_t k = 0; k < 121; k++) {
		char b[24];

		snprintf(b, sizeof b, "t%zu", k);
		free(link_to(pg, group_token(pg, g, q->id, b)));
	}
	fprintf(pg->fp, "<figure class=\"chart\" data-q=\"%s\" data-g=\"%zu\">", q->id, g);
	group_heading(pg, rq, g);
	chart(pg, name, draw_triad, &t);
	fprintf(pg->fp,
	    "<p class=\"summary\" data-q=\"%s\" data-g=\"%zu\">n <span data-stat=\"n\">%llu</span>",
	    q->id, g, (unsigned long long)c->answered);
	if (c->answered > 0)
		fprintf(pg->fp,
		    " \xc2\xb7 centre <span data-stat=\"centre\">%.1f / %.1f / %.1f</span>",
		    100 * c->centre[0], 100 * c->centre[1], 100 * c->centre[2]);
	fprintf(pg->fp,
	    " \xc2\xb7 with a zero part <span data-stat=\"zeros\">%llu</span> \xc2\xb7 not "
	    "answered "
	    "<span data-stat=\"not-answered\">%llu</span></p></figure>\n",
	    (unsigned long long)c->zeros, (unsigned long long)(c->seen - c->answered));
	free(marks);
	free(title);
	free(name);
	free(cell);
	free(prefix);
}

static void
text_list(struct page *pg, const struct report_q *rq)
{
	const struct report *r = pg->r;

	fprintf(pg->fp, "<div class=\"texts\" data-q=\"%s\">", rq->q->id);
	if (r->consent == NULL) {
		raw(pg,
		    "<p class=\"note\">The form has one consent tier: no answer is "
		    "quoted.</p></div>\n");
		return;
	}
	fprintf(pg->fp,
	    "<p class=\"note\">%llu of the %llu answers are from stories whose consent allows "
	    "quoting",
	    (unsigned long long)rq->quotable, (unsigned long long)rq->cell[0].answered);
	if (rq->quotable > rq->nquotes)
		fprintf(pg->fp, "; %zu of them, picked at random (the same each time), are listed",
		    rq->nquotes);
	raw(pg, ". The others are never shown.</p>\n<ul class=\"quotes\">");
	for (size_t i = 0; i < rq->nquotes; i++) {
		raw(pg, "<li dir=\"auto\">");
		put(pg, rq->quotes[i].text);
		raw(pg, "</li>");
	}
	raw(pg, "</ul></div>\n");
}

static const struct report_test *
test_of(const struct report *r, size_t qi, int choice)
{
	for (size_t i = 0; i < r->ntests; i++)
		if (r->tests[i].q == qi && r->tests[i].choice == choice)
			return &r->tests[i];
	return NULL;
}

/* "= 0.0123", "< 0.0001" */
static void
p_value(struct page *pg, double p)
{
	if (p < 0.0001)
		raw(pg, "&lt; 0.0001");
	else
		fprintf(pg->fp, "= %.4f", p);
}

static void
test_text(struct page *pg, const struct report_test *t)
{
	const struct stats_test *s = &t->t;
	const char *effect = s->method == STATS_KRUSKAL ? "\xce\xb5\xc2\xb2" :
	    s->method == STATS_PERMUTATION              ? "R\xc2\xb2" :
	                                                  "V\xc2\xb2";

	fprintf(pg->fp, "%s", stats_method_name(s->method));
	if (s->method == STATS_KRUSKAL)
		fprintf(pg->fp, ": H = %.2f, df = %.0f", s->stat, s->df);
	else if (s->method == STATS_CHISQ)
		fprintf(pg->fp, ": \xcf\x87\xc2\xb2 = %.2f, df = %.0f", s->stat, s->df);
	else if (s->method == STATS_FISHER_MC)
		fprintf(pg->fp, " (%u random tables, as expected counts are small)", s->resamples);
	else if (s->method == STATS_FISHER)
		raw(pg, " (expected counts are small)");
	else if (s->method == STATS_PERMUTATION)
		fprintf(pg->fp, " of the centres (%u relabellings of %llu answers%s)", s->resamples,
		    (unsigned long long)s->n,
		    s->n >= REPORT_TRIAD_SAMPLE ? ", a random sample" : "");
	raw(pg, "; p ");
	p_value(pg, s->p);
	raw(pg, ", adjusted p ");
	p_value(pg, t->padj);
	fprintf(pg->fp, "; %s = %.3f; n = %llu in %zu groups", effect, s->effect,
	    (unsigned long long)s->n, s->groups);
}

static void
test_block(struct page *pg, size_t qi)
{
	const struct report *r = pg->r;
	const struct report_q *rq = &r->qs[qi];
	const struct report_test *t;

	if (rq->q->type == Q_MULTI) {
		fprintf(pg->fp,
		    "<div class=\"test\" data-q=\"%s\"><p>Each choice tested alone (ticked or not, "
		    "by group):</p><ul>",
		    rq->q->id);
		for (size_t c = 0; c < rq->q->nchoices; c++) {
			t = test_of(r, qi, (int)c);
			fprintf(pg->fp, "<li class=\"test-choice\" data-choice=\"%s\"",
			    rq->q->choices[c].id);
			if (t != NULL)
				fprintf(pg->fp,
				    " data-method=\"%s\" data-p=\"%.6g\" data-padj=\"%.6g\"",
				    stats_method_name(t->t.method), t->t.p, t->padj);
			raw(pg, ">");
			put(pg, form_text(&rq->q->choices[c].label, r->lang));
			raw(pg, ": ");
			if (t != NULL)
				test_text(pg, t);
			else
				raw(pg, "no test (fewer than two groups, or no variation)");
			raw(pg, "</li>");
		}
		raw(pg, "</ul></div>\n");
		return;
	}
	t = test_of(r, qi, -1);
	fprintf(pg->fp, "<p class=\"test\" data-q=\"%s\"", rq->q->id);
	if (t != NULL)
		fprintf(pg->fp,
		    " data-method=\"%s\" data-p=\"%.6g\" data-padj=\"%.6g\" data-effect=\"%.6g\"",
		    stats_method_name(t->t.method), t->t.p, t->padj, t->t.effect);
	raw(pg, ">Difference between the groups: ");
	if (t != NULL)
		test_text(pg, t);
	else
		raw(pg, "no test (fewer than two groups answered, or every answer was the same)");
	raw(pg, ".</p>\n");
}

static void
shown_note(struct page *pg, const struct question *q)
{
	const struct question *c;

	if (q->show_if_id == NULL || (c = form_question(pg->r->f, q->show_if_id)) == NULL)
		return;
	raw(pg, " Shown only when \xe2\x80\x9c");
	put(pg, form_text(&c->text, pg->r->lang));
	raw(pg, "\xe2\x80\x9d is ");
	for (size_t i = 0; i < q->nshow_if_values; i++) {
		const struct choice *ch = question_choice(c, q->show_if_values[i]);

		raw(pg, i ? " or \xe2\x80\x9c" : "\xe2\x80\x9c");
		put(pg, ch ? form_text(&ch->label, pg->r->lang) : q->show_if_values[i]);
		raw(pg, "\xe2\x80\x9d");
	}
	raw(pg, ": counted against those who saw it.");
}

static void
question(struct page *pg, size_t qi)
{
	struct report *r = pg->r;
	struct report_q *rq = &r->qs[qi];
	const struct question *q = rq->q;
	const struct report_cell *all = &rq->cell[0];
	int charted = q->type != Q_TEXT && q->type != Q_STORY, groups;
	double axis = 0;

	groups = r->ngroups > 1 && !rq->is_by && charted;
	fprintf(pg->fp,
	    "<section class=\"question\" id=\"q-%s\" data-q=\"%s\" data-type=\"%s\">\n<h3>", q->id,
	    q->id, question_type_name(q->type));
	put(pg, qtext(pg, q));
	fprintf(pg->fp,
	    "</h3>\n<p class=\"qmeta\" data-seen=\"%llu\" data-answered=\"%llu\"><code>%s</code>, "
	    "%s. Seen by %llu of %llu stories; answered by %llu, not answered by %llu.",
	    (unsigned long long)all->seen, (unsigned long long)all->answered, q->id,
	    question_type_name(q->type), (unsigned long long)all->seen,
	    (unsigned long long)r->selected, (unsigned long long)all->answered,
	    (unsigned long long)(all->seen - all->answered));
	shown_note(pg, q);
	if (all->invalid > 0)
		fprintf(pg->fp,
		    " %llu answers do not fit this form (another version?) and count as "
		    "not answered.",
		    (unsigned long long)all->invalid);
	if (q->type == Q_MULTI)
		raw(pg, " Percentages are of those who answered; one may tick several.");
	if (q->type == Q_SCALE)
		raw(pg, " Answers from 0 to 100 between the two poles, shown in steps of 5.");
	if (q->type == Q_TRIAD)
		fprintf(pg->fp,
		    " <span class=\"centre-note\">The centre is the compositional mean: the "
		    "geometric "
		    "mean of each corner's share, scaled so the three add up to 100%%. A share of "
		    "0 has no logarithm, so it counts as %g (and the answer's other shares shrink "
		    "to keep the sum); the figures say how many answers had a 0.</span>",
		    REPORT_TRIAD_DELTA);
	if (rq->is_by)
		raw(pg, " <strong>This question makes the groups compared below.</strong>");
	raw(pg, "</p>\n");
	for (size_t g = 0; g < (groups ? r->ngroups : 1); g++) {
		/* the groups share one scale; all the stories have their own */
		if (g <= 1 && (q->type == Q_CHOICE || q->type == Q_MULTI))
			axis = g == 0 ? choice_axis(rq, 0, 1) : choice_axis(rq, 1, r->ngroups);
		else if (g <= 1 && (q->type == Q_SCALE || q->type == Q_NUMBER))
			axis = g == 0 ? hist_axis(r, rq, 0, 1) : hist_axis(r, rq, 1, r->ngroups);
		if (g == 1)
			raw(pg, "<div class=\"groups\">\n");
		if (g > 0 && rq->cell[g].seen == 0)
			continue; /* said after the groups that were asked */
		switch (q->type) {
		case Q_CHOICE:
		case Q_MULTI:
			choice_figure(pg, rq, g, axis);
			break;
		case Q_SCALE:
		case Q_NUMBER:
			hist_figure(pg, rq, g, axis);
			break;
		case Q_TRIAD:
			triad_figure(pg, rq, g);
			break;
		default:
			break;
		}
	}
	if (groups) {
		int first = 1;

		raw(pg, "</div>\n");
		for (size_t g = 1; g < r->ngroups; g++) {
			if (rq->cell[g].seen > 0)
				continue;
			raw(pg,
			    first ? "<p class=\"empty\">No story of these groups was asked this "
			            "question: " :
			            ", ");
			fprintf(pg->fp, "<span data-q=\"%s\" data-g=\"%zu\">", q->id, g);
			put(pg, report_group_label(r, g));
			raw(pg, "</span>");
			first = 0;
		}
		if (!first)
			raw(pg, ".</p>\n");
	}
	if (q->type == Q_TEXT)
		text_list(pg, rq);
	if (q->type == Q_STORY)
		fprintf(pg->fp,
		    "<p class=\"note\">%llu stories; %llu may be quoted and are in "
		    "<a href=\"#stories\">Stories</a>.</p>\n",
		    (unsigned long long)all->answered, (unsigned long long)r->quotable);
	if (groups)
		test_block(pg, qi);
	raw(pg, "</section>\n");
}

/* ---- patterns ---- */

static void
patterns(struct page *pg)
{
	struct report *r = pg->r;
	const struct question *by;

	raw(pg, "<section id=\"patterns\"><h2>Patterns</h2>\n");
	if (r->by < 0) {
		raw(pg,
		    "<p class=\"section-note\">Make the report with <code>--by QUESTION</code> (a "
		    "choice question, such as the teller's role) to compare the groups and see the "
		    "strongest differences here.</p></section>\n");
		return;
	}
	by = &r->f->questions[r->by];
	raw(pg, "<p class=\"section-note\">The groups are the answers to \xe2\x80\x9c");
	put(pg, form_text(&by->text, r->lang));
	fprintf(pg->fp,
	    "\xe2\x80\x9d (%llu stor%s did not answer it and %s in no group). Each question "
	    "was tested for a difference between the groups (%zu tests); the p-values are "
	    "adjusted for the number of tests (Benjamini-Hochberg). Listed: the differences "
	    "with an adjusted p below %.2f and an effect size of at least %.2f (the share of "
	    "the variation the groups explain; smaller ones may be real but are slight), strongest "
	    "first.</p>\n",
	    (unsigned long long)r->no_group, r->no_group == 1 ? "y" : "ies",
	    r->no_group == 1 ? "is" : "are", r->ntests, REPORT_ALPHA, REPORT_MIN_EFFECT);
	if (r->npatterns == 0) {
		raw(pg,
		    "<p class=\"patterns-none\">No difference between the groups is clear "
		    "enough to report.</p></section>\n");
		return;
	}
	raw(pg, "<ol class=\"patterns\">\n");
	for (size_t i = 0; i < r->npatterns; i++) {
		const struct report_test *t = r->patterns[i];
		const char *qid = r->qs[t->q].q->id;

		fprintf(pg->fp, "<li data-q=\"%s\" data-padj=\"%.6g\" data-effect=\"%.6g\">", qid,
		    t->padj, t->t.effect);
		put(pg, t->pattern);
		fprintf(pg->fp, " <a href=\"#q-%s\">See the figures.</a></li>\n", qid);
	}
	raw(pg, "</ol></section>\n");
}

/* ---- stories ---- */

static void
tok(struct page *pg, int *first, char *t)
{
	if (!*first)
		raw(pg, " ");
	*first = 0;
	put(pg, t);
	free(t);
}

static void
card_tokens(struct page *pg, const struct hub_story *s, const struct report_story *rs)
{
	const struct report *r = pg->r;
	char day[11], b[40];
	int first = 1;

	snprintf(day, sizeof day, "%s", s->created != NULL ? s->created : "");
	tok(pg, &first, token("kiosk", s->kiosk_id));
	tok(pg, &first, token("lang", s->lang));
	tok(pg, &first, token("prompt", s->prompt));
	tok(pg, &first, token("consent", s->consent));
	tok(pg, &first, token("source", s->source));
	tok(pg, &first, token("status", s->status));
	tok(pg, &first, token("day", strlen(day) == 10 && day[4] == '-' ? day : "unknown"));
	for (size_t i = 0; i < r->nq; i++) {
		const struct report_q *rq = &r->qs[i];
		const struct report_answer *a = &rs->a[i];
		const struct question *q = rq->q;

		if (a->state == REPORT_ABSENT || q->type == Q_TEXT || q->type == Q_STORY)
			continue;
		if (a->state != REPORT_GIVEN) {
			if (report_read_shown(r->f, rs, i))
				tok(pg, &first, token(q->id, "-"));
			continue;
		}
		switch (q->type) {
		case Q_CHOICE:
			tok(pg, &first, token(q->id, q->choices[a->choice].id));
			break;
		case Q_MULTI:
			for (size_t c = 0; c < q->nchoices; c++)
				if (a->picked[c])
					tok(pg, &first, token(q->id, q->choices[c].id));
			break;
		case Q_SCALE:
			snprintf(b, sizeof b, "b%ld", lround(lround(a->num) / 5.0));
			tok(pg, &first, token(q->id, b));
			break;
		case Q_NUMBER: /* the value: the bins are made after the pass */
			snprintf(b, sizeof b, "v%.17g", a->num);
			tok(pg, &first, token(q->id, b));
			break;
		case Q_TRIAD:
			snprintf(b, sizeof b, "t%zu", report_triad_cell(a->triad));
			tok(pg, &first, token(q->id, b));
			break;
		default:
			break;
		}
	}
}

static void
answer_text(struct page *pg, const struct question *q, const struct report_answer *a)
{
	const char *lang = pg->r->lang;
	int first = 1;

	switch (q->type) {
	case Q_TEXT:
		raw(pg, "<span dir=\"auto\">");
		report_text_putn(pg->fp, a->text, a->len, 0);
		raw(pg, "</span>");
		break;
	case Q_CHOICE:
		put(pg, form_text(&q->choices[a->choice].label, lang));
		break;
	case Q_MULTI:
		for (size_t c = 0; c < q->nchoices; c++)
			if (a->picked[c]) {
				raw(pg, first ? "" : "; ");
				put(pg, form_text(&q->choices[c].label, lang));
				first = 0;
			}
		break;
	case Q_SCALE:
		fprintf(pg->fp, "%g (0 = ", a->num);
		put(pg, form_text(&q->poles[0], lang));
		raw(pg, ", 100 = ");
		put(pg, form_text(&q->poles[1], lang));
		raw(pg, ")");
		break;
	case Q_NUMBER:
		fprintf(pg->fp, "%g", a->num);
		break;
	case Q_TRIAD:
		for (int j = 0; j < 3; j++) {
			fprintf(pg->fp, "%s%.0f%% ", j ? "; " : "", 100 * a->triad[j]);
			put(pg, form_text(&q->corners[j], lang));
		}
		break;
	default:
		break;
	}
}

void
report_html_card(
    struct report *r, FILE *fp, const struct hub_story *s, const struct report_story *rs, int group)
{
	struct page one = { .r = r, .fp = fp }, *pg = &one;
	const struct prompt *p = s->prompt != NULL ? form_prompt(r->f, s->prompt) : NULL;
	const struct tier *t = form_tier(r->f, s->consent);

	raw(pg, "<article class=\"story\" id=\"s-");
	put(pg, s->story_id);
	raw(pg, "\" data-k=\"");
	card_tokens(pg, s, rs);
	fprintf(pg->fp, "\" data-g=\"%d\"><h3>", group);
	put(pg, s->code);
	raw(pg, "</h3>\n<p class=\"smeta\">");
	put(pg, s->lang);
	raw(pg, " \xc2\xb7 ");
	put(pg, p != NULL ? form_text(&p->text, r->lang) : s->prompt);
	raw(pg, " \xc2\xb7 ");
	put(pg, t != NULL ? form_text(&t->label, r->lang) : s->consent);
	if (r->by >= 0) {
		raw(pg, " \xc2\xb7 ");
		put(pg, report_group_label(r, (size_t)group));
	}
	raw(pg, "</p>\n");
	for (size_t i = 0; i < r->nq; i++)
		if (r->qs[i].q->type == Q_STORY && rs->a[i].state == REPORT_GIVEN) {
			raw(pg, "<blockquote dir=\"auto\">");
			report_text_putn(pg->fp, rs->a[i].text, rs->a[i].len, 1);
			raw(pg, "</blockquote>\n");
		}
	raw(pg, "<dl>");
	for (size_t i = 0; i < r->nq; i++) {
		const struct question *q = r->qs[i].q;

		if (q->type == Q_STORY || rs->a[i].state != REPORT_GIVEN)
			continue;
		raw(pg, "<dt>");
		put(pg, qtext(pg, q));
		raw(pg, "</dt><dd>");
		answer_text(pg, q, &rs->a[i]);
		raw(pg, "</dd>");
	}
	raw(pg, "</dl></article>\n");
}

static void
shown_table(struct page *pg)
{
	const struct report *r = pg->r;
	size_t cap = r->o->stories;

	if (cap == 0)
		return;
	fprintf(pg->fp,
	    "<p class=\"note\">At most %zu stories per group (<code>--stories %zu</code>), "
	    "picked at random (the same each time):</p>\n<table class=\"shown\"><thead><tr>"
	    "<th>group</th><th>quotable</th><th>shown</th><th>left out</th></tr></thead><tbody>",
	    cap, cap);
	for (size_t g = 0; g < r->ngroups; g++) {
		uint64_t q = r->group_quotable[g], shown = q < cap ? q : cap;

		if (q == 0)
			continue;
		fprintf(pg->fp, "<tr data-g=\"%zu\"><td>", g);
		put(pg, r->by >= 0 ? report_group_label(r, g) : "all stories");
		fprintf(pg->fp,
		    "</td><td class=\"n\">%llu</td><td class=\"n\" data-stat=\"shown\">%llu</td>"
		    "<td class=\"n\" data-stat=\"left-out\">%llu</td></tr>",
		    (unsigned long long)q, (unsigned long long)shown,
		    (unsigned long long)(q - shown));
	}
	raw(pg, "</tbody></table>\n");
}

static int
stories(struct page *pg, struct err *e)
{
	struct report *r = pg->r;
	const struct tier *t = r->consent != NULL ? form_tier(r->f, r->consent) : NULL;

	raw(pg, "<section id=\"stories\"><h2>Stories</h2>\n<p class=\"section-note\">");
	if (t == NULL)
		raw(pg, "The form has a single consent tier, so no story is quoted. ");
	else {
		raw(pg, "Quoted here: the stories whose teller chose \xe2\x80\x9c");
		put(pg, form_text(&t->label, r->lang));
		fprintf(pg->fp, "\xe2\x80\x9d or a more open tier (%llu of %llu). ",
		    (unsigned long long)r->quotable, (unsigned long long)r->selected);
	}
	fprintf(pg->fp,
	    "The other %llu stories count in every figure above, but none of their words appear "
	    "in this page. Withdrawn stories are never counted or shown.</p>\n",
	    (unsigned long long)(r->selected - r->quotable));
	shown_table(pg);
	raw(pg,
	    "<div id=\"tools\" hidden><label for=\"search\">Search the stories:</label> "
	    "<input type=\"search\" id=\"search\" autocomplete=\"off\"> <span id=\"shown\" "
	    "aria-live=\"polite\"></span> <a href=\"#stories\" id=\"all\">show all</a></div>\n"
	    "<div class=\"anchors\">");
	for (size_t i = 0; i < pg->ntokens; i++) {
		raw(pg, "<span id=\"f:");
		put(pg, pg->tokens[i]);
		raw(pg, "\"></span>");
	}
	raw(pg, "</div>\n<div id=\"cards\">\n");
	if (report_cards_copy(r, pg->fp, e) == -1)
		return -1;
	fprintf(pg->fp,
	    "</div>\n<p class=\"note\" id=\"cards-count\" data-n=\"%llu\">%llu stories "
	    "in this page.</p>\n</section>\n",
	    (unsigned long long)r->cards, (unsigned long long)r->cards);
	return 0;
}

/* ---- the page ---- */

static void
head(struct page *pg)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(
	    crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	const struct form *f = pg->r->f;

	crypto_hash_sha256(hash, (const unsigned char *)script, strlen(script));
	sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
	raw(pg, "<!DOCTYPE html>\n<html lang=\"");
	put(pg, pg->r->lang);
	fprintf(pg->fp,
	    "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; script-src 'sha256-%s'; base-uri 'none'; "
	    "form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"storyhub report\">\n<title>",
	    b64);
	put(pg, form_text(&f->title, pg->r->lang));
	raw(pg, " \xe2\x80\x94 report</title>\n<style>\n");
	raw(pg, style);
	raw(pg, "</style>\n</head>\n<body>\n");
}

static void
header(struct page *pg)
{
	const struct report *r = pg->r;
	const struct report_opts *o = r->o;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	raw(pg, "<header>\n<h1>");
	put(pg, form_text(&r->f->title, r->lang));
	raw(pg, "</h1>\n<p class=\"meta\">Report on form <code>");
	put(pg, r->form_id);
	fprintf(pg->fp, "</code> (form file version %d), made %s by storyhub, in ", r->f->version,
	    when);
	put(pg, r->lang);
	fprintf(pg->fp,
	    ".</p>\n<p class=\"meta\" id=\"selection\" data-selected=\"%llu\" "
	    "data-quotable=\"%llu\">"
	    "<strong>%llu stories</strong> in the figures, of %llu in the store",
	    (unsigned long long)r->selected, (unsigned long long)r->quotable,
	    (unsigned long long)r->selected, (unsigned long long)r->in_store);
	if (r->other_form)
		fprintf(
		    pg->fp, "; %llu of other forms left out", (unsigned long long)r->other_form);
	if (r->out_of_dates)
		fprintf(pg->fp, "; %llu outside the dates", (unsigned long long)r->out_of_dates);
	if (r->filtered)
		fprintf(
		    pg->fp, "; %llu left out by the selection", (unsigned long long)r->filtered);
	if (r->unreadable)
		fprintf(pg->fp, "; %llu unreadable", (unsigned long long)r->unreadable);
	raw(pg, ". Withdrawn stories are never counted or shown.");
	if (o->since || o->until) {
		raw(pg, " Told ");
		if (o->since) {
			raw(pg, "from ");
			put(pg, o->since);
		}
		if (o->until) {
			raw(pg, o->since ? " to " : "until ");
			put(pg, o->until);
		}
		raw(pg, " (the kiosk's clock).");
	}
	for (size_t i = 0; i < r->nwhere; i++) {
		raw(pg, i ? ", " : " Only stories where ");
		put(pg, r->f->questions[r->where[i].q].id);
		raw(pg, " = ");
		put(pg, r->where[i].text);
		if (i + 1 == r->nwhere)
			raw(pg, ".");
	}
	raw(pg,
	    "</p>\n</header>\n<nav><ul><li><a href=\"#patterns\">Patterns</a></li>"
	    "<li><a href=\"#overview\">Overview</a></li>");
	for (size_t i = 0; i < r->nq; i++) {
		fprintf(pg->fp, "<li><a href=\"#q-%s\">", r->qs[i].q->id);
		put(pg, r->qs[i].q->id);
		raw(pg, "</a></li>");
	}
	raw(pg, "<li><a href=\"#stories\">Stories</a></li></ul></nav>\n");
}

int
report_html_write(struct report *r, FILE *fp, struct report_charts *charts, struct err *e)
{
	struct page pg = { r, fp, charts, NULL, 0 };
	int rv = -1;

	head(&pg);
	header(&pg);
	patterns(&pg);
	overview(&pg);
	raw(&pg, "<section id=\"questions\"><h2>Questions</h2>\n");
	if (r->by >= 0)
		raw(&pg,
		    "<p class=\"section-note\">Each question for all stories, then for each group "
		    "side by side on the same scales, with the test of difference.</p>\n");
	for (size_t i = 0; i < r->nq; i++)
		question(&pg, i);
	raw(&pg, "</section>\n");
	if (stories(&pg, e) == -1)
		goto out;
	raw(&pg, "<script>");
	raw(&pg, script);
	raw(&pg, "</script>\n</body>\n</html>\n");
	rv = 0;
out:
	for (size_t i = 0; i < pg.ntokens; i++)
		free(pg.tokens[i]);
	free(pg.tokens);
	return rv;
}
