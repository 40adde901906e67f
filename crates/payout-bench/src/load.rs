//! The two sides of every measurement: a query through the facade
//! (`Arc<dyn PayoutProvider>`: signing, transport, parsing into
//! `PayoutStatus`) and a raw reqwest POST of the identical pre-signed bytes
//! on the same pooled client; and a driver that runs N requests at a given
//! concurrency.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use payout_core::{
    parse_amount, Beneficiary, Contact, CreatePayout, PayoutProvider, PayoutState, Secret, TradeNo,
};
use payout_sim::{TEST_MERCHANT_NO, TEST_SECRET};
use payout_transport::{HttpTransport, WireRequest};
use reqwest::header::{HeaderValue, CONTENT_TYPE};

use crate::proc_stat;
use crate::sim::{BRAND, REGION};
use crate::stats::Phase;

/// Which side sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `provider.query_payout(&trade_no)` on the facade's `dyn` provider.
    Facade,
    /// The same request's bytes, signed beforehand, POSTed with reqwest.
    Raw,
}

/// Payouts created on the simulator, queryable both ways.
pub struct Target {
    provider: Arc<dyn PayoutProvider>,
    client: reqwest::Client,
    trade_nos: Vec<TradeNo>,
    presigned: Vec<WireRequest>,
}

impl Target {
    /// Builds the facade provider (PayPro Indonesia at `base_url`, one
    /// attempt per query so that every failure counts), creates `payouts`
    /// payouts through it, signs one query per payout for the raw side and
    /// checks that both sides get the final `0000` answer.
    pub async fn prepare(base_url: &str, payouts: usize) -> Result<Self, String> {
        let mut config = payout::Config::new(BRAND);
        config.region = REGION.into();
        config.base_url = base_url.into();
        config.merchant_no = TEST_MERCHANT_NO.into();
        config.secret = Some(Secret::new(TEST_SECRET));
        config.max_attempts = Some(1);
        let transport = config
            .transport()
            .and_then(HttpTransport::new)
            .map_err(|e| e.to_string())?;
        let provider =
            payout::build_with_transport(&config, transport.clone()).map_err(|e| e.to_string())?;
        let settings = config.settings().map_err(|e| e.to_string())?;
        let signer = provider_paypro::BRAND
            .provider(&settings, transport.clone())
            .map_err(|e| e.to_string())?;
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut trade_nos = Vec::with_capacity(payouts);
        let mut presigned = Vec::with_capacity(payouts);
        for i in 0..payouts {
            let trade_no = TradeNo::new(format!("BENCH{i:06}")).map_err(|e| e.to_string())?;
            provider
                .create_payout(&order(trade_no.clone())?)
                .await
                .map_err(|e| format!("cannot create payout {trade_no}: {e}"))?;
            presigned.push(
                signer
                    .build_query(&trade_no, now_ms)
                    .map_err(|e| e.to_string())?,
            );
            trade_nos.push(trade_no);
        }
        let target = Self {
            provider,
            client: transport.client().clone(),
            trade_nos,
            presigned,
        };
        for i in 0..payouts {
            target.query(Side::Facade, i).await?;
            let body = target.raw(i).await?;
            let text = String::from_utf8_lossy(&body);
            if !text.contains("\"0000\"") {
                return Err(format!("the raw query got no 0000 answer: {text}"));
            }
        }
        Ok(target)
    }

    /// Sends query `i` (modulo the payouts) from `side`.
    pub async fn query(&self, side: Side, i: usize) -> Result<(), String> {
        let i = i % self.trade_nos.len();
        match side {
            Side::Facade => match self.provider.query_payout(&self.trade_nos[i]).await {
                Ok(status) if status.state == PayoutState::Succeeded => Ok(()),
                Ok(status) => Err(format!("unexpected state {}", status.state)),
                Err(e) => Err(e.to_string()),
            },
            Side::Raw => self.raw(i).await.map(drop),
        }
    }

    /// The raw side: the pre-signed request as it is, on the same client;
    /// the whole answer is read, as the facade does.
    async fn raw(&self, i: usize) -> Result<Bytes, String> {
        let req = &self.presigned[i % self.presigned.len()];
        let mut builder = self
            .client
            .post(&*req.url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in req.headers.iter() {
            builder = builder.header(*name, value.clone());
        }
        let response = builder
            .body(req.body.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        response.bytes().await.map_err(|e| e.to_string())
    }
}

/// A valid PayPro Indonesia payout order.
pub fn order(trade_no: TradeNo) -> Result<CreatePayout, String> {
    Ok(CreatePayout::new(
        trade_no,
        parse_amount("100000").map_err(|e| e.to_string())?,
        Beneficiary::bank("0002", "5464438554636"),
    )
    .notify_url("https://merchant.example/notify")
    .contact(Contact {
        name: Some("kevin".into()),
        mobile: Some("6281245907765".into()),
        email: Some("kevin@example.com".into()),
        ..Contact::default()
    }))
}

/// Sends `requests` queries from `side` with `concurrency` tasks, each
/// taking the next request number until all are taken. Latencies are
/// recorded when `record` (into buffers allocated before the clock starts).
pub async fn run_phase(
    target: &Arc<Target>,
    side: Side,
    concurrency: usize,
    requests: usize,
    record: bool,
) -> Phase {
    run_phase_counting(target, side, concurrency, requests, record, &Arc::default()).await
}

/// As [`run_phase`], counting finished queries (successful or not) in
/// `done` as they finish.
pub async fn run_phase_counting(
    target: &Arc<Target>,
    side: Side,
    concurrency: usize,
    requests: usize,
    record: bool,
    done: &Arc<AtomicUsize>,
) -> Phase {
    let next = Arc::new(AtomicUsize::new(0));
    let per_task = if record {
        requests / concurrency.max(1) + 8
    } else {
        0
    };
    let cpu_before = proc_stat::own_cpu_time();
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let target = Arc::clone(target);
            let next = Arc::clone(&next);
            let done = Arc::clone(done);
            let mut phase = Phase {
                latencies_ns: Vec::with_capacity(per_task),
                ..Phase::default()
            };
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let t = Instant::now();
                    let result = target.query(side, i).await;
                    done.fetch_add(1, Ordering::Relaxed);
                    match result {
                        Ok(()) => {
                            phase.ok += 1;
                            if record {
                                let ns = t.elapsed().as_nanos();
                                phase
                                    .latencies_ns
                                    .push(u64::try_from(ns).unwrap_or(u64::MAX));
                            }
                        }
                        Err(e) => {
                            phase.errors += 1;
                            phase.first_error.get_or_insert(e);
                        }
                    }
                }
                phase
            })
        })
        .collect();
    let mut all = Phase::default();
    for task in tasks {
        match task.await {
            Ok(phase) => all.merge(phase),
            Err(e) => {
                all.errors += 1;
                all.first_error.get_or_insert(format!("task failed: {e}"));
            }
        }
    }
    all.elapsed = started.elapsed();
    if let (Some(after), Some(before)) = (proc_stat::own_cpu_time(), cpu_before) {
        all.client_cpu = after.saturating_sub(before);
    }
    all
}
