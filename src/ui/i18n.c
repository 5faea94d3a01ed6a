/* i18n: per-participant language switching with gettext.
 *
 * gettext only translates when LC_MESSAGES names a locale that exists, and
 * kiosks often have just C.UTF-8. So we keep LC_MESSAGES on a UTF-8 locale
 * (the one in the environment, else C.UTF-8) and choose the catalogue with
 * the LANGUAGE environment variable, which GNU gettext consults before the
 * locale name whenever the locale is not plain "C". After changing LANGUAGE
 * we call setlocale(LC_MESSAGES, ...) again and re-set the text domain, which
 * invalidates gettext's cache of already translated strings. */
#include "i18n.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "xmalloc.h"

#define I18N_DOMAIN "storykiosk"

/* The UTF-8 locale LC_MESSAGES is kept on (i18n_init). Global like the
 * locale and gettext's text domain it goes with. */
static char messages_locale[128] = "C.UTF-8";

static int
dir_exists(const char *path)
{
	return path != NULL && access(path, X_OK) == 0;
}

/* <dir of the running executable>/locale, or NULL. Caller frees. */
static char *
exe_locale_dir(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return fsutil_join(exe, "locale");
}

void
i18n_init(void)
{
	const char *env = getenv("STORYKIOSK_LOCALEDIR"), *cur;
	char *dir = NULL;

	cur = setlocale(LC_MESSAGES, NULL);
	if (cur != NULL && strcmp(cur, "C") != 0 && strcmp(cur, "POSIX") != 0 &&
	    strlen(cur) < sizeof messages_locale)
		strcpy(messages_locale, cur);
	if (env != NULL && *env != '\0')
		dir = xstrdup(env);
	else {
		dir = exe_locale_dir();
		if (!dir_exists(dir)) {
			free(dir);
			dir = xstrdup(DATADIR "/locale");
		}
	}
	bindtextdomain(I18N_DOMAIN, dir);
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	free(dir);
}

void
i18n_set_language(const char *lang)
{
	setenv("LANGUAGE", lang != NULL ? lang : "en", 1);
	if (setlocale(LC_MESSAGES, messages_locale) == NULL)
		setlocale(LC_MESSAGES, "C.UTF-8");
	textdomain(I18N_DOMAIN);
}

const char *
tr(const char *msgid)
{
	return dgettext(I18N_DOMAIN, msgid);
}

const char *
trn(const char *msgid, const char *msgid_plural, unsigned long n)
{
	return dngettext(I18N_DOMAIN, msgid, msgid_plural, n);
}
