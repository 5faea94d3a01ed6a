/* hub-export: stories out of the hub store for analysis, as RFC 4180 CSV
 * (UTF-8, one row per story, a column per question, then Q_untouched per scale
 * and triad) or a JSON array (jansson).
 * Withdrawn stories are never exported; a consent tier filter keeps only the
 * stories whose tier allows that use. */
#ifndef HUB_EXPORT_H
#define HUB_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "form.h"
#include "hubstore.h"

enum hub_export_format {
	HUB_EXPORT_CSV,
	HUB_EXPORT_JSON,
};

/* The tier order of forms/partnership.yaml, most restrictive first. */
#define HUB_EXPORT_DEFAULT_TIERS "analysis,quotes,public"

struct hub_export_opts {
	enum hub_export_format format;
	const char *consent; /* NULL: every tier; else this tier or more open */
	char **tiers;        /* the tier order, most restrictive first */
	size_t ntiers;
	const char *form; /* NULL: every form; else only this form id */
	int bom;          /* CSV: start with a UTF-8 byte order mark */
	int raw;          /* CSV: no spreadsheet formula guard */
	/* CSV: the form file, when given: a 0/1 column per choice of each
	 * multi question (Q_CHOICE) after its ';'-joined column; may be NULL */
	const struct form *form_file;
};

/* Write every exportable story to out, streaming (memory does not grow
 * with the store); *n counts them. */
int hub_export(
    struct hubstore *hs, const struct hub_export_opts *o, FILE *out, size_t *n, struct err *e);

/* Write a CSV codebook for form f (in language lang, NULL: the form's first):
 * one row per export column with its question text, type and values (scale
 * poles as 0/100, triad corners as _1/_2/_3, choice ids with labels, a
 * multi question's 0/1 column per choice). */
int hub_export_codebook(const struct form *f, const char *lang, FILE *out, struct err *e);

/* Split "a,b,c" into a new tier list (caller frees with hub_export_tiers_free). */
int hub_export_tiers_parse(const char *list, char ***tiers, size_t *n, struct err *e);
void hub_export_tiers_free(char **tiers, size_t n);

#endif
