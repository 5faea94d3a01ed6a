/* report-read: one stored story's answers (the answers JSON the hub keeps)
 * read against the form, for storyhub report. Tolerant where import is
 * strict: a question the story's form version did not ask is absent, and
 * an answer that does not fit the form is marked invalid rather than
 * refused, so one odd story never stops a report. */
#ifndef REPORT_READ_H
#define REPORT_READ_H

#include <stddef.h>

#include "err.h"
#include "form.h"

struct payread;

enum report_state {
	REPORT_ABSENT,  /* not in the story (another version of the form) */
	REPORT_NULL,    /* not answered, or not shown */
	REPORT_GIVEN,   /* answered */
	REPORT_INVALID, /* present, but not an answer to this question */
};

struct report_answer {
	enum report_state state;
	int choice;            /* choice: the index of the choice */
	unsigned char *picked; /* multi: per choice, 1 when ticked */
	double num;            /* number, scale */
	double triad[3];       /* triad: proportions in corner order */
	const char *text;      /* story, text: valid until the next read */
	size_t len;
	char *buf;  /* owned: this read's text, or a multi's or triad's array */
	size_t cap; /* of buf */
	int items;  /* buf holds an array still to read */
};

struct report_story {
	struct payread *pr;      /* the reader, one per report */
	struct report_answer *a; /* one per question of the form */
	size_t n;
};

/* A reader for stories of form f (NULL with e set when the JSON reader
 * cannot start); free with report_read_free. */
struct report_story *report_read_new(const struct form *f, struct err *e);
/* Read answers (JSON text) into rs, replacing what it held: 0, or -1 when
 * the text is not a JSON object (every answer is then absent). */
int report_read(struct report_story *rs, const struct form *f, const char *answers);
/* 1 if question qi was shown to the story's teller (its show_if holds). */
int report_read_shown(const struct form *f, const struct report_story *rs, size_t qi);
void report_read_free(struct report_story *rs);

#endif
