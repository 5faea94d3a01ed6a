/* screen-feedback: "Read stories from others", the feedback pack read like
 * a book, in the participant's language: the coordinators' note, the
 * figures as text charts, then the stories one to a section, those told in
 * that language first and the others marked with theirs. Each section is
 * laid out at the screen's width and cut into pages; PgDn, Right, Down,
 * Space or Enter turn to the next page, PgUp, Left, Up or Backspace to the
 * one before, Home and End to the first and last section; Esc (or Ctrl-X)
 * returns to the welcome screen, as the idle timeout does, clearing the
 * screen. Nothing here writes anything: the pack is read only. Every text
 * of the pack goes through utf8_neutralise before it is laid out, so a
 * control sequence, a bidi override or a broken byte is drawn as U+FFFD. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

#define BLOCK_FULL "\xe2\x96\x88"  /* U+2588, the bar */
#define BLOCK_LIGHT "\xe2\x96\x91" /* U+2591, the bar's track */
#define SEGS 4                     /* pieces drawn on one line */

/* A piece of a line: code points from column x (from the page's left). */
struct seg {
	int x;
	enum ui_attr a;
	uint32_t *cp;
	size_t n;
};

struct line {
	struct seg seg[SEGS];
	int nseg;
	int keep; /* stays on the page of the line before it */
};

/* A section laid out: its lines, and where each page starts. */
struct doc {
	struct line *v;
	size_t n, cap;
	int w; /* the width laid out for */
	size_t *page;
	size_t npages;
};

void
feedback_view_clear(struct feedback_view *v)
{
	free(v->order);
	memset(v, 0, sizeof *v);
}

void
ui_feedback_set(struct ui *u, struct feedback *fb)
{
	feedback_view_clear(&u->fview);
	feedback_free(u->fb);
	u->fb = fb;
}

void
ui_feedback_refresh(struct ui *u)
{
	struct feedback *fb = NULL;
	struct err e;
	int r;

	u->fb_seen_push = u->push.finished;
	if (u->act == NULL || u->act->feedback_load == NULL)
		return;
	r = u->act->feedback_load(u->act->ctx, &fb, &e);
	if (r == 1)
		return;
	snprintf(u->fb_problem, sizeof u->fb_problem, "%s", r == 0 ? "" : e.msg);
	ui_feedback_set(u, r == 0 ? fb : NULL);
}

/* ---- laying out ---- */

static void
doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		for (int j = 0; j < d->v[i].nseg; j++)
			free(d->v[i].seg[j].cp);
	free(d->v);
	free(d->page);
	memset(d, 0, sizeof *d);
}

static struct line *
new_line(struct doc *d, int keep)
{
	struct line *l;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 32;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	l = &d->v[d->n++];
	memset(l, 0, sizeof *l);
	l->keep = keep;
	return l;
}

static void
add_seg(struct line *l, int x, enum ui_attr a, const uint32_t *cp, size_t n)
{
	struct seg *s;

	if (l->nseg == SEGS)
		return;
	s = &l->seg[l->nseg++];
	s->x = x;
	s->a = a;
	s->n = n;
	s->cp = xcalloc(n ? n : 1, sizeof *cp);
	if (n > 0)
		memcpy(s->cp, cp, n * sizeof *cp);
}

/* Text from the pack, neutralised, in a buffer (multiline keeps its
 * newlines). Caller frees with textbuf_free. */
static struct textbuf *
safe_text(const char *s, int multiline)
{
	struct textbuf *tb = textbuf_new(multiline, 0);
	char *safe = utf8_neutralise(s != NULL ? s : "", s != NULL ? strlen(s) : 0, multiline);

	textbuf_insert_utf8(tb, safe, strlen(safe));
	free(safe);
	return tb;
}

/* s wrapped to width w from column x; the lines after the first keep with
 * it when keep_all, else only the first keeps as keep says. */
static size_t
add_text(struct doc *d, int x, int w, const char *s, enum ui_attr a, int keep, int keep_all)
{
	struct textbuf *tb = safe_text(s, 1);
	struct textbuf_layout lo = { 0 };
	size_t r;

	textbuf_layout(tb, w > 1 ? w : 1, &lo);
	for (r = 0; r < lo.n; r++)
		add_seg(new_line(d, r == 0 ? keep : keep_all), x, a, tb->cp + lo.v[r].start,
		    lo.v[r].end - lo.v[r].start);
	textbuf_layout_free(&lo);
	textbuf_free(tb);
	return r;
}

/* Display width of UTF-8 text once neutralised. */
static int
width_of(const char *s)
{
	struct textbuf *tb = safe_text(s, 0);
	int w = 0;

	for (size_t i = 0; i < tb->len; i++)
		w += textbuf_cpwidth(tb->cp[i]);
	textbuf_free(tb);
	return w;
}

/* One segment of UTF-8 (no wrapping: drawing cuts it at the page's edge). */
static void
seg_utf8(struct line *l, int x, enum ui_attr a, const char *s)
{
	struct textbuf *tb = safe_text(s, 0);

	add_seg(l, x, a, tb->cp, tb->len);
	textbuf_free(tb);
}

static void
blank(struct doc *d, int keep)
{
	new_line(d, keep);
}

/* A bar of width cells, filled for the fraction f. */
static char *
bar(int width, double f)
{
	int fill = (int)lround(f * width);
	char *s = xmalloc((size_t)width * 3 + 1), *p = s;

	if (fill < 0)
		fill = 0;
	if (fill > width)
		fill = width;
	/* Any count above none shows at least one block. */
	if (fill == 0 && f > 0 && width > 0)
		fill = 1;
	for (int i = 0; i < width; i++) {
		memcpy(p, i < fill ? BLOCK_FULL : BLOCK_LIGHT, 3);
		p += 3;
	}
	*p = '\0';
	return s;
}

/* Bars with their labels and figures: the labels in a column (wrapped in
 * it), each bar on its label's first line, its figure after it. */
static void
bars(struct doc *d, int w, const char *const *label, const double *f, char (*fig)[32], size_t n)
{
	int lw = 0, fw = 0, bw, x = 2;

	for (size_t i = 0; i < n; i++) {
		int lwi = width_of(label[i]), fwi = width_of(fig[i]);

		lw = lwi > lw ? lwi : lw;
		fw = fwi > fw ? fwi : fw;
	}
	if (lw > (w - x) * 2 / 5)
		lw = (w - x) * 2 / 5;
	if (lw < 1)
		lw = 1;
	bw = w - x - lw - 1 - 1 - fw;
	if (bw > 40)
		bw = 40;
	for (size_t i = 0; i < n; i++) {
		struct textbuf *tb = safe_text(label[i], 0);
		struct textbuf_layout lo = { 0 };
		char *b = bar(bw > 1 ? bw : 1, f[i]);

		textbuf_layout(tb, lw, &lo);
		for (size_t r = 0; r < lo.n; r++) {
			struct line *l = new_line(d, 1);

			add_seg(
			    l, x, UA_NORMAL, tb->cp + lo.v[r].start, lo.v[r].end - lo.v[r].start);
			if (r == 0) {
				seg_utf8(l, x + lw + 1, UA_FRAME, b);
				seg_utf8(l, x + lw + 1 + (bw > 1 ? bw : 1) + 1, UA_NORMAL, fig[i]);
			}
		}
		free(b);
		textbuf_layout_free(&lo);
		textbuf_free(tb);
	}
}

/* A scale: its track with the median marked, the figure, and the poles
 * under the track's two ends. */
static void
scale(struct doc *d, int w, const struct feedback_item *it, const char *lang)
{
	char num[32], fig[64], *track;
	const char *p0 = form_text(&it->ends[0], lang), *p1 = form_text(&it->ends[1], lang);
	int x = 2, tw, at, w1;
	struct line *l;

	if (it->median % 10 == 0)
		snprintf(num, sizeof num, "%u", (unsigned)it->median / 10);
	else
		snprintf(
		    num, sizeof num, "%u.%u", (unsigned)it->median / 10, (unsigned)it->median % 10);
	snprintf(fig, sizeof fig, tr("median %s"), num);
	tw = w - x - 1 - width_of(fig);
	if (tw > 41)
		tw = 41;
	if (tw < 3)
		tw = 3;
	track = bar(tw, 0);
	at = (int)lround(it->median / 1000.0 * (tw - 1));
	memcpy(track + 3 * at, BLOCK_FULL, 3);
	l = new_line(d, 1);
	if (it->answered > 0)
		seg_utf8(l, x, UA_FRAME, track);
	else
		seg_utf8(l, x, UA_NORMAL, tr("(no answers yet)"));
	if (it->answered > 0)
		seg_utf8(l, x + tw + 1, UA_NORMAL, fig);
	free(track);
	/* The poles: the first under the track's start, the second ending
	 * under its end, on one line when they fit. */
	w1 = width_of(p1);
	l = new_line(d, 1);
	seg_utf8(l, x, UA_NORMAL, p0);
	if (width_of(p0) + 1 + w1 > tw)
		l = new_line(d, 1);
	seg_utf8(l, x + (tw > w1 ? tw - w1 : 0), UA_NORMAL, p1);
}

static void
item(struct doc *d, int w, const struct feedback_item *it, const char *lang)
{
	char head[1024], (*fig)[32];
	const char **label;
	double *f;
	size_t n = it->kind == FEEDBACK_TRIAD ? 3 : it->noptions;

	snprintf(head, sizeof head, "%s", form_text(&it->text, lang));
	blank(d, 0);
	add_text(d, 0, w, head, UA_TITLE, 1, 1);
	snprintf(head, sizeof head, trn("%u answer", "%u answers", (unsigned long)it->answered),
	    (unsigned)it->answered);
	add_text(d, 2, w - 2, head, UA_HINT, 1, 1);
	if (it->kind == FEEDBACK_SCALE) {
		scale(d, w, it, lang);
		return;
	}
	label = xcalloc(n ? n : 1, sizeof *label);
	f = xcalloc(n ? n : 1, sizeof *f);
	fig = xcalloc(n ? n : 1, sizeof *fig);
	for (size_t i = 0; i < n; i++) {
		if (it->kind == FEEDBACK_TRIAD) {
			label[i] = form_text(&it->ends[i], lang);
			f[i] = it->centre[i] / 1000.0;
			snprintf(fig[i], sizeof fig[i], "%u%%", ((unsigned)it->centre[i] + 5) / 10);
		} else {
			label[i] = form_text(&it->options[i].label, lang);
			f[i] = it->answered ? (double)it->options[i].count / it->answered : 0;
			snprintf(fig[i], sizeof fig[i], "%u", (unsigned)it->options[i].count);
		}
	}
	bars(d, w, label, f, fig, n);
	free(label);
	free(f);
	free(fig);
}

/* What a section is. */
enum sect {
	SECT_NOTE,
	SECT_SUMMARY,
	SECT_STORY
};

static int
has_note(const struct ui *u)
{
	return u->fb->note.n > 0;
}

static int
has_summary(const struct ui *u)
{
	return u->fb->nitems > 0;
}

static int
nsections(const struct ui *u)
{
	return has_note(u) + has_summary(u) + (int)u->fb->nstories;
}

/* Section i's kind, and for a story its index in the reader's order. */
static enum sect
section_kind(const struct ui *u, int i, size_t *story)
{
	if (has_note(u) && i-- == 0)
		return SECT_NOTE;
	if (has_summary(u) && i-- == 0)
		return SECT_SUMMARY;
	*story = (size_t)i;
	return SECT_STORY;
}

static void
story(struct ui *u, struct doc *d, int w, size_t k)
{
	const struct feedback_story *s = &u->fb->stories[u->fview.order[k]];
	const struct feedback_prompt *p = feedback_prompt(u->fb, s->prompt);
	char line[256];

	snprintf(line, sizeof line, tr("Story %zu of %zu"), k + 1, u->fb->nstories);
	add_text(d, 0, w, line, UA_TITLE, 0, 1);
	if (strcmp(s->lang, u->lang) != 0) {
		snprintf(line, sizeof line, tr("Told in %s"), ui_lang_name(s->lang));
		add_text(d, 0, w, line, UA_HINT, 1, 1);
	}
	if (p != NULL)
		add_text(d, 0, w, form_text(&p->text, u->lang), UA_FRAME, 1, 1);
	blank(d, 1);
	add_text(d, 0, w, s->text, UA_NORMAL, 1, 0);
}

/* Lay section i out at width w and cut it into pages of h lines: a run of
 * lines that keep together starts a new page when it does not fit on the
 * one begun, unless it is longer than a page. */
static void
layout(struct ui *u, int i, int w, int h, struct doc *d)
{
	size_t k = 0, used = 0;
	char line[256];

	memset(d, 0, sizeof *d);
	d->w = w;
	switch (section_kind(u, i, &k)) {
	case SECT_NOTE:
		add_text(d, 0, w, tr("A word from the organisers"), UA_TITLE, 0, 1);
		blank(d, 1);
		add_text(d, 0, w, form_text(&u->fb->note, u->lang), UA_NORMAL, 1, 0);
		break;
	case SECT_SUMMARY:
		add_text(d, 0, w, tr("What everyone told us"), UA_TITLE, 0, 1);
		snprintf(line, sizeof line,
		    trn("Figures over %u story", "Figures over %u stories",
		        (unsigned long)u->fb->counted),
		    (unsigned)u->fb->counted);
		add_text(d, 0, w, line, UA_NORMAL, 1, 1);
		for (size_t j = 0; j < u->fb->nitems; j++)
			item(d, w, &u->fb->items[j], u->lang);
		break;
	case SECT_STORY:
		story(u, d, w, k);
		break;
	}
	d->page = xcalloc(d->n + 1, sizeof *d->page);
	d->npages = 1;
	for (size_t a = 0; a < d->n;) {
		size_t b = a + 1;

		while (b < d->n && d->v[b].keep)
			b++;
		if (used > 0 && used + (b - a) > (size_t)h && b - a <= (size_t)h) {
			d->page[d->npages++] = a;
			used = 0;
		}
		for (; a < b; a++) {
			if (used == (size_t)h) {
				d->page[d->npages++] = a;
				used = 0;
			}
			used++;
		}
	}
	d->page[d->npages] = d->n;
}

/* The body's size: between the header and the "more" line above the key
 * line's two rows. */
static int
body_w(void)
{
	return COLS - 4;
}

static int
body_h(void)
{
	return LINES - 5 > 1 ? LINES - 5 : 1;
}

static int
pages_of(struct ui *u, int i)
{
	struct doc d;
	int n;

	layout(u, i, body_w(), body_h(), &d);
	n = (int)d.npages;
	doc_free(&d);
	return n;
}

/* ---- the screen ---- */

static void
feedback_enter(struct ui *u)
{
	feedback_view_clear(&u->fview);
	if (u->fb != NULL)
		u->fview.order = feedback_order(u->fb, u->lang);
}

static void
feedback_draw(struct ui *u)
{
	struct feedback_view *v = &u->fview;
	char pos[32];
	struct doc d;
	size_t i;
	int y = 2;

	if (u->fb == NULL || nsections(u) == 0) {
		ui_session_end(u, 0);
		return;
	}
	layout(u, v->section, body_w(), body_h(), &d);
	if (v->page >= (int)d.npages)
		v->page = (int)d.npages - 1; /* the screen grew */
	snprintf(pos, sizeof pos, "%d/%d", v->section + 1, nsections(u));
	ui_header(u, tr("Stories from others"), pos);
	i = d.page[v->page];
	if (v->page > 0 && i < d.page[v->page + 1] && d.v[i].nseg == 0)
		i++; /* a page does not start with a blank line */
	for (; i < d.page[v->page + 1]; i++, y++)
		for (int j = 0; j < d.v[i].nseg; j++) {
			const struct seg *s = &d.v[i].seg[j];

			if (s->x < d.w)
				ui_draw_cps(y, 2 + s->x, d.w - s->x, s->cp, s->n, s->a);
		}
	if (v->page + 1 < (int)d.npages || v->section + 1 < nsections(u)) {
		const char *more = tr("(PgDn: more)");
		int mw = (int)utf8_count(more, strlen(more));

		if (mw > COLS - 4)
			mw = COLS - 4;
		ui_line(LINES - 3, COLS - 2 - mw, mw, more, UA_FOCUS);
	}
	doc_free(&d);
	ui_hint(tr("PgDn/Right: next page · PgUp/Left: back · Esc: return to the start"));
}

static void
next_page(struct ui *u)
{
	struct feedback_view *v = &u->fview;

	if (v->page + 1 < pages_of(u, v->section))
		v->page++;
	else if (v->section + 1 < nsections(u)) {
		v->section++;
		v->page = 0;
	}
}

static void
prev_page(struct ui *u)
{
	struct feedback_view *v = &u->fview;

	if (v->page > 0)
		v->page--;
	else if (v->section > 0) {
		v->section--;
		v->page = pages_of(u, v->section) - 1;
	}
}

static void
feedback_escape(struct ui *u)
{
	ui_session_end(u, 0);
}

static void
feedback_key(struct ui *u, int fkey, wint_t ch)
{
	struct feedback_view *v = &u->fview;

	if (u->fb == NULL || nsections(u) == 0)
		return;
	if (!fkey) {
		switch (ch) {
		case KEY_CTRL_X:
			ui_session_end(u, 0);
			return;
		case ' ':
		case '\r':
		case '\n':
			next_page(u);
			return;
		case 8:
		case 127:
			prev_page(u);
			return;
		}
		return;
	}
	switch (ch) {
	case KEY_NPAGE:
	case KEY_RIGHT:
	case KEY_DOWN:
	case KEY_ENTER:
		next_page(u);
		break;
	case KEY_PPAGE:
	case KEY_LEFT:
	case KEY_UP:
	case KEY_BACKSPACE:
		prev_page(u);
		break;
	case KEY_HOME:
		v->section = v->page = 0;
		break;
	case KEY_END:
		v->section = nsections(u) - 1;
		v->page = 0;
		break;
	}
}

const struct screen screen_feedback = {
	.name = "feedback",
	.enter = feedback_enter,
	.draw = feedback_draw,
	.key = feedback_key,
	.escape = feedback_escape,
	.in_session = 1,
};
