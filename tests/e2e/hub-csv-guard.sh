# A story that starts like a spreadsheet formula is exported with a leading
# apostrophe in CSV (so Excel/LibreOffice never run it), exactly with --raw
# and in JSON.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
FORM="$TOP/forms/partnership.yaml"

t_hubkey hub >/dev/null 2>&1
"$KIOSK" init --data k --hub-key hub/hub.pub >/dev/null 2>&1
KID=$("$KIOSK" status --data k | awk '/^kiosk id:/ {print $3}')
story='=HYPERLINK("http://example.invalid/x","click") and then the committee met every week to share the budget openly'
printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"%s","title":"-- our well","drivers":[0.2,0.3,0.5],"equal":10,"listened":20,"trust":30,"obstacles":["nothing"],"role":"funder"}}' \
    "$(printf '%s' "$story" | sed 's/"/\\"/g')" >a.json
check_ok "add a story that starts with =" "$KIOSK" add --data k --form "$FORM" a.json
mkdir usb
check_ok "export" "$KIOSK" export --data k --to usb
"$HUB" import --store "$DB" --key hub/hub.key usb/*.skb >/dev/null 2>&1
check_ok "trust the kiosk (imports its quarantined bundle)" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
check_ok "csv export" "$HUB" export --store "$DB" --format csv --out safe.csv
check "the formula cell is guarded with an apostrophe" grep -q "\"'=HYPERLINK(\"\"http" safe.csv
check "a text cell starting with - is guarded" grep -q ",'-- our well," safe.csv
check "numbers are not guarded" grep -q ',10,20,30,' safe.csv
check_ok "csv export --raw" "$HUB" export --store "$DB" --format csv --raw --out raw.csv
check "--raw keeps the bytes" grep -q '"=HYPERLINK(""http' raw.csv
check "--raw has no apostrophe" sh -c "! grep -q \"'=HYPERLINK\" raw.csv"
check_ok "json export" "$HUB" export --store "$DB" --format json --out s.json
check "json is exact" grep -q '"story": *"=HYPERLINK(\\"http' s.json
t_done
