//! Group commit: every row write of the journal (a new row, or a
//! compare-and-set change of one) goes through a queue to a writer, which
//! commits all the writes waiting at that moment in **one** transaction,
//! so one durable flush (`fsync`) serves them all. Each caller still waits
//! until its own write is durable: nothing is acknowledged before its
//! commit, exactly as with one commit per write.
//!
//! - The writers: SQLite has one, a thread of its own that owns the one
//!   writing connection ([`sqlite_thread`]; claims run there too, so writes
//!   stay serialised without waiting on the file lock); PostgreSQL has
//!   [`postgres_tasks::WRITERS`] tasks on the Tokio runtime that opened the
//!   journal, so one batch runs its statements while another waits for its
//!   commit to be flushed.
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
//! - The writers stop when the last handle of the journal is dropped. A
//!   journal closed (or, on PostgreSQL, used after its runtime has shut
//!   down) reports a closed pool.

#[cfg(feature = "postgres")]
pub(crate) mod postgres_tasks;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite_thread;

use std::collections::{HashMap, HashSet};

use tokio::sync::oneshot;

use crate::error::JournalError;

/// Most writes committed in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// Writes that may wait for a writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4 * MAX_BATCH;

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
pub(crate) enum Write {
    /// A new row.
    Insert(NewRow),
    /// A change of an existing row.
    Update(RowChange),
}

/// What a durable [`Write`] did.
pub(crate) enum Written {
    /// The new row's id, or `None` when its key was already taken.
    Inserted(Option<i64>),
    /// Whether the row was still at the version read (and is now changed).
    Updated(bool),
}

/// A write waiting for its commit, and where its result goes.
pub(crate) struct Pending {
    write: Write,
    reply: oneshot::Sender<Result<Written, JournalError>>,
}

/// The queue to a journal's writers. Cheap to clone.
#[derive(Clone)]
pub(crate) enum GroupCommit {
    /// The SQLite writer thread (which also runs claims).
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite_thread::SqliteWriter),
    /// The PostgreSQL writer tasks.
    #[cfg(feature = "postgres")]
    Postgres(tokio::sync::mpsc::Sender<Pending>),
}

impl GroupCommit {
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
    ///
    /// A place in the queue is reserved before the write is handed over, so
    /// this future holds the write once while it waits (a `send` future
    /// would hold it again at each layer, and every payout's future is
    /// moved, whole, as it is built).
    async fn write(&self, write: Write) -> Result<Written, JournalError> {
        let doing = doing(&write);
        let (reply, answer) = oneshot::channel();
        let queued = match self {
            #[cfg(feature = "sqlite")]
            GroupCommit::Sqlite(writer) => writer
                .reserve()
                .await
                .map(|place| place.send(Pending { write, reply }))
                .is_some(),
            #[cfg(feature = "postgres")]
            GroupCommit::Postgres(queue) => queue
                .reserve()
                .await
                .map(|place| place.send(Pending { write, reply }))
                .is_ok(),
        };
        let stopped = || closed(doing);
        if !queued {
            return Err(stopped());
        }
        answer.await.map_err(|_| stopped())?
    }
}

/// The error of a write or claim that reached no writer: the journal was
/// closed, or its writers stopped.
pub(crate) fn closed(doing: &'static str) -> JournalError {
    JournalError::Database {
        doing,
        source: sqlx::Error::PoolClosed,
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

/// Answers every write of `batch` (emptying it) with what the batch's
/// transaction did. A caller that stopped waiting has nobody to tell.
fn answer_all(batch: &mut Vec<Pending>, results: Vec<Written>) {
    for (pending, result) in batch.drain(..).zip(results) {
        let _ = pending.reply.send(Ok(result));
    }
}

/// Logs a batch's failed transaction (its writes are then retried alone).
fn batch_failed(writes: usize, error: &JournalError) {
    tracing::warn!(
        writes,
        error = %error,
        "journal group commit failed; writing each on its own"
    );
}

/// What each write of a batch did, filled in round by round.
struct Results(Vec<Option<Written>>);

impl Results {
    fn new(writes: usize) -> Self {
        Self((0..writes).map(|_| None).collect())
    }

    /// Runs a round's multi-row insert and records what it wrote: `run`
    /// reports each row the insert returned (id, provider, account, trade
    /// number, which may be borrowed from the driver's row) to the callback
    /// it is given; the writes whose row did not come back found their key
    /// taken.
    fn insert_round<E>(
        &mut self,
        inserts: &[(usize, &NewRow)],
        run: impl FnOnce(&mut dyn FnMut(i64, &str, &str, &str)) -> Result<(), E>,
    ) -> Result<(), E> {
        let mine: HashMap<RowKey<'_>, usize> =
            inserts.iter().map(|&(i, row)| (row.key(), i)).collect();
        let slots = &mut self.0;
        run(&mut |id, provider, account, trade_no| {
            if let Some(&i) = mine.get(&RowKey::New(provider, account, trade_no)) {
                slots[i] = Some(Written::Inserted(Some(id)));
            }
        })?;
        for &(i, _) in inserts {
            self.0[i].get_or_insert(Written::Inserted(None));
        }
        Ok(())
    }

    /// Records what a round's multi-row compare-and-set wrote: the ids it
    /// returned.
    fn changed(&mut self, changes: &[(usize, &RowChange)], written: Vec<i64>) {
        let written: HashSet<i64> = written.into_iter().collect();
        for &(i, change) in changes {
            self.0[i] = Some(Written::Updated(written.contains(&change.id)));
        }
    }

    /// What each write did, in the order of the writes.
    fn finish(self) -> Result<Vec<Written>, JournalError> {
        self.0.into_iter().map(|r| r.ok_or_else(mismatch)).collect()
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
/// goes into round n. Each round runs as one multi-row insert and one
/// multi-row compare-and-set.
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
