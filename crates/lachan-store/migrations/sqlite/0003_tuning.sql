-- Detection tuning: per-rule overrides and suppressions, both audited.
CREATE TABLE rule_overrides (
    rule_id     TEXT PRIMARY KEY,
    enabled     INTEGER NOT NULL DEFAULT 1,
    level       TEXT CHECK (level IS NULL OR level IN ('informational', 'low', 'medium', 'high', 'critical')),
    reason      TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE suppressions (
    id          INTEGER PRIMARY KEY,
    rule_id     TEXT,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    agency_id   INTEGER REFERENCES agencies(id),
    host        TEXT,
    reason      TEXT NOT NULL,
    expires_at  TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
