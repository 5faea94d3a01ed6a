# HTTPS with libmicrohttpd's own TLS (GnuTLS): storyhub serve --tls-cert
# --tls-key with a throw-away CA and certificate for 127.0.0.1 (openssl);
# storykiosk push to the https:// URL trusts that CA with --ca, with the CA
# init --ca saved in the data directory, or with STORYKIOSK_PUSH_CA (the
# kiosk service's setting); without it, or with another CA, the push fails
# saying TLS and keeps every story. Bad TLS options are refused.
# 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
command -v openssl >/dev/null || t_skip_all "openssl is not installed (packaging/install-deps)"

# ca CN DIR: a CA in DIR/ca.pem, DIR/ca.key.
ca() {
	mkdir -p "$2" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$2/ca.key" -out "$2/ca.pem" -days 2 -subj "/CN=$1" \
	    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
}
check "a throw-away CA" ca "storykiosk test CA" tca
check "another CA" ca "someone else" oca
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >san.ext
cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key \
	    -out srv.csr -subj /CN=127.0.0.1 2>/dev/null &&
	    openssl x509 -req -in srv.csr -CA tca/ca.pem -CAkey tca/ca.key -CAcreateserial \
	        -out srv.pem -days 2 -extfile san.ext 2>/dev/null
}
check "a certificate for 127.0.0.1 from it" cert

check_ok "hub key" t_hubkey hub
check_fail "--tls-cert without --tls-key is refused" \
    "$HUB" serve --store hub.db --key hub/hub.key --listen 127.0.0.1:0 --tls-cert srv.pem
check "... before anything is created" test ! -e hub.db
check_fail "a key file that is not PEM is refused" \
    "$HUB" serve --store hub.db --key hub/hub.key --listen 127.0.0.1:0 --tls-cert srv.pem --tls-key san.ext
check "... saying so" grep -q "not a PEM file" "$T_DIR/out"
check_fail "a key that is not the certificate's is refused" \
    "$HUB" serve --store hub.db --key hub/hub.key --listen 127.0.0.1:0 --tls-cert srv.pem --tls-key oca/ca.key
check "... naming TLS" grep -q "check the TLS certificate and key" "$T_DIR/out"

check "serve over HTTPS" start_server hub.db hub/hub.key --tls-cert srv.pem --tls-key srv.key
check "... it says https" grep -q "^storyhub: listening on https://127.0.0.1:$SRV_PORT$" "$SRV_LOG"
HTTPS=https://127.0.0.1:$SRV_PORT
check "health over TLS, trusting the CA" sh -c '[ "$(curl -s --max-time 5 --cacert tca/ca.pem "$1/v1/health")" = ok ]' sh "$HTTPS"
check "plain HTTP to it gets nothing" sh -c '! curl -s --max-time 5 "http://127.0.0.1:$1/v1/health" | grep -q ok' sh "$SRV_PORT"

check_ok "init a kiosk" "$KIOSK" init --data k1 --hub-key hub/hub.pub
check "add 4 stories" add_stories k1 1 4
check "enrol it" enrol k1 hub.db
check_fail "push without the CA: refused by TLS" "$KIOSK" push --data k1 --url "$HTTPS" --timeout 10
check "... saying TLS" grep -q "TLS failure" "$T_DIR/out"
check_fail "push trusting another CA: refused" "$KIOSK" push --data k1 --url "$HTTPS" --ca oca/ca.pem --timeout 10
check "... saying TLS" grep -q "TLS failure" "$T_DIR/out"
check "... every story kept" test "$(unacked k1)" = 4
check_ok "push --ca: enrolled and delivered over TLS" "$KIOSK" push --data k1 --url "$HTTPS" --ca tca/ca.pem
check "... acknowledged" grep -q "the hub acknowledged 4" "$T_DIR/out"
check "... the hub holds 4" test "$(hub_count hub.db)" = 4

check_fail "init --ca with a file that is not a certificate" \
    "$KIOSK" init --data kbad --hub-key hub/hub.pub --ca san.ext
check "... leaves no kiosk" test ! -e kbad/kiosk.key
TOKEN=$("$HUB" kiosks --store hub.db enroll | tail -1)
check_ok "init --ca --enroll --push-url" "$KIOSK" init --data k2 --hub-key hub/hub.pub \
    --ca tca/ca.pem --enroll "$TOKEN" --push-url "$HTTPS"
check "... the CA is kept in the data directory" cmp -s tca/ca.pem k2/push-ca.pem
check "add 2 stories" add_stories k2 1 2
check_ok "push with init's URL and CA" "$KIOSK" push --data k2
check "... acknowledged" grep -q "the hub acknowledged 2" "$T_DIR/out"

check_ok "init a third kiosk" "$KIOSK" init --data k3 --hub-key hub/hub.pub
check "add a story" add_stories k3 1 1
check "enrol it" enrol k3 hub.db
check_fail "STORYKIOSK_PUSH_CA naming no file" env STORYKIOSK_PUSH_CA=/nonexistent/ca.pem \
    "$KIOSK" push --data k3 --url "$HTTPS"
check "... says so" grep -q "no CA file at /nonexistent/ca.pem" "$T_DIR/out"
check_ok "push with STORYKIOSK_PUSH_CA (the service's setting)" env STORYKIOSK_PUSH_CA="$T_DIR/tca/ca.pem" \
    "$KIOSK" push --data k3 --url "$HTTPS"
check "... acknowledged" grep -q "the hub acknowledged 1" "$T_DIR/out"
check "the hub holds 7, each once" test "$(hub_count hub.db)" = 7
check "stop" stop_server
t_done
