-- Endpoint agents and the enrollment tokens that admit them.
CREATE TABLE enroll_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE agents (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    hostname         TEXT NOT NULL,
    os               TEXT NOT NULL DEFAULT '',
    ips              TEXT NOT NULL DEFAULT '[]',
    version          TEXT NOT NULL DEFAULT '',
    credential_hash  TEXT NOT NULL UNIQUE,
    enroll_token_id  INTEGER REFERENCES enroll_tokens(id),
    enrolled_at      TEXT NOT NULL,
    last_seen        TEXT,
    heartbeat        TEXT NOT NULL DEFAULT '{}',
    revoked          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agents_agency ON agents (agency_id);
