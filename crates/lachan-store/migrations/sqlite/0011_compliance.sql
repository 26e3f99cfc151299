-- Compliance per information system and security level, with history.
-- A scan belongs to the information system its host serves (from the inspection target,
-- the uploader's choice, or the system whose registry assets name the host).
ALTER TABLE scans ADD COLUMN system_id INTEGER REFERENCES systems(id) ON DELETE SET NULL;
UPDATE scans SET system_id = (SELECT t.system_id FROM plan_targets t WHERE t.id = scans.target_id)
    WHERE target_id IS NOT NULL;
-- Compliance reads the last scan of each host from this index alone: the rows hold the
-- whole JSON report, and `system_id`, added last, sits behind it in every row.
DROP INDEX scans_agency_host;
CREATE INDEX scans_latest ON scans (agency_id, host, finished_at, system_id, score, passed, failed);

-- The failed policy checks of each scan: what "most failed checks" counts.
CREATE TABLE scan_failures (
    scan_id   INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    policy_id TEXT NOT NULL,
    check_id  TEXT NOT NULL,
    title     TEXT NOT NULL,
    severity  TEXT NOT NULL,
    PRIMARY KEY (scan_id, policy_id, check_id)
) WITHOUT ROWID;
