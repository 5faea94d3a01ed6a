/* i18n: the program's own participant-facing strings (buttons, hints,
 * errors, the timeout warning), translated with gettext. English is the
 * msgid; po/fr.po and po/sw.po hold the translations. The form supplies its
 * own texts in every language (form_text). */
#ifndef I18N_H
#define I18N_H

/* Find the catalogues (STORYKIOSK_LOCALEDIR, else <exe dir>/locale in the
 * build tree, else DATADIR/locale) and bind the text domain. */
void i18n_init(void);
/* Switch every translated string to lang ("en", "fr", "sw", ...). */
void i18n_set_language(const char *lang);
/* The translation of msgid in the current language (msgid if none). */
const char *tr(const char *msgid) __attribute__((format_arg(1)));
/* The same for a message with a count: singular msgid, plural msgid_plural
 * (English rules when untranslated; the catalogue's Plural-Forms otherwise). */
const char *trn(const char *msgid, const char *msgid_plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

#endif
