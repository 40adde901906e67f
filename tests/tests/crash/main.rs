//! Crash tests of `payout batch`: the real binary, killed with SIGKILL at
//! random points and at the two points that matter — after a payout's row
//! is journaled and before its request leaves (`after-journal`), and after
//! the provider answered and before the answer is journaled (`after-send`)
//! — then restarted until the batch finishes. After each seed, every trade
//! number is placed exactly once, none is lost, the journal equals the
//! simulator's records, and the ledger paid each payout once.
//!
//! The kill points come from the test hook `PAYOUT_TEST_CRASH_AT` of the
//! CLI (crates/payout-cli/src/commands/batch/test_hook.rs); the random ones
//! from a seeded timer. Each seed runs 500 payouts at concurrency 32.

mod harness;
#[path = "../../../crates/payout-cli/tests/support/pg.rs"]
mod pg;

use harness::{run_killed, run_to_end, Kill, Sim};

fn sqlite_seeds(seeds: std::ops::Range<u64>) {
    let sim = Sim::start();
    let dir = tempfile::tempdir().expect("temporary directory");
    let journal = format!("sqlite:{}", dir.path().join("journal.db").display());
    for seed in seeds {
        // One seed in four is killed twice before the run that finishes.
        let kills = if seed % 4 == 3 { 2 } else { 1 };
        harness::seed(
            &sim,
            dir.path(),
            &journal,
            &format!("S{seed:02}"),
            seed,
            kills,
        );
    }
}

#[test]
fn sqlite_seeds_0_to_9() {
    sqlite_seeds(0..10);
}

#[test]
fn sqlite_seeds_10_to_19() {
    sqlite_seeds(10..20);
}

#[test]
fn postgres_seeds() {
    let db = pg::scratch_database();
    let sim = Sim::start();
    let dir = tempfile::tempdir().expect("temporary directory");
    for seed in 100..103 {
        harness::seed(&sim, dir.path(), &db.url, &format!("P{seed}"), seed, 1);
    }
}

/// An order the provider refuses, killed after its row was journaled and
/// before its request left: after the restart its first request is refused
/// on the journal's second attempt, which the journal cannot tell from the
/// platform's duplicate check, so it stays unknown (exit 6) — and each run
/// sends at most two requests for it, never a stream of them.
#[test]
fn a_refused_order_killed_before_its_request_left_stays_unknown_and_is_not_resent_endlessly() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().expect("temporary directory");
    let journal = format!("sqlite:{}", dir.path().join("journal.db").display());
    let file = dir.path().join("refused.jsonl");
    let line = |t: &str| {
        serde_json::json!({
            "trade_no": t, "amount": "15000", "bank_code": "014",
            "account_no": "5464438554636", "name": "Budi Santoso",
            "mobile": "081234567890", "email": "budi@example.co.id",
            "notify_url": "http://127.0.0.1:9/notify",
        })
        .to_string()
    };
    std::fs::write(&file, format!("{}\n", line("RF-1_8000"))).expect("write");
    let h = sim.handle();
    assert!(run_killed(
        &sim,
        &file,
        &journal,
        Kill::Hook("after-journal", 1)
    ));
    assert_eq!(
        h.request_count("RF-1_8000", payout_sim::Endpoint::Create),
        0
    );
    let rows = harness::export(&journal);
    assert_eq!(rows[0]["state"], "sending", "{rows:?}");
    // The same command (same file) resumes it, with one more order.
    std::fs::write(&file, format!("{}\n{}\n", line("RF-1_8000"), line("RF-2"))).expect("write");
    let before = h.request_count("RF-1_8000", payout_sim::Endpoint::Create);
    let (code, stdout, stderr) = run_to_end(&sim, &file, &journal);
    assert_eq!(code, 6, "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("summary");
    assert_eq!(summary["unknown"], 1, "{summary}");
    assert_eq!(summary["placed"], 1, "{summary}");
    assert!(h.payout("RF-1_8000").is_none(), "never placed");
    let after = h.request_count("RF-1_8000", payout_sim::Endpoint::Create);
    assert_eq!(after - before, 2, "two requests in one run");
    let (code, _, _) = run_to_end(&sim, &file, &journal);
    assert_eq!(code, 6);
    assert_eq!(
        h.request_count("RF-1_8000", payout_sim::Endpoint::Create) - after,
        2,
        "two more in the next run, no more"
    );
}
