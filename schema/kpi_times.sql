-- kpi_times.sql — first response and resolution times: frt_median_min, frt_p90_min,
-- frt_median_bh_min, res_median_h, res_p90_h, res_median_bh_h.
--
-- Definition (docs/metrics.md, word for word):
-- Durations are computed from the stored Unix-second times (`*_ts`), so they are exact
-- across daylight-saving changes.
-- - First response time of a ticket = `first_response_at` − `created_at`, in minutes.
--   It is defined when the ticket has a first response at or after its creation.
-- - Resolution time of a ticket = (`resolved_at`, or `closed_at` when `resolved_at` is
--   empty) − `created_at`, in hours. It is defined when the ticket is resolved (status
--   `resolved` or `closed`) and that time is at or after its creation.
-- - `frt_median_min`, `frt_p90_min`: PERCENTILE.INC of the first response times of the
--   period's tickets that have one, at 0.5 and 0.9.
-- - `res_median_h`, `res_p90_h`: PERCENTILE.INC of the resolution times of the period's
--   resolved tickets that have one, at 0.5 and 0.9.
-- - `frt_median_bh_min`, `res_median_bh_h`: the same medians with each duration counted
--   in business time, the working time of the `[calendar]` between the two moments.
--   Undefined when the config has no `[calendar]`.
-- - PERCENTILE.INC(p) of n values, as in Excel: sort them, x1 ≤ x2 ≤ … ≤ xn; let
--   h = (n − 1) × p, k = ⌊h⌋; the result is x(k+1) + (h − k) × (x(k+2) − x(k+1)), and
--   x(k+1) when h = k. One value gives that value; no value gives undefined.
--
-- Parameters: :from, :to, :dim1, :dim2 as in kpi_tickets.sql.
-- percentile_inc(x, p) and business_seconds(from_ts, to_ts) are C functions that
-- supportkpi registers on its connection (lib/kpi.c); the sqlite3 shell does not have
-- them.  PostgreSQL's percentile_cont(p) WITHIN GROUP (ORDER BY x) computes the same
-- percentile.

-- name: kpi_times
WITH period_tickets AS (
    SELECT
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
        CASE WHEN t.first_response_ts >= t.created_ts THEN t.first_response_ts END AS response_ts,
        CASE WHEN t.status IN ('resolved', 'closed')
                  AND coalesce(t.resolved_ts, t.closed_ts) >= t.created_ts
             THEN coalesce(t.resolved_ts, t.closed_ts) END AS resolution_ts
    FROM tickets AS t
    WHERE t.created_at >= :from AND t.created_at < :to
)
SELECT
    g1,
    g2,
    percentile_inc((response_ts - created_ts) / 60.0, 0.5) AS frt_median_min,
    percentile_inc((response_ts - created_ts) / 60.0, 0.9) AS frt_p90_min,
    percentile_inc(business_seconds(created_ts, response_ts) / 60.0, 0.5) AS frt_median_bh_min,
    percentile_inc((resolution_ts - created_ts) / 3600.0, 0.5) AS res_median_h,
    percentile_inc((resolution_ts - created_ts) / 3600.0, 0.9) AS res_p90_h,
    percentile_inc(business_seconds(created_ts, resolution_ts) / 3600.0, 0.5) AS res_median_bh_h
FROM period_tickets
GROUP BY g1, g2;
