//! The embedded event store: its own SQLite file (`events.db`) beside the main one, so
//! ingestion never waits on registry writes. Events are partitioned by day: each day is
//! a table `ev_<day>` (day = days since the Unix epoch, UTC) with a time index and a
//! contentless FTS5 index `fts_<day>` over the event's words (host names and event codes
//! included, which is how host and code filters narrow), and retention drops whole
//! partitions.
//!
//! Appends run on the single writer connection (`event_writer.rs`: one task, group
//! commit) with `synchronous=FULL`, so when `append_events` returns the batch is on disk;
//! a crash before that stores none of it.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, QueryBuilder, Row, Sqlite};

use super::event_writer::{Days, EventWriter, known_days, spawn_checkpointer};
use crate::agents::BatchOutcome;
use crate::events::{EXACT_TOTAL_UP_TO, EventPage, EventQuery, NewEvent, StoredEvent};
use crate::{StoreError, StoreResult};

/// File name of the event database inside the data directory.
pub const EVENTS_DB_FILE: &str = "events.db";

const DAY_MS: i64 = 86_400_000;
/// Log size (pages) past which the writer checkpoints on its own: only when the
/// background checkpointer has fallen this far behind.
const WRITER_CHECKPOINT_PAGES: u32 = 16_384;

pub struct SqliteEventStore {
    /// The background checkpointer runs while this is alive.
    _checkpointer: std::sync::Arc<()>,
    writer: EventWriter,
    reader: SqlitePool,
    days: Days,
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
            .pragma("cache_size", "-65536")
            .pragma("journal_size_limit", "67108864");
        // The writer checkpoints the log itself only when the background checkpointer
        // has fallen this far behind (pages of 4 KiB).
        let writer_opts = opts
            .clone()
            .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES.to_string());
        let mut conn = SqliteConnection::connect_with(&writer_opts).await?;
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
            .connect_with(opts.clone().read_only(true))
            .await?;
        let checkpointer = std::sync::Arc::new(());
        spawn_checkpointer(
            SqliteConnection::connect_with(&opts).await?,
            std::sync::Arc::downgrade(&checkpointer),
        );
        let days: Days = std::sync::Arc::new(std::sync::RwLock::new(
            days.into_iter().map(|(d,)| d).collect(),
        ));
        Ok(Self {
            _checkpointer: checkpointer,
            writer: EventWriter::start(conn, days.clone()),
            reader,
            days,
        })
    }

    /// Finish queued writes and close the connections.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    fn known_days(&self) -> BTreeSet<i64> {
        known_days(&self.days)
    }

    /// Append a batch in one durable transaction; returns the new ids in order.
    pub async fn append(&self, events: Vec<NewEvent>) -> StoreResult<Vec<String>> {
        match self.writer.append(events, None).await? {
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
        events: Vec<NewEvent>,
    ) -> StoreResult<BatchOutcome> {
        self.writer.append(events, Some((agent_id, seq))).await
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
        self.writer.drop_before(cutoff_ms).await
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
