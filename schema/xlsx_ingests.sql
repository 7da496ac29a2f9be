-- xlsx_ingests.sql — the ingests behind a period's figures, for the workbook's Data quality
-- sheet (lib/xlsx.c): every ingest whose rows hold, as they are now, at least one of the
-- period's tickets (by created_at) or surveys (by submitted_at), with how many of each.
--
-- Parameters: :from, :to   the period as local dates 'YYYY-MM-DD', :to excluded.
-- To try it in the sqlite3 shell:
--   .param set :from '2026-10-01'
--   .param set :to '2026-11-01'

WITH period_rows AS (
    SELECT ingest_id, 1 AS is_ticket, 0 AS is_survey
    FROM tickets
    WHERE created_at >= :from AND created_at < :to
    UNION ALL
    SELECT ingest_id, 0, 1
    FROM surveys
    WHERE submitted_at >= :from AND submitted_at < :to
), per_ingest AS (
    SELECT ingest_id, sum(is_ticket) AS period_tickets, sum(is_survey) AS period_surveys
    FROM period_rows
    GROUP BY ingest_id
)
SELECT l.ingest_id, l.kind, l.file_name, l.sha256, l.map_file, l.finished_at,
       l.rows_read, l.inserted, l.updated, l.unchanged, l.rejected, l.dq_rows,
       p.period_tickets, p.period_surveys
FROM per_ingest AS p
JOIN ingest_log AS l ON l.ingest_id = p.ingest_id
ORDER BY l.ingest_id;
