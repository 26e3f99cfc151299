-- Agent groups: central settings (collectors, compliance, malware scanning) that every
-- agent of the group fetches. A group belongs to an agency or, with no agency, to the
-- whole province. `revision` grows with each change so agents notice a new version.
CREATE TABLE agent_groups (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER REFERENCES agencies(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    settings    TEXT NOT NULL DEFAULT '{}',
    revision    INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX agent_groups_name ON agent_groups (COALESCE(agency_id, 0), name);

ALTER TABLE agents ADD COLUMN group_id INTEGER REFERENCES agent_groups(id);
CREATE INDEX agents_group ON agents (group_id);
-- An enrollment token may place the agents it admits into a group.
ALTER TABLE enroll_tokens ADD COLUMN group_id INTEGER REFERENCES agent_groups(id);
