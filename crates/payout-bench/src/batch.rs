//! Benchmark 5: what the journal costs a batch. Creates of new payouts at
//! concurrency 64 against the simulator (in a child process), plain
//! (`provider.create_payout`) and journaled (`Journaled::submit`: a durable
//! commit before the request, another for the answer), side by side in
//! alternating rounds, on SQLite and on PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use payout_journal::{JournalState, Journaled, JournaledOptions, SUBMITS_PER_REQUEST_SLOT};

use crate::child::SimProcess;
use crate::journals::{self, drive, Backend, FreshJournal, ACCOUNT};

/// Creates in flight at once.
const CONCURRENCY: usize = 64;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool) -> Result<(), String> {
    let (per_round, rounds) = if quick { (400, 2) } else { (2_000, 5) };
    let sim = SimProcess::start(2)?;
    let provider = journals::provider(&sim.base_url)?;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let fresh = FreshJournal::create(backend).await?;
        let journal = fresh.open(CONCURRENCY).await?;
        let journaled = Arc::new(Journaled::with_options(
            provider.clone(),
            journal.clone(),
            ACCOUNT,
            JournaledOptions::default().requests_in_flight(CONCURRENCY),
        ));
        let name = backend.name();
        let (mut plain_time, mut journaled_time) = (Duration::ZERO, Duration::ZERO);
        let mut done = 0;
        // Round 0 warms both sides up and is not counted.
        for round in 0..=rounds {
            for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                let tag = format!("{}{}{round}", &name[..1], ["p", "j"][side]);
                let driven = if side == 0 {
                    let p = provider.clone();
                    drive(per_round, CONCURRENCY, move |i| {
                        let p = p.clone();
                        let tag = tag.clone();
                        async move {
                            let order = journals::order(&tag, i)?;
                            p.create_payout(&order)
                                .await
                                .map(drop)
                                .map_err(|e| e.to_string())
                        }
                    })
                    .await
                } else {
                    journals::submit_all(
                        &journaled,
                        &tag,
                        per_round,
                        CONCURRENCY * SUBMITS_PER_REQUEST_SLOT,
                        |s| s == JournalState::Accepted,
                    )
                    .await
                };
                driven.check(&format!("{name} round {round}"), per_round)?;
                if round > 0 {
                    if side == 0 {
                        plain_time += driven.elapsed;
                    } else {
                        journaled_time += driven.elapsed;
                    }
                }
            }
            if round > 0 {
                done += per_round;
            }
        }
        journal.close().await;
        fresh.remove().await;
        let plain = done as f64 / plain_time.as_secs_f64();
        let with_journal = done as f64 / journaled_time.as_secs_f64();
        println!(
            "{name}: {done} creates per side at concurrency {CONCURRENCY}, {rounds} alternating rounds"
        );
        println!("journal {name} plain c64 throughput = {plain:.0}/s");
        println!("journal {name} journaled c64 throughput = {with_journal:.0}/s");
        println!(
            "journal {name} ratio c64 throughput journaled/plain = {:.3}",
            with_journal / plain
        );
    }
    Ok(())
}
