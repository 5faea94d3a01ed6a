/* form: the form model (a YAML file in forms/, parsed with libyaml) and its
 * validation. Core module: no curses, no storage. */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#include "err.h"

enum question_type {
	Q_STORY,  /* long free text; its text is the chosen prompt */
	Q_TEXT,   /* short free text, one line */
	Q_CHOICE, /* one choice id */
	Q_MULTI,  /* several choice ids */
	Q_NUMBER, /* a number between min and max */
	Q_SCALE,  /* 0-100 between two poles */
	Q_TRIAD,  /* three proportions summing to 1 */
};

/* A participant-facing text in every language of the form. */
struct ltext {
	size_t n;
	char **lang;
	char **value;
};

struct choice {
	char *id;
	struct ltext label;
	int exclusive; /* multi: chosen only alone (e.g. "nothing") */
	int line;
};

struct tier {
	char *id;
	struct ltext label;
	int line;
};

struct prompt {
	char *id;
	struct ltext text;
	int line;
};

struct question {
	char *id;
	enum question_type type;
	struct ltext text;
	int required; /* default 1 */
	int has_min, has_max;
	double min, max;         /* story/text: characters; number: value */
	int integer;             /* number: whole numbers only */
	struct ltext poles[2];   /* scale */
	struct ltext corners[3]; /* triad */
	struct choice *choices;  /* choice, multi */
	size_t nchoices;
	char *show_if_id; /* NULL, or the id of an earlier question */
	char **
	    show_if_values; /* shown when that answer equals (or, for multi, contains) one of these */
	size_t nshow_if_values;
	int line;
};

struct form {
	char *path;
	char *id;
	int version;
	char **languages;
	size_t nlanguages;
	struct ltext title;
	int idle_timeout;     /* seconds */
	int unsubmitted_keep; /* 1: keep (as timed_out), 0: discard */
	struct ltext consent_text;
	struct tier *tiers; /* most restrictive first */
	size_t ntiers;
	struct prompt *prompts;
	size_t nprompts;
	struct question *questions;
	size_t nquestions;
};

/* One problem found in a form file; line is 1-based (0 when not known). */
struct form_problem {
	int line;
	char *message;
};

struct form_problems {
	struct form_problem *v;
	size_t n;
};

/* Parse and validate the form at path. On success returns 0 and *out (free
 * with form_free). On any problem returns -1, *out is NULL, and every problem
 * found is appended to probs (free with form_problems_free); e gets a one-line
 * summary ("FILE:LINE: first problem (and N more)"). */
int form_load(const char *path, struct form **out, struct form_problems *probs, struct err *e);

/* Same as form_load, from a buffer; name is used in messages. */
int form_parse(const char *name, const char *buf, size_t len, struct form **out,
    struct form_problems *probs, struct err *e);

void form_free(struct form *f);
void form_problems_free(struct form_problems *probs);

/* The text in lang, else in the form's first language; never NULL (may be ""). */
const char *form_text(const struct ltext *t, const char *lang);

/* Lookups by id; NULL when absent. */
const struct question *form_question(const struct form *f, const char *id);
const struct tier *form_tier(const struct form *f, const char *id);
const struct prompt *form_prompt(const struct form *f, const char *id);
const struct choice *question_choice(const struct question *q, const char *id);
/* Index of a tier (0 = most restrictive), or -1. */
int form_tier_rank(const struct form *f, const char *id);
/* 1 if lang is one of the form's languages. */
int form_has_language(const struct form *f, const char *lang);

/* "story", "text", ... */
const char *question_type_name(enum question_type t);

#endif
