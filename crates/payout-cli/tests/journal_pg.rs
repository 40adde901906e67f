//! `payout batch` and `payout journal` on a PostgreSQL journal (a fresh
//! database per test on the local server), and several `journal reconcile`
//! processes sharing one journal.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use payout_sim::{Endpoint, Fault, FaultScope, Scenario};
use serde_json::{json, Value};
use support::pg::scratch_database;
use support::sim::{platform_line, write_orders, Sim};
use support::{payout, Run};

fn batch(file: &std::path::Path, url: &str, env: &[(String, String)]) -> Run {
    payout(
        &[
            "batch",
            "--provider",
            "paypro",
            "--file",
            file.to_str().expect("UTF-8 path"),
            "--journal",
            url,
            "--concurrency",
            "32",
        ],
        env,
        None,
    )
}

#[test]
fn a_batch_on_postgres_resumes_without_sending_twice() {
    let db = scratch_database();
    let sim = Sim::start(|c| c);
    let env = sim.platform_env("paypro", "indonesia");
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut lines: Vec<Value> = (0..40)
        .map(|i| platform_line(&format!("PG-{i:03}"), "15000"))
        .collect();
    lines.push(platform_line("PG-R_8000", "15000"));
    lines.push(platform_line("PG-U_RESET", "15000"));
    lines.push(platform_line("PG-000", "15000"));
    let file = write_orders(dir.path(), "orders.jsonl", &lines);
    let expected = json!({"orders": 43, "placed": 41, "rejected": 1, "duplicates": 1, "unknown": 0, "invalid": 0});

    let run = batch(&file, &db.url, &env);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(Value::Object(run.json()), expected);
    let creates = sim.handle().total_requests(Endpoint::Create);
    assert_eq!(creates, 42);

    let again = batch(&file, &db.url, &env);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(Value::Object(again.json()), expected);
    assert_eq!(sim.handle().total_requests(Endpoint::Create), creates);

    let status = payout(&["journal", "--journal", &db.url, "status"], &[], None);
    assert_eq!(status.code, 0, "{status:?}");
    assert_eq!(status.json()["total"], 42);
    let csv = payout(
        &["journal", "--journal", &db.url, "export", "--format", "csv"],
        &[],
        None,
    );
    assert_eq!(csv.code, 0, "{csv:?}");
    assert_eq!(csv.stdout.lines().count(), 43);
    assert!(!csv.stdout.contains("5464438554636"));
}

/// Several reconcilers at once on one journal: every payout is queried by
/// exactly one of them, exactly once (each becomes final on its first
/// query), so no row was ever queried by two at the same moment.
#[test]
fn concurrent_reconcilers_never_query_a_payout_twice() {
    const PAYOUTS: usize = 300;
    const WORKERS: usize = 3;
    let db = scratch_database();
    let sim = Sim::start(|c| c);
    let env = sim.platform_env("paypro", "indonesia");
    let dir = tempfile::tempdir().expect("temporary directory");
    let trade_nos: Vec<String> = (0..PAYOUTS).map(|i| format!("RC-{i:04}")).collect();
    let lines: Vec<Value> = trade_nos
        .iter()
        .map(|t| platform_line(t, "15000"))
        .collect();
    let file = write_orders(dir.path(), "orders.jsonl", &lines);
    let run = batch(&file, &db.url, &env);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["placed"], PAYOUTS);
    // Every query now takes a while, so that the reconcilers overlap.
    for t in &trade_nos {
        assert_eq!(sim.handle().request_count(t, Endpoint::Query), 0);
        sim.handle().set_scenario(
            t.as_str(),
            Scenario::succeed()
                .query_fault(Fault::Delay(Duration::from_millis(30)), FaultScope::Always),
        );
    }

    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_payout"))
                .args([
                    "journal",
                    "--journal",
                    &db.url,
                    "reconcile",
                    "--provider",
                    "paypro",
                    "--timeout",
                    "8s",
                ])
                .env_clear()
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a reconciler")
        })
        .collect();
    let mut queried = Vec::new();
    for worker in workers {
        let out = worker.wait_with_output().expect("a reconciler ends");
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout);
        // A reconciler that ran out of rows may wait for the others' leases
        // until its timeout, and then find everything final (0) or not yet (7).
        assert!(code == 0 || code == 7, "exit {code}: {stdout}");
        let report: Value = serde_json::from_str(stdout.trim()).expect("a JSON report");
        queried.push(report["queried"].as_u64().expect("queried"));
    }
    assert_eq!(queried.iter().sum::<u64>(), PAYOUTS as u64, "{queried:?}");
    assert!(
        queried.iter().filter(|q| **q > 0).count() >= 2,
        "the work was shared: {queried:?}"
    );
    for t in &trade_nos {
        assert_eq!(
            sim.handle().request_count(t, Endpoint::Query),
            1,
            "{t} was queried more than once"
        );
    }
    let status = payout(&["journal", "--journal", &db.url, "status"], &[], None);
    assert_eq!(status.json()["by_state"]["succeeded"], PAYOUTS);
}
