//! OpenAPI paths and schemas of agent groups and the central agent settings.

use serde_json::{Value, json};

use super::openapi::op;

pub fn add_paths(add: &mut impl FnMut(&str, &str, Value)) {
    add(
        "put",
        "/agents/{id}/group",
        op(
            "Move an agent into an agent group of its agency or a province-wide one, or out of \
             any (group_id null); the agent runs the new settings from its next heartbeat \
             (admins; audited)",
            "200",
            Some("AgentGroupAssign"),
        ),
    );
    add(
        "get",
        "/agent-groups",
        op(
            "Agent groups of the caller's agencies and the province-wide ones, with settings, \
             revision and number of agents",
            "200",
            None,
        ),
    );
    add(
        "post",
        "/agent-groups",
        op(
            "Create an agent group (admins; audited). Settings errors name their key, e.g. \
             settings.compliance.every_minutes",
            "201",
            Some("AgentGroup"),
        ),
    );
    add(
        "get",
        "/agent-groups/{id}",
        op("One agent group", "200", None),
    );
    add(
        "put",
        "/agent-groups/{id}",
        op(
            "Replace a group's name, description and settings; the revision grows and every \
             agent of the group picks up the new settings (admins; audited)",
            "200",
            Some("AgentGroup"),
        ),
    );
    add(
        "delete",
        "/agent-groups/{id}",
        op(
            "Remove a group; its agents keep running without central settings (admins; audited)",
            "204",
            None,
        ),
    );
    add(
        "get",
        "/agent/settings",
        op(
            "The central settings this agent runs: {version, group, settings}; bearer: the \
             agent credential. The heartbeat answer carries settings_version so an agent \
             knows when to fetch again",
            "200",
            None,
        ),
    );
}

fn paths() -> Value {
    json!({"type": "array", "maxItems": 200, "items": {"type": "string", "description": "absolute path or glob"}})
}

fn minutes() -> Value {
    json!({"type": "integer", "minimum": 15, "maximum": 10080})
}

fn settings() -> Value {
    json!({"type": "object", "additionalProperties": false, "properties": {
        "files": paths(),
        "journald": {"type": "boolean"},
        "fim": paths(),
        "usb": {"type": "boolean"},
        "heartbeat_secs": {"type": "integer", "minimum": 10, "maximum": 3600},
        "compliance": {"type": "object", "required": ["every_minutes"], "additionalProperties": false, "properties": {
            "every_minutes": minutes(),
            "policies": {"type": "array", "items": {"type": "string",
                "description": "built-in policy name (e.g. lachan_d06_workstation_linux) or absolute path on the agent"}},
            "security_level": {"type": "integer", "minimum": 1, "maximum": 5}}},
        "malware": {"type": "object", "required": ["rules"], "additionalProperties": false, "properties": {
            "rules": {"type": "string", "description": "YARA rules directory on the agent"},
            "paths": paths(),
            "every_minutes": {"type": "integer", "description": "0 (no schedule) or 15..10080"},
            "on_fim": {"type": "boolean", "description": "scan files the integrity monitor sees created or modified"},
            "max_file_mb": {"type": "integer", "minimum": 1, "maximum": 4096},
            "quarantine_dir": {"type": "string"}}}
    }})
}

/// Schemas named by these paths.
pub fn schemas() -> [(&'static str, Value); 2] {
    [("AgentGroup", group()), ("AgentGroupAssign", assign())]
}

fn group() -> Value {
    json!({"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 100},
        "agency_code": {"type": "string", "description": "absent: a province-wide group"},
        "description": {"type": "string", "maxLength": 2000},
        "settings": settings()
    }})
}

fn assign() -> Value {
    json!({"type": "object", "required": ["group_id"], "properties": {
        "group_id": {"type": ["integer", "null"]}
    }})
}
