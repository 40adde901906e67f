//! The batch, step by step, as a platform runs it: start the simulator and
//! the callback receiver, build one provider per lane through the facade
//! on one shared transport, read the opening balances, create every payout
//! with bounded concurrency, resolve unknown outcomes by query, take the
//! callbacks, double-check some payouts, poll the rest until a short
//! deadline, then read the closing balances and the simulator's ledger.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use indicatif::ProgressBar;
use payout::{
    Balance, Config, Error, HttpTransport, PayoutProviderExt, RetryPolicy, Secret, TradeNo,
    TransportConfig, WaitOptions, WaitOutcome,
};
use payout_sim::{
    CallbackConfig, Endpoint, Lifecycle, MerchantConfig, SimConfig, SimHandle, Simulator,
    TEST_MERCHANT_NO, TEST_SECRET,
};

use super::book::{Book, Entry, Placement};
use super::metrics::{Metrics, Timed};
use super::orders::{Sample, SAMPLES};
use super::plan::{self, Kind, Planned};
use super::receiver::Receiver;
use super::reconcile::{self, Pair, Row};
use super::Lane;
use crate::exit::{Exit, Failure};

/// Opening available balance of the merchant in every region.
const OPENING_BALANCE: i64 = 100_000_000;
/// A payout becomes final this long after it was placed.
const FINAL_AFTER: Duration = Duration::from_millis(100);
/// ... or on its second query.
const FINAL_ON_QUERY: u32 = 2;
/// The callback retry schedule runs this much faster than the spec's.
const CALLBACK_TIME_DIVISOR: u32 = 1000;
/// The client's per-attempt timeout.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);
/// How late `_SLOW` creates are answered (after the client gave up).
const SLOW_DELAY: Duration = Duration::from_secs(2);
/// Longest wait for callbacks before polling.
const CALLBACK_GRACE: Duration = Duration::from_secs(3);
/// Stop waiting for callbacks once none arrived for this long.
const CALLBACK_QUIET: Duration = Duration::from_millis(300);
/// Deadline for polling the payouts still open.
const POLL_DEADLINE: Duration = Duration::from_secs(2);
/// Longest wait for the simulator's last callback deliveries.
const IDLE_LIMIT: Duration = Duration::from_secs(5);

/// What the run produced, for the report.
#[derive(Debug)]
pub struct Outcome {
    /// Payouts planned.
    pub count: u32,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// `http://ADDR` of the simulator.
    pub sim_url: String,
    /// `http://ADDR/notify` of the receiver.
    pub receiver_url: String,
    /// The lanes, with their metrics.
    pub lanes: Arc<[Lane]>,
    /// The book at the end.
    pub entries: Vec<(String, Entry)>,
    /// One reconciliation row per lane.
    pub rows: Vec<Row>,
    /// HTTP query requests the simulator received.
    pub http_queries: u64,
    /// Query calls made through the SDK.
    pub sdk_queries: u64,
}

fn internal(what: &str) -> impl Fn(String) -> Failure + '_ {
    move |e| Failure::new(Exit::Internal, format!("{what}: {e}"))
}

fn sim_config() -> SimConfig {
    SimConfig::default()
        .merchant(MerchantConfig::test_pair().balance(OPENING_BALANCE.into()))
        .lifecycle(
            Lifecycle::default()
                .after(Some(FINAL_AFTER))
                .after_queries(Some(FINAL_ON_QUERY)),
        )
        .callbacks(
            CallbackConfig::default()
                .time_divisor(CALLBACK_TIME_DIVISOR)
                .ack_timeout(Duration::from_secs(5)),
        )
        .slow_delay(SLOW_DELAY)
}

fn transport_config() -> TransportConfig {
    TransportConfig::default()
        .timeout(CLIENT_TIMEOUT)
        .connect_timeout(CLIENT_TIMEOUT)
        .retry(
            RetryPolicy::default()
                .attempts(3)
                .backoff(Duration::from_millis(10), Duration::from_millis(100)),
        )
}

/// Builds a lane's provider through the facade, exactly as a platform
/// would from its configuration, on the shared transport.
fn lane(
    sim: &SimHandle,
    sample: &'static Sample,
    transport: HttpTransport,
) -> Result<Lane, Failure> {
    let mut config = Config::new(sample.provider);
    config.region = sample.region.to_owned();
    config.base_url = sim.base_url(sample.provider, sample.region);
    config.merchant_no = TEST_MERCHANT_NO.to_owned();
    config.secret = Some(Secret::new(TEST_SECRET));
    let inner = payout::build_with_transport(&config, transport)?;
    let metrics = Arc::new(Metrics::default());
    Ok(Lane {
        sample,
        provider: Arc::new(Timed::new(inner, Arc::clone(&metrics))),
        metrics,
    })
}

/// Runs the batch.
///
/// # Errors
/// When the simulator, the receiver or a provider cannot be set up, or a
/// balance cannot be read.
pub async fn run(count: u32, concurrency: u32, bar: &ProgressBar) -> Result<Outcome, Failure> {
    let c = usize::try_from(concurrency).unwrap_or(1).max(1);
    let plan = plan::plan(count).map_err(internal("cannot plan the batch"))?;
    let sim = Simulator::start(sim_config())
        .await
        .map_err(|e| Failure::new(Exit::Internal, format!("cannot start the simulator: {e}")))?;
    for p in &plan {
        if let Some(s) = p.kind.registered_scenario() {
            sim.set_scenario(p.trade_no.clone(), s);
        }
    }
    let transport = HttpTransport::new(transport_config())?;
    let lanes: Arc<[Lane]> = SAMPLES
        .iter()
        .map(|s| lane(&sim, s, transport.clone()))
        .collect::<Result<Vec<_>, _>>()?
        .into();
    let book = Arc::new(Book::new(&plan));
    let receiver = Receiver::start(Arc::clone(&lanes), Arc::clone(&book))
        .await
        .map_err(|e| internal("cannot start the callback receiver")(e.to_string()))?;

    bar.set_message("reading opening balances");
    let opening = balances(&lanes).await?;

    bar.set_message("creating payouts");
    create_all(&plan, &lanes, &book, &receiver, c, bar).await;

    bar.set_message("resolving unknown outcomes by query");
    resolve_unknown(&lanes, &book, c).await;

    bar.set_message("taking callbacks");
    await_callbacks(&book).await;

    bar.set_message("double-checking payouts by query");
    cross_check(&lanes, &book, c).await;

    bar.set_message("polling payouts still open");
    poll_open(&lanes, &book, c).await;

    bar.set_message("waiting for the last callback deliveries");
    if tokio::time::timeout(IDLE_LIMIT, sim.wait_idle())
        .await
        .is_err()
    {
        tracing::warn!("the simulator still has callbacks to deliver; counting what arrived");
    }

    bar.set_message("reconciling balances");
    let closing = balances(&lanes).await?;
    let entries = book.snapshot();
    let rows = lanes
        .iter()
        .enumerate()
        .map(|(i, lane)| {
            let ledger = sim
                .ledger(lane.sample.provider, lane.sample.region, TEST_MERCHANT_NO)
                .map(|b| Pair::new(b.available, b.frozen));
            reconcile::row(
                i,
                &opening[i],
                Some(Pair::new(
                    closing[i].available,
                    closing[i].frozen.unwrap_or_default(),
                )),
                ledger,
                &entries,
            )
        })
        .collect();
    let sdk_queries = lanes
        .iter()
        .map(|l| u64::from(Metrics::get(&l.metrics.query_calls)))
        .sum();
    let outcome = Outcome {
        count,
        concurrency,
        sim_url: sim.url(),
        receiver_url: receiver.base(),
        lanes: Arc::clone(&lanes),
        entries,
        rows,
        http_queries: sim.total_requests(Endpoint::Query),
        sdk_queries,
    };
    drop(receiver);
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

async fn create_all(
    plan: &[Planned],
    lanes: &[Lane],
    book: &Book,
    receiver: &Receiver,
    c: usize,
    bar: &ProgressBar,
) {
    futures::stream::iter(plan)
        .for_each_concurrent(c, |p| async move {
            let lane = &lanes[p.lane];
            match TradeNo::new(p.trade_no.as_str()) {
                Ok(trade_no) => {
                    let remark = format!("demo payout {}", p.trade_no);
                    let order =
                        lane.sample
                            .order(trade_no, p.amount, &receiver.notify_url(lane), &remark);
                    match lane.provider.create_payout(&order).await {
                        Ok(status) => {
                            book.place(&p.trade_no, Placement::Accepted, None);
                            book.apply(&p.trade_no, status.state);
                        }
                        Err(e) if e.is_outcome_unknown() => {
                            tracing::debug!(trade_no = %p.trade_no, error = %e, "create outcome unknown");
                            book.place(&p.trade_no, Placement::OutcomeUnknown, None);
                        }
                        Err(e) => book.place(&p.trade_no, Placement::Refused, Some(e.to_string())),
                    }
                }
                Err(e) => book.place(&p.trade_no, Placement::Refused, Some(e.to_string())),
            }
            bar.inc(1);
        })
        .await;
}

/// Queries every payout whose create outcome is unknown: found means
/// placed; "order not found" (a rejection) means never placed.
async fn resolve_unknown(lanes: &[Lane], book: &Book, c: usize) {
    futures::stream::iter(book.outcome_unknown())
        .for_each_concurrent(c, |(t, lane)| async move {
            let Ok(trade_no) = TradeNo::new(t.as_str()) else {
                return;
            };
            match lanes[lane].provider.query_payout(&trade_no).await {
                Ok(status) => {
                    book.place(&t, Placement::Resolved, None);
                    book.apply(&t, status.state);
                }
                Err(e @ Error::Rejected { .. }) => {
                    book.place(&t, Placement::NotPlaced, Some(e.to_string()));
                }
                Err(e) => book.place(&t, Placement::Unresolved, Some(e.to_string())),
            }
        })
        .await;
}

/// Waits until every placed payout is final, no callback arrived for
/// [`CALLBACK_QUIET`], or [`CALLBACK_GRACE`] passed.
async fn await_callbacks(book: &Book) {
    let start = Instant::now();
    let mut finals = book.final_count();
    let mut quiet_since = Instant::now();
    while !book.open().is_empty() && start.elapsed() < CALLBACK_GRACE {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let now = book.final_count();
        if now != finals {
            finals = now;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= CALLBACK_QUIET {
            break;
        }
    }
}

/// Queries the [`Kind::CrossCheck`] payouts a callback made final and
/// counts whether the query agrees.
async fn cross_check(lanes: &[Lane], book: &Book, c: usize) {
    let targets: Vec<_> = book
        .of_kind(Kind::CrossCheck)
        .into_iter()
        .filter(|(t, _)| book.state(t).is_some_and(|s| s.is_final()))
        .collect();
    futures::stream::iter(targets)
        .for_each_concurrent(c, |(t, lane)| async move {
            let Ok(trade_no) = TradeNo::new(t.as_str()) else {
                return;
            };
            let m = &lanes[lane].metrics;
            match lanes[lane].provider.query_payout(&trade_no).await {
                Ok(status) => {
                    Metrics::bump(&m.cross_checked);
                    if book.state(&t) != Some(status.state) {
                        Metrics::bump(&m.cross_check_mismatch);
                    }
                }
                Err(e) => tracing::warn!(trade_no = %t, error = %e, "cross-check query failed"),
            }
        })
        .await;
}

/// Polls every placed payout not final yet with `wait_until_final`, all
/// against one shared deadline; what is still open then stays open (never
/// failed).
async fn poll_open(lanes: &[Lane], book: &Book, c: usize) {
    let deadline = Instant::now() + POLL_DEADLINE;
    futures::stream::iter(book.open())
        .for_each_concurrent(c, |(t, lane)| async move {
            let Ok(trade_no) = TradeNo::new(t.as_str()) else {
                return;
            };
            let left = deadline.saturating_duration_since(Instant::now());
            let options = WaitOptions::new(left)
                .intervals(Duration::from_millis(50), Duration::from_millis(400));
            match lanes[lane]
                .provider
                .wait_until_final(&trade_no, options)
                .await
            {
                Ok(WaitOutcome::Final(status)) => {
                    book.apply(&t, status.state);
                }
                Ok(WaitOutcome::DeadlineReached {
                    last: Some(status), ..
                }) => {
                    book.apply(&t, status.state);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(trade_no = %t, error = %e, "polling failed"),
            }
        })
        .await;
}
