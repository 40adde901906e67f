//! The SQLite writer: a thread of its own that owns the journal's one
//! writing connection and runs every write of the journal on it, batch by
//! batch, and every claim between the batches.
//!
//! SQLite lets one connection write at a time, so one thread doing all of
//! it loses nothing, and running its statements synchronously (`rusqlite`,
//! on the same SQLite library as sqlx) spares each row the async bridge of
//! a pooled connection: the statements' arguments are bound in place,
//! their rows read in place, and the thread sleeps only when no write is
//! waiting. Claims go through the same queue, so they never wait on the
//! file lock against the batches (SQLite's busy handler sleeps).
//! Reads use the journal's pool of reading connections (WAL: readers never
//! block the writer).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use rusqlite::types::ToSql;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::{
    answer_all, batch_failed, closed, mismatch, rounds, NewRow, Pending, Results, RowChange, Write,
    Written, MAX_BATCH, QUEUE_DEPTH,
};
use crate::error::JournalError;
use crate::record::PayoutRecord;
use crate::store::{row, sql, ClaimParams};

/// Statements the connection keeps prepared: every size class of both
/// multi-row statements, and the claims.
const PREPARED: usize = 32;

/// The handle to the writer thread. Cheap to clone; the thread stops (and
/// closes its connection) when the last handle is dropped.
#[derive(Clone)]
pub(crate) struct SqliteWriter {
    queue: mpsc::Sender<Job>,
}

/// A reserved place in the writer thread's queue, for one write.
pub(super) struct WritePlace<'a>(mpsc::Permit<'a, Job>);

impl WritePlace<'_> {
    /// Queues `pending` in this place.
    pub(super) fn send(self, pending: Pending) {
        self.0.send(Job::Write(pending));
    }
}

/// What the writer thread does, in the order asked.
enum Job {
    /// A write, batched with the writes waiting beside it.
    Write(Pending),
    /// A claim (an `UPDATE ... RETURNING` of the claimed rows).
    Claim {
        sql: &'static str,
        params: ClaimParams,
        reply: oneshot::Sender<Result<Vec<PayoutRecord>, JournalError>>,
    },
    /// Closes the connection; every job after this one fails as closed.
    Close(oneshot::Sender<()>),
}

impl SqliteWriter {
    /// Opens the writing connection to the journal file at `path` (which
    /// exists) on a new thread: WAL, `synchronous=FULL`, temporary storage
    /// in memory, waiting up to `busy_timeout` for another process's lock.
    pub(crate) async fn start(path: &Path, busy_timeout: Duration) -> Result<Self, JournalError> {
        let (queue, jobs) = mpsc::channel(QUEUE_DEPTH);
        let (opened, open_result) = oneshot::channel();
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("payout-journal-writer".to_owned())
            .spawn(move || match open(&path, busy_timeout) {
                Ok(conn) => {
                    let _ = opened.send(Ok(()));
                    serve(conn, jobs);
                }
                Err(e) => {
                    let _ = opened.send(Err(db("opening the SQLite journal")(e)));
                }
            })
            .map_err(|e| JournalError::Database {
                doing: "starting the SQLite journal's writer thread",
                source: sqlx::Error::Io(e),
            })?;
        open_result
            .await
            .map_err(|_| closed("opening the SQLite journal"))??;
        Ok(Self { queue })
    }

    /// Reserves a place in the queue for a write; `None` when the thread
    /// has stopped.
    pub(super) async fn reserve(&self) -> Option<WritePlace<'_>> {
        self.queue.reserve().await.ok().map(WritePlace)
    }

    /// Runs the claim `sql` (one of `sql::CLAIM_*_SQLITE`) with `params`
    /// and returns the rows claimed.
    pub(crate) async fn claim(
        &self,
        sql: &'static str,
        params: ClaimParams,
    ) -> Result<Vec<PayoutRecord>, JournalError> {
        let doing = "claiming payouts";
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job::Claim { sql, params, reply })
            .await
            .map_err(|_| closed(doing))?;
        answer.await.map_err(|_| closed(doing))?
    }

    /// Closes the connection once the jobs queued before are done; the
    /// jobs after fail as closed.
    pub(crate) async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.queue.send(Job::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

/// The writing connection.
fn open(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    // No SQLITE_OPEN_URI: the path is a file name, whatever it looks like.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The writer's temporary storage (statement journals of the
    // multi-row statements, their `RETURNING` rows) is bounded by
    // `MAX_BATCH`: in memory, not in temporary files made and unlinked
    // every few hundred payouts.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(PREPARED);
    Ok(conn)
}

/// The thread's loop: every write waiting (up to [`MAX_BATCH`]) committed
/// together, claims and closing in their turn, until every handle is gone.
fn serve(conn: Connection, mut jobs: mpsc::Receiver<Job>) {
    let shapes = Shapes::new();
    let mut conn = Some(conn);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut next = jobs.blocking_recv();
    while let Some(job) = next.take() {
        match job {
            Job::Write(first) => {
                batch.push(first);
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(Job::Write(pending)) => batch.push(pending),
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                match conn.as_mut() {
                    Some(conn) => commit(conn, &shapes, &mut batch),
                    // Dropping the replies tells each caller it is closed.
                    None => batch.clear(),
                }
            }
            Job::Claim { sql, params, reply } => {
                if let Some(conn) = &conn {
                    let _ = reply.send(claim(conn, sql, &params));
                }
            }
            Job::Close(done) => {
                conn = None;
                let _ = done.send(());
            }
        }
        if next.is_none() {
            next = jobs.blocking_recv();
        }
    }
}

/// Commits `batch` (emptying it) and answers every write in it.
fn commit(conn: &mut Connection, shapes: &Shapes, batch: &mut Vec<Pending>) {
    if batch.len() > 1 {
        let writes: Vec<&Write> = batch.iter().map(|p| &p.write).collect();
        match in_one_transaction(conn, shapes, &writes) {
            Ok(results) => return answer_all(batch, results),
            Err(e) => batch_failed(batch.len(), &e),
        }
    }
    for pending in batch.drain(..) {
        // One write in its own statement (its own transaction).
        let result = execute(conn, shapes, &[&pending.write])
            .and_then(|mut written| written.pop().ok_or_else(mismatch));
        let _ = pending.reply.send(result);
    }
}

/// Every write of `writes` in one transaction: all committed, or none
/// (dropping an uncommitted transaction rolls it back).
fn in_one_transaction(
    conn: &mut Connection,
    shapes: &Shapes,
    writes: &[&Write],
) -> Result<Vec<Written>, JournalError> {
    // Take the write lock at once: no reader upgrade mid-batch.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db("starting a journal transaction"))?;
    let results = execute(&tx, shapes, writes)?;
    tx.commit().map_err(db("committing journal writes"))?;
    Ok(results)
}

/// Runs `writes` round by round (see [`rounds`]): per round one multi-row
/// insert and one multi-row compare-and-set per size class. Returns what
/// each write did, in the order of the writes.
fn execute(
    conn: &Connection,
    shapes: &Shapes,
    writes: &[&Write],
) -> Result<Vec<Written>, JournalError> {
    let mut results = Results::new(writes.len());
    for round in rounds(writes) {
        if !round.inserts.is_empty() {
            results
                .insert_round(&round.inserts, |found| {
                    size_classes(&round.inserts).try_for_each(|chunk| {
                        insert(conn, shapes.insert(chunk.len()), chunk, found)
                    })
                })
                .map_err(db("journaling a payout"))?;
        }
        if !round.changes.is_empty() {
            let mut written = Vec::with_capacity(round.changes.len());
            for chunk in size_classes(&round.changes) {
                change(conn, shapes.update(chunk.len()), chunk, &mut written)
                    .map_err(db("recording a payout's change"))?;
            }
            results.changed(&round.changes, written);
        }
    }
    results.finish()
}

/// Inserts `rows` (skipping taken keys) with `sql`, the insert shape of
/// their number; reports each row written to `found` (id, provider,
/// account, trade number, read in place).
fn insert(
    conn: &Connection,
    sql: &str,
    rows: &[(usize, &NewRow)],
    found: &mut dyn FnMut(i64, &str, &str, &str),
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut bind = Binder::new(&mut statement);
    for (_, row) in rows {
        bind.next(&row.provider)?
            .next(&row.account)?
            .next(&row.region)?
            .next(&row.trade_no)?
            .next(&row.order_json)?
            .next(&row.amount)?
            .next(row.state)?
            .next(row.attempts)?
            .next(0i64)?
            .next(row.now_ms)?
            .next(row.now_ms)?
            .next(&row.lease_owner)?
            .next(row.lease_until_ms)?
            .next(row.now_ms)?
            .next(0i64)?;
    }
    let mut returned = statement.raw_query();
    while let Some(r) = returned.next()? {
        found(r.get(0)?, text(r, 1)?, text(r, 2)?, text(r, 3)?);
    }
    Ok(())
}

/// A text column of a row, borrowed.
fn text<'r>(row: &'r rusqlite::Row<'_>, column: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(column)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Writes `changes` (compare-and-set) with `sql`, the update shape of
/// their number; adds the ids of the rows written to `written`.
fn change(
    conn: &Connection,
    sql: &str,
    changes: &[(usize, &RowChange)],
    written: &mut Vec<i64>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut bind = Binder::new(&mut statement);
    for (_, c) in changes {
        bind.next(c.id)?
            .next(c.version)?
            .next(c.state)?
            .next(&c.provider_status)?
            .next(&c.platform_trade_no)?
            .next(&c.conflict)?
            .next(c.attempts)?
            .next(c.queries)?
            .next(c.updated_at_ms)?
            .next(&c.lease_owner)?
            .next(c.lease_until_ms)?
            .next(c.next_query_at_ms)?
            .next(&c.last_error)?;
    }
    let mut returned = statement.raw_query();
    while let Some(r) = returned.next()? {
        written.push(r.get(0)?);
    }
    Ok(())
}

/// Runs a claim and reads back the rows it took.
fn claim(conn: &Connection, sql: &str, p: &ClaimParams) -> Result<Vec<PayoutRecord>, JournalError> {
    let err = db("claiming payouts");
    let mut statement = conn.prepare_cached(sql).map_err(err)?;
    let named: [(&str, &dyn ToSql); 14] = [
        ("$1", &p.owner),
        ("$2", &p.until_ms),
        ("$3", &p.provider),
        ("$4", &p.account),
        ("$5", &p.region),
        ("$6", &p.now_ms),
        ("$7", &p.due_before_ms),
        ("$8", &p.states[0]),
        ("$9", &p.states[1]),
        ("$10", &p.states[2]),
        ("$11", &p.states[3]),
        ("$12", &p.limit),
        ("$13", &p.own),
        ("$14", &p.after_id),
    ];
    let mut rows = statement.query(&named[..]).map_err(err)?;
    let mut claimed = Vec::new();
    while let Some(r) = rows.next().map_err(err)? {
        claimed.push(row::decode(r)?);
    }
    Ok(claimed)
}

/// Binds a statement's positional parameters in order.
struct Binder<'s, 'c> {
    statement: &'s mut rusqlite::Statement<'c>,
    index: usize,
}

impl<'s, 'c> Binder<'s, 'c> {
    fn new(statement: &'s mut rusqlite::Statement<'c>) -> Self {
        Self {
            statement,
            index: 0,
        }
    }

    /// Binds the next parameter.
    fn next(&mut self, value: impl ToSql) -> rusqlite::Result<&mut Self> {
        self.index += 1;
        self.statement.raw_bind_parameter(self.index, value)?;
        Ok(self)
    }
}

/// The text of both multi-row statements for every size class.
struct Shapes {
    insert: Vec<String>,
    update: Vec<String>,
}

impl Shapes {
    fn new() -> Self {
        let classes = MAX_BATCH.ilog2() + 1;
        let shape = |head: &str, columns: usize, tail: &str| -> Vec<String> {
            let tuple = format!("({})", vec!["?"; columns].join(", "));
            (0..classes)
                .map(|class| {
                    format!(
                        "{head}VALUES {}{tail}",
                        vec![tuple.as_str(); 1 << class].join(", ")
                    )
                })
                .collect()
        };
        Self {
            insert: shape(sql::INSERT_INTO, 15, sql::INSERT_RETURNING),
            update: shape(sql::UPDATE_WITH, 13, sql::UPDATE_SET),
        }
    }

    /// The insert of `rows` rows (a power of two).
    fn insert(&self, rows: usize) -> &str {
        &self.insert[rows.ilog2() as usize]
    }

    /// The compare-and-set of `rows` rows (a power of two).
    fn update(&self, rows: usize) -> &str {
        &self.update[rows.ilog2() as usize]
    }
}

/// `items` in slices whose lengths are powers of two, largest first, so a
/// statement's text takes one of a few shapes (each prepared once, then
/// reused).
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

/// Maps a rusqlite error to the journal's database error.
fn db(doing: &'static str) -> impl Fn(rusqlite::Error) -> JournalError + Copy {
    move |e| JournalError::Database {
        doing,
        source: sqlx::Error::Database(Box::new(SqliteError::from(e))),
    }
}

/// An error of the writer thread's SQLite connection, as sqlx reports a
/// database's error: the message, and SQLite's extended result code.
#[derive(Debug)]
struct SqliteError {
    message: String,
    code: Option<i32>,
    source: rusqlite::Error,
}

impl From<rusqlite::Error> for SqliteError {
    fn from(source: rusqlite::Error) -> Self {
        let code = match &source {
            rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code),
            _ => None,
        };
        Self {
            message: source.to_string(),
            code,
            source,
        }
    }
}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SqliteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl sqlx::error::DatabaseError for SqliteError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.code.map(|c| c.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use sqlx::error::ErrorKind;
        // SQLite's extended result codes for constraint failures.
        match self.code {
            Some(1555 | 2067) => ErrorKind::UniqueViolation,
            Some(787) => ErrorKind::ForeignKeyViolation,
            Some(1299) => ErrorKind::NotNullViolation,
            Some(275) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writing_connection_commits_durably_and_keeps_temporaries_in_memory() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("journal.db");
        let conn = Connection::open(&path).expect("create the file");
        drop(conn);
        let conn = open(&path, Duration::from_secs(1)).expect("open");
        let number = |name: &str| -> i64 {
            conn.pragma_query_value(None, name, |r| r.get(0))
                .expect(name)
        };
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(mode, "wal");
        // 2 is FULL: every commit is flushed before it is acknowledged.
        assert_eq!(number("synchronous"), 2);
        // 2 is MEMORY.
        assert_eq!(number("temp_store"), 2);
    }
}
