//! The PostgreSQL writers: [`WRITERS`] tasks on the Tokio runtime that
//! opened the journal, sharing one queue, each holding one pooled
//! connection while it writes a batch.

use std::sync::Arc;

use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, Mutex};

use super::{
    answer_all, batch_failed, mismatch, rounds, GroupCommit, NewRow, Pending, Results, RowChange,
    Write, Written, MAX_BATCH, QUEUE_DEPTH,
};
use crate::error::JournalError;
use crate::store::sql;

/// Writer tasks of a PostgreSQL journal: one runs its batch's statements
/// while another waits for its commit to be flushed.
pub(crate) const WRITERS: usize = 2;

/// The keys of the rows a multi-row insert wrote, with their new ids.
type InsertedKeys = Vec<(i64, String, String, String)>;

/// Starts the writer tasks on the current Tokio runtime.
pub(crate) fn start(pool: &PgPool) -> GroupCommit {
    let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
    let receiver = Arc::new(Mutex::new(receiver));
    for _ in 0..WRITERS {
        tokio::spawn(run_writer(pool.clone(), Arc::clone(&receiver)));
    }
    GroupCommit::Postgres(queue)
}

/// One writer: takes every write waiting (up to [`MAX_BATCH`]), commits
/// them together, answers each, and again, until the journal is dropped.
async fn run_writer(pool: PgPool, receiver: Arc<Mutex<mpsc::Receiver<Pending>>>) {
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
async fn commit(pool: &PgPool, batch: &mut Vec<Pending>) {
    if batch.len() > 1 {
        let writes: Vec<&Write> = batch.iter().map(|p| &p.write).collect();
        match in_one_transaction(pool, &writes).await {
            Ok(results) => return answer_all(batch, results),
            Err(e) => batch_failed(batch.len(), &e),
        }
    }
    for pending in batch.drain(..) {
        let result = alone(pool, &pending.write).await;
        let _ = pending.reply.send(result);
    }
}

/// One write in its own statement (its own transaction).
async fn alone(pool: &PgPool, write: &Write) -> Result<Written, JournalError> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(JournalError::db("taking a journal connection"))?;
    execute(&mut conn, &[write])
        .await?
        .pop()
        .ok_or_else(mismatch)
}

/// Every write of `writes` in one transaction: all committed, or none.
async fn in_one_transaction(
    pool: &PgPool,
    writes: &[&Write],
) -> Result<Vec<Written>, JournalError> {
    let mut tx = pool
        .begin()
        .await
        .map_err(JournalError::db("starting a journal transaction"))?;
    let results = execute(&mut tx, writes).await?;
    tx.commit()
        .await
        .map_err(JournalError::db("committing journal writes"))?;
    Ok(results)
}

/// Runs `writes` on `conn`, round by round (see [`rounds`]): per round one
/// multi-row insert and one multi-row compare-and-set. Returns what each
/// write did, in the order of the writes.
async fn execute(conn: &mut PgConnection, writes: &[&Write]) -> Result<Vec<Written>, JournalError> {
    let mut results = Results::new(writes.len());
    for round in rounds(writes) {
        if !round.inserts.is_empty() {
            let inserted = insert(conn, &round.inserts)
                .await
                .map_err(JournalError::db("journaling a payout"))?;
            results.insert_round(&round.inserts, |found| {
                for (id, provider, account, trade_no) in &inserted {
                    found(*id, provider, account, trade_no);
                }
                Ok::<_, JournalError>(())
            })?;
        }
        if !round.changes.is_empty() {
            let written = change(conn, &round.changes)
                .await
                .map_err(JournalError::db("recording a payout's change"))?;
            results.changed(&round.changes, written);
        }
    }
    results.finish()
}

/// Inserts `rows` (skipping taken keys) in one statement, each column
/// bound as an array; returns the rows written.
async fn insert(
    conn: &mut PgConnection,
    rows: &[(usize, &NewRow)],
) -> Result<InsertedKeys, sqlx::Error> {
    let texts = |f: fn(&NewRow) -> &str| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
    sqlx::query_as(sql::INSERT_UNNEST_POSTGRES)
        .bind(texts(|r| &r.provider))
        .bind(texts(|r| &r.account))
        .bind(texts(|r| &r.region))
        .bind(texts(|r| &r.trade_no))
        .bind(texts(|r| &r.order_json))
        .bind(texts(|r| &r.amount))
        .bind(texts(|r| r.state))
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
        .fetch_all(conn)
        .await
}

/// Writes `changes` (compare-and-set) in one statement, each column bound
/// as an array; returns the ids of the rows written.
async fn change(
    conn: &mut PgConnection,
    changes: &[(usize, &RowChange)],
) -> Result<Vec<i64>, sqlx::Error> {
    let ints = |f: fn(&RowChange) -> i64| changes.iter().map(|(_, c)| f(c)).collect::<Vec<_>>();
    let texts =
        |f: fn(&RowChange) -> Option<&str>| changes.iter().map(|(_, c)| f(c)).collect::<Vec<_>>();
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
        .fetch_all(conn)
        .await
}
