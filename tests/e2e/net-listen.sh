# storyhub serve --listen is strict: a port from 1 to 65535 (0: any free
# one), IPv6 in brackets, never an empty host; each bad address is refused
# with one line before the passphrase is asked or the store created. An
# address beyond loopback is warned about on standard error (tested with an
# address this machine does not have, so nothing is ever exposed).
# [::1] is served when this machine has IPv6 loopback. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1

check_ok "hub key" t_hubkey hub
refused() { # refused ADDRESS WORDS: refused, saying WORDS, nothing created
	check_fail "--listen '$1' is refused" "$HUB" serve --store new.db --key hub/hub.key --listen "$1"
	check "... saying: $2" grep -qF -- "$2" "$T_DIR/out"
	check "... creating nothing" test ! -e new.db
}
refused "127.0.0.1:70000" "the port must be a number from 1 to 65535"
refused ":65536" "names no host"
refused ":8080" "write 127.0.0.1:8080 for this machine only, or 0.0.0.0:8080 for every network interface"
refused "127.0.0.1:" "names no port"
refused "127.0.0.1:8080x" "the port must be a number from 1 to 65535"
refused "127.0.0.1" "takes HOST:PORT"
refused "::1:8080" "put an IPv6 address in brackets"
refused "[::1]8080" "[ADDRESS]:PORT"
refused "nonsense" "takes HOST:PORT"
check_fail "a wrong passphrase is not even asked for with a bad address" \
    env STORYHUB_PASSPHRASE=wrong "$HUB" serve --store new.db --key hub/hub.key --listen :8080
check "... it is the address that is refused" grep -q "names no host" "$T_DIR/out"

# An address beyond loopback: a warning, then (this machine has no such
# address) a refusal to bind. TEST-NET-1 (RFC 5737) is never assigned.
check_fail "--listen 192.0.2.1:8080 (not this machine's)" "$HUB" serve --store hub.db --key hub/hub.key --listen 192.0.2.1:8080
check "... warned first: other machines could connect" grep -q "^storyhub: warning: --listen 192.0.2.1:8080 reaches beyond this machine" "$T_DIR/out"
check "... and without TLS, says tokens would cross in the clear" grep -q "in the clear" "$T_DIR/out"
check "... then could not listen" grep -q "^storyhub: cannot listen on 192.0.2.1:8080" "$T_DIR/out"
check "loopback: no warning" start_server hub.db hub/hub.key
check "... none in its log" sh -c "! grep -q warning '$SRV_LOG'"
check "stop" stop_server

# [::1]: served, the address printed in brackets, no warning.
if /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	log=$T_DIR/v6.log
	"$HUB" serve --store hub.db --key hub/hub.key --listen "[::1]:0" 2>"$log" &
	SRV_PID=$!
	check "[::1]:0 listens" wait_for "grep -q '^storyhub: listening on http://\[::1\]:[0-9]*$' '$log'" 20
	p=$(sed -n 's/^storyhub: listening on http:\/\/\[::1\]:\([0-9]*\)$/\1/p' "$log")
	check "... health over IPv6" sh -c '[ "$(curl -s -g --max-time 5 "http://[::1]:$1/v1/health")" = ok ]' sh "$p"
	check "... no warning" sh -c "! grep -q warning '$log'"
	check "stop" stop_server
else
	t_skip "this machine has no IPv6 loopback: [::1] not tried"
fi
t_done
