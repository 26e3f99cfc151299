//! OpenAPI paths and schemas of the operations workflow (incidents, findings, letters,
//! plans, report), kept apart from the main document for size.

use lachan_core::ops::{
    Checklist, FindingSource, FindingStatus, IncidentCategory, IncidentStatus, Severity,
    TargetKind, TargetStatus,
};
use serde_json::{Value, json};

use super::openapi::op;

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().copied().map(code).collect()
}

fn severities() -> Value {
    json!({"enum": codes(Severity::ALL, Severity::code)})
}

pub fn add_paths(add: &mut impl FnMut(&str, &str, Value)) {
    let mut list = op(
        "Incidents in the caller's scope, newest detection first",
        "200",
        None,
    );
    list["parameters"] = json!(
        [
            "status",
            "severity",
            "category",
            "agency_code",
            "overdue",
            "from",
            "to",
            "limit",
            "offset"
        ]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect::<Vec<_>>()
    );
    add("get", "/incidents", list);
    add(
        "post",
        "/incidents",
        op(
            "Open an incident (by hand or from alerts); the deadline follows the severity",
            "201",
            Some("IncidentCreate"),
        ),
    );
    add(
        "get",
        "/incidents/{id}",
        op(
            "An incident with deadlines, allowed moves, timeline, tasks and evidence",
            "200",
            None,
        ),
    );
    add(
        "patch",
        "/incidents/{id}",
        op(
            "Change an incident; a status outside the workflow (new → triage → containment → eradication → recovery → closed; early close and reopen with a reason) is refused with 422",
            "200",
            Some("IncidentUpdate"),
        ),
    );
    let mut note = op("Add a note to the timeline", "201", None);
    note["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 10000}}}}}});
    add("post", "/incidents/{id}/notes", note);
    let mut link = op("Link alerts of the incident's agency", "200", None);
    link["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["alert_ids"], "properties": {"alert_ids": {"type": "array", "items": {"type": "integer"}}}}}}});
    add("post", "/incidents/{id}/alerts", link);
    let mut task = op("Add a task", "201", None);
    task["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"},
         "assignee": {"type": "string"}, "due_date": {"type": "string", "format": "date"}}}}}});
    add("post", "/incidents/{id}/tasks", task);
    let mut done = op("Mark a task done or not done", "200", None);
    done["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["done"], "properties": {"done": {"type": "boolean"}}}}}});
    add("patch", "/incidents/{id}/tasks/{task_id}", done);
    let mut ev = op(
        "Attach an evidence file (raw body, ?name=&note=; at most 20 MiB); stored with its SHA-256",
        "201",
        None,
    );
    ev["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
    add("post", "/incidents/{id}/evidence", ev);
    add(
        "get",
        "/incidents/{id}/evidence/{evidence_id}",
        op(
            "Download an evidence file (X-Content-SHA256 header)",
            "200",
            None,
        ),
    );
    let mut fl = op(
        "Findings in the caller's scope, most severe first",
        "200",
        None,
    );
    fl["parameters"] = json!(
        [
            "status",
            "severity",
            "source",
            "agency_code",
            "system_code",
            "overdue",
            "without_letter",
            "limit",
            "offset"
        ]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect::<Vec<_>>()
    );
    add("get", "/findings", fl);
    add(
        "post",
        "/findings",
        op(
            "Record a finding: 201 when new; 200 with deduplicated=true when the same issue on the same asset is already tracked (one more occurrence)",
            "201",
            Some("FindingCreate"),
        ),
    );
    add(
        "get",
        "/findings/{id}",
        op("A finding with its history", "200", None),
    );
    add(
        "patch",
        "/findings/{id}",
        op(
            "Change a finding's status (open → acknowledged → fixed → verified; accepted risk and reopening need a reason) or terms; agency officers may only acknowledge or report fixed",
            "200",
            Some("FindingUpdate"),
        ),
    );
    add(
        "get",
        "/letters",
        op("Recommendation letters in scope", "200", None),
    );
    add(
        "post",
        "/letters",
        op(
            "Issue a recommendation letter for findings of one agency; findings take its deadline",
            "201",
            Some("LetterCreate"),
        ),
    );
    add(
        "get",
        "/letters/{id}",
        op("A letter with its findings", "200", None),
    );
    add(
        "get",
        "/plans",
        op(
            "Inspection plans with targets in scope and progress",
            "200",
            None,
        ),
    );
    add(
        "post",
        "/plans",
        op(
            "Create an inspection plan with its targets",
            "201",
            Some("PlanCreate"),
        ),
    );
    add(
        "get",
        "/plans/{id}",
        op("A plan with the targets in scope", "200", None),
    );
    add(
        "put",
        "/plans/{id}",
        op(
            "Replace a plan's number, dates, title, team and description (no targets in the body)",
            "200",
            Some("PlanCreate"),
        ),
    );
    let mut at = op("Add targets to a plan", "201", None);
    at["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["targets"], "properties": {"targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}}}}});
    add("post", "/plans/{id}/targets", at);
    add(
        "put",
        "/targets/{id}/result",
        op(
            "Record the result of inspecting a target",
            "200",
            Some("TargetResult"),
        ),
    );
    add(
        "get",
        "/targets/{id}/items",
        op(
            "A target's checklist (the system's level requirements or the Đề án 06 workstation items) with the answers",
            "200",
            None,
        ),
    );
    let mut items = op(
        "Answer checklist items; the target's counts follow and it is inspected once nothing is pending",
        "200",
        None,
    );
    items["requestBody"] = json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items":
        {"type": "object", "required": ["code", "result"], "properties": {"code": {"type": "string"},
         "result": {"enum": lachan_store::ITEM_RESULTS}, "note": {"type": "string"}}}}}}}}});
    add("put", "/targets/{id}/items", items);
    let mut rep = op(
        "Figures of the periodic report for dates from..=to (Vietnam days; default the current half-year) in the caller's scope, with how each is counted",
        "200",
        None,
    );
    rep["parameters"] = json!([
        {"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}}
    ]);
    add("get", "/reports/summary", rep);
    add(
        "get",
        "/subscriptions",
        op(
            "Notification subscriptions (administrators: all; others: their own)",
            "200",
            None,
        ),
    );
    add(
        "post",
        "/subscriptions",
        op(
            "Subscribe an e-mail address or (administrators) a webhook to alerts, incidents and overdue findings of an agency or of the caller's scope, from a minimum severity",
            "201",
            Some("SubscriptionCreate"),
        ),
    );
    add(
        "delete",
        "/subscriptions/{id}",
        op(
            "End a subscription (its deliveries stay in the log)",
            "204",
            None,
        ),
    );
    add(
        "get",
        "/notifications",
        op(
            "The latest deliveries with status, attempts and last error (administrators)",
            "200",
            None,
        ),
    );
    let mut up = op(
        "Record an uploaded lachan scan JSON result for a host of ?agency_code= (or of inspection target ?target_id=, which is then marked inspected); the host belongs to ?system_code=, the target's system, or the system whose registry assets name it; failed checks, account problems and malware become findings; live findings of checks that now pass are verified, findings reported fixed that still fail are reopened",
        "201",
        None,
    );
    up["parameters"] = json!([
        {"name": "agency_code", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "target_id", "in": "query", "required": false, "schema": {"type": "integer"}},
        {"name": "system_code", "in": "query", "required": false, "schema": {"type": "string"}}
    ]);
    up["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object",
        "required": ["host", "policies"], "properties": {"host": {"type": "object"}, "policies": {"type": "array"},
        "accounts": {"type": "array"}, "malware": {"type": "array"}}}}}});
    add("post", "/scans", up);
    let mut ag = op(
        "Agent gateway: the agent's scheduled compliance result (a lachan scan JSON document), recorded for the agent's agency and host; bearer: the agent credential",
        "201",
        None,
    );
    ag["requestBody"] =
        json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
    add("post", "/agent/scan", ag);
    add(
        "get",
        "/scans",
        op(
            "Uploaded scans in scope, newest first (?host=)",
            "200",
            None,
        ),
    );
    add(
        "get",
        "/scans/{id}",
        op("One uploaded scan with its full result", "200", None),
    );
    let mut cmp = op(
        "Compliance from each host's latest scan, grouped by agency, information system or security level (?by=), filtered (?agency_code=, ?system_code=, ?level=), with the day-by-day trend over ?days= (default 30; a host keeps its last score until scanned again), the most failed checks and the hosts' latest scans",
        "200",
        None,
    );
    cmp["parameters"] = json!([
        {"name": "by", "in": "query", "required": false, "schema": {"type": "string", "enum": ["agency", "system", "level"]}},
        {"name": "agency_code", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "system_code", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "level", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 5}},
        {"name": "days", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 366}}
    ]);
    cmp["responses"]["200"]["content"] =
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/ComplianceView"}}});
    add("get", "/compliance", cmp);
    add(
        "get",
        "/monitors",
        op(
            "Monitors in scope with state and uptime (24 h, 7 days, 30 days)",
            "200",
            None,
        ),
    );
    add(
        "post",
        "/monitors",
        op(
            "Create a monitor: http (status, latency, keyword present/absent), tcp, tls (expiry), dns (answer change) or webcheck (scheduled portal integrity scan); interval with jitter; state changes need two results in a row",
            "201",
            Some("Monitor"),
        ),
    );
    let mut md = op(
        "A monitor with its results of the last ?hours= (default 24)",
        "200",
        None,
    );
    md["parameters"] =
        json!([{"name": "hours", "in": "query", "required": false, "schema": {"type": "integer"}}]);
    add("get", "/monitors/{id}", md);
    add(
        "put",
        "/monitors/{id}",
        op("Replace a monitor's settings", "200", Some("Monitor")),
    );
    add(
        "delete",
        "/monitors/{id}",
        op("Remove a monitor (its history stays)", "204", None),
    );
    add(
        "post",
        "/monitors/{id}/check",
        op("Check now and record the result", "200", None),
    );
    add(
        "get",
        "/status/{code}",
        op(
            "Status page of an agency: its monitors and those of the agencies below it",
            "200",
            None,
        ),
    );
}

pub fn monitor() -> Value {
    json!({"type": "object", "required": ["name", "kind", "target", "agency_code"], "properties": {
        "name": {"type": "string"},
        "kind": {"enum": codes(lachan_core::monitor::MonitorKind::ALL, lachan_core::monitor::MonitorKind::code)},
        "target": {"type": "string"}, "agency_code": {"type": "string"}, "system_code": {"type": "string"},
        "interval_secs": {"type": "integer"}, "timeout_secs": {"type": "integer", "minimum": 1, "maximum": 120},
        "keyword": {"type": "string"}, "keyword_absent": {"type": "boolean"},
        "expect_status": {"type": "integer"}, "tls_warn_days": {"type": "integer"},
        "enabled": {"type": "boolean"}}})
}

pub fn subscription_create() -> Value {
    json!({"type": "object", "required": ["channel", "target"], "properties": {
        "channel": {"enum": ["email", "webhook"]}, "target": {"type": "string"},
        "template": {"enum": ["json", "chat"]}, "agency_code": {"type": "string"},
        "personal": {"type": "boolean"},
        "events": {"type": "array", "items": {"enum": crate::notify::EVENT_KINDS}},
        "min_severity": severities()}})
}

pub fn incident_create() -> Value {
    json!({"type": "object", "required": ["title", "severity", "category", "agency_code"], "properties": {
        "title": {"type": "string", "maxLength": 300}, "description": {"type": "string"},
        "severity": severities(),
        "category": {"enum": codes(IncidentCategory::ALL, IncidentCategory::code)},
        "agency_code": {"type": "string"}, "system_code": {"type": "string"},
        "assets": {"type": "array", "items": {"type": "string"}},
        "alert_ids": {"type": "array", "items": {"type": "integer"}},
        "detected_at": {"type": "string", "format": "date-time"},
        "assignee": {"type": "string"}, "impact": {"type": "string"},
        "personal_data": {"type": "boolean"}}})
}

pub fn incident_update() -> Value {
    json!({"type": "object", "properties": {
        "status": {"enum": codes(IncidentStatus::ALL, IncidentStatus::code)},
        "reason": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "severity": severities(),
        "category": {"enum": codes(IncidentCategory::ALL, IncidentCategory::code)},
        "assignee": {"type": "string"}, "impact": {"type": "string"},
        "personal_data": {"type": "boolean"},
        "reported_at": {"type": "string", "format": "date-time"},
        "assets": {"type": "array", "items": {"type": "string"}}}})
}

pub fn finding_create() -> Value {
    json!({"type": "object", "required": ["title", "severity", "agency_code"], "properties": {
        "title": {"type": "string", "maxLength": 300}, "severity": severities(),
        "agency_code": {"type": "string"}, "system_code": {"type": "string"},
        "asset": {"type": "string"},
        "source": {"enum": codes(FindingSource::ALL, FindingSource::code)},
        "source_ref": {"type": "string"}, "description": {"type": "string"},
        "evidence": {"type": "string"}, "recommendation": {"type": "string"},
        "target_id": {"type": "integer"}, "observed_at": {"type": "string", "format": "date-time"}}})
}

pub fn finding_update() -> Value {
    json!({"type": "object", "properties": {
        "status": {"enum": codes(FindingStatus::ALL, FindingStatus::code)},
        "reason": {"type": "string"}, "severity": severities(),
        "recommendation": {"type": "string"},
        "due_date": {"type": "string", "format": "date"}}})
}

pub fn letter_create() -> Value {
    json!({"type": "object", "required": ["number", "date", "agency_code", "finding_ids", "deadline"], "properties": {
        "number": {"type": "string"}, "date": {"type": "string", "format": "date"},
        "agency_code": {"type": "string"},
        "finding_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        "deadline": {"type": "string", "format": "date"},
        "subject": {"type": "string"}, "signer": {"type": "string"}, "body": {"type": "string"}}})
}

pub fn target() -> Value {
    json!({"type": "object", "required": ["kind", "agency_code"], "properties": {
        "kind": {"enum": codes(TargetKind::ALL, TargetKind::code)},
        "agency_code": {"type": "string"}, "system_code": {"type": "string"},
        "name": {"type": "string"}, "scheduled_date": {"type": "string", "format": "date"},
        "checklist": {"enum": codes(Checklist::ALL, Checklist::code)},
        "reinspection": {"type": "boolean"}}})
}

pub fn plan_create() -> Value {
    json!({"type": "object", "required": ["number", "date", "title", "start_date", "end_date"], "properties": {
        "number": {"type": "string"}, "date": {"type": "string", "format": "date"},
        "title": {"type": "string"}, "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "team": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"},
        "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}})
}

pub fn target_result() -> Value {
    json!({"type": "object", "required": ["status"], "properties": {
        "status": {"enum": codes(TargetStatus::ALL, TargetStatus::code)},
        "inspected_on": {"type": "string", "format": "date"},
        "passed": {"type": "integer"}, "failed": {"type": "integer"},
        "not_applicable": {"type": "integer"}, "summary": {"type": "string"},
        "inspector": {"type": "string"}}})
}

/// `GET /compliance`.
pub fn compliance_view() -> Value {
    let trend = json!({"type": "array", "items": {"type": "object", "properties": {
        "day": {"type": "string", "format": "date", "description": "Vietnam calendar day"},
        "hosts": {"type": "integer"},
        "pass_rate": {"type": ["number", "null"], "description": "mean score (%) of the hosts' latest scans by the end of the day"},
        "failed_checks": {"type": "integer"}}}});
    let group = json!({"type": "object", "properties": {
        "key": {"type": "string", "description": "agency code, system code or security level; empty: hosts of no known system"},
        "name": {"type": "string"},
        "security_level": {"type": ["integer", "null"]},
        "hosts": {"type": "integer"},
        "pass_rate": {"type": ["number", "null"]},
        "failed_checks": {"type": "integer"},
        "trend": trend}});
    json!({"type": "object", "properties": {
        "by": {"type": "string", "enum": ["agency", "system", "level"]},
        "overall": group.clone(),
        "groups": {"type": "array", "items": group},
        "top_failed": {"type": "array", "items": {"type": "object", "properties": {
            "policy_id": {"type": "string"}, "check_id": {"type": "string"}, "title": {"type": "string"},
            "severity": {"type": "string"}, "hosts": {"type": "integer", "description": "hosts whose latest scan fails it"}}}},
        "hosts": {"type": "array", "description": "each host's latest scan (at most 500 listed)", "items": {"type": "object", "properties": {
            "scan_id": {"type": "integer"}, "agency_code": {"type": "string"}, "host": {"type": "string"},
            "system_code": {"type": ["string", "null"]}, "security_level": {"type": ["integer", "null"]},
            "score": {"type": ["number", "null"]}, "passed": {"type": "integer"}, "failed": {"type": "integer"},
            "finished_at": {"type": "string", "format": "date-time"}}}}}})
}
