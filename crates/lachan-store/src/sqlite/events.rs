//! The embedded event store: its own SQLite file (`events.db`) beside the main one, so
//! ingestion never waits on registry writes. Events are partitioned by day: each day is
//! a table `ev_<day>` (day = days since the Unix epoch, UTC) with a time index and a
//! contentless FTS5 index `fts_<day>` over the event's words (host names and event codes
//! included, which is how host and code filters narrow), and retention drops whole
//! partitions.
//!
//! Appends run in one transaction on the single writer connection with
//! `synchronous=FULL`, so when `append_events` returns the batch is on disk; a crash
//! before that stores none of it.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, QueryBuilder, Row, Sqlite};
use tokio::sync::Mutex;

use crate::agents::BatchOutcome;
use crate::events::{EXACT_TOTAL_UP_TO, EventPage, EventQuery, NewEvent, StoredEvent};
use crate::{StoreError, StoreResult};

/// File name of the event database inside the data directory.
pub const EVENTS_DB_FILE: &str = "events.db";

const DAY_MS: i64 = 86_400_000;
/// Rows per INSERT statement (8 parameters each, well under SQLite's limit).
const ROWS_PER_INSERT: usize = 500;

struct Writer {
    conn: SqliteConnection,
    /// Next row id of each partition this process has written to.
    next_id: HashMap<i64, i64>,
}

pub struct SqliteEventStore {
    writer: Mutex<Writer>,
    reader: SqlitePool,
    days: std::sync::RwLock<BTreeSet<i64>>,
}

/// Day partition of a time in ms.
pub fn day_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(DAY_MS)
}

fn parse_id(id: &str) -> Option<(i64, i64)> {
    let (d, n) = id.split_once('-')?;
    Some((d.parse().ok()?, n.parse().ok()?))
}

impl SqliteEventStore {
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str("sqlite://")
            .map_err(StoreError::Db)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536");
        let mut conn = SqliteConnection::connect_with(&opts).await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS partitions (day INTEGER PRIMARY KEY)")
            .execute(&mut conn)
            .await?;
        // The last batch number stored per agent, moved with each batch's events.
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS agent_seq (agent_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
        )
        .execute(&mut conn)
        .await?;
        let days: Vec<(i64,)> = sqlx::query_as("SELECT day FROM partitions")
            .fetch_all(&mut conn)
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Self {
            writer: Mutex::new(Writer {
                conn,
                next_id: HashMap::new(),
            }),
            reader,
            days: std::sync::RwLock::new(days.into_iter().map(|(d,)| d).collect()),
        })
    }

    pub async fn close(&self) {
        self.reader.close().await;
        let w = self.writer.lock().await;
        drop(w);
    }

    fn known_days(&self) -> BTreeSet<i64> {
        match self.days.read() {
            Ok(d) => d.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn remember_day(&self, day: i64, present: bool) {
        let mut d = match self.days.write() {
            Ok(d) => d,
            Err(p) => p.into_inner(),
        };
        if present {
            d.insert(day);
        } else {
            d.remove(&day);
        }
    }

    /// Append a batch in one durable transaction; returns the new ids in order.
    pub async fn append(&self, events: &[NewEvent]) -> StoreResult<Vec<String>> {
        match self.append_inner(events, None).await? {
            BatchOutcome::Stored(ids) => Ok(ids),
            BatchOutcome::Duplicate { .. } => Ok(Vec::new()),
        }
    }

    /// Append agent `agent_id`'s batch `seq` unless it was stored before; the agent's
    /// sequence mark moves in the same transaction.
    pub async fn append_seq(
        &self,
        agent_id: i64,
        seq: i64,
        events: &[NewEvent],
    ) -> StoreResult<BatchOutcome> {
        self.append_inner(events, Some((agent_id, seq))).await
    }

    async fn append_inner(
        &self,
        events: &[NewEvent],
        seq: Option<(i64, i64)>,
    ) -> StoreResult<BatchOutcome> {
        let mut w = self.writer.lock().await;
        let Writer { conn, next_id } = &mut *w;
        let mut tx = conn.begin().await?;
        if let Some((agent, seq)) = seq {
            let last: Option<(i64,)> =
                sqlx::query_as("SELECT seq FROM agent_seq WHERE agent_id = ?")
                    .bind(agent)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((last,)) = last
                && seq <= last
            {
                tx.rollback().await?;
                return Ok(BatchOutcome::Duplicate { last_seq: last });
            }
            sqlx::query("INSERT OR REPLACE INTO agent_seq (agent_id, seq) VALUES (?, ?)")
                .bind(agent)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        let mut ids = Vec::with_capacity(events.len());
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
        for (day, idx) in &by_day {
            let day = *day;
            if !self.known_days().contains(&day) {
                create_partition(&mut tx, day).await?;
                new_days.push(day);
            }
            let start = match next_id.get(&day) {
                Some(n) => *n,
                None => {
                    let (max,): (Option<i64>,) =
                        sqlx::query_as(sql!("SELECT max(id) FROM ev_{day}"))
                            .fetch_one(&mut *tx)
                            .await?;
                    max.unwrap_or(0) + 1
                }
            };
            let mut n = start;
            for chunk in idx.chunks(ROWS_PER_INSERT) {
                let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                    "INSERT INTO ev_{day} (id, ts, agency_id, agency_code, host, code, dataset, doc) "
                ));
                let first = n;
                qb.push_values(chunk.iter().enumerate(), |mut b, (k, &i)| {
                    let e = &events[i];
                    b.push_bind(first + k as i64)
                        .push_bind(e.ts_ms)
                        .push_bind(e.agency_id)
                        .push_bind(e.agency_code.as_deref())
                        .push_bind(e.host.as_str())
                        .push_bind(e.code.as_str())
                        .push_bind(e.dataset.as_str())
                        .push_bind(e.doc.as_str());
                });
                qb.build().execute(&mut *tx).await?;
                let mut fq: QueryBuilder<Sqlite> =
                    QueryBuilder::new(format!("INSERT INTO fts_{day} (rowid, body) "));
                fq.push_values(chunk.iter().enumerate(), |mut b, (k, &i)| {
                    let e = &events[i];
                    // Host and code are always words of the event, whatever its text.
                    b.push_bind(first + k as i64)
                        .push_bind(format!("{} {} {}", e.text, e.host, e.code));
                });
                fq.build().execute(&mut *tx).await?;
                for (k, &i) in chunk.iter().enumerate() {
                    assigned[i] = format!("{day}-{}", first + k as i64);
                }
                n += chunk.len() as i64;
            }
            next_id.insert(day, n);
        }
        if let Err(e) = tx.commit().await {
            // Ids handed out in this transaction were not stored; read them again.
            for (day, _) in &by_day {
                next_id.remove(day);
            }
            return Err(e.into());
        }
        for d in new_days {
            self.remember_day(d, true);
        }
        ids.extend(assigned);
        Ok(BatchOutcome::Stored(ids))
    }

    /// Events matching `q`, newest first, with the total count (exact up to
    /// [`EXACT_TOTAL_UP_TO`]; each day's count stops once the page and that bound are
    /// covered, so a saturated count is a lower bound).
    pub async fn search(&self, q: &EventQuery) -> StoreResult<EventPage> {
        let from_day = q.from_ms.map(day_of).unwrap_or(i64::MIN);
        let to_day = q.to_ms.map(|t| day_of(t - 1)).unwrap_or(i64::MAX);
        let days: Vec<i64> = self
            .known_days()
            .into_iter()
            .filter(|d| *d >= from_day && *d <= to_day)
            .rev()
            .collect();
        if let lachan_core::auth::Scope::Agencies(ids) = &q.scope
            && ids.is_empty()
        {
            return Ok(EventPage {
                items: vec![],
                total: 0,
                total_exact: true,
            });
        }
        let mut conn = self.reader.acquire().await?;
        // Field filters also narrow through the full-text index: every value of an event
        // is among its words (host and code included), so the words of a wanted value must
        // be there; the exact comparison then runs on the few rows left. A per-host B-tree
        // index instead halved append speed.
        let mut terms = q.words.clone();
        for f in &q.filters {
            // Fields the server adds itself are not words of the event.
            if !matches!(
                f.field.as_str(),
                "event.dataset"
                    | "event.origin"
                    | "event.peer"
                    | "event.ingested"
                    | "@timestamp"
                    | "agency"
                    | "agency.code"
                    | "agency_code"
            ) {
                terms.push(f.value.clone());
            }
        }
        let fts = fts_expr(&terms);
        let mut total = 0i64;
        let mut exact = true;
        let mut items = Vec::new();
        let mut skip = q.offset.max(0);
        for day in days {
            let want = q.limit - items.len() as i64;
            // Rows of this day worth counting: enough for the page still to fill (so
            // the skip below stays right) and for the exact-total bound.
            let bound = (EXACT_TOTAL_UP_TO - total).max(skip + want.max(0));
            if bound <= 0 {
                exact = false;
                break;
            }
            let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "SELECT count(*) FROM (SELECT 1 FROM ev_{day} e WHERE 1=1"
            ));
            push_where(&mut cq, day, q, fts.as_deref());
            cq.push(" LIMIT ").push_bind(bound).push(")");
            let (n,): (i64,) = match cq.build_query_as().fetch_one(&mut *conn).await {
                Ok(r) => r,
                // A partition dropped by retention while we searched.
                Err(sqlx::Error::Database(e)) if e.message().contains("no such table") => continue,
                Err(e) => return Err(e.into()),
            };
            total += n;
            if n == bound {
                exact = false;
            }
            if want <= 0 || n == 0 {
                continue;
            }
            if skip >= n {
                skip -= n;
                continue;
            }
            let mut sq: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "SELECT e.id, e.ts, e.agency_code, e.host, e.code, e.dataset, e.doc FROM ev_{day} e WHERE 1=1"
            ));
            push_where(&mut sq, day, q, fts.as_deref());
            sq.push(" ORDER BY e.ts DESC, e.id DESC LIMIT ")
                .push_bind(want)
                .push(" OFFSET ")
                .push_bind(skip);
            skip = 0;
            for r in sq.build().fetch_all(&mut *conn).await? {
                items.push(row_to_event(day, &r)?);
            }
        }
        Ok(EventPage {
            items,
            total,
            total_exact: exact,
        })
    }

    pub async fn event(&self, id: &str) -> StoreResult<Option<StoredEvent>> {
        let Some((day, n)) = parse_id(id) else {
            return Ok(None);
        };
        if !self.known_days().contains(&day) {
            return Ok(None);
        }
        let r = sqlx::query(sql!(
            "SELECT id, ts, agency_code, host, code, dataset, doc FROM ev_{day} WHERE id = ?"
        ))
        .bind(n)
        .fetch_optional(&self.reader)
        .await?;
        r.map(|r| row_to_event(day, &r)).transpose()
    }

    /// Agency of a stored event (for scope checks).
    pub async fn event_agency(&self, id: &str) -> StoreResult<Option<Option<i64>>> {
        let Some((day, n)) = parse_id(id) else {
            return Ok(None);
        };
        if !self.known_days().contains(&day) {
            return Ok(None);
        }
        let r: Option<(Option<i64>,)> =
            sqlx::query_as(sql!("SELECT agency_id FROM ev_{day} WHERE id = ?"))
                .bind(n)
                .fetch_optional(&self.reader)
                .await?;
        Ok(r.map(|(a,)| a))
    }

    /// Drop every partition wholly before `cutoff_ms`; returns the days dropped.
    pub async fn drop_before(&self, cutoff_ms: i64) -> StoreResult<Vec<i64>> {
        let cutoff_day = day_of(cutoff_ms);
        let old: Vec<i64> = self
            .known_days()
            .into_iter()
            .filter(|d| *d < cutoff_day)
            .collect();
        let mut w = self.writer.lock().await;
        for &day in &old {
            let mut tx = w.conn.begin().await?;
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
            w.next_id.remove(&day);
            self.remember_day(day, false);
        }
        Ok(old)
    }

    /// Events stored, over all partitions.
    pub async fn count(&self) -> StoreResult<i64> {
        let mut total = 0;
        for day in self.known_days() {
            let (n,): (i64,) = sqlx::query_as(sql!("SELECT count(*) FROM ev_{day}"))
                .fetch_one(&self.reader)
                .await?;
            total += n;
        }
        Ok(total)
    }

    /// Day partitions present, oldest first.
    pub fn partitions(&self) -> Vec<i64> {
        self.known_days().into_iter().collect()
    }
}

async fn create_partition(conn: &mut SqliteConnection, day: i64) -> StoreResult<()> {
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

/// FTS5 query: every word of every term must occur; a trailing `*` keeps a prefix.
fn fts_expr(words: &[String]) -> Option<String> {
    let mut parts = Vec::new();
    for w in words {
        let prefix = w.ends_with('*');
        let toks: Vec<&str> = w
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        let last = toks.len().saturating_sub(1);
        for (i, t) in toks.iter().enumerate() {
            let star = if prefix && i == last { "*" } else { "" };
            parts.push(format!("\"{}\"{star}", t.replace('"', "")));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

fn push_where(qb: &mut QueryBuilder<Sqlite>, day: i64, q: &EventQuery, fts: Option<&str>) {
    if let Some(f) = q.from_ms {
        qb.push(" AND e.ts >= ").push_bind(f);
    }
    if let Some(t) = q.to_ms {
        qb.push(" AND e.ts < ").push_bind(t);
    }
    if let lachan_core::auth::Scope::Agencies(ids) = &q.scope {
        qb.push(" AND e.agency_id IN (");
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        qb.push(")");
    }
    for f in &q.filters {
        match f.field.as_str() {
            "host.name" | "host" => {
                qb.push(" AND e.host = ").push_bind(f.value.clone());
            }
            "event.code" => {
                qb.push(" AND e.code = ").push_bind(f.value.clone());
            }
            "event.dataset" => {
                qb.push(" AND e.dataset = ").push_bind(f.value.clone());
            }
            "agency" | "agency.code" | "agency_code" => {
                qb.push(" AND e.agency_code = ").push_bind(f.value.clone());
            }
            field => {
                // Field names are restricted to [A-Za-z0-9_.@-] by the query parser and
                // bound as JSON paths, never spliced into SQL.
                qb.push(" AND (CAST(json_extract(e.doc, ")
                    .push_bind(format!("$.\"{field}\""))
                    .push(") AS TEXT) = ")
                    .push_bind(f.value.clone())
                    .push(" OR CAST(json_extract(e.doc, ")
                    .push_bind(format!("$.original.\"{field}\""))
                    .push(") AS TEXT) = ")
                    .push_bind(f.value.clone())
                    .push(")");
            }
        }
    }
    if let Some(m) = fts {
        qb.push(format!(
            " AND e.id IN (SELECT rowid FROM fts_{day} WHERE fts_{day} MATCH "
        ))
        .push_bind(m.to_string())
        .push(")");
    }
}

fn row_to_event(day: i64, r: &sqlx::sqlite::SqliteRow) -> StoreResult<StoredEvent> {
    let id: i64 = r.try_get("id")?;
    let ts: i64 = r.try_get("ts")?;
    let doc: String = r.try_get("doc")?;
    let doc = serde_json::from_str(&doc).unwrap_or(serde_json::Value::String(doc));
    let timestamp = doc
        .get("@timestamp")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| ts.to_string());
    Ok(StoredEvent {
        id: format!("{day}-{id}"),
        timestamp,
        agency_code: r.try_get("agency_code")?,
        host: r.try_get("host")?,
        code: r.try_get("code")?,
        dataset: r.try_get("dataset")?,
        doc,
    })
}
