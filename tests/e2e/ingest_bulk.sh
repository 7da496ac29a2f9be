#!/bin/sh
# ingest_bulk.sh — end-to-end tests of the fast paths of `supportkpi ingest`
# (docs/design.md, "Speed"): a first load into an empty table sets the table's secondary
# indexes aside and builds them again before COMMIT, so after a load, a failed load and a
# kill -9 the schema must be exactly what `init` made and every index must match its
# table (PRAGMA integrity_check compares each index with the rows); surveys that arrive
# before their ticket are credited when the ticket arrives.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "ingest_bulk: supportkpi and sqlite3 are available"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/b.db
schema() { sql "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"; }

"$K" init --db "$DB" 2>/dev/null
schema "$DB" >schema.init
if grep -q '^index|tickets_period|tickets|' schema.init && grep -q '^index|surveys_period|surveys|' schema.init; then
	ok "ingest_bulk: init made the KPI indexes this test watches"
else
	not_ok "ingest_bulk: init made the KPI indexes this test watches"
	diag_file schema.init
fi

# surveys first, into empty tables: S1 names no agent and waits for T2; S2 names Cy;
# S3's ticket never comes
cat >s.csv <<'EOF'
survey_id,ticket_id,agent,submitted_at,score
S1,T2,,2026-10-03 10:00,4
S2,T1,Cy,2026-10-03 11:00,5
S3,T9,,2026-10-03 12:00,3
EOF
check_exit "ingest_bulk: surveys into an empty database" 0 "$K" ingest --db "$DB" --kind surveys s.csv
# T1 twice: opened, then closed a day later (an update within the file); T2 once
cat >t.csv <<'EOF'
ticket_id,created_at,updated_at,status,agent,team
T1,2026-10-01 09:00,2026-10-01 09:00,open,Ann,Care
T2,2026-10-01 10:00,2026-10-01 10:00,pending,Bob,Care
T1,2026-10-01 09:00,2026-10-02 09:00,closed,Ann,Care
EOF
check_exit "ingest_bulk: tickets into an empty table" 0 "$K" ingest --db "$DB" --kind tickets t.csv
same "ingest_bulk: the schema after a first load is init's" "$(cat schema.init)" "$(schema "$DB")"
same "ingest_bulk: indexes match their tables after a first load" ok "$(q "PRAGMA integrity_check")"
# by hand: T1 ends closed (line 4 updates line 2), T2 pending
same "ingest_bulk: the rows of a first load" "T1|closed|4
T2|pending|3" "$(q "SELECT ticket_id, status, source_line FROM tickets ORDER BY 1")"
# by hand: T1's first status (open), T1 open -> closed, T2's first status (pending)
same "ingest_bulk: the status history of a first load" "T1||open|2026-10-01 09:00:00
T1|open|closed|2026-10-02 09:00:00
T2||pending|2026-10-01 10:00:00" \
	"$(q "SELECT ticket_id, old_status, new_status, changed_at FROM ticket_status_history ORDER BY 1, 4")"
# S1 (no agent) is credited to T2's agent Bob when T2 arrives; S2 keeps its own agent;
# S3's ticket is unknown: no credit
same "ingest_bulk: surveys waiting for their ticket are credited" "S1|Bob
S2|Cy
S3|" "$(q "SELECT survey_key, credited_agent FROM surveys ORDER BY 1")"
# the KPI index answers a query over the period, the same rows as the table
same "ingest_bulk: the rebuilt period index holds the rows" "2" \
	"$(q "SELECT count(*) FROM tickets INDEXED BY tickets_period WHERE created_at >= '2026-10-01'")"

# a later file into the table that now has rows: the indexes are kept row by row
cat >t2.csv <<'EOF'
ticket_id,created_at,updated_at,status,agent,team
T3,2026-10-04 09:00,2026-10-04 09:00,open,Cy,Desk
T2,2026-10-01 10:00,2026-10-05 10:00,resolved,Bob,Care
EOF
check_exit "ingest_bulk: tickets into a table with rows" 0 "$K" ingest --db "$DB" --kind tickets t2.csv
same "ingest_bulk: the schema after a second load is init's" "$(cat schema.init)" "$(schema "$DB")"
same "ingest_bulk: indexes match their tables after a second load" ok "$(q "PRAGMA integrity_check")"
same "ingest_bulk: the rows after a second load" "T1|closed
T2|resolved
T3|open" "$(q "SELECT ticket_id, status FROM tickets ORDER BY 1")"

# a file that fails at its very end, after every row went in: nothing stays, the indexes
# set aside for the load are back
E=$tmp/e.db
"$K" init --db "$E" 2>/dev/null
printf 'ticket_id,created_at\nA1,2026-10-01 00:00\nA2,2026-10-01 01:00\nA3,"2026-10-01 02:00\n' >cut.csv
check_exit "ingest_bulk: a file cut inside a quote fails: 65" 65 "$K" ingest --db "$E" --kind tickets cut.csv
same "ingest_bulk: after the failed first load nothing is loaded" "0|0" \
	"$(sql "$E" "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ingest_log)")"
same "ingest_bulk: after the failed first load the schema is init's" "$(cat schema.init)" "$(schema "$E")"

# kill -9 during a first load (while the indexes are set aside, or while they are built):
# the next open rolls the journal back to init's schema
S=$(dirname "$K")/supportkpi-sample
if [ -x "$S" ]; then
	"$S" --tickets 30000 --seed 5 --months 1 --out big >/dev/null 2>&1
	for delay in 0.3 0.9; do
		KDB=$tmp/k$delay.db
		"$K" init --db "$KDB" 2>/dev/null
		"$K" ingest --db "$KDB" --kind tickets big/tickets.csv 2>/dev/null &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null && diag "kill -9 after ${delay}s landed"
		wait "$pid" 2>/dev/null
		c=$(sql "$KDB" "SELECT count(*) FROM tickets")
		if [ "$c" = 0 ] || [ "$c" = 30000 ]; then
			ok "ingest_bulk: kill -9 after ${delay}s: all rows or none ($c)"
		else
			not_ok "ingest_bulk: kill -9 after ${delay}s: all rows or none ($c)"
		fi
		same "ingest_bulk: kill -9 after ${delay}s: the schema is init's" "$(cat schema.init)" "$(schema "$KDB")"
		same "ingest_bulk: kill -9 after ${delay}s: indexes match their tables" ok \
			"$(sql "$KDB" "PRAGMA integrity_check")"
	done
else
	not_ok "ingest_bulk: supportkpi-sample is built"
fi

finish
