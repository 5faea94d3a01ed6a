# hub-roundtrip.sh on PostgreSQL: the same kiosk-to-hub round trip, every
# hub command on a postgresql:// store (pg.lib starts the server).
. "$TOP/tests/e2e/pg.lib"
. "$TOP/tests/e2e/hub-roundtrip.sh"
