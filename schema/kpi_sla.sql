-- kpi_sla.sql — SLA compliance: sla_frt_pct, sla_res_pct, and compliance per rule.
--
-- Definition (docs/metrics.md, word for word):
-- - The rule of a ticket for a target (first response or resolution) is the first
--   `[sla NAME]` section of the config, in file order, that sets that target and whose
--   conditions all hold for the ticket. The conditions `priority`, `channel` and
--   `category` each list the values that match, compared without regard to ASCII case; a
--   condition that is not given holds for every ticket. A ticket that no such rule matches
--   has no rule for that target and is not counted.
-- - The first-response clock runs from `created_at` to `first_response_at`. A ticket
--   resolved without a first response is measured to its resolution time.
-- - The resolution clock runs from `created_at` to the resolution time (`resolved_at`, or
--   `closed_at` when `resolved_at` is empty), except while the ticket is in a pausing
--   status (`pause_statuses` in `[sla]`), as the status history shows it.
-- - A target in business time counts only the working time of the `[calendar]`; a
--   target in working days is that many times the length of a full working day.
-- - A ticket meets its target when its clock stopped at or before the target. It breaches
--   it when its clock stopped after the target, or when it is still running at `--as-of`
--   and already past the target. A ticket still running within its target is not counted
--   yet. A ticket whose times contradict each other (a first response or resolution
--   before creation, resolved without a resolution time) is not counted and is reported
--   by `--quality`.
-- - `sla_frt_pct` = 100 × (tickets meeting their first-response target) / (tickets
--   meeting or breaching it); `sla_res_pct` likewise for resolution.
--
-- How it runs (lib/kpi.c): sla_setup creates the temporary tables, the rules of the
-- config are inserted with sla_rule_insert, sla_matches finds the rule of each combination
-- of priority, channel and category in the period, then sla_pauses and sla_outcomes fill
-- in one row per ticket of the period, which kpi_sla and kpi_sla_rules count.  After a run an
-- analyst can read every ticket's outcome in temp.sla_outcome.
--
-- Parameters: :from, :to, :dim1, :dim2 as in kpi_tickets.sql, and
--   :as_of           Unix seconds: when a ticket still open is judged
--   :pause_statuses  the pausing statuses between commas, e.g. ',pending,' ('' for none)

-- name: sla_setup
CREATE TEMP TABLE IF NOT EXISTS sla_rule (
    seq          INTEGER PRIMARY KEY, -- position in the config file: the first match wins
    name         TEXT NOT NULL,       -- NAME of [sla NAME]
    priority     TEXT,                -- ',urgent,high,' (lower case), or NULL: any
    channel      TEXT,
    category     TEXT,
    frt_s        INTEGER,             -- first-response target in seconds, or NULL
    frt_business INTEGER,             -- 1: counted in business time
    frt_text     TEXT,                -- the target as written, e.g. '30 business minutes'
    res_s        INTEGER,             -- resolution target
    res_business INTEGER,
    res_text     TEXT
);
CREATE TEMP TABLE IF NOT EXISTS sla_pause (
    ticket_id    TEXT PRIMARY KEY,
    history_rows INTEGER NOT NULL,    -- status changes with a time
    paused_s     INTEGER NOT NULL,    -- seconds in a pausing status before the clock stopped
    paused_bh_s  INTEGER NOT NULL     -- the same in business time
);
CREATE TEMP TABLE IF NOT EXISTS sla_outcome (
    ticket_id     TEXT PRIMARY KEY,
    g1            TEXT,
    g2            TEXT,
    frt_rule      INTEGER,            -- sla_rule.seq, NULL: no rule
    frt_elapsed_s INTEGER,            -- clock at its stop, or at :as_of while running
    frt_outcome   TEXT,               -- met | breached | open | unknown, NULL: no rule
    res_rule      INTEGER,
    res_elapsed_s INTEGER,
    res_paused_s  INTEGER,
    res_outcome   TEXT,
    history_rows  INTEGER
);
CREATE TEMP TABLE IF NOT EXISTS sla_match (
    priority     TEXT,                -- a combination of the period's tickets, as exported
    channel      TEXT,
    category     TEXT,
    frt_rule     INTEGER,             -- sla_rule.seq of its first-response rule, NULL: none
    res_rule     INTEGER,
    UNIQUE (priority, channel, category)
);
DELETE FROM temp.sla_rule;
DELETE FROM temp.sla_match;
DELETE FROM temp.sla_pause;
DELETE FROM temp.sla_outcome;

-- name: sla_rule_insert
INSERT INTO temp.sla_rule (seq, name, priority, channel, category, frt_s, frt_business,
                           frt_text, res_s, res_business, res_text)
VALUES (:seq, :name, :priority, :channel, :category, :frt_s, :frt_business, :frt_text,
        :res_s, :res_business, :res_text);

-- name: sla_matches
-- The rule of each combination of priority, channel and category that the period's
-- tickets have, for each target: the first rule in file order whose conditions hold.
-- Found once per combination (a few dozen) instead of once per ticket.
INSERT INTO temp.sla_match (priority, channel, category, frt_rule, res_rule)
SELECT
    c.priority, c.channel, c.category,
    (SELECT min(r.seq) FROM temp.sla_rule AS r
     WHERE r.frt_s IS NOT NULL
       AND (r.priority IS NULL OR instr(r.priority, ',' || lower(c.priority) || ',') > 0)
       AND (r.channel IS NULL OR instr(r.channel, ',' || lower(c.channel) || ',') > 0)
       AND (r.category IS NULL OR instr(r.category, ',' || lower(c.category) || ',') > 0)),
    (SELECT min(r.seq) FROM temp.sla_rule AS r
     WHERE r.res_s IS NOT NULL
       AND (r.priority IS NULL OR instr(r.priority, ',' || lower(c.priority) || ',') > 0)
       AND (r.channel IS NULL OR instr(r.channel, ',' || lower(c.channel) || ',') > 0)
       AND (r.category IS NULL OR instr(r.category, ',' || lower(c.category) || ',') > 0))
FROM (SELECT DISTINCT priority, channel, category
      FROM tickets
      WHERE created_at >= :from AND created_at < :to) AS c;

-- name: sla_pauses
-- Each status change starts an interval that lasts until the next change of the same
-- ticket (in time order; changes in the same second in the order of the exports) or until
-- the clock stops: the resolution time, or :as_of for a ticket still open.  The time
-- before the first known change is not paused.  Changes without a time cannot be placed
-- and are left out: the status before them is taken to last until the next change with
-- a time.
-- The next change is found by the history's primary key (a ticket has a few changes):
-- the earliest time among the changes that come after this one in that order.  This is
-- lead() OVER (PARTITION BY ticket_id ORDER BY changed_ts, ingest_id, source_line),
-- written so: as a window, SQLite sorted every change of the period and emptied a
-- partition buffer per ticket, 1.5 billion instructions for a month of 94,000 tickets
-- (docs/metrics.md, "Indexes and query plans").
INSERT INTO temp.sla_pause (ticket_id, history_rows, paused_s, paused_bh_s)
SELECT
    iv.ticket_id,
    count(*),
    coalesce(sum(CASE WHEN iv.pausing THEN max(0, iv.hi - iv.lo) END), 0),
    coalesce(sum(CASE WHEN iv.pausing AND iv.hi > iv.lo THEN business_seconds(iv.lo, iv.hi) END), 0)
FROM (
    SELECT
        h.ticket_id,
        instr(:pause_statuses, ',' || h.new_status || ',') > 0 AS pausing,
        max(h.changed_ts, t.created_ts) AS lo,
        min(coalesce((SELECT min(n.changed_ts) FROM ticket_status_history AS n
                      WHERE n.ticket_id = h.ticket_id AND n.changed_ts IS NOT NULL
                        AND (n.changed_ts, n.ingest_id, n.source_line)
                            > (h.changed_ts, h.ingest_id, h.source_line)),
                     t.stop_ts),
            t.stop_ts) AS hi
    FROM (SELECT ticket_id, created_ts,
                 CASE WHEN status IN ('resolved', 'closed')
                      THEN coalesce(resolved_ts, closed_ts, :as_of) ELSE :as_of END AS stop_ts
          FROM tickets
          WHERE created_at >= :from AND created_at < :to) AS t
    JOIN ticket_status_history AS h ON h.ticket_id = t.ticket_id
    WHERE h.changed_ts IS NOT NULL
) AS iv
GROUP BY iv.ticket_id;

-- name: sla_outcomes
INSERT INTO temp.sla_outcome (ticket_id, g1, g2, frt_rule, frt_elapsed_s, frt_outcome,
                              res_rule, res_elapsed_s, res_paused_s, res_outcome, history_rows)
SELECT
    ticket_id, g1, g2,
    frt_rule,
    frt_elapsed_s,
    CASE
        WHEN frt_rule IS NULL THEN NULL
        WHEN frt_bad THEN 'unknown'
        WHEN frt_stop_ts IS NOT NULL THEN
            CASE WHEN frt_elapsed_s <= frt_target_s THEN 'met' ELSE 'breached' END
        WHEN frt_elapsed_s > frt_target_s THEN 'breached'
        ELSE 'open'
    END,
    res_rule,
    res_elapsed_s,
    res_paused_s,
    CASE
        WHEN res_rule IS NULL THEN NULL
        WHEN res_bad THEN 'unknown'
        WHEN res_stop_ts IS NOT NULL THEN
            CASE WHEN res_elapsed_s <= res_target_s THEN 'met' ELSE 'breached' END
        WHEN res_elapsed_s > res_target_s THEN 'breached'
        ELSE 'open'
    END,
    history_rows
FROM (
    SELECT
        m.*,
        f.frt_s AS frt_target_s,
        r.res_s AS res_target_s,
        CASE WHEN f.frt_business
             THEN business_seconds(m.created_ts, coalesce(m.frt_stop_ts, :as_of))
             ELSE coalesce(m.frt_stop_ts, :as_of) - m.created_ts
        END AS frt_elapsed_s,
        CASE WHEN r.res_business
             THEN business_seconds(m.created_ts, coalesce(m.res_stop_ts, :as_of))
                  - coalesce(p.paused_bh_s, 0)
             ELSE coalesce(m.res_stop_ts, :as_of) - m.created_ts - coalesce(p.paused_s, 0)
        END AS res_elapsed_s,
        CASE WHEN r.res_business THEN coalesce(p.paused_bh_s, 0)
             ELSE coalesce(p.paused_s, 0) END AS res_paused_s,
        coalesce(p.history_rows, 0) AS history_rows
    FROM (
        SELECT
            t.ticket_id,
            CASE :dim1
                WHEN 'agent' THEN t.agent
                WHEN 'team' THEN t.team
                WHEN 'channel' THEN t.channel
                WHEN 'category' THEN t.category
                WHEN 'priority' THEN t.priority
                WHEN 'month' THEN substr(t.created_at, 1, 7)
                WHEN 'week' THEN strftime('%Y', t.created_at, 'weekday 0', '-3 days') || '-W' ||
                    printf('%02d', (strftime('%j', t.created_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
                WHEN 'day' THEN substr(t.created_at, 1, 10)
                ELSE 'all'
            END AS g1,
            CASE :dim2
                WHEN 'agent' THEN t.agent
                WHEN 'team' THEN t.team
                WHEN 'channel' THEN t.channel
                WHEN 'category' THEN t.category
                WHEN 'priority' THEN t.priority
                WHEN 'month' THEN substr(t.created_at, 1, 7)
                WHEN 'week' THEN strftime('%Y', t.created_at, 'weekday 0', '-3 days') || '-W' ||
                    printf('%02d', (strftime('%j', t.created_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
                WHEN 'day' THEN substr(t.created_at, 1, 10)
                ELSE 'all'
            END AS g2,
            t.created_ts,
            -- the first-response clock stops at the first response, else at the resolution
            CASE
                WHEN t.first_response_ts IS NOT NULL THEN t.first_response_ts
                WHEN t.status IN ('resolved', 'closed') THEN coalesce(t.resolved_ts, t.closed_ts)
            END AS frt_stop_ts,
            coalesce(t.first_response_ts < t.created_ts, 0)
                OR (t.first_response_ts IS NULL AND t.status IN ('resolved', 'closed')
                    AND coalesce(coalesce(t.resolved_ts, t.closed_ts) < t.created_ts, 1))
                AS frt_bad,
            CASE WHEN t.status IN ('resolved', 'closed') THEN coalesce(t.resolved_ts, t.closed_ts)
            END AS res_stop_ts,
            t.status IN ('resolved', 'closed')
                AND coalesce(coalesce(t.resolved_ts, t.closed_ts) < t.created_ts, 1) AS res_bad,
            sm.frt_rule,
            sm.res_rule
        FROM tickets AS t
        LEFT JOIN temp.sla_match AS sm
               ON sm.priority IS t.priority AND sm.channel IS t.channel
              AND sm.category IS t.category
        WHERE t.created_at >= :from AND t.created_at < :to
    ) AS m
    LEFT JOIN temp.sla_rule AS f ON f.seq = m.frt_rule
    LEFT JOIN temp.sla_rule AS r ON r.seq = m.res_rule
    LEFT JOIN temp.sla_pause AS p ON p.ticket_id = m.ticket_id
);

-- name: kpi_sla
SELECT
    g1,
    g2,
    100.0 * count(*) FILTER (WHERE frt_outcome = 'met')
        / nullif(count(*) FILTER (WHERE frt_outcome IN ('met', 'breached')), 0) AS sla_frt_pct,
    100.0 * count(*) FILTER (WHERE res_outcome = 'met')
        / nullif(count(*) FILTER (WHERE res_outcome IN ('met', 'breached')), 0) AS sla_res_pct
FROM temp.sla_outcome
GROUP BY g1, g2;

-- name: kpi_sla_rules
-- Compliance per rule and target, in the order of the config file.
SELECT
    r.name AS rule,
    o.target,
    CASE o.target WHEN 'first_response' THEN r.frt_text ELSE r.res_text END AS goal,
    count(*) AS tickets,
    count(*) FILTER (WHERE o.outcome = 'met') AS met,
    count(*) FILTER (WHERE o.outcome = 'breached') AS breached,
    count(*) FILTER (WHERE o.outcome = 'open') AS open_within_target,
    count(*) FILTER (WHERE o.outcome = 'unknown') AS not_counted,
    100.0 * count(*) FILTER (WHERE o.outcome = 'met')
        / nullif(count(*) FILTER (WHERE o.outcome IN ('met', 'breached')), 0) AS compliance_pct
FROM (
    SELECT frt_rule AS seq, 'first_response' AS target, frt_outcome AS outcome
    FROM temp.sla_outcome WHERE frt_rule IS NOT NULL
    UNION ALL
    SELECT res_rule, 'resolution', res_outcome
    FROM temp.sla_outcome WHERE res_rule IS NOT NULL
) AS o
JOIN temp.sla_rule AS r ON r.seq = o.seq
GROUP BY r.seq, o.target
ORDER BY r.seq, o.target;
