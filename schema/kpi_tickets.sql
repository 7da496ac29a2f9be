-- kpi_tickets.sql — ticket volume and resolution: tickets, resolved, resolution_pct,
-- reopen_pct, fcr_pct.
--
-- Definition (docs/metrics.md, word for word):
-- A ticket is counted in the period of its `created_at`: the local date and time it was
-- created, in the database's time zone, on or after the first day of the period and
-- before the day after its last.
-- - `tickets`: the tickets created in the period.
-- - `resolved`: of those, the tickets whose status is `resolved` or `closed`.
-- - `resolution_pct` = 100 × `resolved` / `tickets`.
-- - `reopen_pct` = 100 × (resolved tickets with `reopen_count` > 0) / `resolved`. A
--   resolved ticket without a `reopen_count` counts in the denominator only.
-- - `fcr_pct` (first-contact resolution) = 100 × (resolved tickets with `replies` ≤ 1) /
--   (resolved tickets that have a `replies` value).
-- A percentage whose denominator is 0 is undefined: empty in CSV, null in JSON.
--
-- Parameters:
--   :from, :to   the period as local dates 'YYYY-MM-DD', :to excluded
--   :dim1, :dim2 the dimensions of --by: agent, team, channel, category, priority, month,
--                week, day; anything else ('all', NULL) puts every ticket in one group
-- Returns one row per group: g1, g2 (NULL when the ticket has no value for the dimension),
-- then the figures.  To try it in the sqlite3 shell:
--   .param set :from '2026-10-01'
--   .param set :to '2026-11-01'
--   .param set :dim1 'agent'
--   .param set :dim2 'all'

-- name: kpi_tickets
WITH period_tickets AS (
    SELECT
        CASE :dim1
            WHEN 'agent' THEN t.agent
            WHEN 'team' THEN t.team
            WHEN 'channel' THEN t.channel
            WHEN 'category' THEN t.category
            WHEN 'priority' THEN t.priority
            WHEN 'month' THEN substr(t.created_at, 1, 7)
            -- ISO 8601 week: the year and week of the week's Thursday
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
        t.status IN ('resolved', 'closed') AS is_resolved,
        t.reopen_count,
        t.replies
    FROM tickets AS t
    WHERE t.created_at >= :from AND t.created_at < :to
)
SELECT
    g1,
    g2,
    count(*) AS tickets,
    count(*) FILTER (WHERE is_resolved) AS resolved,
    100.0 * count(*) FILTER (WHERE is_resolved) / count(*) AS resolution_pct,
    100.0 * count(*) FILTER (WHERE is_resolved AND reopen_count > 0)
        / nullif(count(*) FILTER (WHERE is_resolved), 0) AS reopen_pct,
    100.0 * count(*) FILTER (WHERE is_resolved AND replies <= 1)
        / nullif(count(*) FILTER (WHERE is_resolved AND replies IS NOT NULL), 0) AS fcr_pct
FROM period_tickets
GROUP BY g1, g2;
