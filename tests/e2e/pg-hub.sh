# The hub's end-to-end tests on PostgreSQL: hub-roundtrip.sh (every hub
# command, kiosk to hub and back), hub-vectors.sh (the bundle vectors,
# conflicts, withdrawal by --id), hub-csv-guard.sh, hub-csv-columns.sh
# (the CSV read back by Python, 0/1 columns per choice), hub-feedback.sh
# (feedback packs: sequences, --publish), hub-key.sh (which commands open the
# secret key), hostile-rogue.sh (a compromised
# kiosk's control characters never reach a terminal or an export),
# net-sync.sh (storyhub serve) and net-feedback.sh (serve handing out the
# newest published pack), each as it runs on SQLite but with every store a
# postgresql:// URI (lib.sh's t_store). One throw-away server for all of
# them (pg.lib); each runs in a subshell with its own directory and TAP
# lines.
. "$TOP/tests/e2e/pg.lib"
for t in hub-roundtrip hub-vectors hub-csv-guard hub-csv-columns hub-feedback hub-key \
    hostile-rogue net-sync net-feedback; do
	echo "# --- $t.sh on PostgreSQL"
	(. "$TOP/tests/e2e/$t.sh")
done
