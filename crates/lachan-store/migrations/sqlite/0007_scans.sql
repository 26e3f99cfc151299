-- Uploaded endpoint assessments (`lachan scan` results): one row per host and run.
CREATE TABLE scans (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    host           TEXT NOT NULL,
    target_id      INTEGER REFERENCES plan_targets(id),
    started_at     TEXT NOT NULL,
    finished_at    TEXT NOT NULL,
    score          REAL,
    passed         INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    not_applicable INTEGER NOT NULL,
    findings       INTEGER NOT NULL,
    report         TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TEXT NOT NULL
);
CREATE INDEX scans_agency_host ON scans (agency_id, host, finished_at);
