//! What the journal benchmarks share: a fresh journal per run on either
//! backend (a SQLite file in a temporary directory, or a PostgreSQL
//! database created for the run and dropped after it), the provider that
//! creates payouts on the simulator, the orders, and a driver that runs N
//! operations at a given concurrency.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use payout_core::{CreatePayout, PayoutProvider, Secret, TradeNo};
use payout_journal::{Journal, JournalOptions, JournalState, Journaled};
use payout_sim::{TEST_MERCHANT_NO, TEST_SECRET};
use payout_testkit::postgres::{admin_url, ScratchDatabase};

use crate::load;
use crate::sim::{BRAND, REGION};

/// The journal's backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (WAL, `synchronous=FULL`).
    Sqlite,
    /// A PostgreSQL database (`synchronous_commit=on`).
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`, as in the result names.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A journal made for one benchmark run: a SQLite file in a temporary
/// directory, or a scratch PostgreSQL database on `PAYOUT_BENCH_PG` (else
/// the local test server); either goes when this is dropped.
pub struct FreshJournal {
    /// Its URL.
    pub url: String,
    backend: Backend,
    _dir: Option<tempfile::TempDir>,
    _database: Option<ScratchDatabase>,
}

impl FreshJournal {
    /// Makes one on `backend`.
    pub async fn create(backend: Backend) -> Result<Self, String> {
        match backend {
            Backend::Sqlite => {
                // The temporary directory must be on a disk (not a RAM
                // file system) for the commits to cost what they cost.
                let dir = tempfile::Builder::new()
                    .prefix("payout-bench-journal")
                    .tempdir()
                    .map_err(|e| format!("cannot make a directory for the journal: {e}"))?;
                let url = format!("sqlite:{}", dir.path().join("journal.db").display());
                Ok(Self {
                    url,
                    backend,
                    _dir: Some(dir),
                    _database: None,
                })
            }
            Backend::Postgres => {
                let database =
                    ScratchDatabase::create(&admin_url("PAYOUT_BENCH_PG"), "payout_bench")
                        .await
                        .map_err(|e| format!("{e} (or set PAYOUT_BENCH_PG)"))?;
                Ok(Self {
                    url: database.url.clone(),
                    backend,
                    _dir: None,
                    _database: Some(database),
                })
            }
        }
    }

    /// Opens it with a pool for `concurrency` operations in flight (as
    /// `payout batch` does).
    pub async fn open(&self, concurrency: usize) -> Result<Journal, String> {
        let connections = u32::try_from(concurrency.clamp(4, 32)).unwrap_or(32);
        Journal::open_with(
            &self.url,
            JournalOptions::default().max_connections(connections),
        )
        .await
        .map_err(|e| format!("cannot open the {} journal: {e}", self.backend.name()))
    }
}

/// The facade provider of PayPro Indonesia on the simulator at `base_url`.
pub fn provider(base_url: &str) -> Result<Arc<dyn PayoutProvider>, String> {
    let mut config = payout::Config::new(BRAND);
    config.region = REGION.into();
    config.base_url = base_url.into();
    config.merchant_no = TEST_MERCHANT_NO.into();
    config.secret = Some(Secret::new(TEST_SECRET));
    payout::build(&config).map_err(|e| e.to_string())
}

/// The merchant account payouts are journaled under.
pub const ACCOUNT: &str = TEST_MERCHANT_NO;

/// Order `i` of a run tagged `tag` (trade number `<tag>-<i>`).
pub fn order(tag: &str, i: usize) -> Result<CreatePayout, String> {
    load::order(TradeNo::new(format!("{tag}-{i}")).map_err(|e| e.to_string())?)
}

/// What [`drive`] measured.
pub struct Driven {
    /// Operations that succeeded.
    pub ok: usize,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Driven {
    /// Successful operations per second.
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// An error when any operation failed.
    pub fn check(&self, what: &str, total: usize) -> Result<(), String> {
        match &self.first_error {
            None => Ok(()),
            Some(e) => Err(format!(
                "{what}: {} of {total} failed; first: {e}",
                total - self.ok
            )),
        }
    }
}

/// Runs `op(0..total)` with `concurrency` tasks, each taking the next
/// number until all are taken.
pub async fn drive<F, Fut>(total: usize, concurrency: usize, op: F) -> Driven
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (op, next) = (Arc::clone(&op), Arc::clone(&next));
            tokio::spawn(async move {
                let (mut ok, mut first_error) = (0, None);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    match op(i).await {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                (ok, first_error)
            })
        })
        .collect();
    let mut driven = Driven {
        ok: 0,
        first_error: None,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        match task.await {
            Ok((ok, e)) => {
                driven.ok += ok;
                if driven.first_error.is_none() {
                    driven.first_error = e;
                }
            }
            Err(e) => {
                driven
                    .first_error
                    .get_or_insert(format!("task failed: {e}"));
            }
        }
    }
    driven.elapsed = started.elapsed();
    driven
}

/// Submits orders `<tag>-0` .. `<tag>-<total - 1>` through `journaled` at
/// `concurrency`; a submit counts as done when the row ends in a state
/// `placed` accepts.
pub async fn submit_all(
    journaled: &Arc<Journaled>,
    tag: &str,
    total: usize,
    concurrency: usize,
    placed: fn(JournalState) -> bool,
) -> Driven {
    let j = Arc::clone(journaled);
    let tag: Arc<str> = tag.into();
    drive(total, concurrency, move |i| {
        let (j, tag) = (Arc::clone(&j), Arc::clone(&tag));
        async move {
            let order = order(&tag, i)?;
            let state = j
                .submit(&order)
                .await
                .map_err(|e| e.to_string())?
                .record
                .state;
            if placed(state) {
                Ok(())
            } else {
                Err(format!("{} is {state} after its submit", order.trade_no))
            }
        }
    })
    .await
}
