//! Event store and alert queue against a real SQLite file.
#![allow(clippy::unwrap_used)]

use lachan_core::auth::Scope;
use lachan_store::sqlite::{SqliteEventStore, SqliteStore};
use lachan_store::{
    AlertChange, AlertHit, AlertQuery, AlertStore, AuditCtx, AuditStore, EventQuery, EventStore,
    NewEvent,
};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_764_547_200_000; // 2025-12-01T00:00:00Z

fn ev(ts_ms: i64, agency: Option<i64>, host: &str, text: &str) -> NewEvent {
    NewEvent {
        ts_ms,
        agency_id: agency,
        agency_code: agency.map(|a| format!("AG{a}")),
        host: host.into(),
        code: "4688".into(),
        dataset: "windows.security".into(),
        doc: serde_json::json!({"@timestamp": ts_ms.to_string(), "host.name": host,
            "process.command_line": text, "original": {"CommandLine": text}})
        .to_string(),
        text: text.into(),
    }
}

fn query(q: &str) -> EventQuery {
    let (words, filters) = EventQuery::parse_q(q).unwrap();
    EventQuery {
        scope: Scope::All,
        words,
        filters,
        from_ms: None,
        to_ms: None,
        limit: 10,
        offset: 0,
    }
}

async fn total(s: &SqliteEventStore, q: &str) -> i64 {
    s.search_events(&query(q)).await.unwrap().total
}

#[tokio::test]
async fn broad_totals_stop_at_the_exact_bound_and_paging_stays_right() {
    use lachan_store::EXACT_TOTAL_UP_TO;
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteEventStore::open(&dir.path().join("events.db"))
        .await
        .unwrap();
    let n = EXACT_TOTAL_UP_TO + 500;
    // Two days: the newer holds 600 events, the older the rest.
    let batch: Vec<NewEvent> = (0..n)
        .map(|i| {
            let day = if i < 600 { 1 } else { 0 };
            let word = if i % 1000 == 7 { "rare" } else { "common" };
            ev(
                T0 + day * DAY + i,
                Some(1),
                "pc-01",
                &format!("{word} login n{i}"),
            )
        })
        .collect();
    for chunk in batch.chunks(5_000) {
        s.append_events(chunk.to_vec()).await.unwrap();
    }
    let p = s.search_events(&query("login")).await.unwrap();
    assert!(
        !p.total_exact,
        "a broad search is not counted past the bound"
    );
    assert!(p.total >= EXACT_TOTAL_UP_TO && p.total <= n, "{}", p.total);
    assert_eq!(p.items.len(), 10);
    let p = s.search_events(&query("rare")).await.unwrap();
    assert!(p.total_exact);
    assert_eq!(p.total, 11);
    // A page deep in the older day is still the right one.
    let mut q = query("login");
    q.limit = 5;
    q.offset = 9_000;
    let p = s.search_events(&q).await.unwrap();
    let want: Vec<String> = (0..5)
        .map(|k| format!("n{}", n - 1 - (9_000 - 600) - k))
        .collect();
    let got: Vec<String> = p
        .items
        .iter()
        .map(|e| {
            let line = e.doc["process.command_line"].as_str().unwrap();
            line.rsplit(' ').next().unwrap().to_string()
        })
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn append_search_page_and_retention() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let s = SqliteEventStore::open(&path).await.unwrap();
    let batch: Vec<NewEvent> = (0..30)
        .map(|i| {
            ev(
                T0 + (i % 3) * DAY + i,
                Some(1 + i % 2),
                if i % 5 == 0 { "dc-01" } else { "pc-07" },
                &format!("cmd.exe /c whoami run{i} Mật khẩu"),
            )
        })
        .collect();
    let ids = s.append_events(batch.clone()).await.unwrap();
    assert_eq!(ids.len(), 30);
    assert_eq!(s.event_count().await.unwrap(), 30);

    // Newest first across partitions, with paging over partition boundaries.
    let mut q = query("whoami");
    q.limit = 7;
    let p1 = s.search_events(&q).await.unwrap();
    assert_eq!(p1.total, 30);
    assert_eq!(p1.items.len(), 7);
    q.offset = 7;
    let p2 = s.search_events(&q).await.unwrap();
    assert_eq!(p2.items.len(), 7);
    let mut seen: Vec<String> = p1
        .items
        .iter()
        .chain(&p2.items)
        .map(|e| e.id.clone())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 14);
    let ts: Vec<&str> = p1.items.iter().map(|e| e.timestamp.as_str()).collect();
    assert!(ts.windows(2).all(|w| w[0] >= w[1]), "{ts:?}");

    // Field filters, words, diacritic-insensitive words, prefixes.
    assert_eq!(total(&s, "host.name:dc-01").await, 6);
    assert_eq!(total(&s, "run17").await, 1);
    assert_eq!(total(&s, "mat khau").await, 30);
    assert_eq!(total(&s, "whoami nothere").await, 0);
    assert_eq!(total(&s, "run1*").await, 11);
    assert_eq!(
        total(
            &s,
            "process.command_line:\"cmd.exe /c whoami run3 Mật khẩu\""
        )
        .await,
        1
    );
    assert_eq!(
        total(&s, "CommandLine:\"cmd.exe /c whoami run3 Mật khẩu\"").await,
        1
    );
    assert_eq!(total(&s, "event.code:4688 host.name:pc-07").await, 24);

    // Time range and agency scope.
    let mut q = query("");
    q.from_ms = Some(T0 + DAY);
    q.to_ms = Some(T0 + 2 * DAY);
    assert_eq!(s.search_events(&q).await.unwrap().total, 10);
    let mut q = query("");
    q.scope = Scope::Agencies(vec![2]);
    assert_eq!(s.search_events(&q).await.unwrap().total, 15);
    q.scope = Scope::Agencies(vec![]);
    assert_eq!(s.search_events(&q).await.unwrap().total, 0);

    let one = s.event(&ids[3]).await.unwrap().unwrap();
    assert_eq!(
        one.doc["original"]["CommandLine"],
        "cmd.exe /c whoami run3 Mật khẩu"
    );
    assert_eq!(s.event_agency(&ids[3]).await.unwrap(), Some(Some(2)));
    assert!(s.event("nonsense").await.unwrap().is_none());
    assert!(s.event("1-1").await.unwrap().is_none());

    // Ids continue after a reopen; retention drops whole days.
    drop(s);
    let s = SqliteEventStore::open(&path).await.unwrap();
    let more = s
        .append_events(vec![ev(T0 + 5, None, "x", "later")])
        .await
        .unwrap();
    assert!(!ids.contains(&more[0]));
    let dropped = s.drop_events_before(T0 + DAY).await.unwrap();
    assert_eq!(dropped.len(), 1);
    assert_eq!(s.event_count().await.unwrap(), 20);
    assert!(s.event(&ids[0]).await.unwrap().is_none());
}

#[tokio::test]
async fn alerts_group_scope_and_triage() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("lachan.db"))
        .await
        .unwrap();
    let hit = |host: &str, at: &str, ev: &str| AlertHit {
        rule_id: "r-1".into(),
        rule_title: "Whoami".into(),
        level: "high".into(),
        host: host.into(),
        agency_id: None,
        seen_at: at.into(),
        event_id: ev.into(),
        key_fields: serde_json::json!({"Image": "whoami.exe"}),
    };
    let r = s
        .record_alert_hits(&[
            hit("pc-1", "2026-12-01T01:00:00.000Z", "1-1"),
            hit("pc-1", "2026-12-01T01:00:05.000Z", "1-2"),
            hit("pc-2", "2026-12-01T01:00:06.000Z", "1-3"),
        ])
        .await
        .unwrap();
    assert_eq!(r.iter().filter(|(_, new)| *new).count(), 2);
    let all = s
        .list_alerts(&AlertQuery {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    let a = all.items.iter().find(|a| a.host == "pc-1").unwrap();
    assert_eq!(a.count, 2);
    assert_eq!(a.event_ids, vec!["1-1", "1-2"]);
    assert_eq!(a.last_seen, "2026-12-01T01:00:05.000Z");

    // Scoped callers see only their agencies; alerts without agency are not theirs.
    let scoped = s
        .list_alerts(&AlertQuery {
            scope: Some(Scope::Agencies(vec![7])),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(scoped.total, 0);

    // Closing ends the group: the next hit opens a new alert. The change is audited.
    let ctx = AuditCtx::new("analyst1", "127.0.0.1");
    let closed = s
        .update_alert(
            &ctx,
            a.id,
            &AlertChange {
                status: Some("closed".into()),
                assignee: Some("analyst1".into()),
                reason: Some("false positive: admin script".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.status, "closed");
    assert_eq!(
        closed.close_reason.as_deref(),
        Some("false positive: admin script")
    );
    let bad = s
        .update_alert(
            &ctx,
            a.id,
            &AlertChange {
                status: Some("deleted".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(bad.is_err());
    let r = s
        .record_alert_hits(&[hit("pc-1", "2026-12-01T02:00:00.000Z", "1-9")])
        .await
        .unwrap();
    assert!(r[0].1);
    assert_eq!(s.verify_audit().await.unwrap().unwrap(), 1);
}

#[tokio::test]
async fn agent_batches_are_stored_once() {
    use lachan_store::BatchOutcome;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let s = SqliteEventStore::open(&path).await.unwrap();
    let b = |n: i64| vec![ev(T0 + n, Some(1), "pc-1", &format!("line {n}"))];
    assert!(
        matches!(s.append_agent_batch(7, 1, b(1)).await.unwrap(), BatchOutcome::Stored(ids) if ids.len() == 1)
    );
    // A retry of batch 1 (its acknowledgement was lost) stores nothing.
    assert_eq!(
        s.append_agent_batch(7, 1, b(1)).await.unwrap(),
        BatchOutcome::Duplicate { last_seq: 1 }
    );
    // Numbers may skip (batches dropped on the agent), but never go back.
    assert!(matches!(
        s.append_agent_batch(7, 5, b(5)).await.unwrap(),
        BatchOutcome::Stored(_)
    ));
    assert_eq!(
        s.append_agent_batch(7, 3, b(3)).await.unwrap(),
        BatchOutcome::Duplicate { last_seq: 5 }
    );
    // Another agent has its own numbers; the marks survive a reopen.
    assert!(matches!(
        s.append_agent_batch(8, 1, b(1)).await.unwrap(),
        BatchOutcome::Stored(_)
    ));
    drop(s);
    let s = SqliteEventStore::open(&path).await.unwrap();
    assert_eq!(
        s.append_agent_batch(7, 5, b(5)).await.unwrap(),
        BatchOutcome::Duplicate { last_seq: 5 }
    );
    assert_eq!(s.event_count().await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_commit_together_and_each_gets_its_own_answer() {
    use lachan_store::BatchOutcome;
    let dir = tempfile::tempdir().unwrap();
    let s = std::sync::Arc::new(
        SqliteEventStore::open(&dir.path().join("events.db"))
            .await
            .unwrap(),
    );
    let mut plain = Vec::new();
    for t in 0..24i64 {
        let s = s.clone();
        plain.push(tokio::spawn(async move {
            let batch = (0..40)
                .map(|i| {
                    ev(
                        T0 + t * 100 + i,
                        Some(1),
                        &format!("h{t}"),
                        &format!("task{t} n{i}"),
                    )
                })
                .collect();
            s.append_events(batch).await.unwrap()
        }));
    }
    // The same agent batch sent twice at once (a retry racing its first copy): one is
    // stored, the other answered as a duplicate, whichever group each lands in.
    let mut agent = Vec::new();
    for _ in 0..2 {
        let s = s.clone();
        agent.push(tokio::spawn(async move {
            let batch = (0..10)
                .map(|i| ev(T0 + 5_000 + i, Some(2), "pc-a", &format!("agent1 n{i}")))
                .collect();
            s.append_agent_batch(3, 1, batch).await.unwrap()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for (t, h) in plain.into_iter().enumerate() {
        let got = h.await.unwrap();
        assert_eq!(got.len(), 40);
        // Each caller's ids are its own rows, in its order.
        let first = s.event(&got[0]).await.unwrap().unwrap();
        assert_eq!(first.host, format!("h{t}"));
        let last = s.event(&got[39]).await.unwrap().unwrap();
        assert_eq!(last.doc["process.command_line"], format!("task{t} n39"));
        ids.extend(got);
    }
    assert_eq!(ids.len(), 24 * 40);
    let mut outcomes = Vec::new();
    for h in agent {
        outcomes.push(h.await.unwrap());
    }
    outcomes.sort_by_key(|o| matches!(o, BatchOutcome::Duplicate { .. }));
    assert!(
        matches!(&outcomes[0], BatchOutcome::Stored(ids) if ids.len() == 10),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[1], BatchOutcome::Duplicate { last_seq: 1 });
    assert_eq!(s.event_count().await.unwrap(), 24 * 40 + 10);
    assert_eq!(total(&s, "agent1").await, 10);
    s.close().await;
    // A closed store says so instead of hanging.
    assert!(
        s.append_events(vec![ev(T0, None, "x", "late")])
            .await
            .is_err()
    );
}
