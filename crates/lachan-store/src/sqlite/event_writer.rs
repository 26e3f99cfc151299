//! The event store's write side: one task owns the writer connection and takes appends
//! and partition drops from a queue. Appends that are waiting when it becomes free are
//! committed together in one transaction (group commit): one log sync and one full-text
//! segment for all of them, and each caller still gets its own ids, or its own
//! `Duplicate`, only once the transaction is on disk. A failed transaction stores none
//! of the appends in it, and each of them gets the error.
//!
//! A second connection checkpoints the write-ahead log in the background, so commits do
//! not pay for copying the log into the database file.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, QueryBuilder, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::events::day_of;
use crate::agents::BatchOutcome;
use crate::events::NewEvent;
use crate::{StoreError, StoreResult};

/// Rows per INSERT statement (8 parameters each, under SQLite's 32,766).
const ROWS_PER_INSERT: usize = 2000;
/// Full-text rows per INSERT statement (2 parameters each).
const FTS_ROWS_PER_INSERT: usize = 10_000;
/// Segments of one size an FTS5 index gathers before merging them (SQLite's default is 4).
const FTS_AUTOMERGE: u32 = 8;
/// Events one group commit gathers at most (appends already waiting, whole).
const GROUP_MAX_EVENTS: usize = 20_000;
/// Writes waiting for the writer before callers wait to queue (back-pressure).
const QUEUE: usize = 64;
/// How often the background checkpointer copies the write-ahead log into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Day partitions present, shared by the writer (which creates and drops them) and the
/// readers.
pub(super) type Days = Arc<RwLock<BTreeSet<i64>>>;

pub(super) fn known_days(days: &Days) -> BTreeSet<i64> {
    match days.read() {
        Ok(d) => d.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

fn remember_day(days: &Days, day: i64, present: bool) {
    let mut d = match days.write() {
        Ok(d) => d,
        Err(p) => p.into_inner(),
    };
    if present {
        d.insert(day);
    } else {
        d.remove(&day);
    }
}

/// What the writer task is asked to do.
enum WriteCmd {
    Append {
        events: Vec<NewEvent>,
        /// Agent id and batch number, for exactly-once agent batches.
        seq: Option<(i64, i64)>,
        reply: oneshot::Sender<StoreResult<BatchOutcome>>,
    },
    DropBefore {
        cutoff_ms: i64,
        reply: oneshot::Sender<StoreResult<Vec<i64>>>,
    },
    Close {
        reply: oneshot::Sender<()>,
    },
}

/// The handle the store keeps: a queue to the writer task.
pub(super) struct EventWriter {
    tx: mpsc::Sender<WriteCmd>,
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the event store is closed".into())
}

impl EventWriter {
    /// Start the writer task on `conn` (must be called inside a Tokio runtime).
    pub(super) fn start(conn: SqliteConnection, days: Days) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(
            Writer {
                conn,
                next_id: HashMap::new(),
                days,
            },
            rx,
        ));
        Self { tx }
    }

    pub(super) async fn append(
        &self,
        events: Vec<NewEvent>,
        seq: Option<(i64, i64)>,
    ) -> StoreResult<BatchOutcome> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(WriteCmd::Append { events, seq, reply })
            .await
            .map_err(|_| stopped())?;
        // No answer: the writer gave up on the group before it committed.
        rx.await.map_err(|_| {
            StoreError::Unavailable("the event writer stopped before committing".into())
        })?
    }

    pub(super) async fn drop_before(&self, cutoff_ms: i64) -> StoreResult<Vec<i64>> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(WriteCmd::DropBefore { cutoff_ms, reply })
            .await
            .map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Finish the writes queued so far and close the connection.
    pub(super) async fn close(&self) {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(WriteCmd::Close { reply }).await.is_ok() {
            let _ = rx.await;
        }
    }
}

struct Writer {
    conn: SqliteConnection,
    /// Next row id of each partition this process has written to.
    next_id: HashMap<i64, i64>,
    days: Days,
}

/// One append of a group, and where its answer goes.
struct Pending {
    events: Vec<NewEvent>,
    seq: Option<(i64, i64)>,
    reply: oneshot::Sender<StoreResult<BatchOutcome>>,
}

/// Where an append's answer goes, its duplicate mark (the agent's last stored batch) and
/// how many ids it gets.
type Answer = (
    oneshot::Sender<StoreResult<BatchOutcome>>,
    Option<i64>,
    usize,
);

async fn run(mut w: Writer, mut rx: mpsc::Receiver<WriteCmd>) {
    let mut next: Option<WriteCmd> = None;
    loop {
        let cmd = match next.take() {
            Some(c) => c,
            None => match rx.recv().await {
                Some(c) => c,
                None => break,
            },
        };
        match cmd {
            WriteCmd::Append { events, seq, reply } => {
                let mut total = events.len();
                let mut group = vec![Pending { events, seq, reply }];
                while total < GROUP_MAX_EVENTS {
                    match rx.try_recv() {
                        Ok(WriteCmd::Append { events, seq, reply }) => {
                            total += events.len();
                            group.push(Pending { events, seq, reply });
                        }
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                w.commit_group(group).await;
            }
            WriteCmd::DropBefore { cutoff_ms, reply } => {
                let _ = reply.send(w.drop_before(cutoff_ms).await);
            }
            WriteCmd::Close { reply } => {
                rx.close();
                // Appends queued before the close still get their answer.
                while let Ok(cmd) = rx.try_recv() {
                    if let WriteCmd::Append { events, seq, reply } = cmd {
                        w.commit_group(vec![Pending { events, seq, reply }]).await;
                    }
                }
                let _ = w.conn.close().await;
                let _ = reply.send(());
                return;
            }
        }
    }
}

impl Writer {
    async fn commit_group(&mut self, group: Vec<Pending>) {
        let mut plan: Vec<Answer> = Vec::with_capacity(group.len());
        match self.write(group, &mut plan).await {
            Ok(ids) => {
                let mut ids = ids.into_iter();
                for (reply, dup, n) in plan {
                    let outcome = match dup {
                        Some(last_seq) => BatchOutcome::Duplicate { last_seq },
                        None => BatchOutcome::Stored(ids.by_ref().take(n).collect()),
                    };
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                let mut first = Some(e);
                for (reply, _, _) in plan {
                    let err = first
                        .take()
                        .unwrap_or_else(|| StoreError::Unavailable(msg.clone()));
                    let _ = reply.send(Err(err));
                }
            }
        }
    }

    /// Write the group in one transaction; `plan` gets each append's answer slot. The
    /// events of the appends that are not duplicates are stored in order.
    async fn write(
        &mut self,
        group: Vec<Pending>,
        plan: &mut Vec<Answer>,
    ) -> StoreResult<Vec<String>> {
        let Writer {
            conn,
            next_id,
            days,
        } = self;
        let mut events: Vec<NewEvent> = Vec::new();
        let mut tx = conn.begin().await?;
        // Agent marks within the group: a retried batch may sit beside its first copy.
        let mut marks: HashMap<i64, i64> = HashMap::new();
        for mut p in group {
            let mut dup = None;
            if let Some((agent, seq)) = p.seq {
                let last = match marks.get(&agent) {
                    Some(l) => Some(*l),
                    None => {
                        sqlx::query_as::<_, (i64,)>("SELECT seq FROM agent_seq WHERE agent_id = ?")
                            .bind(agent)
                            .fetch_optional(&mut *tx)
                            .await?
                            .map(|(s,)| s)
                    }
                };
                match last {
                    Some(last) if seq <= last => dup = Some(last),
                    _ => {
                        marks.insert(agent, seq);
                    }
                }
            }
            let n = p.events.len();
            if dup.is_none() {
                events.append(&mut p.events);
            }
            plan.push((p.reply, dup, n));
        }
        for (agent, seq) in &marks {
            sqlx::query("INSERT OR REPLACE INTO agent_seq (agent_id, seq) VALUES (?, ?)")
                .bind(agent)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        let (ids, new_days, touched) = append_rows(&mut tx, next_id, days, &mut events).await?;
        if let Err(e) = tx.commit().await {
            // Ids handed out in this transaction were not stored; read them again.
            for day in touched {
                next_id.remove(&day);
            }
            return Err(e.into());
        }
        for d in new_days {
            remember_day(days, d, true);
        }
        Ok(ids)
    }

    async fn drop_before(&mut self, cutoff_ms: i64) -> StoreResult<Vec<i64>> {
        let cutoff_day = day_of(cutoff_ms);
        let old: Vec<i64> = known_days(&self.days)
            .into_iter()
            .filter(|d| *d < cutoff_day)
            .collect();
        for &day in &old {
            let mut tx = self.conn.begin().await?;
            sqlx::query(sql!("DROP TABLE IF EXISTS ev_{day}"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(sql!("DROP TABLE IF EXISTS fts_{day}"))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM partitions WHERE day = ?")
                .bind(day)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            self.next_id.remove(&day);
            remember_day(&self.days, day, false);
        }
        Ok(old)
    }
}

/// Insert `events` into their day partitions (created when new); returns the ids in
/// input order, the days created and the days written.
async fn append_rows(
    tx: &mut SqliteConnection,
    next_id: &mut HashMap<i64, i64>,
    days: &Days,
    events: &mut [NewEvent],
) -> StoreResult<(Vec<String>, Vec<i64>, Vec<i64>)> {
    // Group by partition, keeping the input order inside each.
    let mut by_day: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let d = day_of(e.ts_ms);
        match by_day.iter_mut().find(|(day, _)| *day == d) {
            Some((_, v)) => v.push(i),
            None => by_day.push((d, vec![i])),
        }
    }
    let mut assigned = vec![String::new(); events.len()];
    let mut new_days = Vec::new();
    // First row id of each day's rows in this transaction.
    let mut starts = Vec::with_capacity(by_day.len());
    for (day, idx) in &by_day {
        let day = *day;
        if !known_days(days).contains(&day) {
            create_partition(tx, day).await?;
            new_days.push(day);
        }
        let start = match next_id.get(&day) {
            Some(n) => *n,
            None => {
                let (max,): (Option<i64>,) = sqlx::query_as(sql!("SELECT max(id) FROM ev_{day}"))
                    .fetch_one(&mut *tx)
                    .await?;
                max.unwrap_or(0) + 1
            }
        };
        starts.push(start);
        for (c, chunk) in idx.chunks(ROWS_PER_INSERT).enumerate() {
            let first = start + (c * ROWS_PER_INSERT) as i64;
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "INSERT INTO ev_{day} (id, ts, agency_id, agency_code, host, code, dataset, doc) "
            ));
            qb.push_values(chunk.iter().enumerate(), |mut b, (k, &i)| {
                let e = &mut events[i];
                b.push_bind(first + k as i64)
                    .push_bind(e.ts_ms)
                    .push_bind(e.agency_id)
                    .push_bind(e.agency_code.take())
                    .push_bind(e.host.clone())
                    .push_bind(e.code.clone())
                    .push_bind(std::mem::take(&mut e.dataset))
                    .push_bind(std::mem::take(&mut e.doc));
            });
            qb.build().execute(&mut *tx).await?;
        }
        for (k, &i) in idx.iter().enumerate() {
            assigned[i] = format!("{day}-{}", start + k as i64);
        }
        next_id.insert(day, start + idx.len() as i64);
    }
    // The full-text rows go last, in as few statements as possible: FTS5 writes its
    // pending terms out as a new segment at every statement savepoint, so interleaving
    // them with the table inserts would multiply segments and merge work.
    for ((day, idx), start) in by_day.iter().zip(&starts) {
        for (c, chunk) in idx.chunks(FTS_ROWS_PER_INSERT).enumerate() {
            let first = start + (c * FTS_ROWS_PER_INSERT) as i64;
            let mut fq: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT INTO fts_{day} (rowid, body) "));
            fq.push_values(chunk.iter().enumerate(), |mut b, (k, &i)| {
                let e = &mut events[i];
                b.push_bind(first + k as i64).push_bind(fts_body(e));
            });
            fq.build().execute(&mut *tx).await?;
        }
    }
    let touched = by_day.iter().map(|(d, _)| *d).collect();
    Ok((assigned, new_days, touched))
}

/// The words a row is indexed by: its text, and always its host and code (which is how
/// host and code filters narrow through the index).
fn fts_body(e: &mut NewEvent) -> String {
    let mut body = std::mem::take(&mut e.text);
    body.reserve(e.host.len() + e.code.len() + 2);
    for w in [&e.host, &e.code] {
        body.push(' ');
        body.push_str(w);
    }
    body
}

pub(super) async fn create_partition(conn: &mut SqliteConnection, day: i64) -> StoreResult<()> {
    for sql in [
        format!(
            "CREATE TABLE IF NOT EXISTS ev_{day} (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,
             agency_id INTEGER, agency_code TEXT, host TEXT NOT NULL, code TEXT NOT NULL,
             dataset TEXT NOT NULL, doc TEXT NOT NULL)"
        ),
        format!("CREATE INDEX IF NOT EXISTS ev_{day}_ts ON ev_{day} (ts)"),
        format!(
            "CREATE VIRTUAL TABLE IF NOT EXISTS fts_{day} USING fts5(body, content='', \
             detail=none, tokenize='unicode61 remove_diacritics 2')"
        ),
        format!("INSERT INTO fts_{day} (fts_{day}, rank) VALUES ('automerge', {FTS_AUTOMERGE})"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("INSERT OR IGNORE INTO partitions (day) VALUES (?)")
        .bind(day)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Copy committed pages from the write-ahead log into the database file on a connection
/// of its own, so the writer never spends its commits on it (SQLite's default is to
/// checkpoint inside the commit that crosses 1,000 pages). Passive: it never waits for
/// or blocks the writer or readers; durability does not depend on it (commits are
/// synced to the log). Stops once `alive` has no owner left.
pub(super) fn spawn_checkpointer(mut conn: SqliteConnection, alive: Weak<()>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if alive.strong_count() == 0 {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut conn)
                .await
            {
                tracing::warn!(error = %e, "event store checkpoint failed");
            }
        }
        let _ = conn.close().await;
    });
}
