//! The agent-group pages of the console: a group written as YAML, a mistake shown on the
//! form with the text kept, editing, moving an agent into the group, and read-only
//! views for officers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod form_client;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use form_client::Client;
use lachan_core::auth::Role;
use lachan_store::{AccountStore, AgentStore, AuditCtx, NewUser};
use serde_json::json;

const PW: &str = "console-groups-pw-1";

async fn world() -> (TestServer, i64) {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/agencies",
            Some(&admin),
            Some(json!({"code": "A", "name": "Sở A", "kind": "province_department"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let hash = lachan_server::auth::hash_password(PW.into()).await.unwrap();
    s.store
        .create_user(
            &AuditCtx::local("test"),
            NewUser {
                username: "officer_a".into(),
                full_name: "Cán bộ A".into(),
                password_hash: hash,
                role: Role::AgencyOfficer,
                agency_code: Some("A".into()),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let (_, t) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&admin),
            Some(json!({"agency_code": "A"})),
        )
        .await;
    let (st, e) = s
        .call(
            "POST",
            "/api/v1/agent/enroll",
            None,
            Some(json!({"token": t["token"], "hostname": "pc-mot-cua-01"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    (s, e["agent_id"].as_i64().unwrap())
}

const YAML: &str = "fim:\n  - /etc\nusb: true\ncompliance:\n  every_minutes: 720\n  policies: [lachan_d06_workstation_linux]\n";

#[tokio::test]
async fn groups_are_written_as_yaml_and_agents_moved_into_them() {
    let (s, agent) = world().await;
    let mut c = Client::login(&s, "admin", ADMIN_PW).await;
    let page = c.get("/agents/groups").await.ok();
    assert!(page.body.contains("id=\"group-form\""));
    let csrf = page.csrf();

    // A wrong value: the form comes back with the reason and the text as typed.
    let bad = "fim:\n  - etc\n";
    let r = c
        .post(
            "/agents/groups",
            &[
                ("_csrf", &csrf),
                ("name", "d06"),
                ("agency_code", "A"),
                ("description", ""),
                ("settings", bad),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"form-error\""), "{}", r.body);
    assert!(r.body.contains("fim[0]"), "{}", r.body);
    assert!(r.body.contains("  - etc"), "typed text kept");
    // Broken YAML names the settings box.
    let r = c
        .post(
            "/agents/groups",
            &[
                ("_csrf", &csrf),
                ("name", "d06"),
                ("agency_code", "A"),
                ("description", ""),
                ("settings", "fim: ["),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let r = c
        .post(
            "/agents/groups",
            &[
                ("_csrf", &csrf),
                ("name", "d06"),
                ("agency_code", "A"),
                ("description", "Máy Đề án 06"),
                ("settings", YAML),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let groups = s
        .store
        .list_agent_groups(&lachan_core::auth::Scope::All)
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.settings.fim, ["/etc"]);
    assert_eq!(g.settings.compliance.as_ref().unwrap().every_minutes, 720);
    let list = c.get("/agents/groups").await.ok();
    assert!(list.body.contains("compliance/720 min"), "{}", list.body);

    // The edit page shows the settings as YAML; saving raises the revision.
    let edit = c.get(&format!("/agents/groups/{}", g.id)).await.ok();
    assert!(edit.body.contains("every_minutes: 720"), "{}", edit.body);
    let r = c
        .post(
            &format!("/agents/groups/{}", g.id),
            &[
                ("_csrf", &csrf),
                ("name", "d06"),
                ("agency_code", "A"),
                ("description", ""),
                ("settings", "journald: true\n"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let g = s.store.agent_group(g.id).await.unwrap().unwrap();
    assert_eq!(g.revision, 2);
    assert!(g.settings.journald && g.settings.fim.is_empty());

    // Moving the agent from the agents page.
    let agents = c.get("/agents").await.ok();
    assert!(
        agents
            .body
            .contains(&format!("action=\"/agents/{agent}/group\""))
    );
    let r = c
        .post(
            &format!("/agents/{agent}/group"),
            &[("_csrf", &csrf), ("group_id", &g.id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        s.store.agent(agent).await.unwrap().unwrap().group_id,
        Some(g.id)
    );

    // Officers see the group and the agent's group, without forms.
    let mut o = Client::login(&s, "officer_a", PW).await;
    let page = o.get("/agents/groups").await.ok();
    assert!(page.body.contains("d06"));
    assert!(!page.body.contains("id=\"group-form\""));
    let agents = o.get("/agents").await.ok();
    assert!(agents.body.contains("<td>d06</td>"), "{}", agents.body);
    let csrf = agents.csrf();
    let r = o
        .post(
            &format!("/agents/{agent}/group"),
            &[("_csrf", &csrf), ("group_id", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Deleting the group releases the agent.
    let csrf = c.csrf().await;
    let r = c
        .post(
            &format!("/agents/groups/{}/delete", g.id),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.store.agent(agent).await.unwrap().unwrap().group_id, None);
}
