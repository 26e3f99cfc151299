-- Registry, accounts, sessions, tokens and the audit log.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,
    created_at  TEXT NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

CREATE TABLE systems (
    id                      INTEGER PRIMARY KEY,
    code                    TEXT NOT NULL UNIQUE,
    name                    TEXT NOT NULL,
    agency_id               INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
    security_level          INTEGER NOT NULL CHECK (security_level BETWEEN 1 AND 5),
    regime                  TEXT NOT NULL,
    operating_unit          TEXT,
    purpose                 TEXT,
    approval_decision_no    TEXT,
    approval_date           TEXT,
    dossier_status          TEXT NOT NULL,
    connects_population_db  INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    CHECK (dossier_status <> 'approved' OR (approval_decision_no IS NOT NULL AND approval_date IS NOT NULL))
);
CREATE INDEX systems_agency ON systems(agency_id);
CREATE INDEX systems_level ON systems(security_level);
CREATE INDEX systems_status ON systems(dossier_status);

CREATE TABLE assets (
    id          INTEGER PRIMARY KEY,
    system_id   INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT,
    note        TEXT
);
CREATE INDEX assets_system ON assets(system_id);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    system_id   INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT,
    phone       TEXT,
    email       TEXT
);
CREATE INDEX contacts_system ON contacts(system_id);

CREATE TABLE users (
    id                      INTEGER PRIMARY KEY,
    username                TEXT NOT NULL UNIQUE,
    full_name               TEXT NOT NULL DEFAULT '',
    password_hash           TEXT NOT NULL,
    role                    TEXT NOT NULL,
    agency_id               INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,
    disabled                INTEGER NOT NULL DEFAULT 0,
    must_change_password    INTEGER NOT NULL DEFAULT 0,
    failed_logins           INTEGER NOT NULL DEFAULT 0,
    locked_until            TEXT,
    created_at              TEXT NOT NULL,
    last_login_at           TEXT
);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    source_ip     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    summary     TEXT NOT NULL,
    source_ip   TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_actor ON audit_log(actor);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
