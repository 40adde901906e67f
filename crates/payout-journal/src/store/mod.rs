//! The journal's storage ([`Journal`]): one schema and one set of
//! semantics on two backends, SQLite (one file, one process) and PostgreSQL
//! (any number of processes).
//!
//! Every write of a row is committed durably before its caller goes on:
//! SQLite runs in WAL mode with `synchronous=FULL`; PostgreSQL sessions force `synchronous_commit=on` (and plan each
//! statement for the table as it is: `plan_cache_mode=force_custom_plan`).
//! Writes waiting at the same moment share one commit (group commit, see
//! `docs/scaling.md`).
//! Changes are compare-and-set on the row's `version`, and every change of
//! state goes through [`crate::transition::apply`].

mod group_commit;
mod row;
mod schema;
mod sql;
mod url;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt, TryStreamExt};
use payout_core::CreatePayout;

use self::group_commit::{GroupCommit, NewRow, RowChange};
use self::row::{decode, Columns, SqlxRow};
use crate::error::JournalError;
use crate::order::OrderRecord;
use crate::record::{self, Counts, PayoutKey, PayoutRecord, Scope};
use crate::state::JournalState;
use crate::transition::{self, Effect, Event};

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("payout-journal needs a backend: enable the `sqlite` or `postgres` feature");

/// How many times a compare-and-set write is retried against concurrent
/// writers of the same row before giving up.
const CAS_ATTEMPTS: usize = 32;

/// Connection settings of a [`Journal`].
///
/// ```
/// use std::time::Duration;
/// use payout_journal::JournalOptions;
/// let o = JournalOptions::default().max_connections(32);
/// assert_eq!(o.max_connections, 32);
/// assert_eq!(o.acquire_timeout, Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalOptions {
    /// PostgreSQL: connections in the pool. SQLite: reading connections
    /// (SQLite has one writer; writes queue for its one connection).
    pub max_connections: u32,
    /// How long a caller waits for a free connection.
    pub acquire_timeout: Duration,
    /// SQLite: how long a write waits for the file lock held by another
    /// connection.
    pub busy_timeout: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(30),
        }
    }
}

impl JournalOptions {
    /// Sets the pool size.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }
}

/// A payout journal on SQLite or PostgreSQL. Cheap to clone (the pools are
/// shared).
///
/// ```no_run
/// # async fn f() -> Result<(), payout_journal::JournalError> {
/// use payout_journal::Journal;
/// let journal = Journal::open("sqlite:payouts.db").await?;
/// let counts = journal.counts().await?;
/// println!("{} payouts, {} not final", counts.total, counts.not_final());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Journal {
    backend: Backend,
    writes: GroupCommit,
}

#[derive(Clone)]
enum Backend {
    #[cfg(feature = "sqlite")]
    Sqlite(SqlitePools),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

/// SQLite has one writer: writes and claims queue for the writer thread
/// and its one connection (fair, no busy-wait), reads use their own pool.
#[cfg(feature = "sqlite")]
#[derive(Clone)]
struct SqlitePools {
    writer: group_commit::sqlite_thread::SqliteWriter,
    read: sqlx::SqlitePool,
}

/// Runs `$body` with `$pool` bound to the backend's pool for reads
/// (SQLite's reading pool; PostgreSQL has one pool for everything). The
/// body is written once and compiled for each backend.
macro_rules! with_read_pool {
    ($journal:expr, |$pool:ident| $body:expr) => {
        match &$journal.backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pools) => {
                let $pool = &pools.read;
                $body
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres($pool) => $body,
        }
    };
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("backend", &self.backend_name())
            .finish()
    }
}

/// The result of journaling an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A new row was written.
    Inserted(PayoutRecord),
    /// The identical order was already journaled: this is its row.
    Existing(PayoutRecord),
}

impl Entry {
    /// The row.
    pub fn record(&self) -> &PayoutRecord {
        match self {
            Entry::Inserted(r) | Entry::Existing(r) => r,
        }
    }

    /// The row, owned.
    pub fn into_record(self) -> PayoutRecord {
        match self {
            Entry::Inserted(r) | Entry::Existing(r) => r,
        }
    }
}

/// The result of applying an event to a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The row as it now stands.
    pub record: PayoutRecord,
    /// What the event did.
    pub effect: Effect,
}

/// Which rows a claim takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Every row that needs a query ([`JournalState::NEEDS_QUERY`]) and is
    /// due for one (its backoff has passed).
    Due,
    /// Rows left in `sending` or `unknown` and due for a query.
    /// ([`crate::Journaled::recover`] itself takes every such row once,
    /// due or not.)
    Unresolved,
}

/// A recovery walk's position: it claims the rows left in `sending` or
/// `unknown` in id order, each once, whatever their backoff (recovery
/// resolves every such row before anything may send it again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecoveryWalk {
    /// Only rows with a higher id (the last one claimed).
    pub after_id: i64,
    /// Also rows leased to the claimer's own name while the lease runs (a
    /// restarted process under a stable owner name takes its dead
    /// incarnation's rows back).
    pub take_own: bool,
}

/// What happens to a row's lease when it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum LeaseChange {
    /// Left as it is.
    #[default]
    Keep,
    /// Taken by the owner until then, if the event changes the row.
    Take(DateTime<Utc>),
    /// Released, if the owner holds it.
    Release,
}

/// Bookkeeping written together with an event, in the same statement.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bookkeeping<'a> {
    /// Who is writing (for leases).
    pub owner: Option<&'a str>,
    /// What happens to the lease.
    pub lease: LeaseChange,
    /// A status query was made.
    pub queried: bool,
    /// When to query next.
    pub next_query_at: Option<DateTime<Utc>>,
    /// The error met, if any.
    pub error: Option<String>,
}

/// A claim's parameters (`$1` to `$14` of the claim statements, see
/// `sql::claimable!`), owned: a SQLite claim runs on the writer thread.
pub(crate) struct ClaimParams {
    pub owner: String,
    pub until_ms: i64,
    pub provider: String,
    pub account: String,
    pub region: String,
    pub now_ms: i64,
    pub due_before_ms: i64,
    pub states: [&'static str; 4],
    pub limit: i64,
    pub own: Option<String>,
    pub after_id: i64,
}

impl Journal {
    /// Opens (and creates, for a SQLite file) the journal at `url` with
    /// default options, applying any pending schema migration.
    ///
    /// URLs: `sqlite:PATH` (also `sqlite://PATH`, `sqlite:///ABSOLUTE`) or
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DATABASE`.
    ///
    /// # Errors
    /// [`JournalError::Url`] for an unusable URL or a backend this build
    /// lacks, [`JournalError::Database`] when the database cannot be
    /// reached, [`JournalError::SchemaTooNew`] for a journal written by a
    /// newer version.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), payout_journal::JournalError> {
    /// let local = payout_journal::Journal::open("sqlite:payouts.db").await?;
    /// let shared = payout_journal::Journal::open("postgres://payouts@db.internal:5432/payouts").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, JournalError> {
        Self::open_with(url, JournalOptions::default()).await
    }

    /// [`Journal::open`] with explicit connection settings.
    ///
    /// # Errors
    /// As [`Journal::open`].
    pub async fn open_with(url: &str, options: JournalOptions) -> Result<Self, JournalError> {
        let backend = match url::parse(url)? {
            #[cfg(feature = "sqlite")]
            url::Target::Sqlite(path) => Backend::Sqlite(open_sqlite(&path, options).await?),
            #[cfg(feature = "postgres")]
            url::Target::Postgres(url) => Backend::Postgres(open_postgres(&url, options).await?),
            #[allow(unreachable_patterns)]
            target => {
                let feature = match target {
                    url::Target::Sqlite(_) => "sqlite",
                    url::Target::Postgres(_) => "postgres",
                };
                return Err(JournalError::Url {
                    message: format!(
                        "this build has no {feature} journal; enable the `{feature}` \
                         feature of payout-journal"
                    ),
                });
            }
        };
        let writes = match &backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pools) => GroupCommit::Sqlite(pools.writer.clone()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(pool) => group_commit::postgres_tasks::start(pool),
        };
        let journal = Self { backend, writes };
        journal.migrate().await?;
        Ok(journal)
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection. Operations already under way finish first
    /// (a group of writes being committed is committed; on SQLite, every
    /// write and claim queued before the close too); writes queued after
    /// fail with a closed-pool error and are not written, as in a crash:
    /// nothing acknowledged is lost.
    pub async fn close(&self) {
        match &self.backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pools) => {
                pools.writer.close().await;
                pools.read.close().await;
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// The schema version of the journal.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    pub async fn schema_version(&self) -> Result<i64, JournalError> {
        with_read_pool!(self, |pool| {
            sqlx::query_scalar::<_, i64>(schema::CURRENT_VERSION)
                .fetch_one(pool)
                .await
                .map_err(JournalError::db("reading the schema version"))
        })
    }

    async fn migrate(&self) -> Result<(), JournalError> {
        /// Applies the missing migrations inside the open transaction `$tx`.
        macro_rules! migrate_in {
            ($tx:ident, $id:expr) => {{
                let err = JournalError::db("migrating the journal schema");
                sqlx::query(schema::CREATE_VERSION_TABLE)
                    .execute(&mut *$tx)
                    .await
                    .map_err(err)?;
                let current: i64 = sqlx::query_scalar(schema::CURRENT_VERSION)
                    .fetch_one(&mut *$tx)
                    .await
                    .map_err(err)?;
                if current > schema::latest() {
                    return Err(JournalError::SchemaTooNew {
                        found: current,
                        supported: schema::latest(),
                    });
                }
                for m in schema::MIGRATIONS.iter().filter(|m| m.version > current) {
                    for statement in m.statements {
                        sqlx::query(&statement.replace("{id}", $id))
                            .execute(&mut *$tx)
                            .await
                            .map_err(err)?;
                    }
                    sqlx::query(schema::RECORD_VERSION)
                        .bind(m.version)
                        .bind(record::now().timestamp_millis())
                        .execute(&mut *$tx)
                        .await
                        .map_err(err)?;
                    tracing::info!(version = m.version, "journal schema migrated");
                }
                $tx.commit().await.map_err(err)
            }};
        }
        match &self.backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pools) => {
                let mut tx = pools
                    .read
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(JournalError::db("locking the journal to migrate it"))?;
                migrate_in!(tx, schema::SQLITE_ID)
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(pool) => {
                let mut tx = pool
                    .begin()
                    .await
                    .map_err(JournalError::db("locking the journal to migrate it"))?;
                sqlx::query(schema::POSTGRES_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(JournalError::db("locking the journal to migrate it"))?;
                migrate_in!(tx, schema::POSTGRES_ID)
            }
        }
    }

    /// Journals `order` in state `intent` (durably; nothing is sent), or
    /// returns the row of the identical order already journaled.
    ///
    /// # Errors
    /// [`JournalError::DifferentContents`] when the trade number is
    /// journaled for this provider account with a different order or
    /// region; [`JournalError::Database`].
    ///
    /// ```no_run
    /// # async fn f(journal: payout_journal::Journal, order: payout_core::CreatePayout) -> Result<(), payout_journal::JournalError> {
    /// use payout_journal::{Entry, Scope};
    /// let scope = Scope::new("paypro", "8729248847", "indonesia");
    /// match journal.record_intent(&scope, &order).await? {
    ///     Entry::Inserted(row) => println!("journaled {}", row.trade_no),
    ///     Entry::Existing(row) => println!("{} already journaled: {}", row.trade_no, row.state),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn record_intent(
        &self,
        scope: &Scope,
        order: &CreatePayout,
    ) -> Result<Entry, JournalError> {
        self.insert(
            scope,
            OrderRecord::from_order(order),
            JournalState::Intent,
            None,
        )
        .await
    }

    /// Writes a new row in `state` (`intent`, or `sending` with the
    /// sender's lease, so that journaling and marking it sent are one
    /// durable commit), or returns the identical existing row.
    pub(crate) async fn insert(
        &self,
        scope: &Scope,
        order: OrderRecord,
        state: JournalState,
        lease: Option<(&str, DateTime<Utc>)>,
    ) -> Result<Entry, JournalError> {
        // Times are stored to the millisecond: keep the row as it is stored.
        let now = record::now().timestamp_millis();
        let attempts = u32::from(state == JournalState::Sending);
        let (owner, until) = match lease {
            Some((owner, until)) => (Some(owner), Some(until.timestamp_millis())),
            None => (None, None),
        };
        let inserted = self
            .writes
            .insert(NewRow {
                provider: scope.provider.clone(),
                account: scope.account.clone(),
                region: scope.region.clone(),
                trade_no: order.trade_no.clone(),
                order_json: order.to_json(),
                amount: order.amount.clone(),
                state: state.as_str(),
                attempts: i64::from(attempts),
                now_ms: now,
                lease_owner: owner.map(str::to_owned),
                lease_until_ms: until,
            })
            .await?;
        if let Some(id) = inserted {
            return Ok(Entry::Inserted(PayoutRecord {
                id,
                provider: scope.provider.clone(),
                account: scope.account.clone(),
                region: scope.region.clone(),
                trade_no: order.trade_no.clone(),
                order,
                state,
                provider_status: None,
                platform_trade_no: None,
                attempts,
                queries: 0,
                created_at: record::from_ms(now),
                updated_at: record::from_ms(now),
                lease_owner: owner.map(str::to_owned),
                lease_until: until.map(record::from_ms),
                next_query_at: record::from_ms(now),
                last_error: None,
                conflict: Vec::new(),
                version: 0,
            }));
        }
        let key = PayoutKey::new(&scope.provider, &scope.account, &order.trade_no);
        let existing = self.get(&key).await?.ok_or_else(|| {
            JournalError::corrupt("a row refused as a duplicate cannot be read back")
        })?;
        let difference = if existing.region != scope.region {
            Some("region")
        } else {
            existing.order.difference(&order)
        };
        match difference {
            Some(difference) => Err(JournalError::DifferentContents {
                provider: scope.provider.clone(),
                trade_no: order.trade_no.clone(),
                difference,
            }),
            None => Ok(Entry::Existing(existing)),
        }
    }

    /// The row of one payout, if journaled.
    ///
    /// # Errors
    /// [`JournalError::Database`], or [`JournalError::Corrupt`] for an
    /// unreadable row.
    pub async fn get(&self, key: &PayoutKey) -> Result<Option<PayoutRecord>, JournalError> {
        with_read_pool!(self, |pool| {
            sqlx::query(sql::BY_KEY)
                .bind(key.provider.as_str())
                .bind(key.account.as_str())
                .bind(key.trade_no.as_str())
                .fetch_optional(pool)
                .await
                .map_err(JournalError::db("reading a payout"))?
                .map(|row| decode(&SqlxRow(&row)))
                .transpose()
        })
    }

    async fn by_id(&self, id: i64) -> Result<PayoutRecord, JournalError> {
        with_read_pool!(self, |pool| {
            sqlx::query(sql::BY_ID)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(JournalError::db("reading a payout"))?
                .map(|row| decode(&SqlxRow(&row)))
                .transpose()?
                .ok_or_else(|| JournalError::corrupt(format!("row {id} disappeared")))
        })
    }

    /// Applies one event to a journaled payout through the state machine
    /// and writes the result (compare-and-set; concurrent writers are
    /// re-read, never overwritten). Most callers use
    /// [`crate::Journaled`], which produces these events; this is for tools
    /// that record an outcome learnt elsewhere.
    ///
    /// # Errors
    /// [`JournalError::NotJournaled`], [`JournalError::Contended`],
    /// [`JournalError::Database`].
    ///
    /// ```no_run
    /// # async fn f(journal: payout_journal::Journal) -> Result<(), payout_journal::JournalError> {
    /// use payout_journal::{PayoutKey, transition::{Event, Observation, Observed, Source}};
    /// let key = PayoutKey::new("paypro", "8729248847", "PO-1");
    /// let applied = journal.apply(&key, &Event::Observed(Observation {
    ///     state: Observed::Succeeded, provider_status: Some("0000".into()),
    ///     platform_trade_no: None, source: Source::Query,
    /// })).await?;
    /// println!("{} ({:?})", applied.record.state, applied.effect);
    /// # Ok(()) }
    /// ```
    pub async fn apply(&self, key: &PayoutKey, event: &Event) -> Result<Applied, JournalError> {
        let record = self
            .get(key)
            .await?
            .ok_or_else(|| JournalError::NotJournaled {
                provider: key.provider.clone(),
                trade_no: key.trade_no.clone(),
            })?;
        self.update(&record, Some(event), &Bookkeeping::default())
            .await
    }

    /// Applies `event` (if any) to `record` (re-read on a lost
    /// compare-and-set) and writes it with `book`, in one statement. The
    /// caller keeps `record` (a caller that retries a failed write needs
    /// it again).
    pub(crate) async fn update(
        &self,
        record: &PayoutRecord,
        event: Option<&Event>,
        book: &Bookkeeping<'_>,
    ) -> Result<Applied, JournalError> {
        // The row as re-read after a lost compare-and-set (boxed: the
        // common path, which never re-reads, keeps a small future).
        let mut reread: Option<Box<PayoutRecord>> = None;
        for _ in 0..CAS_ATTEMPTS {
            let current = reread.as_deref().unwrap_or(record);
            let now = record::now();
            let (next, effect) = next_row(current, event, book, now);
            if next == *current {
                return Ok(Applied {
                    record: next,
                    effect,
                });
            }
            let version = current.version;
            if self.write(&next, version).await? {
                let mut written = next;
                written.version = version + 1;
                return Ok(Applied {
                    record: written,
                    effect,
                });
            }
            let id = current.id;
            reread = Some(Box::new(self.by_id(id).await?));
        }
        Err(JournalError::Contended {
            trade_no: reread.map_or_else(|| record.trade_no.clone(), |r| r.trade_no),
        })
    }

    /// Writes `next` if the row is still at `version`; false when another
    /// writer came first.
    async fn write(&self, next: &PayoutRecord, version: i64) -> Result<bool, JournalError> {
        let conflict = if next.conflict.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&next.conflict).unwrap_or_default())
        };
        self.writes
            .update(RowChange {
                id: next.id,
                version,
                state: next.state.as_str(),
                provider_status: next.provider_status.clone(),
                platform_trade_no: next.platform_trade_no.clone(),
                conflict,
                attempts: i64::from(next.attempts),
                queries: i64::from(next.queries),
                updated_at_ms: next.updated_at.timestamp_millis(),
                lease_owner: next.lease_owner.clone(),
                lease_until_ms: next.lease_until.map(|t| t.timestamp_millis()),
                next_query_at_ms: next.next_query_at.timestamp_millis(),
                last_error: next.last_error.clone(),
            })
            .await
    }

    /// Claims up to `limit` rows of `scope` for `owner` until `lease` from
    /// now: rows with no lease or an expired one, oldest due first. On
    /// PostgreSQL concurrent claimers skip each other's rows
    /// (`FOR UPDATE SKIP LOCKED`), so no row is claimed by two at once.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    ///
    /// ```no_run
    /// # async fn f(journal: payout_journal::Journal) -> Result<(), payout_journal::JournalError> {
    /// use std::time::Duration;
    /// use payout_journal::{Claim, Scope};
    /// let scope = Scope::new("paypro", "8729248847", "indonesia");
    /// for row in journal.claim(&scope, "worker-1", Duration::from_secs(60), 100, Claim::Due).await? {
    ///     println!("{} is mine until {:?}", row.trade_no, row.lease_until);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn claim(
        &self,
        scope: &Scope,
        owner: &str,
        lease: Duration,
        limit: u32,
        which: Claim,
    ) -> Result<Vec<PayoutRecord>, JournalError> {
        self.claim_with(scope, owner, lease, limit, which, None)
            .await
    }

    /// [`Journal::claim`], or with `walk` a step of a recovery walk.
    pub(crate) async fn claim_with(
        &self,
        scope: &Scope,
        owner: &str,
        lease: Duration,
        limit: u32,
        which: Claim,
        walk: Option<RecoveryWalk>,
    ) -> Result<Vec<PayoutRecord>, JournalError> {
        let now = record::now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let now_ms = now.timestamp_millis();
        let params = ClaimParams {
            owner: owner.to_owned(),
            until_ms: until.timestamp_millis(),
            provider: scope.provider.clone(),
            account: scope.account.clone(),
            region: scope.region.clone(),
            now_ms,
            due_before_ms: if walk.is_some() { i64::MAX } else { now_ms },
            states: match which {
                Claim::Due => ["sending", "unknown", "accepted", "pending"],
                Claim::Unresolved => ["sending", "unknown", "sending", "unknown"],
            },
            limit: i64::from(limit),
            own: walk.filter(|w| w.take_own).map(|_| owner.to_owned()),
            after_id: walk.map_or(0, |w| w.after_id),
        };
        // The backend's statement: a recovery walk's, or the due rows'.
        let walk_or_due = |walk_sql, due_sql| if walk.is_some() { walk_sql } else { due_sql };
        let mut rows = match &self.backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pools) => {
                let sql = walk_or_due(sql::CLAIM_WALK_SQLITE, sql::CLAIM_DUE_SQLITE);
                pools.writer.claim(sql, params).await?
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(pool) => sqlx::query(walk_or_due(
                sql::CLAIM_WALK_POSTGRES,
                sql::CLAIM_DUE_POSTGRES,
            ))
            .bind(params.owner)
            .bind(params.until_ms)
            .bind(params.provider)
            .bind(params.account)
            .bind(params.region)
            .bind(params.now_ms)
            .bind(params.due_before_ms)
            .bind(params.states[0])
            .bind(params.states[1])
            .bind(params.states[2])
            .bind(params.states[3])
            .bind(params.limit)
            .bind(params.own)
            .bind(params.after_id)
            .fetch_all(pool)
            .await
            .map_err(JournalError::db("claiming payouts"))?
            .iter()
            .map(|row| decode(&SqlxRow(row)))
            .collect::<Result<Vec<_>, _>>()?,
        };
        if walk.is_some() {
            rows.sort_by_key(|r| r.id);
        } else {
            rows.sort_by_key(|r| (r.next_query_at, r.id));
        }
        Ok(rows)
    }

    /// Counts of every payout in the journal, by state.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    pub async fn counts(&self) -> Result<Counts, JournalError> {
        self.counts_where(None).await
    }

    /// Counts of the payouts of one scope, by state.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    pub async fn scope_counts(&self, scope: &Scope) -> Result<Counts, JournalError> {
        self.counts_where(Some(scope)).await
    }

    async fn counts_where(&self, scope: Option<&Scope>) -> Result<Counts, JournalError> {
        let pairs = with_read_pool!(self, |pool| {
            let query = match scope {
                None => sqlx::query(sql::COUNTS),
                Some(s) => sqlx::query(sql::SCOPE_COUNTS)
                    .bind(s.provider.as_str())
                    .bind(s.account.as_str())
                    .bind(s.region.as_str()),
            };
            query
                .fetch_all(pool)
                .await
                .map_err(JournalError::db("counting payouts"))?
                .iter()
                .map(|row| {
                    let row = SqlxRow(row);
                    let state = row.required_text("state")?;
                    let n = row.required_int("n")?;
                    Ok((state, u64::try_from(n).unwrap_or(0)))
                })
                .collect::<Result<Vec<_>, JournalError>>()?
        });
        Ok(Counts::from_pairs(pairs))
    }

    /// When the next row of `scope` that needs a query becomes claimable,
    /// if any row needs one.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    pub async fn next_due(&self, scope: &Scope) -> Result<Option<DateTime<Utc>>, JournalError> {
        let due: Option<i64> = with_read_pool!(self, |pool| {
            sqlx::query_scalar(sql::NEXT_DUE)
                .bind(scope.provider.as_str())
                .bind(scope.account.as_str())
                .bind(scope.region.as_str())
                .fetch_one(pool)
                .await
                .map_err(JournalError::db("finding the next due payout"))?
        });
        Ok(due.map(record::from_ms))
    }

    /// Up to `limit` rows with an id above `after_id`, in id order: one
    /// page of a walk over the whole journal.
    ///
    /// # Errors
    /// [`JournalError::Database`], [`JournalError::Corrupt`].
    pub async fn page(&self, after_id: i64, limit: u32) -> Result<Vec<PayoutRecord>, JournalError> {
        with_read_pool!(self, |pool| {
            sqlx::query(sql::PAGE)
                .bind(after_id)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(JournalError::db("reading payouts"))?
                .iter()
                .map(|row| decode(&SqlxRow(row)))
                .collect()
        })
    }

    /// Every row, in id order, read page by page (`page_size` rows at a
    /// time), so memory stays flat however large the journal is.
    ///
    /// ```no_run
    /// # async fn f(journal: payout_journal::Journal) -> Result<(), payout_journal::JournalError> {
    /// use futures::TryStreamExt;
    /// use payout_journal::ExportRecord;
    /// println!("{}", ExportRecord::CSV_HEADER);
    /// let mut rows = std::pin::pin!(journal.records(1000));
    /// while let Some(row) = rows.try_next().await? {
    ///     println!("{}", row.export().csv_row());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn records(
        &self,
        page_size: u32,
    ) -> impl Stream<Item = Result<PayoutRecord, JournalError>> + Send + 'static {
        let journal = self.clone();
        let page_size = page_size.max(1);
        futures::stream::try_unfold(Some(0i64), move |after| {
            let journal = journal.clone();
            async move {
                let Some(after) = after else {
                    return Ok(None);
                };
                let page = journal.page(after, page_size).await?;
                let next = match page.last() {
                    Some(last) if page.len() == page_size as usize => Some(last.id),
                    _ => None,
                };
                if page.is_empty() {
                    return Ok(None);
                }
                Ok(Some((page, next)))
            }
        })
        .map_ok(|page| futures::stream::iter(page.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

/// The row after `event` and `book`, and what the event did (no event:
/// bookkeeping only, reported as a duplicate).
fn next_row(
    current: &PayoutRecord,
    event: Option<&Event>,
    book: &Bookkeeping<'_>,
    now: DateTime<Utc>,
) -> (PayoutRecord, Effect) {
    // "Not found" proves nothing while someone else may be sending it.
    let leased_by_other = match book.owner {
        Some(owner) => current.leased_by_other(owner, now),
        None => current.lease_owner.is_some() && current.lease_until.is_some_and(|t| t > now),
    };
    let (snapshot, effect) = match event {
        None => (current.snapshot(), Effect::Duplicate),
        Some(Event::NotFound { .. }) if leased_by_other => (current.snapshot(), Effect::Ignored),
        Some(event) => transition::apply(&current.snapshot(), event, now.timestamp_millis()),
    };
    let mut next = current.clone();
    next.state = snapshot.state;
    next.provider_status = snapshot.provider_status;
    next.platform_trade_no = snapshot.platform_trade_no;
    next.conflict = snapshot.conflict;
    next.updated_at = record::from_ms(snapshot.updated_at_ms);
    if effect == Effect::Applied && event == Some(&Event::Send) {
        next.attempts = next.attempts.saturating_add(1);
    }
    if book.queried {
        next.queries = next.queries.saturating_add(1);
    }
    if let Some(at) = book.next_query_at {
        next.next_query_at = at;
    }
    if let Some(error) = &book.error {
        next.last_error = Some(error.clone());
    }
    let owned_by_writer = book.owner.is_some() && next.lease_owner.as_deref() == book.owner;
    match book.lease {
        LeaseChange::Keep => {}
        LeaseChange::Take(until) if effect.changed() => {
            next.lease_owner = book.owner.map(str::to_owned);
            next.lease_until = Some(until);
        }
        LeaseChange::Take(_) => {}
        LeaseChange::Release if owned_by_writer => {
            next.lease_owner = None;
            next.lease_until = None;
        }
        LeaseChange::Release => {}
    }
    (next, effect)
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(
    path: &std::path::Path,
    options: JournalOptions,
) -> Result<SqlitePools, JournalError> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    use sqlx::ConnectOptions;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(JournalError::Url {
                message: format!(
                    "the directory {} of the SQLite journal does not exist; create it first",
                    dir.display()
                ),
            });
        }
    }
    let base = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(options.busy_timeout)
        .disable_statement_logging();
    // The reading pool creates the file (and puts it in WAL mode) before
    // the writer thread opens it.
    let read = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(base.create_if_missing(true))
        .await
        .map_err(JournalError::db("opening the SQLite journal"))?;
    let writer =
        group_commit::sqlite_thread::SqliteWriter::start(path, options.busy_timeout).await?;
    Ok(SqlitePools { writer, read })
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str, options: JournalOptions) -> Result<sqlx::PgPool, JournalError> {
    use std::str::FromStr;

    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use sqlx::ConnectOptions;
    let connect = PgConnectOptions::from_str(url)
        .map_err(|e| JournalError::Url {
            message: format!(
                "unreadable PostgreSQL URL ({e}); write postgres://USER@HOST:PORT/DATABASE"
            ),
        })?
        .application_name("payout-journal")
        // Every commit is durable, whatever the server's default. Every
        // statement is planned for the table as it is when it runs: a
        // journal starts empty, and a generic plan cached while it was
        // (a sequential scan) would stay on the connection as it grows.
        .options([
            ("synchronous_commit", "on"),
            ("plan_cache_mode", "force_custom_plan"),
        ])
        .disable_statement_logging();
    PgPoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(JournalError::db("connecting to the PostgreSQL journal"))
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    /// Every session of a PostgreSQL journal commits durably and plans each
    /// statement for the table as it is. Without the second, a generic plan
    /// cached while the journal was nearly empty (a sequential scan for the
    /// compare-and-set update) stayed on its connection as the table grew:
    /// reconcile of 20,000 payouts fell from about 6,000 to 300 queries/s.
    #[tokio::test]
    async fn postgres_sessions_commit_durably_and_plan_for_the_table_as_it_is() {
        let url = payout_testkit::postgres::admin_url("PAYOUT_JOURNAL_TEST_PG");
        let pool = super::open_postgres(&url, super::JournalOptions::default())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL test server unreachable at {url}: {e}"));
        for (setting, wanted) in [
            ("synchronous_commit", "on"),
            ("plan_cache_mode", "force_custom_plan"),
        ] {
            let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
                .fetch_one(&pool)
                .await
                .expect("SHOW");
            assert_eq!(value, wanted, "{setting}");
        }
        pool.close().await;
    }
}
