# storyhub report (issue 15), end to end: a store with known answers (made
# with storykiosk add, and tests/faults/rogue-add.c for what a real kiosk
# refuses: ESC sequences, a right-to-left override, a missing role), export,
# import, one story withdrawn; then the page is parsed with python3's
# html.parser and held to the store's own JSON export by
# tests/tools/report-check.py (every question has its chart, the counts and
# statistics equal the store's, consent and withdrawal rules, hostile text
# inert, nothing external); the --svg-dir charts; --where, --stories,
# --lang; bad input (a one-line error and no file); and the page in a real
# browser (tests/tools/browser-check.py: headless Chromium, the network off,
# a screenshot that is not blank, typing into the search box).
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"
PY=/usr/bin/python3
ROGUE="$TOP/$BUILD/tests/rogue-add"
# The hub store: every command names it through $DB (t_store), so the test
# runs as it is on PostgreSQL as well (pg-hub.sh).
DB=$(t_store hub) || exit 1
[ -x "$PY" ] || t_skip_all "no /usr/bin/python3 to parse the page"
[ -x "$ROGUE" ] || t_skip_all "$ROGUE missing (make check builds it)"

# The stories: 60 with answers that differ by role where the test expects a
# pattern (listened, drivers, obstacles) and do not where it expects none
# (equal, trust); one in four for analysis only; then hostile ones.
cat >gen.py <<'EOF'
import json, os, sys
out = sys.argv[1]
os.makedirs(out)
roles = ["community", "funder", "local_org"]
def put(name, lang, consent, prompt, answers):
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"lang": lang, "consent": consent, "prompt": prompt, "answers": answers}, f)
for i in range(1, 61):
    role = roles[i % 3]
    put("%02d" % i, ["en", "fr", "sw"][(i // 3) % 3], ["analysis", "quotes", "public", "public"][i % 4],
        ["worked", "failed", "power"][(i // 2) % 3], {
        "story": "Story STORYMARK-%d: the committee met by the river every week and shared the budget openly." % i,
        "title": None if i % 6 == 0 else "TITLE-%d" % i,
        "drivers": [1, 0, 0] if i % 10 == 0 else
                   {"community": [0.7, 0.2, 0.1], "funder": [0.1, 0.8, 0.1], "local_org": [0.3, 0.3, 0.4]}[role],
        "equal": [20, 40, 60, 80][(i // 3) % 4],
        "listened": {"community": 5, "funder": 70, "local_org": 40}[role] + 5 * (i % 5),
        "trust": [0, 25, 50, 75, 100][(i // 3) % 5],
        "obstacles": ["nothing"] if i % 7 == 0 else
                     {"community": ["power"], "funder": ["funding", "process"], "local_org": ["process"]}[role],
        "role": role, "role_other": None, "age": None if i % 5 == 0 else 20 + i})
put("61", "en", "public", "failed", {
    "story": "HOSTILE-A <script>alert(\"x\")</script> then </svg></blockquote><b>bold</b> & AT&T &amp; all, long enough.",
    "title": "T <img src=x onerror=alert(1)>", "drivers": [0.2, 0.3, 0.5], "equal": 35, "listened": 50,
    "trust": 0, "obstacles": ["competition"], "role": "other", "role_other": "Scribe & <b>friend</b> </svg>", "age": 33})
put("62", "en", "analysis", "worked", {
    "story": "ANALYSIS-ONLY-SECRET another role, and a story long enough to pass the minimum.", "title": "SECRET-TITLE",
    "drivers": [0, 0.5, 0.5], "equal": 60, "listened": 55, "trust": 100, "obstacles": ["vision", "agendas"],
    "role": "other", "role_other": "SECRET-ROLE", "age": None})
put("63", "sw", "quotes", "power", {
    "story": "OTHER-UNSAID a teller of another role who did not say which, long enough to count.", "title": None,
    "drivers": [0.4, 0.2, 0.4], "equal": 50, "listened": 50, "trust": 50, "obstacles": ["vision"],
    "role": "other", "role_other": None, "age": 60})
put("64", "en", "public", "worked", {
    "story": "WITHDRAWN-MARK this one is withdrawn by its code before the report is made.", "title": "WITHDRAWN-TITLE",
    "drivers": [0.5, 0.5, 0], "equal": 95, "listened": 95, "trust": 95, "obstacles": ["funding"],
    "role": "funder", "role_other": None, "age": 99})
# what only a compromised kiosk stores: control and bidi characters, no role
put("rogue", "en", "public", "power", {
    "story": "HOSTILE-B \u001b[2J\u001b]52;c;SGVsbG8=\u0007 \u202eevil\u202c and \u009b31m, long enough for a story.",
    "title": "R \u001b[31mred", "drivers": [0.4, 0.4, 0.2], "equal": 40, "listened": 45, "trust": 50,
    "obstacles": ["power"], "role": None, "role_other": None, "age": 41})
EOF

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Stall «Kisumu»"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check "generate the answers" "$PY" gen.py answers
fails=0
for f in answers/[0-9]*.json; do
	"$KIOSK" add --data kiosk --form "$FORM" "$f" >>add.log 2>&1 || fails=$((fails + 1))
done
check "add 64 stories with storykiosk add" test "$fails" -eq 0
check_ok "a compromised kiosk stores a hostile one" "$ROGUE" kiosk "$FORM" answers/rogue.json
mkdir usb
check_ok "export" "$KIOSK" export --data kiosk --to usb
"$HUB" import --store "$DB" --key hub/hub.key usb/*.skb >/dev/null 2>&1
check_ok "trust the kiosk (imports its bundle)" "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
check "... all 65 stories" grep -q "65 new" "$T_DIR/out"
WCODE=$(sed -n 's/^stored story \([^ ]*\) .*/\1/p' add.log | sed -n 64p)
check_ok "withdraw one story" "$HUB" withdraw --store "$DB" "$WCODE"
check_ok "the store as JSON (the truth the page is held to)" \
    "$HUB" export --store "$DB" --format json --out store.json --form-file "$FORM" --codebook codebook.csv

report_check() {  # report_check DESC PAGE [report-check options]
	_desc=$1
	shift
	"$PY" "$TOP/tests/tools/report-check.py" "$@" store.json codebook.csv --show-if role_other=role:other \
	    >check.out 2>check.err ||
	    echo "FAIL report-check.py exited with status $?: $(tail -1 check.err)" >>check.out
	grep -q . check.out || echo "FAIL report-check.py printed nothing" >check.out
	while IFS= read -r line; do
		case $line in
		PASS*) ok "$_desc: ${line#PASS }" ;;
		*) echo "$line" >"$T_DIR/out"; t_report 1 "$_desc: ${line#FAIL }" "$T_DIR/out" ;;
		esac
	done <check.out
}

check_ok "report --by role --svg-dir" "$HUB" report --store "$DB" --form-file "$FORM" \
    --out report.html --by role --svg-dir charts
check "... says what it wrote" grep -q "^wrote report.html: 64 stories; charts in charts" "$T_DIR/out"
check "... a private file (0600)" test "$(stat -c %a report.html)" = 600
check "... and nothing else beside it (the stories' spool has no name)" \
    sh -c '! ls -a | grep -q "storyhub-report"' 
report_check "by role" report.html --by role --absent WITHDRAWN-MARK --absent WITHDRAWN-TITLE \
    --text '<script>alert("x")</script>' --text '</svg></blockquote><b>bold</b> & AT&T &amp; all' \
    --text 'Scribe & <b>friend</b> </svg>' --text "$(printf 'HOSTILE-B \357\277\275[2J')" \
    --text 'Stall «Kisumu»' \
    --pattern listened --pattern drivers --pattern obstacles --no-pattern equal --no-pattern trust

# every chart also as a standalone SVG file: XML with the SVG namespace, no links
cat >svgcheck.py <<'EOF'
import os, re, sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
inline = len(re.findall(r"<svg[ >]", page))
files = sorted(os.listdir(sys.argv[2]))
bad = []
for f in files:
    root = ET.parse(os.path.join(sys.argv[2], f)).getroot()
    if root.tag != "{http://www.w3.org/2000/svg}svg" or root.find(".//{http://www.w3.org/2000/svg}a") is not None:
        bad.append(f)
print("%d %d %s" % (inline, len(files), " ".join(bad)))
sys.exit(0 if inline == len(files) and files and not bad else 1)
EOF
check_ok "--svg-dir: one well-formed SVG file per chart of the page" "$PY" svgcheck.py report.html charts

check_ok "report --where role=funder" "$HUB" report --store "$DB" --form-file "$FORM" \
    --out funders.html --where role=funder
report_check "--where role=funder" funders.html --where role=funder
check_ok "report --where listened=0..30 --where obstacles=power --since --until" "$HUB" report \
    --store "$DB" --form-file "$FORM" --out low.html --where listened=0..30 --where obstacles=power \
    --since 2000-01-01 --until 2999-12-31
report_check "--where a range and a multi" low.html --where listened=0..30 --where obstacles=power
check_ok "report --by role --stories 2" "$HUB" report --store "$DB" --form-file "$FORM" \
    --out capped.html --by role --stories 2
report_check "--stories 2" capped.html --by role --stories 2
check_ok "report --consent public --lang fr" "$HUB" report --store "$DB" --form-file "$FORM" \
    --out fr.html --consent public --lang fr
report_check "--consent public" fr.html --consent public
check "--lang fr: labels from the form in French" grep -q "Bailleur de fonds" fr.html
check "... the page says its language" grep -q '<html lang="fr">' fr.html

# bad input: a one-line error and no file
bad() {  # bad DESC ARGS...
	_d=$1
	shift
	rm -rf bad.html badcharts
	check_fail "$_d" "$HUB" report --store "$DB" --form-file "$FORM" --out bad.html --svg-dir badcharts "$@"
	check "... one line" test "$(wc -l <"$T_DIR/out")" -eq 1
	check "... and no file" test ! -e bad.html -a ! -e badcharts
}
bad "--by an unknown question" --by nope
bad "--by a question that is not a choice" --by obstacles
bad "--where an unknown question" --where nope=1
bad "--where a choice the question does not have" --where role=alien
bad "--where a text question" --where title=x
bad "--where without =" --where role
bad "--consent the analysis-only tier" --consent analysis
bad "--consent an unknown tier" --consent everyone
bad "--lang a language the form lacks" --lang xx
bad "--since a date that is not one" --since 2024-13-01
bad "--since after --until" --since 2030-01-02 --until 2030-01-01
bad "--stories 0" --stories 0
bad "--form another form id" --form other-form
bad "an empty selection (no stories match)" --since 2999-01-01
check "... says so" grep -q "no stories match" "$T_DIR/out"
sed 's/^form: partnership-stories/form: another-form/' "$FORM" >other.yaml
bad "a form file that is not the store's form" --form-file other.yaml
check "... says which form the store holds" grep -q 'holds no story of it (64 of form "partnership-stories")' "$T_DIR/out"
rm -f bad.html
check_fail "a missing store" "$HUB" report --store nowhere.db --form-file "$FORM" --out bad.html
check "... no file" test ! -e bad.html -a ! -e nowhere.db
check_fail "no --out" "$HUB" report --store "$DB" --form-file "$FORM"

# a real browser, the network off
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	t_skip "no chromium (packaging/install-deps installs Debian's): the page is not opened in a browser"
else
	NETNS=
	unshare -n true 2>/dev/null && NETNS=--netns
	ID7=$("$PY" -c 'import json, sys
print(",".join("s-" + s["story_id"] for s in json.load(open("store.json"))
               if "STORYMARK-7:" in s["answers"]["story"]))')
	# an age bin (a range) and how many quotable stories it holds
	AGEBIN=$("$PY" -c 'import json, re
quot = [s for s in json.load(open("store.json")) if s["consent"] != "analysis"]
for lo, hi in re.findall(r"#f:age=r([^:\"]+):([^\"]+)\"", open("report.html").read()):
    n = sum(1 for s in quot if s["answers"]["age"] is not None and float(lo) <= s["answers"]["age"] < float(hi))
    if n:
        print("age=r%s:%s=%d" % (lo, hi, n))
        break')
	# a bar of a group's chart: funders who ticked "process"
	GROUPBAR=$("$PY" -c 'import json
quot = [s for s in json.load(open("store.json")) if s["consent"] != "analysis"]
print("role=funder+obstacles=process=%d" % sum(1 for s in quot if s["answers"]["role"] == "funder"
                                               and "process" in s["answers"]["obstacles"]))')
	check "... a group's bar links to its group's stories only" \
	    grep -q 'href="#f:role=funder+obstacles=process"' report.html
	mkdir browser
	"$PY" "$TOP/tests/tools/browser-check.py" $NETNS "$CHROMIUM" report.html browser \
	    "storymark-7:" "$ID7" role=funder=15 "$AGEBIN" "$GROUPBAR" >browser.out 2>browser.err ||
	    echo "FAIL browser-check.py exited with status $?: $(tail -1 browser.err)" >>browser.out
	if grep -q '^SKIP' browser.out; then
		t_skip "$(sed -n 's/^SKIP //p' browser.out | head -1)"
	else
		[ -z "$NETNS" ] && echo "# unshare -n is not allowed here: the network is off by emulation only"
		while IFS= read -r line; do
			case $line in
			PASS*) ok "in Chromium: ${line#PASS }" ;;
			*) echo "$line" >"$T_DIR/out"; t_report 1 "in Chromium: ${line#FAIL }" "$T_DIR/out" ;;
			esac
		done <browser.out
	fi
fi

t_done
