//! Benchmark 7: recovery after `kill -9` with 10,000 payouts in flight.
//!
//! A child process (this binary, `inflight`) submits 10,000 payouts through
//! the journal, all at once, under a stable lease owner name (as `payout
//! batch` does); its provider lets every other create reach the simulator
//! and then never returns, and holds the others before they leave. When all
//! 10,000 rows are durably `sending` — half placed, half never sent — the
//! parent kills it with SIGKILL and recovers as a restarted `payout batch`
//! does: `recover()` under the same owner name (its own leases are taken
//! back at once; every row is queried: the placed half adopts the
//! provider's state, the other half is found absent and made sendable),
//! then the whole batch is submitted again (only the absent half is sent).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use payout_core::{
    async_trait, Capabilities, CreatePayout, Error, PayoutProvider, PayoutStatus, TradeNo,
};
use payout_journal::{JournalState, Journaled, JournaledOptions};
use tokio::sync::Semaphore;

use crate::child::SimProcess;
use crate::journals::{self, Backend, FreshJournal, ACCOUNT};

/// The lease owner name of the batch, the same before and after the kill.
const OWNER: &str = "bench-batch";
/// Creates in flight at once after the restart.
const CONCURRENCY: usize = 64;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool) -> Result<(), String> {
    let count = if quick { 1_000 } else { 10_000 };
    let sim = SimProcess::start(2)?;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = backend.name();
        let fresh = FreshJournal::create(backend).await?;
        let started = Instant::now();
        let mut child = Command::new(
            std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?,
        )
        .args(["inflight", &fresh.url, &sim.base_url, &count.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the in-flight child: {e}"))?;
        let stdout = child.stdout.take().ok_or("the child has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the child: {e}"))?;
        if line.trim() != "in flight" {
            let _ = child.kill();
            return Err(format!("the in-flight child said {line:?}"));
        }
        let filled = started.elapsed();
        child
            .kill()
            .map_err(|e| format!("cannot kill the child: {e}"))?;
        let _ = child.wait();

        let journal = fresh.open(CONCURRENCY).await?;
        let sending = journal.counts().await.map_err(|e| e.to_string())?.by_state["sending"];
        if sending != count as u64 {
            return Err(format!("{sending} rows in flight, not {count}"));
        }
        let provider = journals::provider(&sim.base_url)?;
        let restarted = Arc::new(Journaled::with_options(
            provider,
            journal.clone(),
            ACCOUNT,
            JournaledOptions::default().stable_owner(OWNER),
        ));
        let t0 = Instant::now();
        let recovered = restarted.recover().await.map_err(|e| e.to_string())?;
        let recover_time = t0.elapsed();
        let resumed = journals::submit_all(&restarted, "rv", count, CONCURRENCY, |s| {
            matches!(
                s,
                JournalState::Accepted | JournalState::Pending | JournalState::Succeeded
            )
        })
        .await;
        let total = t0.elapsed();
        resumed.check("resuming after recovery", count)?;
        journal.close().await;
        drop(fresh);
        println!(
            "{name}: {count} rows in flight after {:.1} s; recover() queried {} in {:.1} s, the batch resumed in {:.1} s more",
            filled.as_secs_f64(),
            recovered.queried,
            recover_time.as_secs_f64(),
            (total - recover_time).as_secs_f64()
        );
        println!(
            "recovery {name} recover = {:.2}s",
            recover_time.as_secs_f64()
        );
        println!("recovery {name} total = {:.2}s", total.as_secs_f64());
    }
    Ok(())
}

/// `payout-bench inflight URL BASE_URL COUNT`: the process that dies with
/// `COUNT` payouts in flight. Prints `in flight` when every row is durably
/// `sending` (half of them placed on the simulator), then waits to be
/// killed.
pub fn child(args: &[String]) -> Result<(), String> {
    let [url, base_url, count] = args else {
        return Err("inflight URL BASE_URL COUNT".into());
    };
    let count: usize = count.parse().map_err(|_| "COUNT must be a number")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let fresh_journal = payout_journal::Journal::open(url)
            .await
            .map_err(|e| e.to_string())?;
        let reached = Arc::new(AtomicUsize::new(0));
        let provider = Arc::new(Stuck {
            inner: journals::provider(base_url)?,
            reached: reached.clone(),
            sending: Semaphore::new(CONCURRENCY),
        });
        let journaled = Arc::new(Journaled::with_options(
            provider,
            fresh_journal,
            ACCOUNT,
            JournaledOptions::default().stable_owner(OWNER),
        ));
        for i in 0..count {
            let j = journaled.clone();
            let order = journals::order("rv", i)?;
            tokio::spawn(async move { j.submit(&order).await });
        }
        while reached.load(Ordering::SeqCst) < count {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        println!("in flight");
        std::future::pending::<()>().await;
        Ok(())
    })
}

/// A provider whose creates never return: every even-numbered one reaches
/// the simulator first (placed, answer lost), the others never leave.
#[derive(Debug)]
struct Stuck {
    inner: Arc<dyn PayoutProvider>,
    reached: Arc<AtomicUsize>,
    sending: Semaphore,
}

#[async_trait]
impl PayoutProvider for Stuck {
    fn id(&self) -> &'static str {
        self.inner.id()
    }

    fn region(&self) -> &str {
        self.inner.region()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        self.inner.validate_payout(request)
    }

    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        self.inner.query_payout(trade_no).await
    }

    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        let even = request
            .trade_no
            .as_str()
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n % 2 == 0);
        if even {
            let _permit = self.sending.acquire().await;
            let _ = self.inner.create_payout(request).await;
        }
        self.reached.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }
}
