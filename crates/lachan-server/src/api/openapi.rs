//! The OpenAPI 3.1 description of `/api/v1`. A test checks that every
//! route of the router is described here and vice versa.

use axum::Json;
use serde_json::{Value, json};

fn err_responses() -> Value {
    json!({
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Error"},
        "403": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"}
    })
}

pub(crate) fn op(summary: &str, ok: &str, body: Option<&str>) -> Value {
    let mut responses = err_responses();
    responses[ok] = json!({"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}});
    let mut o = json!({"summary": summary, "responses": responses, "security": [{"bearer": []}]});
    if let Some(schema) = body {
        o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    }
    o
}

fn path_param(name: &str) -> Value {
    json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string"}}])
}

/// Every documented (method, path) pair; a test compares it with the router.
#[cfg(test)]
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/auth/login"),
    ("post", "/auth/logout"),
    ("get", "/me"),
    ("post", "/me/password"),
    ("get", "/tokens"),
    ("post", "/tokens"),
    ("delete", "/tokens/{id}"),
    ("get", "/users"),
    ("post", "/users"),
    ("post", "/users/{username}/disable"),
    ("post", "/users/{username}/enable"),
    ("post", "/users/{username}/unlock"),
    ("post", "/users/{username}/reset-password"),
    ("get", "/audit"),
    ("get", "/agencies"),
    ("post", "/agencies"),
    ("get", "/agencies/{code}"),
    ("put", "/agencies/{code}"),
    ("get", "/systems"),
    ("post", "/systems"),
    ("get", "/systems/{code}"),
    ("put", "/systems/{code}"),
    ("delete", "/systems/{code}"),
    ("get", "/systems/{code}/assets"),
    ("post", "/systems/{code}/assets"),
    ("delete", "/systems/{code}/assets/{id}"),
    ("get", "/systems/{code}/contacts"),
    ("post", "/systems/{code}/contacts"),
    ("delete", "/systems/{code}/contacts/{id}"),
    ("post", "/import/{kind}"),
    ("get", "/export/{kind}"),
    ("get", "/regimes"),
    ("get", "/dashboard"),
    ("post", "/events"),
    ("get", "/events"),
    ("get", "/events/{id}"),
    ("get", "/alerts"),
    ("get", "/alerts/{id}"),
    ("patch", "/alerts/{id}"),
    ("get", "/pipeline"),
    ("get", "/tuning"),
    ("post", "/enroll-tokens"),
    ("get", "/agents"),
    ("post", "/agents/{id}/revoke"),
    ("put", "/agents/{id}/group"),
    ("get", "/agent-groups"),
    ("post", "/agent-groups"),
    ("get", "/agent-groups/{id}"),
    ("put", "/agent-groups/{id}"),
    ("delete", "/agent-groups/{id}"),
    ("get", "/agent/settings"),
    ("post", "/agent/enroll"),
    ("post", "/agent/events"),
    ("post", "/agent/heartbeat"),
    ("post", "/agent/scan"),
    ("put", "/rules/{rule_id}/override"),
    ("delete", "/rules/{rule_id}/override"),
    ("post", "/suppressions"),
    ("delete", "/suppressions/{id}"),
    ("get", "/incidents"),
    ("post", "/incidents"),
    ("get", "/incidents/{id}"),
    ("patch", "/incidents/{id}"),
    ("post", "/incidents/{id}/notes"),
    ("post", "/incidents/{id}/alerts"),
    ("post", "/incidents/{id}/tasks"),
    ("patch", "/incidents/{id}/tasks/{task_id}"),
    ("post", "/incidents/{id}/evidence"),
    ("get", "/incidents/{id}/evidence/{evidence_id}"),
    ("get", "/findings"),
    ("post", "/findings"),
    ("get", "/findings/{id}"),
    ("patch", "/findings/{id}"),
    ("get", "/letters"),
    ("post", "/letters"),
    ("get", "/letters/{id}"),
    ("get", "/plans"),
    ("post", "/plans"),
    ("get", "/plans/{id}"),
    ("put", "/plans/{id}"),
    ("post", "/plans/{id}/targets"),
    ("put", "/targets/{id}/result"),
    ("get", "/targets/{id}/items"),
    ("put", "/targets/{id}/items"),
    ("get", "/reports/summary"),
    ("get", "/subscriptions"),
    ("post", "/subscriptions"),
    ("delete", "/subscriptions/{id}"),
    ("get", "/notifications"),
    ("get", "/scans"),
    ("post", "/scans"),
    ("get", "/scans/{id}"),
    ("get", "/compliance"),
    ("get", "/monitors"),
    ("post", "/monitors"),
    ("get", "/monitors/{id}"),
    ("put", "/monitors/{id}"),
    ("delete", "/monitors/{id}"),
    ("post", "/monitors/{id}/check"),
    ("get", "/status/{code}"),
];

pub fn build() -> Value {
    let mut paths = serde_json::Map::new();
    let mut add = |method: &str, path: &str, mut o: Value| {
        let params: Vec<Value> = path
            .split('/')
            .filter(|s| s.starts_with('{'))
            .flat_map(|s| {
                path_param(s.trim_matches(['{', '}']))
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        if !params.is_empty() {
            o["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method] = o;
    };
    let mut login = op("Log in; returns a bearer token", "200", Some("Login"));
    login["security"] = json!([]);
    add("post", "/auth/login", login);
    add(
        "post",
        "/auth/logout",
        op("End the login token's session", "204", None),
    );
    add("get", "/me", op("The caller", "200", None));
    add(
        "post",
        "/me/password",
        op("Change own password", "204", Some("PasswordChange")),
    );
    add("get", "/tokens", op("Own API tokens", "200", None));
    add(
        "post",
        "/tokens",
        op(
            "Create an API token (shown once)",
            "201",
            Some("TokenCreate"),
        ),
    );
    add(
        "delete",
        "/tokens/{id}",
        op("Revoke an API token", "204", None),
    );
    add(
        "get",
        "/users",
        op("List users (admin, auditor)", "200", None),
    );
    add(
        "post",
        "/users",
        op(
            "Create a user (admin); must change password at first console login",
            "201",
            Some("UserCreate"),
        ),
    );
    add(
        "post",
        "/users/{username}/disable",
        op("Disable a user and end their sessions", "204", None),
    );
    add(
        "post",
        "/users/{username}/enable",
        op("Enable a user", "204", None),
    );
    add(
        "post",
        "/users/{username}/unlock",
        op("Clear a lockout", "204", None),
    );
    add(
        "post",
        "/users/{username}/reset-password",
        op("Set a temporary password", "200", None),
    );
    let mut audit = op("Audit log (admin, auditor), newest first", "200", None);
    audit["parameters"] = json!(
        ["actor", "action", "from", "to", "q", "limit", "offset"]
            .iter()
            .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
            .collect::<Vec<_>>()
    );
    add("get", "/audit", audit);
    add(
        "get",
        "/agencies",
        op("Agencies in the caller's scope", "200", None),
    );
    add(
        "post",
        "/agencies",
        op("Create an agency", "201", Some("AgencyCreate")),
    );
    add("get", "/agencies/{code}", op("One agency", "200", None));
    add(
        "put",
        "/agencies/{code}",
        op("Replace an agency", "200", Some("AgencyCreate")),
    );
    let mut list = op(
        "Information systems in the caller's scope: {items, total}",
        "200",
        None,
    );
    list["parameters"] = json!(
        [
            "q",
            "agency_code",
            "level",
            "status",
            "population_db",
            "sort",
            "order",
            "offset",
            "limit",
            "page"
        ]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
        .collect::<Vec<_>>()
    );
    add("get", "/systems", list);
    add(
        "post",
        "/systems",
        op("Create an information system", "201", Some("SystemCreate")),
    );
    add(
        "get",
        "/systems/{code}",
        op("One system with assets and contacts", "200", None),
    );
    add(
        "put",
        "/systems/{code}",
        op("Replace a system", "200", Some("SystemCreate")),
    );
    add(
        "delete",
        "/systems/{code}",
        op("Delete a system", "204", None),
    );
    add(
        "get",
        "/systems/{code}/assets",
        op("Components of a system", "200", None),
    );
    add(
        "post",
        "/systems/{code}/assets",
        op("Add a component", "201", Some("AssetCreate")),
    );
    add(
        "delete",
        "/systems/{code}/assets/{id}",
        op("Remove a component", "204", None),
    );
    add(
        "get",
        "/systems/{code}/contacts",
        op("Contacts of a system", "200", None),
    );
    add(
        "post",
        "/systems/{code}/contacts",
        op("Add a contact", "201", Some("ContactCreate")),
    );
    add(
        "delete",
        "/systems/{code}/contacts/{id}",
        op("Remove a contact", "204", None),
    );
    let mut import = op(
        "Import agencies or systems from a CSV/XLSX body; all rows or none",
        "200",
        None,
    );
    import["requestBody"] = json!({"required": true, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}});
    add("post", "/import/{kind}", import);
    add(
        "get",
        "/export/{kind}",
        op("Export agencies or systems (?format=csv|xlsx)", "200", None),
    );
    add(
        "get",
        "/regimes",
        op("Regulatory regimes and requirement catalogues", "200", None),
    );
    add(
        "get",
        "/dashboard",
        op("Registry figures in the caller's scope", "200", None),
    );
    let mut ingest = op(
        "Ingest events: an NDJSON body, one JSON object per line (at most 16 MiB). 202          {\"accepted\": N} once all N are stored; a malformed line is a 400 naming it and          nothing of the body is stored. An event without @timestamp gets the arrival time;          the flat Windows form {Channel, EventID, Computer, <EventData>} is routed like EVTX.",
        "202",
        None,
    );
    ingest["requestBody"] = json!({"required": true, "content": {
        "application/x-ndjson": {"schema": {"type": "string"}}}});
    add("post", "/events", ingest);
    let mut search = op(
        "Search events, newest first: q (words, field:value, \"quoted values\"), from/to          (RFC 3339), limit (1..500), offset. Returns {items, total}",
        "200",
        None,
    );
    search["parameters"] = json!(["q", "from", "to", "limit", "offset"].iter().map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}})).collect::<Vec<_>>());
    add("get", "/events", search);
    add("get", "/events/{id}", op("One stored event", "200", None));
    let mut alerts = op(
        "The alert queue in the caller's scope: status (open|acknowledged|closed|active),          level, rule_id, host, agency_code, from/to (RFC 3339), limit, offset. Returns          {items: [{id, rule_id, rule_title, level, host, agency_code, first_seen, last_seen,          count, status, …}], total}",
        "200",
        None,
    );
    alerts["parameters"] = json!(
        [
            "status",
            "level",
            "rule_id",
            "host",
            "agency_code",
            "from",
            "to",
            "limit",
            "offset"
        ]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect::<Vec<_>>()
    );
    add("get", "/alerts", alerts);
    add("get", "/alerts/{id}", op("One alert", "200", None));
    add(
        "patch",
        "/alerts/{id}",
        op(
            "Triage an alert: status, assignee, reason (required to close); audited",
            "200",
            Some("AlertUpdate"),
        ),
    );
    add(
        "get",
        "/pipeline",
        op(
            "Counters of the live pipeline and the loaded rules",
            "200",
            None,
        ),
    );
    add(
        "get",
        "/tuning",
        op("Rule overrides and suppressions in force", "200", None),
    );
    add(
        "post",
        "/enroll-tokens",
        op(
            "Create an agent enrollment token for an agency (admins; the token is shown once)",
            "201",
            Some("EnrollTokenCreate"),
        ),
    );
    add(
        "get",
        "/agents",
        op(
            "Enrolled agents in the caller's scope with status online/offline/revoked",
            "200",
            None,
        ),
    );
    add(
        "post",
        "/agents/{id}/revoke",
        op(
            "Revoke an agent: its credential is refused at once (audited)",
            "204",
            None,
        ),
    );
    let mut enroll = op(
        "Agent enrollment with an enrollment token; returns the agent's own credential once",
        "201",
        Some("AgentEnroll"),
    );
    enroll["security"] = json!([]);
    add("post", "/agent/enroll", enroll);
    let mut batch = op(
        "Agent gateway: one batch of NDJSON events (Content-Encoding: gzip allowed), numbered \
         by the X-Lachan-Seq header. Acknowledged only once stored; a number already stored \
         is acknowledged as a duplicate and not stored again. Bearer: the agent credential.",
        "200",
        None,
    );
    batch["requestBody"] = json!({"required": true, "content": {
        "application/x-ndjson": {"schema": {"type": "string"}}}});
    add("post", "/agent/events", batch);
    add(
        "post",
        "/agent/heartbeat",
        op(
            "Agent heartbeat (a JSON object of agent figures); bearer: the agent credential",
            "200",
            None,
        ),
    );
    add(
        "put",
        "/rules/{rule_id}/override",
        op(
            "Switch a rule off or give it another level (reason required; audited)",
            "200",
            Some("RuleOverride"),
        ),
    );
    add(
        "delete",
        "/rules/{rule_id}/override",
        op("Remove a rule override (audited)", "204", None),
    );
    add(
        "post",
        "/suppressions",
        op(
            "Suppress hits where an event field matches a value (* wildcard), optionally for one rule, agency or host, until expires_at (audited)",
            "201",
            Some("SuppressionCreate"),
        ),
    );
    add(
        "delete",
        "/suppressions/{id}",
        op("Remove a suppression (audited)", "204", None),
    );

    crate::api::openapi_ops::add_paths(&mut add);
    crate::api::openapi_agents::add_paths(&mut add);

    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Lá Chắn API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Times are RFC 3339 UTC; dates are yyyy-mm-dd. Errors are {\"error\":{\"code\",\"message\",\"field\"?}}."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
                "Login": {"type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
                "PasswordChange": {"type": "object", "required": ["current_password", "new_password"],
                    "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 8}}},
                "TokenCreate": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "UserCreate": {"type": "object", "required": ["username", "password", "role"], "properties": {
                    "username": {"type": "string"}, "password": {"type": "string", "minLength": 8},
                    "role": {"enum": ["admin", "analyst", "agency_officer", "auditor"]},
                    "agency_code": {"type": "string"}, "full_name": {"type": "string"}}},
                "AgencyCreate": {"type": "object", "required": ["code", "name"], "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"},
                    "kind": {"enum": lachan_core::registry::AgencyKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
                    "parent_code": {"type": "string"}}},
                "SystemCreate": {"type": "object", "required": ["code", "name", "agency_code", "security_level"], "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"}, "agency_code": {"type": "string"},
                    "security_level": {"type": "integer", "minimum": 1, "maximum": 5},
                    "regime": {"enum": lachan_core::regime::codes()},
                    "operating_unit": {"type": "string"}, "purpose": {"type": "string"},
                    "approval_decision_no": {"type": "string"}, "approval_date": {"type": "string", "format": "date"},
                    "dossier_status": {"enum": lachan_core::registry::DossierStatus::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
                    "connects_population_db": {"type": "boolean"}}},
                "AssetCreate": {"type": "object", "required": ["kind", "name"], "properties": {
                    "kind": {"enum": lachan_core::registry::AssetKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
                    "name": {"type": "string"}, "address": {"type": "string"}, "note": {"type": "string"}}},
                "AlertUpdate": {"type": "object", "properties": {
                    "status": {"enum": lachan_store::ALERT_STATUSES}, "assignee": {"type": "string"},
                    "reason": {"type": "string", "maxLength": 1000}}},
                "EnrollTokenCreate": {"type": "object", "required": ["agency_code"], "properties": {
                    "agency_code": {"type": "string"}, "group_id": {"type": "integer"},
                    "expires_in_hours": {"type": "integer", "minimum": 1, "maximum": 2160, "default": 168}}},
                "AgentEnroll": {"type": "object", "required": ["token", "hostname"], "properties": {
                    "token": {"type": "string"}, "hostname": {"type": "string"}, "os": {"type": "string"},
                    "ips": {"type": "array", "items": {"type": "string"}}, "version": {"type": "string"}}},
                "RuleOverride": {"type": "object", "required": ["enabled", "reason"], "properties": {
                    "enabled": {"type": "boolean"}, "level": {"enum": lachan_store::LEVELS},
                    "reason": {"type": "string", "maxLength": 1000}}},
                "SuppressionCreate": {"type": "object", "required": ["field", "value", "reason"], "properties": {
                    "rule_id": {"type": "string"}, "field": {"type": "string"}, "value": {"type": "string"},
                    "agency_code": {"type": "string"}, "host": {"type": "string"},
                    "reason": {"type": "string", "maxLength": 1000},
                    "expires_at": {"type": "string", "format": "date-time"}}},
                "IncidentCreate": crate::api::openapi_ops::incident_create(),
                "IncidentUpdate": crate::api::openapi_ops::incident_update(),
                "FindingCreate": crate::api::openapi_ops::finding_create(),
                "FindingUpdate": crate::api::openapi_ops::finding_update(),
                "LetterCreate": crate::api::openapi_ops::letter_create(),
                "PlanCreate": crate::api::openapi_ops::plan_create(),
                "Target": crate::api::openapi_ops::target(),
                "SubscriptionCreate": crate::api::openapi_ops::subscription_create(),
                "Monitor": crate::api::openapi_ops::monitor(),
                "TargetResult": crate::api::openapi_ops::target_result(),
                "ContactCreate": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"}, "role": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"}}}
            }
        }
    });
    // Schemas kept in the modules of their paths (one literal above would pass the
    // macro's recursion limit).
    let schemas = &mut doc["components"]["schemas"];
    for (name, schema) in crate::api::openapi_agents::schemas() {
        schemas[name] = schema;
    }
    schemas["ComplianceView"] = crate::api::openapi_ops::compliance_view();
    doc
}

pub async fn document() -> Json<Value> {
    Json(build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented() {
        let doc = build();
        let paths = doc["paths"].as_object().unwrap();
        let mut documented = 0;
        for (path, ops) in paths {
            for method in ops.as_object().unwrap().keys() {
                assert!(
                    ROUTES.contains(&(method.as_str(), path.as_str())),
                    "{method} {path} documented but not listed"
                );
                documented += 1;
            }
        }
        assert_eq!(documented, ROUTES.len());
        // The router source names the same paths.
        let router = include_str!("mod.rs");
        for (_, p) in ROUTES {
            assert!(router.contains(&format!("\"{p}\"")), "{p} not routed");
        }
    }
}
