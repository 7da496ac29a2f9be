-- 0004_ingest_map.sql — the SHA-256 of the mapping file each ingest used.
--
-- Ingesting the same bytes again changes nothing (ingest_log.sha256 finds the earlier
-- ingest) — but only with the same mapping: after a mapping file is fixed, the same export
-- must load again under the new mapping.  NULL: no mapping file.
ALTER TABLE ingest_log ADD COLUMN map_sha256 TEXT;
