-- 0005_archived_as.sql — where `supportkpi report` moved each ingested file.
--
-- ingest_log.file_name is the path the file was read from (for report, the inbox);
-- after its transaction committed, report moves the file into the archive, under its own
-- name or NAME.<first 12 hex digits of its SHA-256>.csv.  archived_as is that path, so
-- that the export behind any ingest can be found again (docs/cron.md, "Restore after a
-- bad export").  NULL: not moved (ingested with `supportkpi ingest`, or a run stopped
-- between the commit and the move; the next run archives it as a file already ingested).
ALTER TABLE ingest_log ADD COLUMN archived_as TEXT;
