//! The operations pages of the console through the real router: incidents (agency
//! scope, the new-incident form, workflow moves, tasks, evidence, the printable
//! report), findings and letters, inspection plans, the periodic report and the
//! dashboard block.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod form_client;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{ADMIN_PW, TestServer};
use form_client::Client;
use lachan_core::auth::Role;
use lachan_store::{AccountStore, AlertHit, AlertStore, AuditCtx, NewUser};
use serde_json::{Value, json};

const PW: &str = "console-ops-pw-1";

struct World {
    s: TestServer,
    admin: String,
}

/// Agencies A and B with systems, and console users who need no password change.
async fn world() -> World {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/agencies",
                Some(&admin),
                Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (code, agency, level) in [("SYS-A1", "A", 3), ("SYS-B1", "B", 2)] {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/systems",
                Some(&admin),
                Some(
                    json!({"code": code, "name": format!("Hệ thống {code}"), "agency_code": agency,
                    "security_level": level, "dossier_status": "drafting"}),
                ),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (user, role, agency) in [
        ("analyst", Role::Analyst, None),
        ("officer_a", Role::AgencyOfficer, Some("A")),
        ("officer_b", Role::AgencyOfficer, Some("B")),
    ] {
        let hash = lachan_server::auth::hash_password(PW.into()).await.unwrap();
        s.store
            .create_user(
                &AuditCtx::local("test"),
                NewUser {
                    username: user.into(),
                    full_name: format!("Cán bộ {user}"),
                    password_hash: hash,
                    role,
                    agency_code: agency.map(str::to_string),
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
    }
    World { s, admin }
}

impl World {
    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (st, v) = self
            .s
            .call(method, &format!("/api/v1{path}"), Some(&self.admin), body)
            .await;
        assert!(st.is_success(), "{method} {path}: {st} {v}");
        v
    }

    async fn incident(&self, title: &str, agency: &str, at: &str) -> i64 {
        self.api(
            "POST",
            "/incidents",
            Some(
                json!({"title": title, "severity": "high", "category": "malware",
                "agency_code": agency, "detected_at": at}),
            ),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    async fn finding(&self, title: &str, agency: &str) -> i64 {
        self.api(
            "POST",
            "/findings",
            Some(
                json!({"title": title, "severity": "high", "agency_code": agency,
                "asset": format!("srv-{title}"), "recommendation": format!("Khắc phục {title}")}),
            ),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }
}

fn id_after(body: &str, prefix: &str) -> i64 {
    let i = body
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {body}"))
        + prefix.len();
    body[i..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn officer_sees_own_agency_incidents_only() {
    let w = world().await;
    let a = w.incident("Mã độc ở A", "A", "2026-11-20T01:00:00Z").await;
    let b = w.incident("Mã độc ở B", "B", "2026-11-20T02:00:00Z").await;
    let mut o = Client::login(&w.s, "officer_a", PW).await;
    let list = o.get("/incidents").await.ok();
    assert!(list.body.contains("Mã độc ở A"));
    assert!(!list.body.contains("Mã độc ở B"), "{}", list.body);
    assert!(list.body.contains("href=\"/incidents\""), "nav entry");
    let page = o.get(&format!("/incidents/{a}")).await.ok();
    assert!(page.body.contains("Mã độc ở A"));
    assert!(page.body.contains("20/11/2026 08:00"), "T0 in Vietnam time");
    assert_eq!(
        o.get(&format!("/incidents/{b}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        o.get(&format!("/incidents/{b}/report")).await.status,
        StatusCode::NOT_FOUND
    );
    // The agency select of the new-incident form offers the officer's agency only.
    assert!(list.body.contains("<option value=\"A\""));
    assert!(!list.body.contains("<option value=\"B\""));
}

#[tokio::test]
async fn incident_is_opened_and_handled_through_forms() {
    let w = world().await;
    let mut o = Client::login(&w.s, "officer_a", PW).await;
    let form = o.get("/incidents").await.ok();
    assert!(form.body.contains("id=\"new-incident\""));
    let csrf = form.csrf();
    let no_csrf = o
        .post("/incidents", &[("title", "x"), ("severity", "low")])
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let bad = o
        .post(
            "/incidents",
            &[
                ("_csrf", &csrf),
                ("title", ""),
                ("severity", "high"),
                ("category", "phishing"),
                ("agency_code", "A"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"form-error\""), "{}", bad.body);
    let r = o
        .post(
            "/incidents",
            &[
                ("_csrf", &csrf),
                ("title", "Thư lừa đảo giả mạo Sở"),
                ("severity", "high"),
                ("category", "phishing"),
                ("agency_code", "A"),
                ("system_code", "SYS-A1"),
                ("assets", "mail.a.gov.vn\npc-01"),
                ("description", "Nhiều cán bộ nhận thư giả mạo."),
                ("detected_at", "2026-11-30T08:30"),
                ("alert_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_after(r.location(), "/incidents/");
    assert!(r.location().ends_with("?ok=created"));
    let (_, v) =
        w.s.call(
            "GET",
            &format!("/api/v1/incidents/{id}"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(
        v["detected_at"], "2026-11-30T01:30:00Z",
        "typed in Vietnam time"
    );
    assert_eq!(v["assets"], json!(["mail.a.gov.vn", "pc-01"]));

    let page = o.get(&format!("/incidents/{id}")).await.ok();
    assert!(page.body.contains("30/11/2026 08:30"));
    assert!(page.body.contains("Mới tiếp nhận"));
    // Only the allowed moves are offered: triage, or closing early.
    assert!(page.body.contains("<option value=\"triage\""));
    assert!(page.body.contains("<option value=\"closed\""));
    assert!(!page.body.contains("<option value=\"recovery\""));
    let path = format!("/incidents/{id}/status");
    let r = o
        .post(
            &path,
            &[("_csrf", &csrf), ("status", "triage"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An illegal move and an early close without a reason are shown on the page.
    let illegal = o
        .post(
            &path,
            &[("_csrf", &csrf), ("status", "recovery"), ("reason", "")],
        )
        .await;
    assert_eq!(illegal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(illegal.body.contains("id=\"form-error\""));
    assert!(illegal.body.contains("cannot move"), "{}", illegal.body);
    assert!(
        illegal.body.contains("Xác minh, phân loại"),
        "page still shown"
    );
    let no_reason = o
        .post(
            &path,
            &[("_csrf", &csrf), ("status", "closed"), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason.body.contains("needs a reason"),
        "{}",
        no_reason.body
    );

    // Note, task, evidence.
    let r = o
        .post(
            &format!("/incidents/{id}/notes"),
            &[("_csrf", &csrf), ("text", "Đã chặn tên miền giả mạo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = o
        .post(
            &format!("/incidents/{id}/tasks"),
            &[
                ("_csrf", &csrf),
                ("title", "Đổi mật khẩu hộp thư"),
                ("assignee", "officer_a"),
                ("due_date", "05/12/2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = o.get(&format!("/incidents/{id}")).await.ok();
    assert!(page.body.contains("05/12/2026"));
    let task = id_after(&page.body, &format!("action=\"/incidents/{id}/tasks/"));
    let r = o
        .post(
            &format!("/incidents/{id}/tasks/{task}"),
            &[("_csrf", &csrf), ("done", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let boundary = "XyZbOuNdArY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nthư mẫu\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"thu gia mao.eml\"\r\n\
         Content-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\n--{boundary}--\r\n"
    );
    let b = Request::builder()
        .method("POST")
        .uri(format!("/incidents/{id}/evidence"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    let r = o.request(b, Body::from(body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = o.get(&format!("/incidents/{id}")).await.ok();
    assert!(page.body.contains("thu gia mao.eml"));
    let eid = id_after(&page.body, &format!("/incidents/{id}/evidence/"));
    let file = o.get(&format!("/incidents/{id}/evidence/{eid}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, "From: x@example.com");
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    // The timeline has every step.
    for s in [
        "Tạo mới",
        "Mới tiếp nhận → Xác minh, phân loại",
        "Đã chặn tên miền giả mạo",
        "Đổi mật khẩu hộp thư",
        "Chứng cứ",
    ] {
        assert!(page.body.contains(s), "{s}: {}", page.body);
    }
    // Close with a reason, then the printable report.
    let r = o
        .post(
            &path,
            &[
                ("_csrf", &csrf),
                ("status", "closed"),
                ("reason", "Đã xử lý xong"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let report = o.get(&format!("/incidents/{id}/report")).await.ok();
    for s in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Báo cáo sự cố an toàn thông tin mạng",
        "Sở A",
        "SYS-A1",
        "30/11/2026 08:30",
        "Nhiều cán bộ nhận thư giả mạo.",
        "Đã chặn tên miền giả mạo",
        "Đã đóng",
        "Đã xử lý xong",
    ] {
        assert!(report.body.contains(s), "{s}: {}", report.body);
    }
}

#[tokio::test]
async fn incident_is_opened_from_an_alert() {
    let w = world().await;
    let (_, a) =
        w.s.call("GET", "/api/v1/agencies/A", Some(&w.admin), None)
            .await;
    let ids =
        w.s.store
            .record_alert_hits(&[AlertHit {
                rule_id: "r-1".into(),
                rule_title: "USB storage".into(),
                level: "high".into(),
                host: "pc-a".into(),
                agency_id: a["id"].as_i64(),
                seen_at: "2026-11-20T03:00:00Z".into(),
                event_id: "1-1".into(),
                key_fields: json!({}),
            }])
            .await
            .unwrap();
    let alert = ids[0].0;
    let mut o = Client::login(&w.s, "officer_a", PW).await;
    let page = o.get(&format!("/alerts/{alert}")).await.ok();
    assert!(
        page.body
            .contains(&format!("href=\"/incidents/new?alert_id={alert}\""))
    );
    let form = o
        .get(&format!("/incidents/new?alert_id={alert}"))
        .await
        .ok();
    assert!(form.body.contains("value=\"USB storage\""), "{}", form.body);
    assert!(form.body.contains("<option value=\"A\" selected"));
    assert!(
        form.body.contains("2026-11-20T10:00"),
        "alert time, Vietnam"
    );
    let csrf = form.csrf();
    let r = o
        .post(
            "/incidents",
            &[
                ("_csrf", &csrf),
                ("title", "USB storage"),
                ("severity", "medium"),
                ("category", "insider"),
                ("agency_code", "A"),
                ("alert_id", &alert.to_string()),
                ("detected_at", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = o.get(r.location().split('?').next().unwrap()).await.ok();
    assert!(page.body.contains(&format!("href=\"/alerts/{alert}\"")));
    assert!(
        page.body.contains("20/11/2026 10:00"),
        "T0 = the alert's time"
    );
}

#[tokio::test]
async fn letter_is_drafted_from_the_findings_page() {
    let w = world().await;
    let f1 = w.finding("Mật khẩu mặc định", "A").await;
    let f2 = w.finding("Dịch vụ SMB mở", "A").await;
    let fb = w.finding("Phần mềm lỗi thời", "B").await;
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let all = c.get("/findings").await.ok();
    assert!(
        all.body.contains("id=\"letter-hint\""),
        "pick an agency first"
    );
    assert!(!all.body.contains("id=\"letter-form\""));
    let page = c
        .get("/findings?agency_code=A&without_letter=on")
        .await
        .ok();
    assert!(page.body.contains("id=\"letter-form\""));
    assert!(page.body.contains(&format!("value=\"{f1}\"")));
    assert!(!page.body.contains("Phần mềm lỗi thời"));
    let csrf = page.csrf();
    let (f1s, f2s) = (f1.to_string(), f2.to_string());
    let r = c
        .post(
            "/letters",
            &[
                ("_csrf", &csrf),
                ("agency_code", "A"),
                ("finding_ids", &f1s),
                ("finding_ids", &f2s),
                ("number", "125/CAT-PA05"),
                ("date", "01/12/2026"),
                ("deadline", "31/12/2026"),
                ("subject", ""),
                ("signer", "Nguyễn Văn A"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_after(r.location(), "/letters/");
    let letter = c.get(&format!("/letters/{id}")).await.ok();
    for s in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "125/CAT-PA05",
        "…, ngày 01 tháng 12 năm 2026",
        "Kính gửi",
        "Sở A",
        "V/v kiến nghị khắc phục",
        "Mật khẩu mặc định",
        "Dịch vụ SMB mở",
        "Khắc phục Dịch vụ SMB mở",
        "srv-Mật khẩu mặc định",
        "Cao",
        "31/12/2026",
        "Nguyễn Văn A",
    ] {
        assert!(letter.body.contains(s), "{s}: {}", letter.body);
    }
    let list = c.get("/letters").await.ok();
    assert!(list.body.contains("125/CAT-PA05"));
    // Findings already in a letter leave the "without letter" list.
    let rest = c
        .get("/findings?agency_code=A&without_letter=on")
        .await
        .ok();
    assert!(!rest.body.contains("Mật khẩu mặc định"));
    // A letter may not mix agencies.
    let fbs = fb.to_string();
    let mixed = c
        .post(
            "/letters",
            &[
                ("_csrf", &csrf),
                ("agency_code", "A"),
                ("finding_ids", &fbs),
                ("number", "126/CAT-PA05"),
                ("date", "01/12/2026"),
                ("deadline", "31/12/2026"),
            ],
        )
        .await;
    assert!(mixed.status.is_client_error(), "{}", mixed.status);

    // The owning agency's officer answers; the letter is visible to it, not to B.
    let mut o = Client::login(&w.s, "officer_a", PW).await;
    let f = o.get(&format!("/findings/{f1}")).await.ok();
    assert!(f.body.contains("<option value=\"acknowledged\""));
    assert!(f.body.contains("<option value=\"fixed\""));
    assert!(!f.body.contains("<option value=\"accepted_risk\""));
    assert!(
        !o.get("/findings?agency_code=A")
            .await
            .body
            .contains("id=\"letter-form\"")
    );
    let csrf = f.csrf();
    let r = o
        .post(
            &format!("/findings/{f1}/status"),
            &[("_csrf", &csrf), ("status", "fixed"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let refused = o
        .post(
            &format!("/findings/{f1}/status"),
            &[("_csrf", &csrf), ("status", "verified"), ("reason", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        o.get(&format!("/letters/{id}")).await.status,
        StatusCode::OK
    );
    let mut ob = Client::login(&w.s, "officer_b", PW).await;
    assert_eq!(
        ob.get(&format!("/letters/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn plan_targets_and_results_through_forms() {
    let w = world().await;
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/plans",
            &[
                ("_csrf", &csrf),
                ("number", "45/KH-PA05"),
                ("date", "01/07/2026"),
                ("title", "Kiểm tra 6 tháng cuối năm"),
                ("start_date", "01/07/2026"),
                ("end_date", "31/12/2026"),
                ("team", "Tổ 1\nTổ 2\n"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan = id_after(r.location(), "/plans/");
    for (kind, agency, system, name) in [
        ("system", "A", "SYS-A1", ""),
        ("workstation", "B", "", "pc-mc-01"),
    ] {
        let r = c
            .post(
                &format!("/plans/{plan}/targets"),
                &[
                    ("_csrf", &csrf),
                    ("kind", kind),
                    ("agency_code", agency),
                    ("system_code", system),
                    ("name", name),
                    ("scheduled_date", "15/11/2026"),
                    ("checklist", "security_level"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let bad = c
        .post(
            &format!("/plans/{plan}/targets"),
            &[
                ("_csrf", &csrf),
                ("kind", "system"),
                ("agency_code", "A"),
                ("checklist", "security_level"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = c.get(&format!("/plans/{plan}")).await.ok();
    assert!(page.body.contains("0/2"));
    let target = id_after(&page.body, "action=\"/targets/");
    assert!(page.body.contains(&format!(
        "/findings/new?target_id={target}&#38;agency_code=A&#38;source=inspection&#38;system_code=SYS-A1"
    )));
    let r = c
        .post(
            &format!("/targets/{target}/result"),
            &[
                ("_csrf", &csrf),
                ("status", "done"),
                ("inspected_on", "16/11/2026"),
                ("passed", "54"),
                ("failed", "10"),
                ("not_applicable", ""),
                ("summary", "Còn tồn tại"),
                ("inspector", "Tổ 1"),
            ],
        )
        .await;
    assert_eq!(r.location(), format!("/plans/{plan}?ok=saved"));
    let page = c.get(&format!("/plans/{plan}")).await.ok();
    assert!(page.body.contains("1/2 (50%)"));
    assert!(page.body.contains("54 đạt"));
    let list = c.get("/plans").await.ok();
    assert!(list.body.contains("1/2"));
    // Recording a finding at the target: the form comes prefilled.
    let form = c
        .get(&format!(
            "/findings/new?target_id={target}&agency_code=A&source=inspection&system_code=SYS-A1"
        ))
        .await
        .ok();
    assert!(
        form.body
            .contains(&format!("name=\"target_id\" value=\"{target}\""))
    );
    assert!(form.body.contains("<option value=\"inspection\" selected"));
    let r = c
        .post(
            "/findings",
            &[
                ("_csrf", &csrf),
                ("title", "Chưa cấu hình sao lưu"),
                ("severity", "medium"),
                ("agency_code", "A"),
                ("system_code", "SYS-A1"),
                ("source", "inspection"),
                ("target_id", &target.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get(&format!("/plans/{plan}")).await.ok();
    assert!(page.body.contains("1 phát hiện"), "{}", page.body);
}

#[tokio::test]
async fn report_page_shows_the_figures_and_how_they_were_counted() {
    let w = world().await;
    // Two incidents inside the period (from 1 July 2026 to today), one before it.
    let i1 = w.incident("Sự cố 1", "A", "2026-08-01T01:00:00Z").await;
    w.incident("Sự cố 2", "B", "2026-09-01T01:00:00Z").await;
    w.incident("Sự cố cũ", "B", "2026-03-01T01:00:00Z").await;
    w.api(
        "PATCH",
        &format!("/incidents/{i1}"),
        Some(json!({"status": "closed", "reason": "nhầm"})),
    )
    .await;
    let f = w.finding("Lỗ hổng web", "A").await;
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .to_string();
    w.api(
        "POST",
        "/letters",
        Some(json!({"number": "9/CAT", "date": today, "agency_code": "A", "finding_ids": [f], "deadline": today})),
    )
    .await;
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let period = format!("from=2026-07-01&to={today}");
    let r = c.get(&format!("/report?{period}")).await.ok();
    let has = |id: &str, n: i64| {
        assert!(
            r.body.contains(&format!("id=\"{id}\">{n}<")),
            "{id} = {n}: {}",
            r.body
        )
    };
    has("incidents-total", 2);
    has("incidents-open", 1);
    has("findings-total", 1);
    has("letters-issued", 1);
    has("inspections-planned", 0);
    assert!(r.body.contains("01/07/2026"));
    assert!(
        r.body.contains("Sự cố có thời điểm phát hiện trong kỳ"),
        "method text"
    );
    assert!(
        r.body
            .contains("Công văn kiến nghị có ngày ban hành trong kỳ.")
    );
    assert!(r.body.contains("class=\"w-100\""), "a full bar");
    assert!(!r.body.contains("style="), "no inline style");
    // One click from the navigation: the current half-year, with the quick links.
    let d = c.get("/report").await.ok();
    assert!(d.body.contains("6 tháng đầu năm") && d.body.contains("Cả năm"));
    let p = c.get(&format!("/report?{period}&print=1")).await.ok();
    assert!(!p.body.contains("id=\"print-view\""));
    // Officer B sees B's figures only.
    let mut ob = Client::login(&w.s, "officer_b", PW).await;
    let rb = ob.get(&format!("/report?{period}")).await.ok();
    assert!(rb.body.contains("id=\"incidents-total\">1<"), "{}", rb.body);
    // English labels, same figures.
    ob.jar.insert("lang".into(), "en".into());
    let en = ob.get(&format!("/report?{period}")).await.ok();
    assert!(en.body.contains("How it was counted"));
    assert!(en.body.contains("Incidents detected inside the period"));
}

#[tokio::test]
async fn dashboard_has_the_operations_block_and_pages_render_in_english() {
    let w = world().await;
    w.incident("Đang mở", "A", "2026-11-20T01:00:00Z").await;
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let d = c.get("/").await.ok();
    assert!(d.body.contains("id=\"ops-block\""));
    assert!(
        d.body.contains("id=\"dash-incidents-open\">1<"),
        "{}",
        d.body
    );
    c.jar.insert("lang".into(), "en".into());
    for path in [
        "/",
        "/incidents",
        "/findings",
        "/letters",
        "/plans",
        "/report",
    ] {
        let p = c.get(path).await.ok();
        assert!(p.body.contains("Inspection plans"), "{path}");
    }
}

/// The report and an incident report as PDF, through headless Chromium when the
/// machine has it; without it the console answers 503 saying what is missing.
#[tokio::test]
async fn report_and_incident_report_download_as_pdf() {
    let w = world().await;
    let id = w.incident("Sự cố PDF", "A", "2026-08-01T01:00:00Z").await;
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let have_chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .any(|p| std::path::Path::new(p).is_file())
        || std::env::var_os("LACHAN_CHROMIUM").is_some();
    for path in [
        "/report?from=2026-07-01&to=2026-12-31&format=pdf".to_string(),
        format!("/incidents/{id}/report?format=pdf"),
    ] {
        let r = c.get(&path).await;
        if have_chromium {
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
            assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
            assert!(r.body.starts_with("%PDF-"), "{path}");
        } else {
            eprintln!("SKIPPED: no Chromium on this machine; checking the 503 answer only");
            assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
            assert!(r.body.contains("Chromium"));
        }
    }
}

/// A workstation's Đề án 06 checklist is answered on its page; the counts follow.
#[tokio::test]
async fn target_checklist_is_answered_through_its_page() {
    let w = world().await;
    let plan = w
        .api(
            "POST",
            "/plans",
            Some(json!({"number": "5/KH", "date": "2026-01-02", "title": "Đề án 06",
                "start_date": "2026-01-05", "end_date": "2026-12-31",
                "targets": [{"kind": "workstation", "agency_code": "A", "name": "pc-01", "checklist": "d06_workstation"}]})),
        )
        .await;
    let id = plan["targets"][0]["id"].as_i64().unwrap();
    let mut c = Client::login(&w.s, "analyst", PW).await;
    let r = c.get(&format!("/targets/{id}")).await.ok();
    assert!(r.body.contains("D06-05") && r.body.contains("Chặn thiết bị lưu trữ ngoài"));
    let csrf = r.csrf();
    let codes: Vec<String> = (1..=28).map(|n| format!("D06-{n:02}")).collect();
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf)];
    for (n, code) in codes.iter().enumerate() {
        let result = if n == 4 { "failed" } else { "passed" };
        form.push((format!("result.{code}"), result.into()));
        form.push((
            format!("note.{code}"),
            if n == 4 {
                "USB mở".into()
            } else {
                String::new()
            },
        ));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post(&format!("/targets/{id}/items"), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.get(&format!("/targets/{id}")).await.ok();
    assert!(
        r.body.contains("27 Đạt") || r.body.contains(">27 "),
        "{}",
        r.body
    );
    assert!(r.body.contains("USB mở"));
    let t = w.api("GET", &format!("/targets/{id}/items"), None).await;
    assert_eq!(
        (
            t["passed"].clone(),
            t["failed"].clone(),
            t["status"].clone()
        ),
        (json!(27), json!(1), json!("done"))
    );
    // Another agency's officer cannot open it.
    let mut b = Client::login(&w.s, "officer_b", PW).await;
    assert_eq!(
        b.get(&format!("/targets/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Anyone subscribes their own address; a bad address is shown on the form; an
/// administrator also sees the delivery log.
#[tokio::test]
async fn notifications_are_subscribed_from_the_account_pages() {
    let w = world().await;
    let mut c = Client::login(&w.s, "officer_a", PW).await;
    let r = c.get("/account/notifications").await.ok();
    assert!(r.body.contains("Chưa đăng ký"));
    assert!(!r.body.contains("name=\"channel\" id") && !r.body.contains("webhook</option>"));
    let csrf = r.csrf();
    let r = c
        .post(
            "/account/notifications",
            &[
                ("_csrf", csrf.as_str()),
                ("channel", "email"),
                ("target", "khong-phai-email"),
                ("min_severity", "high"),
                ("ev_incident", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("khong-phai-email"));
    let r = c
        .post(
            "/account/notifications",
            &[
                ("_csrf", csrf.as_str()),
                ("channel", "email"),
                ("target", "canbo.a@hanguyen.gov.vn"),
                ("min_severity", "medium"),
                ("ev_incident", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.get("/account/notifications").await.ok();
    assert!(r.body.contains("canbo.a@hanguyen.gov.vn") && r.body.contains("Sự cố"));
    // Webhooks are an administrator's: the officer's attempt is refused.
    let r = c
        .post(
            "/account/notifications",
            &[
                ("_csrf", csrf.as_str()),
                ("channel", "webhook"),
                ("target", "https://chat.example.vn/h"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut admin = Client::login(&w.s, "analyst", PW).await;
    let r = admin.get("/account/notifications").await.ok();
    assert!(
        !r.body.contains("canbo.a@hanguyen.gov.vn"),
        "others' personal subscriptions stay private"
    );
    let mut root = Client::login(&w.s, "admin", common::ADMIN_PW).await;
    let r = root.get("/account/notifications").await.ok();
    assert!(r.body.contains("canbo.a@hanguyen.gov.vn") && r.body.contains("Nhật ký gửi thông báo"));
}

/// The compliance page shows each agency's mean score from uploaded scans.
#[tokio::test]
async fn compliance_page_shows_scores_per_agency() {
    let w = world().await;
    let scan = json!({"host": {"hostname": "pc-a-01"}, "finished_at": "2026-11-30T02:00:00Z",
        "policies": [{"id": "p", "name": "P", "checks": [
            {"id": 1, "title": "a", "result": "passed"},
            {"id": 2, "title": "b", "result": "failed", "severity": "high"},
            {"id": 3, "title": "c", "result": "passed"},
            {"id": 4, "title": "d", "result": "passed"}]}]});
    let (st, v) =
        w.s.send(
            "POST",
            "/api/v1/scans?agency_code=A",
            Some(&w.admin),
            "application/json",
            scan.to_string().into_bytes(),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let mut c = Client::login(&w.s, "officer_a", PW).await;
    let r = c.get("/compliance").await.ok();
    assert!(
        r.body.contains("75.0%") && r.body.contains("pc-a-01"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("id=\"cmp-trend\"") && r.body.contains("<polyline"),
        "the trend is drawn: {}",
        r.body
    );
    // Grouped by security level: the host serves no known system.
    let r = c.get("/compliance?by=level&days=7").await.ok();
    assert!(
        r.body.contains("Chưa gắn hệ thống thông tin") && r.body.contains("Theo cấp độ an toàn"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<option value=\"7\" selected>"),
        "{}",
        r.body
    );
    let r = c.get("/compliance?level=9").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut b = Client::login(&w.s, "officer_b", PW).await;
    let r = b.get("/compliance").await.ok();
    assert!(
        !r.body.contains("pc-a-01"),
        "another agency's hosts stay hidden"
    );
    let r = b.get("/compliance?agency_code=A").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

fn scan_form(csrf: &str, agency: &str, file: &str) -> (String, String) {
    let boundary = "ScAnBoUnDaRy";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"agency_code\"\r\n\r\n{agency}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"system_code\"\r\n\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.json\"\r\n\
         Content-Type: application/json\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A `lachan scan` JSON result imported on the compliance page is recorded like an upload.
#[tokio::test]
async fn compliance_page_imports_a_scan_result() {
    let w = world().await;
    let scan = json!({"host": {"hostname": "pc-import-01"}, "policies": [{"id": "p", "name": "P",
        "checks": [{"id": 1, "title": "a", "result": "failed", "severity": "high"}]}]})
    .to_string();
    let mut a = Client::login(&w.s, "analyst", PW).await;
    let page = a.get("/compliance").await.ok();
    assert!(page.body.contains("id=\"cmp-import\""), "{}", page.body);
    let csrf = a.csrf().await;
    let post = |ct: String| {
        Request::builder()
            .method("POST")
            .uri("/compliance/import")
            .header(header::CONTENT_TYPE, ct)
    };
    // Wrong CSRF token: refused, nothing stored.
    let (ct, body) = scan_form("forged", "A", &scan);
    let r = a.request(post(ct), Body::from(body)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Not a scan result: 400 naming the position.
    let (ct, body) = scan_form(&csrf, "A", "{\"host\": 5}");
    let r = a.request(post(ct), Body::from(body)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("line 1"), "{}", r.body);
    let (_, v) = w.s.call("GET", "/api/v1/scans", Some(&w.admin), None).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0, "{v}");

    let (ct, body) = scan_form(&csrf, "A", &scan);
    let r = a.request(post(ct), Body::from(body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = a.get("/compliance?ok=scan_imported").await.ok();
    assert!(
        page.body.contains("pc-import-01") && page.body.contains("Đã ghi nhận kết quả quét."),
        "{}",
        page.body
    );
    let (_, v) =
        w.s.call(
            "GET",
            "/api/v1/findings?agency_code=A",
            Some(&w.admin),
            None,
        )
        .await;
    assert!(v.to_string().contains("pc-import-01"), "{v}");

    // An agency officer cannot record a scan for another agency.
    let mut b = Client::login(&w.s, "officer_b", PW).await;
    let csrf = b.csrf().await;
    let (ct, body) = scan_form(&csrf, "A", &scan);
    let r = b.request(post(ct), Body::from(body)).await;
    assert!(
        r.status == StatusCode::FORBIDDEN,
        "officer of B importing for A: {} {}",
        r.status,
        r.body
    );
}
