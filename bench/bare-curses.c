/* bare-curses: the baseline for the kiosk's start-up bench (bench/kiosk.sh).
 * Does what any ncursesw kiosk must do before its first frame, and nothing
 * else: set the locale, initialise libsodium, open an SQLite database in WAL
 * mode, start curses and draw a title. Then waits for keys until killed.
 *
 *   bare-curses DB TITLE */
#include <curses.h>
#include <locale.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	sqlite3 *db;
	int ch;

	if (sodium_init() < 0 || argc != 3)
		return 1;
	setlocale(LC_ALL, "");
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	        " CREATE TABLE IF NOT EXISTS t(x); SELECT count(*) FROM t",
	        NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bare-curses: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	if (initscr() == NULL)
		return 1;
	raw();
	noecho();
	keypad(stdscr, TRUE);
	box(stdscr, 0, 0);
	mvaddstr(2, (COLS - (int)strlen(argv[2])) / 2, argv[2]);
	refresh();
	while ((ch = getch()) != 'q' && ch != ERR)
		;
	endwin();
	sqlite3_close(db);
	return 0;
}
