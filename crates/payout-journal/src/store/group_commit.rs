//! Group commit: every row write of the journal (a new row, or a
//! compare-and-set change of one) goes through a queue to a writer task,
//! which commits all the writes waiting at that moment in **one**
//! transaction, so one durable flush (`fsync`) serves them all. Each caller
//! still waits until its own write is durable: nothing is acknowledged
//! before its commit, exactly as with one commit per write.
//!
//! - The statements: SQLite runs a multi-row `VALUES` statement per
//!   power-of-two size class (each shape prepared once); PostgreSQL runs one
//!   statement whatever the number of rows, each column bound as an array
//!   (`UNNEST`), so the server parses and plans two shapes, not one per
//!   size, and binds a dozen parameters instead of thousands.
//! - One write waiting alone is executed as its own statement (no
//!   `BEGIN`/`COMMIT` round trips), so a quiet journal pays no latency for
//!   the batching.
//! - When a batch's transaction fails (a statement error, a lost
//!   connection, a deadlock with another process), nothing of it is kept
//!   and each write is retried once on its own, so one bad write fails
//!   alone. Retrying is safe whatever the commit did: a new row is
//!   `INSERT ... ON CONFLICT DO NOTHING` (a row already there is read back
//!   and compared) and a change is compare-and-set on the row's version (a
//!   change already written makes the retry lose, and the caller re-reads).
//! - SQLite has one writer task (it has one writing connection); PostgreSQL
//!   has [`POSTGRES_WRITERS`], so one batch runs its statements while
//!   another waits for its commit to be flushed.
//! - The writer tasks run on the Tokio runtime that opened the journal and
//!   stop when the last handle of the journal is dropped. A journal used
//!   after that runtime has shut down reports a closed pool.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Mutex};

use super::{sql, Backend};
use crate::error::JournalError;

/// Most writes committed in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// Writes that may wait for a writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4 * MAX_BATCH;

/// Writer tasks of a PostgreSQL journal (each holds one pooled connection
/// while it writes a batch).
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES_WRITERS: usize = 2;

/// A new row (`INSERT ... ON CONFLICT DO NOTHING RETURNING`). No `Debug`:
/// the order holds personal data.
pub(crate) struct NewRow {
    pub provider: String,
    pub account: String,
    pub region: String,
    pub trade_no: String,
    pub order_json: String,
    pub amount: String,
    pub state: &'static str,
    pub attempts: i64,
    pub now_ms: i64,
    pub lease_owner: Option<String>,
    pub lease_until_ms: Option<i64>,
}

impl NewRow {
    /// Its row's key.
    fn key(&self) -> RowKey<'_> {
        RowKey::New(&self.provider, &self.account, &self.trade_no)
    }
}

/// Every mutable column of a row, written if the row is still at
/// `version` (compare-and-set).
pub(crate) struct RowChange {
    pub id: i64,
    pub version: i64,
    pub state: &'static str,
    pub provider_status: Option<String>,
    pub platform_trade_no: Option<String>,
    pub conflict: Option<String>,
    pub attempts: i64,
    pub queries: i64,
    pub updated_at_ms: i64,
    pub lease_owner: Option<String>,
    pub lease_until_ms: Option<i64>,
    pub next_query_at_ms: i64,
    pub last_error: Option<String>,
}

/// One row write.
enum Write {
    /// A new row.
    Insert(NewRow),
    /// A change of an existing row.
    Update(RowChange),
}

/// What a durable [`Write`] did.
enum Written {
    /// The new row's id, or `None` when its key was already taken.
    Inserted(Option<i64>),
    /// Whether the row was still at the version read (and is now changed).
    Updated(bool),
}

/// A write waiting for its commit, and where its result goes.
struct Pending {
    write: Write,
    reply: oneshot::Sender<Result<Written, JournalError>>,
}

/// The queue to a journal's writer tasks. Cheap to clone.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Pending>,
}

impl GroupCommit {
    /// Starts the backend's writer tasks on the current Tokio runtime: one
    /// on SQLite (its one writing connection), [`POSTGRES_WRITERS`] on
    /// PostgreSQL.
    pub(crate) fn start(backend: &Backend) -> Self {
        let writers = match backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(_) => 1,
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => POSTGRES_WRITERS,
        };
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..writers {
            tokio::spawn(run_writer(backend.clone(), Arc::clone(&receiver)));
        }
        Self { queue }
    }

    /// Writes a new row durably and returns its id; `None` when its key was
    /// already taken.
    pub(crate) async fn insert(&self, row: NewRow) -> Result<Option<i64>, JournalError> {
        match self.write(Write::Insert(row)).await? {
            Written::Inserted(row) => Ok(row),
            Written::Updated(_) => Err(mismatch()),
        }
    }

    /// Writes a change durably if the row is still at its version; false
    /// when another writer came first.
    pub(crate) async fn update(&self, change: RowChange) -> Result<bool, JournalError> {
        match self.write(Write::Update(change)).await? {
            Written::Updated(done) => Ok(done),
            Written::Inserted(_) => Err(mismatch()),
        }
    }

    /// Writes `write` durably (committed, with the writes batched beside
    /// it) and returns what it did.
    async fn write(&self, write: Write) -> Result<Written, JournalError> {
        let doing = doing(&write);
        let (reply, answer) = oneshot::channel();
        let stopped = || JournalError::Database {
            doing,
            source: sqlx::Error::PoolClosed,
        };
        self.queue
            .send(Pending { write, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// A write answered with another kind of result (a bug of this module).
fn mismatch() -> JournalError {
    JournalError::corrupt("the journal writer answered a write with another write's result")
}

/// What a write is doing, for its error.
fn doing(write: &Write) -> &'static str {
    match write {
        Write::Insert(_) => "journaling a payout",
        Write::Update(_) => "recording a payout's change",
    }
}

/// One writer: takes every write waiting (up to [`MAX_BATCH`]), commits
/// them together, answers each, and again, until the journal is dropped.
async fn run_writer(backend: Backend, receiver: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        let taken = receiver.lock().await.recv_many(&mut batch, MAX_BATCH).await;
        if taken == 0 {
            return;
        }
        commit(&backend, &mut batch).await;
    }
}

/// Commits `batch` (emptying it) and answers every write in it.
async fn commit(backend: &Backend, batch: &mut Vec<Pending>) {
    if batch.len() > 1 {
        let writes: Vec<&Write> = batch.iter().map(|p| &p.write).collect();
        match in_one_transaction(backend, &writes).await {
            Ok(results) => {
                for (pending, result) in batch.drain(..).zip(results) {
                    // A caller that stopped waiting has nobody to tell.
                    let _ = pending.reply.send(Ok(result));
                }
                return;
            }
            Err(e) => {
                tracing::warn!(
                    writes = batch.len(),
                    error = %e,
                    "journal group commit failed; writing each on its own"
                );
            }
        }
    }
    for pending in batch.drain(..) {
        let result = alone(backend, &pending.write).await;
        let _ = pending.reply.send(result);
    }
}

/// Runs `writes` on `conn`, round by round (see [`rounds`]): per round one
/// multi-row insert and one multi-row compare-and-set (SQLite: one per
/// size class). Returns what each write did, in the order of the writes.
async fn execute(conn: &mut Conn<'_>, writes: &[&Write]) -> Result<Vec<Written>, JournalError> {
    let mut results: Vec<Option<Written>> = writes.iter().map(|_| None).collect();
    for round in rounds(writes) {
        if !round.inserts.is_empty() {
            let inserted = conn
                .insert(&round.inserts)
                .await
                .map_err(JournalError::db("journaling a payout"))?;
            let mine: HashMap<RowKey<'_>, usize> = round
                .inserts
                .iter()
                .map(|&(i, row)| (row.key(), i))
                .collect();
            for (id, provider, account, trade_no) in &inserted {
                if let Some(&i) = mine.get(&RowKey::New(provider, account, trade_no)) {
                    results[i] = Some(Written::Inserted(Some(*id)));
                }
            }
            for &(i, _) in &round.inserts {
                results[i].get_or_insert(Written::Inserted(None));
            }
        }
        if !round.changes.is_empty() {
            let written: HashSet<i64> = conn
                .change(&round.changes)
                .await
                .map_err(JournalError::db("recording a payout's change"))?
                .into_iter()
                .collect();
            for &(i, change) in &round.changes {
                results[i] = Some(Written::Updated(written.contains(&change.id)));
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.ok_or_else(mismatch))
        .collect()
}

/// The keys of the rows a multi-row insert wrote, with their new ids.
type InsertedKeys = Vec<(i64, String, String, String)>;

/// A connection a writer runs its statements on.
enum Conn<'c> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'c mut sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(&'c mut sqlx::PgConnection),
}

impl Conn<'_> {
    /// Inserts `rows` (skipping taken keys); returns the rows written.
    async fn insert(&mut self, rows: &[(usize, &NewRow)]) -> Result<InsertedKeys, sqlx::Error> {
        match self {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(conn) => {
                let mut inserted = Vec::with_capacity(rows.len());
                for chunk in size_classes(rows) {
                    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(sql::INSERT_INTO);
                    query.push_values(chunk, |mut values, (_, row)| {
                        values
                            .push_bind(row.provider.as_str())
                            .push_bind(row.account.as_str())
                            .push_bind(row.region.as_str())
                            .push_bind(row.trade_no.as_str())
                            .push_bind(row.order_json.as_str())
                            .push_bind(row.amount.as_str())
                            .push_bind(row.state)
                            .push_bind(row.attempts)
                            .push_bind(0i64)
                            .push_bind(row.now_ms)
                            .push_bind(row.now_ms)
                            .push_bind(row.lease_owner.as_deref())
                            .push_bind(row.lease_until_ms)
                            .push_bind(row.now_ms)
                            .push_bind(0i64);
                    });
                    query.push(sql::INSERT_RETURNING);
                    inserted.extend(query.build_query_as().fetch_all(&mut **conn).await?);
                }
                Ok(inserted)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(conn) => {
                let column =
                    |f: fn(&NewRow) -> &str| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
                sqlx::query_as(sql::INSERT_UNNEST_POSTGRES)
                    .bind(column(|r| &r.provider))
                    .bind(column(|r| &r.account))
                    .bind(column(|r| &r.region))
                    .bind(column(|r| &r.trade_no))
                    .bind(column(|r| &r.order_json))
                    .bind(column(|r| &r.amount))
                    .bind(column(|r| r.state))
                    .bind(rows.iter().map(|(_, r)| r.attempts).collect::<Vec<_>>())
                    .bind(rows.iter().map(|(_, r)| r.now_ms).collect::<Vec<_>>())
                    .bind(
                        rows.iter()
                            .map(|(_, r)| r.lease_owner.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .bind(
                        rows.iter()
                            .map(|(_, r)| r.lease_until_ms)
                            .collect::<Vec<_>>(),
                    )
                    .fetch_all(&mut **conn)
                    .await
            }
        }
    }

    /// Writes `changes` (compare-and-set); returns the ids of the rows
    /// written.
    async fn change(&mut self, changes: &[(usize, &RowChange)]) -> Result<Vec<i64>, sqlx::Error> {
        match self {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(conn) => {
                let mut written = Vec::with_capacity(changes.len());
                for chunk in size_classes(changes) {
                    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(sql::UPDATE_WITH);
                    query.push_values(chunk, |mut values, (_, change)| {
                        values
                            .push_bind(change.id)
                            .push_bind(change.version)
                            .push_bind(change.state)
                            .push_bind(change.provider_status.as_deref())
                            .push_bind(change.platform_trade_no.as_deref())
                            .push_bind(change.conflict.as_deref())
                            .push_bind(change.attempts)
                            .push_bind(change.queries)
                            .push_bind(change.updated_at_ms)
                            .push_bind(change.lease_owner.as_deref())
                            .push_bind(change.lease_until_ms)
                            .push_bind(change.next_query_at_ms)
                            .push_bind(change.last_error.as_deref());
                    });
                    query.push(sql::UPDATE_SET);
                    written.extend(
                        query
                            .build_query_scalar::<i64>()
                            .fetch_all(&mut **conn)
                            .await?,
                    );
                }
                Ok(written)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(conn) => {
                let ints = |f: fn(&RowChange) -> i64| {
                    changes.iter().map(|(_, c)| f(c)).collect::<Vec<_>>()
                };
                let texts = |f: fn(&RowChange) -> Option<&str>| {
                    changes.iter().map(|(_, c)| f(c)).collect::<Vec<_>>()
                };
                sqlx::query_scalar(sql::UPDATE_UNNEST_POSTGRES)
                    .bind(ints(|c| c.id))
                    .bind(ints(|c| c.version))
                    .bind(changes.iter().map(|(_, c)| c.state).collect::<Vec<_>>())
                    .bind(texts(|c| c.provider_status.as_deref()))
                    .bind(texts(|c| c.platform_trade_no.as_deref()))
                    .bind(texts(|c| c.conflict.as_deref()))
                    .bind(ints(|c| c.attempts))
                    .bind(ints(|c| c.queries))
                    .bind(ints(|c| c.updated_at_ms))
                    .bind(texts(|c| c.lease_owner.as_deref()))
                    .bind(
                        changes
                            .iter()
                            .map(|(_, c)| c.lease_until_ms)
                            .collect::<Vec<_>>(),
                    )
                    .bind(ints(|c| c.next_query_at_ms))
                    .bind(texts(|c| c.last_error.as_deref()))
                    .fetch_all(&mut **conn)
                    .await
            }
        }
    }
}

/// One write in its own statement (its own transaction).
async fn alone(backend: &Backend, write: &Write) -> Result<Written, JournalError> {
    let acquire = JournalError::db("taking a journal connection");
    let mut results = match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(pools) => {
            let mut conn = pools.write.acquire().await.map_err(acquire)?;
            execute(&mut Conn::Sqlite(&mut conn), &[write]).await
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres(pool) => {
            let mut conn = pool.acquire().await.map_err(acquire)?;
            execute(&mut Conn::Postgres(&mut conn), &[write]).await
        }
    }?;
    results.pop().ok_or_else(mismatch)
}

/// Every write of `writes` in one transaction: all committed, or none.
async fn in_one_transaction(
    backend: &Backend,
    writes: &[&Write],
) -> Result<Vec<Written>, JournalError> {
    let begin = JournalError::db("starting a journal transaction");
    let done = JournalError::db("committing journal writes");
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(pools) => {
            // Take the write lock at once: no reader upgrade mid-batch.
            let mut tx = pools
                .write
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(begin)?;
            let results = execute(&mut Conn::Sqlite(&mut tx), writes).await?;
            tx.commit().await.map_err(done)?;
            Ok(results)
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(begin)?;
            let results = execute(&mut Conn::Postgres(&mut tx), writes).await?;
            tx.commit().await.map_err(done)?;
            Ok(results)
        }
    }
}

/// Which row a write is for: no statement writes one row twice.
#[derive(PartialEq, Eq, Hash)]
enum RowKey<'a> {
    New(&'a str, &'a str, &'a str),
    Id(i64),
}

/// The writes of one round, by kind, each with its index in the batch.
#[derive(Default)]
struct Round<'a> {
    inserts: Vec<(usize, &'a NewRow)>,
    changes: Vec<(usize, &'a RowChange)>,
}

/// Splits `writes` into rounds in which each row is written at most once,
/// keeping the order of the writes of one row: the n-th write of a row
/// goes into round n.
fn rounds<'a>(writes: &[&'a Write]) -> Vec<Round<'a>> {
    let mut seen: HashMap<RowKey<'a>, usize> = HashMap::with_capacity(writes.len());
    let mut rounds: Vec<Round<'a>> = Vec::new();
    for (i, &write) in writes.iter().enumerate() {
        let key = match write {
            Write::Insert(row) => row.key(),
            Write::Update(change) => RowKey::Id(change.id),
        };
        let n = seen.entry(key).or_insert(0);
        if rounds.len() <= *n {
            rounds.push(Round::default());
        }
        match write {
            Write::Insert(row) => rounds[*n].inserts.push((i, row)),
            Write::Update(change) => rounds[*n].changes.push((i, change)),
        }
        *n += 1;
    }
    rounds
}

#[cfg(feature = "sqlite")]
/// `items` in slices whose lengths are powers of two, largest first, so a
/// statement's text takes one of a few shapes (each prepared once per
/// connection, then reused).
fn size_classes<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let size = 1usize << items.len().ilog2();
        let (chunk, rest) = items.split_at(size);
        items = rest;
        Some(chunk)
    })
}
