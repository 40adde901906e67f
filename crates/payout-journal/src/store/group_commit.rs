//! Group commit: every row write of the journal (a new row, or a
//! compare-and-set change of one) goes through a queue to a writer task,
//! which commits all the writes waiting at that moment in **one**
//! transaction, so one durable flush (`fsync`) serves them all. Each caller
//! still waits until its own write is durable: nothing is acknowledged
//! before its commit, exactly as with one commit per write.
//!
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

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Mutex};

use super::sql;
use crate::error::JournalError;

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 256;

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

/// The connection pool the writers write through.
#[derive(Clone)]
pub(crate) enum WritePool {
    /// SQLite's one writing connection.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// The PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
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
    /// Starts `writers` writer tasks on the current Tokio runtime.
    pub(crate) fn start(pool: WritePool, writers: usize) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..writers.max(1) {
            tokio::spawn(run_writer(pool.clone(), Arc::clone(&receiver)));
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
async fn run_writer(pool: WritePool, receiver: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        let taken = receiver.lock().await.recv_many(&mut batch, MAX_BATCH).await;
        if taken == 0 {
            return;
        }
        commit(&pool, &mut batch).await;
    }
}

/// Commits `batch` (emptying it) and answers every write in it.
async fn commit(pool: &WritePool, batch: &mut Vec<Pending>) {
    if batch.len() > 1 {
        let writes: Vec<&Write> = batch.iter().map(|p| &p.write).collect();
        match in_one_transaction(pool, &writes).await {
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
        let result = alone(pool, &pending.write).await;
        let _ = pending.reply.send(result);
    }
}

/// Runs `$writes` (`&[&Write]`) on the executor `$ex` (a pool, or
/// `&mut *transaction`) of database `$db`: per round (see [`rounds`]), one
/// multi-row insert and one multi-row compare-and-set per size class.
/// Evaluates to `Result<Vec<Written>, JournalError>`, in the order of the
/// writes.
macro_rules! execute {
    ($db:ty, $ex:expr, $writes:expr) => {
        async {
            let writes: &[&Write] = $writes;
            let mut results: Vec<Option<Written>> = writes.iter().map(|_| None).collect();
            for round in rounds(writes) {
                for chunk in size_classes(&round.inserts) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(sql::INSERT_INTO);
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
                    let inserted: Vec<(i64, String, String, String)> = query
                        .build_query_as()
                        .fetch_all($ex)
                        .await
                        .map_err(JournalError::db("journaling a payout"))?;
                    for (id, provider, account, trade_no) in &inserted {
                        let mine = chunk.iter().find(|(_, new)| {
                            &new.provider == provider
                                && &new.account == account
                                && &new.trade_no == trade_no
                        });
                        if let Some(&(i, _)) = mine {
                            results[i] = Some(Written::Inserted(Some(*id)));
                        }
                    }
                    for &(i, _) in chunk {
                        results[i].get_or_insert(Written::Inserted(None));
                    }
                }
                for chunk in size_classes(&round.changes) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(sql::UPDATE_WITH);
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
                    let written: Vec<i64> = query
                        .build_query_scalar()
                        .fetch_all($ex)
                        .await
                        .map_err(JournalError::db("recording a payout's change"))?;
                    for &(i, change) in chunk {
                        results[i] = Some(Written::Updated(written.contains(&change.id)));
                    }
                }
            }
            results
                .into_iter()
                .map(|r| r.ok_or_else(mismatch))
                .collect::<Result<Vec<Written>, JournalError>>()
        }
        .await
    };
}

/// One write in its own statement (its own transaction).
async fn alone(pool: &WritePool, write: &Write) -> Result<Written, JournalError> {
    let mut results = match pool {
        #[cfg(feature = "sqlite")]
        WritePool::Sqlite(pool) => execute!(sqlx::Sqlite, pool, &[write]),
        #[cfg(feature = "postgres")]
        WritePool::Postgres(pool) => execute!(sqlx::Postgres, pool, &[write]),
    }?;
    results.pop().ok_or_else(mismatch)
}

/// Every write of `writes` in one transaction: all committed, or none.
async fn in_one_transaction(
    pool: &WritePool,
    writes: &[&Write],
) -> Result<Vec<Written>, JournalError> {
    let begin = JournalError::db("starting a journal transaction");
    let done = JournalError::db("committing journal writes");
    match pool {
        #[cfg(feature = "sqlite")]
        WritePool::Sqlite(pool) => {
            // Take the write lock at once: no reader upgrade mid-batch.
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(begin)?;
            let results = execute!(sqlx::Sqlite, &mut *tx, writes)?;
            tx.commit().await.map_err(done)?;
            Ok(results)
        }
        #[cfg(feature = "postgres")]
        WritePool::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(begin)?;
            let results = execute!(sqlx::Postgres, &mut *tx, writes)?;
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
            Write::Insert(row) => RowKey::New(&row.provider, &row.account, &row.trade_no),
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
