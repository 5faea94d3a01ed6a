# The hub's end-to-end tests on PostgreSQL: hub-roundtrip.sh (every hub
# command, kiosk to hub and back), hub-vectors.sh (the bundle vectors,
# conflicts, withdrawal by --id), hub-csv-guard.sh, hub-csv-columns.sh
# (the CSV read back by Python, 0/1 columns per choice), hub-feedback.sh
# (feedback packs: sequences, --publish), hub-key.sh (which commands open the
# secret key), hub-quarantine.sh (quotas, reject), hub-report.sh (the report
# page held to the store's export, and in a browser) and hostile-rogue.sh (a
# compromised kiosk's control characters never reach a terminal or an
# export), each as it runs on SQLite but with every store a postgresql:// URI
# (lib.sh's t_store). One throw-away server for all of them (pg.lib); each
# runs in a subshell with its own directory and TAP lines. storyhub serve's
# tests run on PostgreSQL in pg-net.sh.
. "$TOP/tests/e2e/pg.lib"
for t in hub-roundtrip hub-vectors hub-csv-guard hub-csv-columns hub-feedback hub-key \
    hub-quarantine hub-report hostile-rogue; do
	echo "# --- $t.sh on PostgreSQL"
	(. "$TOP/tests/e2e/$t.sh")
done
