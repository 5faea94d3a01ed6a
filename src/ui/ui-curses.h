/* ui-curses: the one place the kiosk UI includes curses, with the
 * wide-character API (get_wch, addnwstr, setcchar) switched on. */
#ifndef UI_CURSES_H
#define UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>

#endif
