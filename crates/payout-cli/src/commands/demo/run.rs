//! The batch as a platform runs it, on the SDK alone: providers built by
//! the facade on one shared transport, every payout placed through the
//! durable journal (`payout_journal::Journaled`, an SQLite file), callbacks
//! and webhooks taken by the SDK's receiver straight into the journal, a
//! crash part-way and the recovery, the journal's reconciliation for what
//! stays open, a double-check with `wait_until_final`, and the balances
//! against the simulator's ledgers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use indicatif::ProgressBar;
use payout::axum_handler::{callback_router, DEFAULT_PREFIX};
use payout::receiver::CallbackReceiver;
use payout::{
    async_trait, ApplyDecision, Balance, CallbackSink, Config, HttpTransport, PayoutProvider,
    PayoutProviderExt, PayoutState, RetryPolicy, Secret, SinkError, TradeNo, TransportConfig,
    VerifiedCallback, WaitOptions, WaitOutcome,
};
use payout_journal::{
    Journal, JournalState, Journaled, JournaledOptions, PayoutRecord, ReconcileOptions,
    SubmitAction,
};
use payout_sim::xendit::XENDIT_TEST_BUSINESS_ID;
use payout_sim::{
    CallbackConfig, Fault, FaultScope, Lifecycle, MerchantConfig, Scenario, SimConfig, SimHandle,
    Simulator, XenditConfig, TEST_MERCHANT_NO, TEST_SECRET, XENDIT_TEST_CALLBACK_TOKEN,
    XENDIT_TEST_SECRET_KEY,
};

use super::ledger::{self, Placements, Row};
use super::plan::{self, Kind, Planned};
use super::samples::{Sample, SAMPLES};
use crate::exit::{Exit, Failure};

/// Opening available balance of the platform merchant in every region.
const OPENING_BALANCE: i64 = 100_000_000;
/// A platform payout becomes final this long after it was placed, or on
/// its second query.
const FINAL_AFTER: Duration = Duration::from_millis(100);
/// Callback and webhook schedules run this much faster than the specs'.
const CALLBACK_DIVISOR: u32 = 1000;
const WEBHOOK_DIVISOR: u32 = 100_000;
/// The client's per-attempt timeout, and how late `_SLOW` creates are answered.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);
const SLOW_DELAY: Duration = Duration::from_secs(2);
/// How long a row being sent stays leased to its sender: longer than a
/// create can take (two attempts of Xendit's idempotent create).
const SEND_LEASE: Duration = Duration::from_secs(3);
/// The first process dies once this share of the batch is journaled.
const CRASH_AT_PERCENT: usize = 40;
/// Longest wait for callbacks, and the silence that ends it earlier.
const CALLBACK_GRACE: Duration = Duration::from_secs(3);
const CALLBACK_QUIET: Duration = Duration::from_millis(300);
/// The journal's reconciliation of what is still open.
const RECONCILE_DEADLINE: Duration = Duration::from_secs(2);
/// Longest wait for the simulator's last deliveries.
const IDLE_LIMIT: Duration = Duration::from_secs(5);

/// Callbacks of one lane, counted as the receiver handed them over.
#[derive(Debug, Default)]
pub struct Tally {
    /// Verified (signature or token).
    pub verified: AtomicU32,
    /// Unsigned, confirmed by a query.
    pub confirmed: AtomicU32,
    /// Duplicates (same state, or a delivery id seen before).
    pub duplicates: AtomicU32,
    /// Late non-final updates after a final state.
    pub late: AtomicU32,
}

/// One provider and region.
#[derive(Debug)]
pub struct Lane {
    /// Its sample order.
    pub sample: &'static Sample,
    /// The provider, built through the facade.
    pub provider: Arc<dyn PayoutProvider>,
    /// The provider account, as the journal keys it.
    pub account: &'static str,
    /// Its callbacks.
    pub tally: Tally,
}

/// The crash and the recovery.
#[derive(Debug, Default)]
pub struct Crash {
    /// Payouts journaled when the first process died.
    pub journaled: usize,
    /// ... of which left in `sending` (their create in flight).
    pub in_flight: usize,
    /// Of those, found placed by the recovery's query.
    pub found: usize,
    /// Of those, proven never placed (sent after the restart).
    pub never_left: usize,
    /// Creates sent by the second process.
    pub sent_after: usize,
    /// Payouts the second process found already journaled.
    pub already: usize,
}

/// What the run produced, for the report.
#[derive(Debug)]
pub struct Outcome {
    /// `http://ADDR` of the simulator.
    pub sim_url: String,
    /// `http://ADDR/callbacks` of the receiver.
    pub receiver_url: String,
    /// The lanes.
    pub lanes: Arc<[Lane]>,
    /// The plan with each payout's final journal state.
    pub payouts: Vec<(Planned, Option<JournalState>)>,
    /// The crash and the recovery.
    pub crash: Crash,
    /// Placements per trade number.
    pub placements: Placements,
    /// Callback-final payouts double-checked by query, and disagreeing.
    pub cross_checked: (u32, u32),
    /// One reconciliation row per lane.
    pub rows: Vec<Row>,
}

/// `result.or_fail("cannot ...")?`: a set-up error as an internal failure.
trait OrFail<T> {
    fn or_fail(self, what: &str) -> Result<T, Failure>;
}

impl<T, E: std::fmt::Display> OrFail<T> for Result<T, E> {
    fn or_fail(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(Exit::Internal, format!("{what}: {e}")))
    }
}

fn sim_config() -> SimConfig {
    SimConfig::default()
        .merchant(MerchantConfig::test_pair().balance(OPENING_BALANCE.into()))
        .lifecycle(
            Lifecycle::default()
                .after(Some(FINAL_AFTER))
                .after_queries(Some(2)),
        )
        .callbacks(CallbackConfig::default().time_divisor(CALLBACK_DIVISOR))
        .xendit(
            XenditConfig::default()
                .webhooks(CallbackConfig::xendit().time_divisor(WEBHOOK_DIVISOR)),
        )
        .slow_delay(SLOW_DELAY)
}

/// Builds a lane's provider through the facade on the shared transport.
fn lane(
    sim: &SimHandle,
    sample: &'static Sample,
    transport: HttpTransport,
) -> Result<Lane, Failure> {
    let mut config = Config::new(sample.provider);
    config.region = sample.region.to_owned();
    let account = if sample.is_xendit() {
        config.base_url = sim.xendit_base_url();
        config.secret = Some(Secret::new(XENDIT_TEST_SECRET_KEY));
        config.callback_token = Some(Secret::new(XENDIT_TEST_CALLBACK_TOKEN));
        XENDIT_TEST_BUSINESS_ID
    } else {
        config.base_url = sim.base_url(sample.provider, sample.region);
        config.merchant_no = TEST_MERCHANT_NO.to_owned();
        config.secret = Some(Secret::new(TEST_SECRET));
        TEST_MERCHANT_NO
    };
    Ok(Lane {
        sample,
        provider: payout::build_with_transport(&config, transport)?,
        account,
        tally: Tally::default(),
    })
}

/// The receiver's account of a lane: one per platform region, one for the
/// Xendit account (its single webhook URL serves both countries).
fn account_name(sample: &Sample) -> String {
    if sample.is_xendit() {
        "xendit".to_owned()
    } else {
        format!("{}-{}", sample.provider, sample.region)
    }
}

/// The journal as the receiver's sink, counting callbacks per lane.
struct Counted {
    journal: Journaled,
    lanes: Arc<[Lane]>,
    lane_of: Arc<HashMap<String, usize>>,
}

#[async_trait]
impl CallbackSink for Counted {
    async fn known_state(
        &self,
        account: &str,
        t: &TradeNo,
    ) -> Result<Option<PayoutState>, SinkError> {
        self.journal.known_state(account, t).await
    }

    async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
        self.journal.record(cb).await?;
        if let Some(lane) = self.lane_of.get(cb.update.status.trade_no.as_str()) {
            let t = &self.lanes[*lane].tally;
            let bump = |c: &AtomicU32| c.fetch_add(1, Ordering::Relaxed);
            bump(if cb.confirmed_by_query {
                &t.confirmed
            } else {
                &t.verified
            });
            match cb.decision {
                ApplyDecision::Duplicate => bump(&t.duplicates),
                ApplyDecision::KeepFinal => bump(&t.late),
                _ => 0,
            };
        }
        Ok(())
    }
}

/// One process of the platform: the journal opened from its file, one
/// journaled provider per lane, registered with the receiver.
struct Process {
    journal: Journal,
    payouts: Vec<Journaled>,
}

impl Process {
    async fn start(
        url: &str,
        owner: &str,
        lanes: &Arc<[Lane]>,
        receiver: &CallbackReceiver,
        lane_of: &Arc<HashMap<String, usize>>,
    ) -> Result<Self, Failure> {
        let journal = Journal::open(url)
            .await
            .or_fail("cannot open the journal")?;
        let options = JournaledOptions::default()
            .send_lease(SEND_LEASE)
            .owner(owner);
        let payouts: Vec<Journaled> = lanes
            .iter()
            .map(|l| {
                Journaled::with_options(
                    Arc::clone(&l.provider),
                    journal.clone(),
                    l.account,
                    options.clone(),
                )
            })
            .collect();
        for (lane, journaled) in lanes.iter().zip(&payouts) {
            let sink = Arc::new(Counted {
                journal: journaled.clone(),
                lanes: Arc::clone(lanes),
                lane_of: Arc::clone(lane_of),
            });
            receiver.register(&account_name(lane.sample), Arc::clone(&lane.provider), sink)?;
        }
        Ok(Self { journal, payouts })
    }

    /// Every row, by trade number.
    async fn rows(&self) -> Result<HashMap<String, PayoutRecord>, Failure> {
        Self::rows_of(&self.journal).await
    }

    /// Every row of `journal`, by trade number.
    async fn rows_of(journal: &Journal) -> Result<HashMap<String, PayoutRecord>, Failure> {
        let mut out = HashMap::new();
        let mut after = 0;
        loop {
            let page = journal
                .page(after, 500)
                .await
                .or_fail("cannot read the journal")?;
            let Some(last) = page.last() else {
                return Ok(out);
            };
            after = last.id;
            out.extend(page.into_iter().map(|r| (r.trade_no.clone(), r)));
        }
    }

    /// Submits `plan` through the journal, `c` at a time; returns what each
    /// submit did. `crash_at`: stop (drop every submit in flight, as a
    /// process death does) once that many are done.
    async fn submit(
        &self,
        plan: &[Planned],
        lanes: &[Lane],
        base: &str,
        c: usize,
        crash_at: Option<usize>,
        bar: &ProgressBar,
    ) -> Vec<SubmitAction> {
        let done = AtomicUsize::new(0);
        let crash = tokio::sync::Notify::new();
        let actions = std::sync::Mutex::new(Vec::new());
        let batch = futures::stream::iter(plan).for_each_concurrent(c, |p| async {
            let lane = &lanes[p.lane];
            let url = format!("{base}/{}", account_name(lane.sample));
            let result = match TradeNo::new(p.trade_no.as_str()) {
                Ok(t) => {
                    let order = lane.sample.order(t, p.amount, p.account, &url);
                    self.payouts[p.lane]
                        .submit(&order)
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            match result {
                Ok(s) => actions
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(s.action),
                Err(e) => tracing::warn!(trade_no = %p.trade_no, error = %e, "submit failed"),
            }
            bar.inc(1);
            if crash_at.is_some_and(|n| done.fetch_add(1, Ordering::SeqCst) + 1 >= n) {
                crash.notify_one();
            }
        });
        tokio::select! {
            () = batch => {}
            () = crash.notified() => {}
        }
        actions
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Runs the batch.
///
/// # Errors
/// When the simulator, the receiver, the journal or a provider cannot be
/// set up, or a balance cannot be read.
pub async fn run(count: u32, concurrency: u32, bar: &ProgressBar) -> Result<Outcome, Failure> {
    let c = usize::try_from(concurrency).unwrap_or(1).max(1);
    let plan = plan::plan(count).or_fail("cannot plan the batch")?;
    let sim = Simulator::start(sim_config())
        .await
        .or_fail("cannot start the simulator")?;
    for p in plan
        .iter()
        .filter(|p| p.kind == Kind::CrossCheck && !SAMPLES[p.lane].is_xendit())
    {
        sim.set_scenario(
            p.trade_no.clone(),
            Scenario::succeed().query_fault(Fault::BadGateway, FaultScope::First(1)),
        );
    }
    // Faulted creates fault the create only, on every lane: a payout whose
    // create never reached the simulator (in flight when process 1 dies)
    // must be found absent by a query, not faulted until it is placed.
    for p in &plan {
        let fault = match p.kind {
            Kind::GatewayCreate => Fault::BadGateway,
            Kind::SlowCreate => Fault::Slow,
            _ => continue,
        };
        sim.set_scenario(p.trade_no.clone(), Scenario::succeed().create_fault(fault));
    }
    let transport = HttpTransport::new(
        TransportConfig::default()
            .timeout(CLIENT_TIMEOUT)
            .connect_timeout(CLIENT_TIMEOUT)
            .retry(
                RetryPolicy::default()
                    .attempts(2)
                    .backoff(Duration::from_millis(10), Duration::from_millis(100)),
            ),
    )?;
    let lanes: Arc<[Lane]> = SAMPLES
        .iter()
        .map(|s| lane(&sim, s, transport.clone()))
        .collect::<Result<Vec<_>, _>>()?
        .into();
    let lane_of: Arc<HashMap<String, usize>> =
        Arc::new(plan.iter().map(|p| (p.trade_no.clone(), p.lane)).collect());

    // The SDK's receiver, for every account.
    let receiver = Arc::new(CallbackReceiver::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .or_fail("cannot bind the callback receiver")?;
    let addr = listener.local_addr().or_fail("no receiver address")?;
    let base = format!("http://{addr}{DEFAULT_PREFIX}");
    let app = callback_router(DEFAULT_PREFIX, Arc::clone(&receiver));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    sim.set_xendit_webhook_url(Some(format!("{base}/xendit")))
        .or_fail("cannot point Xendit's webhooks at the receiver")?;

    let dir = tempfile::tempdir().or_fail("cannot create a temporary directory")?;
    let url = format!("sqlite:{}", dir.path().join("journal.db").display());

    bar.set_message("reading opening balances");
    let opening = balances(&lanes).await?;

    bar.set_message("placing payouts (process 1)");
    let first = Process::start(&url, "demo-process-1", &lanes, &receiver, &lane_of).await?;
    let crash_at = (plan.len() * CRASH_AT_PERCENT / 100).max(1);
    first
        .submit(&plan, &lanes, &base, c, Some(crash_at), bar)
        .await;
    let died = Instant::now();
    // A dead process writes nothing more: its journal handle stops here,
    // and writes it had not committed are lost, as in a real crash.
    first.journal.close().await;
    drop(first);
    let at_crash = Process::rows_of(
        &Journal::open(&url)
            .await
            .or_fail("cannot reopen the journal")?,
    )
    .await?;
    let in_flight: HashSet<String> = at_crash
        .values()
        .filter(|r| r.state == JournalState::Sending)
        .map(|r| r.trade_no.clone())
        .collect();

    bar.set_message("process 1 died; waiting out its send leases");
    tokio::time::sleep(SEND_LEASE.saturating_sub(died.elapsed())).await;
    let second = Process::start(&url, "demo-process-2", &lanes, &receiver, &lane_of).await?;

    bar.set_message("recovering what the crash left in flight");
    for p in &second.payouts {
        p.recover().await.or_fail("recovery failed")?;
    }
    let recovered = second.rows().await?;
    let never_left = in_flight
        .iter()
        .filter(|t| {
            recovered
                .get(*t)
                .is_some_and(|r| r.state == JournalState::Intent)
        })
        .count();

    bar.set_message("finishing the batch (process 2)");
    bar.set_position(0);
    let actions = second.submit(&plan, &lanes, &base, c, None, bar).await;
    let crash = Crash {
        journaled: at_crash.len(),
        in_flight: in_flight.len(),
        found: in_flight.len() - never_left,
        never_left,
        sent_after: actions.iter().filter(|a| **a == SubmitAction::Sent).count(),
        already: actions.iter().filter(|a| **a != SubmitAction::Sent).count(),
    };

    bar.set_message("taking callbacks");
    let stays_open = plan
        .iter()
        .filter(|p| p.kind.stays_open(SAMPLES[p.lane].is_xendit()))
        .count() as u64;
    await_callbacks(&second.journal, stays_open).await;

    bar.set_message("reconciling what is still open");
    let options = ReconcileOptions::new(RECONCILE_DEADLINE)
        .intervals(Duration::from_millis(50), Duration::from_millis(400))
        .concurrency(c)
        .lease(Duration::from_secs(10));
    let runs = second.payouts.iter().map(|p| p.reconcile(options));
    for report in futures::future::join_all(runs).await {
        report.or_fail("reconciliation failed")?;
    }

    bar.set_message("double-checking callback-final payouts by query");
    let rows = second.rows().await?;
    let cross_checked = cross_check(&plan, &lanes, &rows, c).await;

    bar.set_message("waiting for the last deliveries");
    if tokio::time::timeout(IDLE_LIMIT, sim.wait_idle())
        .await
        .is_err()
    {
        tracing::warn!("the simulator still has callbacks to deliver");
    }
    let rows = second.rows().await?;
    let closing = balances(&lanes).await?;
    let reconciliation = lanes
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            ledger::reconcile(
                &sim,
                lane,
                &opening[i],
                &closing[i],
                plan.iter().filter(|p| p.lane == i),
                &rows,
            )
        })
        .collect();
    let placements = ledger::placements(&sim, &plan);
    let payouts = plan
        .into_iter()
        .map(|p| {
            let state = rows.get(&p.trade_no).map(|r| r.state);
            (p, state)
        })
        .collect();
    let outcome = Outcome {
        sim_url: sim.url(),
        receiver_url: base,
        lanes,
        payouts,
        crash,
        placements,
        cross_checked,
        rows: reconciliation,
    };
    server.abort();
    second.journal.close().await;
    sim.shutdown().await;
    Ok(outcome)
}

/// Every lane's balance through the SDK.
async fn balances(lanes: &[Lane]) -> Result<Vec<Balance>, Failure> {
    let mut out = Vec::with_capacity(lanes.len());
    for lane in lanes {
        out.push(lane.provider.balance().await?);
    }
    Ok(out)
}

/// Waits until only the payouts meant to stay open are not final, no
/// callback moved anything for [`CALLBACK_QUIET`], or [`CALLBACK_GRACE`]
/// passed.
async fn await_callbacks(journal: &Journal, stays_open: u64) {
    let start = Instant::now();
    let (mut last, mut since) = (u64::MAX, Instant::now());
    while start.elapsed() < CALLBACK_GRACE {
        let Ok(counts) = journal.counts().await else {
            return;
        };
        let open = counts.not_final();
        if open <= stays_open {
            return;
        }
        if open != last {
            (last, since) = (open, Instant::now());
        } else if since.elapsed() >= CALLBACK_QUIET {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Queries the [`Kind::CrossCheck`] payouts the journal holds final with
/// `wait_until_final`; returns how many, and how many disagree.
async fn cross_check(
    plan: &[Planned],
    lanes: &[Lane],
    rows: &HashMap<String, PayoutRecord>,
    c: usize,
) -> (u32, u32) {
    let checked = AtomicU32::new(0);
    let disagree = AtomicU32::new(0);
    let targets = plan
        .iter()
        .filter(|p| p.kind == Kind::CrossCheck)
        .filter_map(|p| {
            let state = rows.get(&p.trade_no)?.state;
            state.is_final().then_some((p, state))
        });
    futures::stream::iter(targets)
        .for_each_concurrent(c, |(p, state)| {
            let (checked, disagree) = (&checked, &disagree);
            async move {
                let Ok(t) = TradeNo::new(p.trade_no.as_str()) else { return };
                let options = WaitOptions::new(Duration::from_secs(2))
                    .intervals(Duration::from_millis(50), Duration::from_millis(400));
                match lanes[p.lane].provider.wait_until_final(&t, options).await {
                    Ok(WaitOutcome::Final(s)) => {
                        checked.fetch_add(1, Ordering::Relaxed);
                        if Some(s.state) != payout_journal::sink::payout_state(state) {
                            disagree.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    other => tracing::warn!(trade_no = %t, outcome = ?other.map(|_| ()), "cross-check not final"),
                }
            }
        })
        .await;
    (checked.into_inner(), disagree.into_inner())
}
