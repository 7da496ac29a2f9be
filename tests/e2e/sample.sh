#!/bin/sh
# sample.sh — end-to-end tests of supportkpi-sample: command line, exit codes,
# determinism, the shape of the three files and the rules of the data that the KPI and
# ranking code rely on (see docs/man/supportkpi-sample.1).
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

S=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi-sample
if [ ! -x "$S" ]; then
	not_ok "sample: binary is built" "no executable supportkpi-sample in '$SKPI_BIN'"
	finish
fi
cd "$tmp" || exit 1

H_TICKETS='ticket_id,created_at,first_response_at,resolved_at,closed_at,updated_at,status,agent,team,channel,category,priority,reopen_count,replies,subject'
H_SURVEYS='survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through'
H_ASSESS='agent,period,score,assessor'

# ---- command line ----

run "$S" --help
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
	head -n 1 "$tmp/out" | grep -q '^usage: supportkpi-sample \[--agents N\]' &&
	grep -q -- '--surveys-per-ticket F' "$tmp/out"; then
	ok "sample: --help prints the usage to stdout, exit 0"
else
	not_ok "sample: --help prints the usage to stdout, exit 0" "exit $rc"
fi

run "$S" --version
if [ "$rc" -eq 0 ] && grep -q '^supportkpi-sample ' "$tmp/out"; then
	ok "sample: --version, exit 0"
else
	not_ok "sample: --version, exit 0" "exit $rc"
fi

run "$S"
if [ "$rc" -eq 64 ] && [ ! -s "$tmp/out" ] && grep -q '^usage: supportkpi-sample' "$tmp/err"; then
	ok "sample: no arguments: usage on stderr, exit 64"
else
	not_ok "sample: no arguments: usage on stderr, exit 64" "exit $rc"
fi

for bad in "--tickets 10" "--out u" "--tickets -1 --out u" "--tickets 10x --out u" \
	"--months 0 --tickets 1 --out u" "--months 121 --tickets 1 --out u" \
	"--agents 0 --tickets 1 --out u" "--agents 401 --tickets 1 --out u" \
	"--end 2026-13 --tickets 1 --out u" "--end 26-01 --tickets 1 --out u" \
	"--seed x --tickets 1 --out u" "--surveys-per-ticket 1.5 --tickets 1 --out u" \
	"--tickets 100000001 --out u" "--bogus --tickets 1 --out u" \
	"--help=1 --tickets 1 --out u" "--tickets 1 --out u extra"; do
	# shellcheck disable=SC2086 # split on purpose
	run "$S" $bad
	if [ "$rc" -eq 64 ] && grep -q '^usage:' "$tmp/err" && [ ! -e "$tmp/u" ]; then
		ok "sample: bad usage '$bad': exit 64, nothing written"
	else
		not_ok "sample: bad usage '$bad': exit 64, nothing written" "exit $rc"
	fi
done

# shellcheck disable=SC2016 # $1 is expanded by the inner sh
check_exit "sample: --help to /dev/full fails with 74" 74 sh -c '"$1" --help >/dev/full' sh "$S"

# ---- determinism ----

ARGS="--tickets 3000 --months 3 --end 2026-02"
# shellcheck disable=SC2086
check "sample: generates (seed 5)" "$S" $ARGS --seed 5 --out "$tmp/a"
# shellcheck disable=SC2086
check "sample: generates again into a new nested directory" "$S" $ARGS --seed 5 --out "$tmp/b/c"
# shellcheck disable=SC2086
check "sample: generates with another seed" "$S" $ARGS --seed 6 --out "$tmp/d"

# shellcheck disable=SC2012 # names are known
if [ "$(ls -A "$tmp/a" | tr '\n' ' ')" = "assessments.csv surveys.csv tickets.csv " ]; then
	ok "sample: exactly the three files, no temporary files left"
else
	not_ok "sample: exactly the three files, no temporary files left" "$(ls -A "$tmp/a")"
fi

for f in tickets.csv surveys.csv assessments.csv; do
	if cmp -s "$tmp/a/$f" "$tmp/b/c/$f"; then
		ok "sample: same seed gives identical $f"
	else
		not_ok "sample: same seed gives identical $f"
	fi
done
for f in tickets.csv surveys.csv assessments.csv; do
	if ! cmp -s "$tmp/a/$f" "$tmp/d/$f"; then
		ok "sample: another seed gives a different $f"
	else
		not_ok "sample: another seed gives a different $f"
	fi
done

# Rerunning over existing files replaces them whole.
# shellcheck disable=SC2086
run "$S" $ARGS --seed 6 --out "$tmp/b/c"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/b/c/tickets.csv" "$tmp/d/tickets.csv" &&
	cmp -s "$tmp/b/c/surveys.csv" "$tmp/d/surveys.csv"; then
	ok "sample: rerun replaces existing files"
else
	not_ok "sample: rerun replaces existing files" "exit $rc"
fi

# Surveys have their own random stream: tickets do not depend on the survey rate.
# shellcheck disable=SC2086
run "$S" $ARGS --seed 5 --surveys-per-ticket 0 --out "$tmp/e"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/a/tickets.csv" "$tmp/e/tickets.csv" &&
	[ "$(cat "$tmp/e/surveys.csv")" = "$H_SURVEYS" ]; then
	ok "sample: --surveys-per-ticket 0: no surveys, same tickets"
else
	not_ok "sample: --surveys-per-ticket 0: no surveys, same tickets" "exit $rc"
fi

# ---- headers ----

for pair in "tickets.csv:$H_TICKETS" "surveys.csv:$H_SURVEYS" "assessments.csv:$H_ASSESS"; do
	f=${pair%%:*}
	want=${pair#*:}
	got=$(head -n 1 "$tmp/a/$f")
	if [ "$got" = "$want" ]; then
		ok "sample: $f header"
	else
		not_ok "sample: $f header" "got:  $got" "want: $want"
	fi
done

# ---- contents, read back with Python's csv module ----
# v.py DIR FIRST_DAY END_DAY CHECK: FIRST_DAY..END_DAY (exclusive) is the span of the
# requested months, worked out by hand below.  Exit 0 when CHECK holds, else 1 with the
# reason on stderr.
cat >"$tmp/v.py" <<'EOF'
import csv, sys
from datetime import datetime, timedelta

d, first, end, what = sys.argv[1:5]
P = lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M:%S") if s else None

def read(name):
    with open(d + "/" + name, newline="", encoding="utf-8") as f:
        data = f.read()
    if "\r" in data or not data.endswith("\n"):
        fail(name + ": CR or no final line feed")
    return list(csv.reader(data.splitlines(keepends=True)))

def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

T, S, A = read("tickets.csv"), read("surveys.csv"), read("assessments.csv")
hdr = T[0]
T, S, A = T[1:], S[1:], A[1:]
col = {n: i for i, n in enumerate(hdr)}
lo, hi = datetime.strptime(first, "%Y-%m-%d"), datetime.strptime(end, "%Y-%m-%d")

if what == "fields":
    for name, rows, n in (("tickets", T, 15), ("surveys", S, 10), ("assessments", A, 4)):
        for i, r in enumerate(rows):
            if len(r) != n:
                fail("%s record %d has %d fields, not %d: %r" % (name, i + 1, len(r), n, r))
elif what == "count":
    if len(T) != int(sys.argv[5]):
        fail("%d tickets, not %s" % (len(T), sys.argv[5]))
elif what == "ids":
    ids = [r[0] for r in T]
    if len(set(ids)) != len(ids):
        fail("duplicate ticket ids")
    if ids[:2] != ["T000001", "T000002"]:
        fail("ids start %r" % ids[:2])
    sids = [r[0] for r in S]
    if len(set(sids)) != len(sids):
        fail("duplicate survey ids")
elif what == "created":
    for r in T:
        c = P(r[1])
        if not lo <= c < hi:
            fail("%s created_at %s outside %s..%s" % (r[0], r[1], first, end))
elif what == "order":
    for r in T:
        c, fr, res, clo, upd = (P(x) for x in r[1:6])
        if fr and fr < c:
            fail("%s first_response_at before created_at" % r[0])
        if res and fr and res < fr:
            fail("%s resolved_at before first_response_at" % r[0])
        if res and clo and clo < res:
            fail("%s closed_at before resolved_at" % r[0])
        for x in (fr, res, clo, upd):
            if x and not c <= x < hi:
                fail("%s has a time outside created_at..export: %r" % (r[0], r))
elif what == "status":
    for r in T:
        st, res, clo, upd = r[6], r[3], r[4], r[5]
        if st == "closed" and not (res and clo and upd == clo):
            fail("closed ticket %r" % r)
        if st == "resolved" and not (res and not clo and upd == res):
            fail("resolved ticket %r" % r)
        if st in ("open", "pending") and (res or clo):
            fail("unresolved ticket with resolved_at or closed_at %r" % r)
        if st not in ("open", "pending", "resolved", "closed"):
            fail("status %r" % st)
        if not 0 <= int(r[12]) <= 2 or not 0 <= int(r[13]) <= 8:
            fail("reopen_count or replies %r" % r)
elif what == "vocab":
    want = {"channel": {"email", "phone", "chat", "web", "social"},
            "category": {"billing", "technical", "account", "complaint", "delivery", "other"},
            "priority": {"low", "normal", "high", "urgent"},
            "team": {"Billing & Payments", "Technical Support", "Customer Care", "Escalations"}}
    for c, vals in want.items():
        got = {r[col[c]] for r in T}
        if got != vals:
            fail("%s: %r, want %r" % (c, sorted(got), sorted(vals)))
elif what == "surveys":
    tk = {r[0]: r for r in T}
    if not S:
        fail("no surveys")
    for s in S:
        t = tk.get(s[1])
        if t is None:
            fail("survey %s names unknown ticket %s" % (s[0], s[1]))
        if not t[3]:
            fail("survey %s for an unresolved ticket" % s[0])
        if s[2] not in ("", t[7]):
            fail("survey %s agent %r is not the ticket's %r" % (s[0], s[2], t[7]))
        sub, res = P(s[3]), P(t[3])
        if not res <= sub <= res + timedelta(days=5) or sub >= hi:
            fail("survey %s submitted %s, resolved %s" % (s[0], s[3], t[3]))
        if not 1 <= int(s[4]) <= 5 or (s[5] and not 0 <= int(s[5]) <= 10):
            fail("survey %s score or nps %r" % (s[0], s))
        for x in s[6:]:
            if x and not 1 <= int(x) <= 4:
                fail("survey %s item %r" % (s[0], s))
    if not any(s[2] == "" for s in S):
        fail("no survey with an empty agent")
elif what == "assessments":
    months = sorted({a[1] for a in A})
    if months != sys.argv[5].split(","):
        fail("periods %r" % months)
    for a in A:
        if not 0 <= float(a[2]) <= 100 or len(a[2].split(".")[1]) != 1:
            fail("score %r" % a)
elif what == "subjects":
    subj = [r[14] for r in T]
    if not any(s.startswith("=") for s in subj):
        fail("no subject starting with '='")
    if T[6][14][:1] != "=":
        fail("T000007 subject %r" % T[6][14])
    if not any("," in s for s in subj) or not any('"' in s for s in subj):
        fail("no subject with a comma or a quote")
elif what == "names":
    agents = {r[7] for r in T}
    for n in ("Zoë Müller", "张伟", "José Álvarez", "Liam O'Connor"):
        if n not in agents:
            fail("agent %r missing" % n)
elif what == "roster":
    # --months 3 --end 2026-02: Dec 2025, Jan 2026, Feb 2026.  24 agents: the trainee is
    # the last (李娜), the joiner the last but one (Björn Lindqvist, from Feb 2026), the
    # mover agent 5 (张伟, team 5 mod 4 = 1 -> 2) from month 3 // 2 = 1, i.e. 2026-01-01.
    n = sum(1 for r in T if r[7] == "李娜")
    if not 1 <= n <= 12:
        fail("trainee has %d tickets" % n)
    bj = [r for r in T if r[7] == "Björn Lindqvist"]
    if not bj or any(r[1] < "2026-02-01" for r in bj):
        fail("joiner tickets before 2026-02: %d tickets" % len(bj))
    if sorted(a[1] for a in A if a[0] == "Björn Lindqvist") != ["2026-02"]:
        fail("joiner assessments")
    for r in T:
        if r[7] == "张伟":
            want = "Technical Support" if r[1] < "2026-01-01" else "Customer Care"
            if r[8] != want:
                fail("mover %s on %s in %s" % (r[0], r[1], r[8]))
    for a in A:
        if a[0] == "张伟":
            want = "Marcus Chen" if a[1] < "2026-01" else "Amara Diallo"
            if a[3] != want:
                fail("mover assessed by %s in %s" % (a[3], a[1]))
    per = {}
    for r in T:
        per[r[7]] = per.get(r[7], 0) + 1
    if len(per) != 24:
        fail("%d agents with tickets" % len(per))
else:
    fail("unknown check " + what)
EOF

# v NAME CHECK [ARG]: run CHECK of v.py on $tmp/a (--months 3 --end 2026-02).
v() {
	_vn=$1
	shift
	check "$_vn" "$PY" "$tmp/v.py" "$tmp/a" 2025-12-01 2026-03-01 "$@"
}
v "sample: every record has 15 / 10 / 4 fields" fields
v "sample: 3000 tickets" count 3000
v "sample: ticket and survey ids unique, T000001 first" ids
v "sample: created_at within 2025-12-01..2026-02-28" created
v "sample: created <= first response <= resolved <= closed, none after the export" order
v "sample: status agrees with resolved_at, closed_at, updated_at" status
v "sample: channels, categories, priorities, teams" vocab
v "sample: surveys reference resolved tickets, 0-5 days after, valid scores" surveys
v "sample: one assessment period per requested month" assessments 2025-12,2026-01,2026-02
v "sample: subjects with '=', commas and quotes" subjects
v "sample: non-ASCII and quote-bearing agent names" names
v "sample: trainee, joiner and team move as documented" roster

# Defaults: the 12 months ending 2026-10.
check "sample: generates with the default period" "$S" --tickets 2000 --out "$tmp/f"
# shellcheck disable=SC2086
check "sample: default period is 2025-11-01..2026-10-31" \
	$PY "$tmp/v.py" "$tmp/f" 2025-11-01 2026-11-01 created

check "sample: --tickets 0 writes the headers only" "$S" --tickets 0 --agents 3 --months 2 --out "$tmp/g"
if [ "$(cat "$tmp/g/tickets.csv")" = "$H_TICKETS" ] && [ "$(cat "$tmp/g/surveys.csv")" = "$H_SURVEYS" ] &&
	[ "$(wc -l <"$tmp/g/assessments.csv")" -eq 7 ]; then
	# 3 agents, 2 months: no joiner (needs 4 agents), so 3 x 2 assessments + a header line
	ok "sample: --tickets 0 --agents 3 --months 2: empty files, 6 assessments"
else
	not_ok "sample: --tickets 0 --agents 3 --months 2: empty files, 6 assessments"
fi

# ---- output errors ----

: >"$tmp/plainfile"
check_exit "sample: --out under a regular file fails with 73" 73 \
	"$S" --tickets 10 --out "$tmp/plainfile/x"
check_exit "sample: --out naming a regular file fails with 73" 73 \
	"$S" --tickets 10 --out "$tmp/plainfile"
mkdir -p "$tmp/h/tickets.csv"
run "$S" --tickets 10 --out "$tmp/h"
if [ "$rc" -eq 73 ] && [ "$(ls -A "$tmp/h")" = "tickets.csv" ]; then
	ok "sample: tickets.csv is a directory: exit 73, no files left"
else
	not_ok "sample: tickets.csv is a directory: exit 73, no files left" "exit $rc" "$(ls -A "$tmp/h")"
fi

# A write that fails half way (a file size limit, as a full disk would): exit 74 and no
# files, not even the temporary ones.  SIGXFSZ ignored so that write() returns EFBIG.
mkdir "$tmp/full"
# shellcheck disable=SC2016 # $1 and $2 are expanded by the inner sh
run sh -c 'trap "" XFSZ; ulimit -f 16 && exec "$1" --tickets 5000 --out "$2"' sh "$S" "$tmp/full"
if [ "$rc" -eq 74 ] && [ -z "$(ls -A "$tmp/full")" ] && grep -q 'cannot write' "$tmp/err"; then
	ok "sample: write error: exit 74, nothing left behind"
else
	not_ok "sample: write error: exit 74, nothing left behind" "exit $rc" "$(ls -A "$tmp/full")"
	diag_file "$tmp/err"
fi

finish
