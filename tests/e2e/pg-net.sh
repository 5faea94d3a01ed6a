# The network tests on PostgreSQL: storyhub serve with a postgresql:// store
# (lib.sh's t_store), each test as it runs on SQLite: net-sync.sh (enrol,
# push, receipts, bad requests), net-feedback.sh (the newest published pack
# handed out), net-auth.sh (only enrolled kiosks write; tokens kept by hash
# in the store), net-busy.sh (another session holds the writers' lock: 503
# and "hub busy, will retry", never a refusal; then the push goes through)
# and net-load.sh (20 kiosks pushing at once). One throw-away server for all
# of them (pg.lib); each runs in a subshell with its own directory and TAP
# lines. net-bounds, net-tls, net-listen, net-faults and net-kiosk test the
# HTTP server and the kiosk's side, which do not depend on the store: they
# run on SQLite only.
. "$TOP/tests/e2e/pg.lib"
for t in net-sync net-feedback net-auth net-busy net-load; do
	echo "# --- $t.sh on PostgreSQL"
	(. "$TOP/tests/e2e/$t.sh")
done
