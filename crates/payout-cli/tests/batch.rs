//! `payout batch` and `payout journal` against the simulator (in the test
//! process) with a SQLite journal file: the summary, bad lines, resuming
//! without sending twice, every exit code, export keys — for a platform
//! provider and for Xendit.

mod support;

use std::path::Path;

use payout_sim::xendit::XenditEndpoint;
use payout_sim::{Endpoint, Fault, FaultScope, Scenario};
use serde_json::{json, Map, Value};
use support::sim::{platform_line, write_orders, xendit_line, Sim};
use support::{payout, Run};

/// The keys of one exported payout, in order.
const EXPORT_KEYS: [&str; 10] = [
    "provider",
    "region",
    "trade_no",
    "state",
    "provider_status",
    "platform_trade_no",
    "amount",
    "created_at",
    "updated_at",
    "attempts",
];

/// Personal data of the orders, which must never be printed.
const PERSONAL: [&str; 4] = [
    "5464438554636",
    "Budi Santoso",
    "081234567890",
    "budi@example.co.id",
];

fn journal_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("journal.db").display())
}

fn batch(provider: &str, file: &Path, journal: &str, env: &[(String, String)]) -> Run {
    payout(
        &[
            "batch",
            "--provider",
            provider,
            "--file",
            file.to_str().expect("UTF-8 path"),
            "--journal",
            journal,
            "--concurrency",
            "4",
        ],
        env,
        None,
    )
}

fn journal(journal: &str, args: &[&str], env: &[(String, String)]) -> Run {
    let mut argv = vec!["journal", "--journal", journal];
    argv.extend_from_slice(args);
    payout(&argv, env, None)
}

fn summary(run: &Run) -> Value {
    let out = run.json();
    let keys: Vec<&str> = out.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    let mut expected = [
        "orders",
        "placed",
        "rejected",
        "duplicates",
        "unknown",
        "invalid",
    ];
    expected.sort_unstable();
    assert_eq!(sorted, expected, "summary keys: {run:?}");
    assert!(
        run.stdout.starts_with(r#"{"orders":"#),
        "contract order: {}",
        run.stdout
    );
    Value::Object(out)
}

fn assert_no_personal_data(run: &Run) {
    for p in PERSONAL {
        assert!(
            !run.stdout.contains(p) && !run.stderr.contains(p),
            "{p} printed: {run:?}"
        );
    }
}

/// The exported payouts (JSONL), checked for their keys and forms.
fn export(url: &str) -> Vec<Map<String, Value>> {
    let run = journal(url, &["export"], &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_no_personal_data(&run);
    run.stdout
        .lines()
        .map(|line| {
            let Value::Object(row) = serde_json::from_str(line).expect("a JSON line") else {
                panic!("not an object: {line}");
            };
            let keys: Vec<&str> = row.keys().map(String::as_str).collect();
            let mut expected = EXPORT_KEYS;
            expected.sort_unstable();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, expected, "{line}");
            assert!(line.starts_with(r#"{"provider":"#), "{line}");
            assert!(row["amount"].is_string(), "exact amounts: {line}");
            assert!(row["attempts"].is_u64(), "{line}");
            for time in ["created_at", "updated_at"] {
                let t = row[time].as_str().expect("a string");
                // RFC 3339 in UTC with milliseconds: 2026-11-23T10:00:00.000Z
                let ok = t.len() == 24
                    && t.as_bytes()[4] == b'-'
                    && t.as_bytes()[10] == b'T'
                    && t.as_bytes()[19] == b'.'
                    && t.ends_with('Z');
                assert!(ok, "{time} is not RFC 3339: {t}");
            }
            row
        })
        .collect()
}

fn row<'a>(rows: &'a [Map<String, Value>], trade_no: &str) -> &'a Map<String, Value> {
    rows.iter()
        .find(|r| r["trade_no"] == trade_no)
        .unwrap_or_else(|| panic!("{trade_no} not exported: {rows:?}"))
}

#[test]
fn a_platform_batch_places_reports_bad_lines_and_resumes_without_sending_twice() {
    let sim = Sim::start(|c| c);
    let env = sim.platform_env("paypro", "indonesia");
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = journal_url(dir.path());
    let mut no_notify = platform_line("B-7", "15000");
    no_notify
        .as_object_mut()
        .expect("object")
        .remove("notify_url");
    let mut no_beneficiary = platform_line("B-6", "15000");
    no_beneficiary
        .as_object_mut()
        .expect("object")
        .remove("bank_code");
    let changed = platform_line("B-1", "15001");
    let lines = vec![
        platform_line("B-1", "15000"),      // 1 placed
        platform_line("B-2_8000", "15000"), // 2 rejected
        platform_line("B-3_502", "15000"),  // 3 unknown, then found: placed
        platform_line("B-1", "15000.00"),   // 4 duplicate (same amount)
        changed,                            // 5 same trade number, other order
        json!({"trade_no": "B-4", "amount": 15000, "bank_code": "014", "account_no": "5464438554636"}), // 6 amount a number
        Value::String("not json".into()), // 7
        Value::String("   ".into()),      // 8 blank: not an order
        json!({"trade_no": "B-5", "amount": "15000", "acount_no": "5464438554636"}), // 9 unknown key
        no_beneficiary,                // 10 no beneficiary
        no_notify,                     // 11 breaks a rule of the region
        platform_line("B-8", "20000"), // 12 placed
    ];
    let file = write_orders(dir.path(), "orders.jsonl", &lines);

    let first = batch("paypro", &file, &url, &env);
    assert_eq!(first.code, 0, "{first:?}");
    assert_no_personal_data(&first);
    let expected = json!({"orders": 11, "placed": 3, "rejected": 1, "duplicates": 1, "unknown": 0, "invalid": 6});
    assert_eq!(summary(&first), expected);
    for (line, why) in [
        (5, "is on line 1 with another order (amount differs)"),
        (6, "\"amount\" must be a string"),
        (7, "not valid JSON"),
        (9, "unknown key \"acount_no\""),
        (10, "bank_code"),
        (11, "notify_url"),
    ] {
        let wanted = format!("line {line}: ");
        let said = first
            .stderr
            .lines()
            .find(|l| l.starts_with(&wanted))
            .unwrap_or_else(|| panic!("no report of line {line}: {}", first.stderr));
        assert!(said.contains(why), "line {line}: {said}");
        assert!(said.ends_with("nothing sent for it"), "{said}");
    }
    assert!(!first.stderr.contains("line 8:"), "{}", first.stderr);
    let sim_h = sim.handle();
    for t in ["B-1", "B-2_8000", "B-3_502", "B-8"] {
        assert_eq!(sim_h.request_count(t, Endpoint::Create), 1, "{t}");
    }
    for t in ["B-4", "B-5", "B-6", "B-7"] {
        assert_eq!(sim_h.request_count(t, Endpoint::Create), 0, "{t}");
    }
    assert_eq!(sim_h.total_requests(Endpoint::Create), 4);

    // The same command again: the same summary, nothing sent.
    let queries = sim_h.total_requests(Endpoint::Query);
    let again = batch("paypro", &file, &url, &env);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(summary(&again), expected);
    assert_eq!(sim_h.total_requests(Endpoint::Create), 4, "nothing re-sent");
    assert_eq!(
        sim_h.total_requests(Endpoint::Query),
        queries,
        "nothing left to resolve"
    );

    // A line whose trade number the journal holds with another order is
    // refused, never sent.
    let mut edited = lines.clone();
    edited[11] = platform_line("B-8", "20001");
    let file2 = write_orders(dir.path(), "edited.jsonl", &edited);
    let refused = batch("paypro", &file2, &url, &env);
    assert_eq!(refused.code, 0, "{refused:?}");
    assert_eq!(
        summary(&refused),
        json!({"orders": 11, "placed": 2, "rejected": 1, "duplicates": 1, "unknown": 0, "invalid": 7})
    );
    assert!(
        refused.stderr.lines().any(|l| l.starts_with("line 12: ")
            && l.contains("already journaled")
            && l.contains("(amount)")),
        "{}",
        refused.stderr
    );
    assert_eq!(sim_h.total_requests(Endpoint::Create), 4);

    // status: every state listed.
    let status = journal(&url, &["status"], &[]);
    assert_eq!(status.code, 0, "{status:?}");
    let counts = status.json();
    assert!(
        status.stdout.starts_with(r#"{"total":4,"by_state":{"#),
        "{status:?}"
    );
    assert_eq!(counts["total"], 4);
    let by_state = counts["by_state"].as_object().expect("object");
    assert_eq!(by_state.len(), 11, "{by_state:?}");
    assert_eq!(by_state["rejected"], 1);

    // export: JSONL and CSV.
    let rows = export(&url);
    assert_eq!(rows.len(), 4);
    assert_eq!(row(&rows, "B-1")["amount"], "15000");
    assert_eq!(row(&rows, "B-1")["attempts"], 1);
    assert_eq!(row(&rows, "B-1")["state"], "accepted");
    assert_eq!(row(&rows, "B-2_8000")["state"], "rejected");
    assert_eq!(row(&rows, "B-3_502")["provider"], "paypro");
    assert_eq!(row(&rows, "B-3_502")["region"], "indonesia");
    assert!(row(&rows, "B-3_502")["platform_trade_no"].is_string());
    let csv = journal(&url, &["export", "--format", "csv"], &[]);
    assert_eq!(csv.code, 0, "{csv:?}");
    let csv_lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(csv_lines[0], EXPORT_KEYS.join(","));
    assert_eq!(csv_lines.len(), 5);
    assert!(csv_lines
        .iter()
        .any(|l| l.starts_with("paypro,indonesia,B-2_8000,rejected,8000,,15000,")));

    // reconcile: every placed payout queried until final.
    let args = ["reconcile", "--provider", "paypro", "--timeout", "30s"];
    let reconciled = journal(&url, &args, &env);
    assert_eq!(reconciled.code, 0, "{reconciled:?}");
    let report = reconciled.json();
    assert_eq!(report["counts"]["by_state"]["succeeded"], 3);
    assert_eq!(report["deadline_reached"], false);
    assert_eq!(sim_h.total_requests(Endpoint::Create), 4);
}

#[test]
fn an_outcome_still_unknown_exits_6_and_a_rerun_resolves_it_without_resending() {
    let sim = Sim::start(|c| c);
    // The create is placed but its answer lost, and every query fails.
    let blind = Scenario::succeed()
        .create_fault(Fault::BadGateway)
        .query_fault(Fault::BadGateway, FaultScope::Always);
    sim.handle().set_scenario("U-1", blind);
    let mut env = sim.platform_env("paypro", "indonesia");
    env.push(("PAYOUT_TIMEOUT_MS".into(), "300".into()));
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = journal_url(dir.path());
    let file = write_orders(
        dir.path(),
        "orders.jsonl",
        &[platform_line("U-1", "15000"), platform_line("U-2", "15000")],
    );

    let run = batch("paypro", &file, &url, &env);
    assert_eq!(run.code, 6, "{run:?}");
    assert_eq!(
        summary(&run),
        json!({"orders": 2, "placed": 1, "rejected": 0, "duplicates": 0, "unknown": 1, "invalid": 0})
    );
    assert!(
        run.stderr
            .contains("1 payout is not known to be placed or rejected yet")
            && run
                .stderr
                .contains("Never re-send them under new trade numbers"),
        "{}",
        run.stderr
    );
    assert!(sim.handle().request_count("U-1", Endpoint::Query) >= 2);
    assert_eq!(sim.handle().request_count("U-1", Endpoint::Create), 1);

    // The provider answers queries again: the rerun finds the payout.
    sim.handle().set_scenario("U-1", Scenario::succeed());
    let again = batch("paypro", &file, &url, &env);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        summary(&again),
        json!({"orders": 2, "placed": 2, "rejected": 0, "duplicates": 0, "unknown": 0, "invalid": 0})
    );
    assert_eq!(sim.handle().request_count("U-1", Endpoint::Create), 1);
    assert_eq!(sim.handle().request_count("U-2", Endpoint::Create), 1);
}

#[test]
fn reconcile_exits_7_when_a_payout_is_not_final_at_the_timeout() {
    let sim = Sim::start(|c| c);
    let env = sim.platform_env("paypro", "indonesia");
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = journal_url(dir.path());
    let file = write_orders(
        dir.path(),
        "orders.jsonl",
        &[
            platform_line("R-1", "15000"),
            platform_line("R-2_PROC", "15000"),
        ],
    );
    assert_eq!(batch("paypro", &file, &url, &env).code, 0);
    let args = ["reconcile", "--provider", "paypro", "--timeout", "2s"];
    let run = journal(&url, &args, &env);
    assert_eq!(run.code, 7, "{run:?}");
    let report = run.json();
    assert_eq!(report["deadline_reached"], true);
    assert_eq!(report["counts"]["by_state"]["succeeded"], 1);
    assert_eq!(report["counts"]["by_state"]["pending"], 1);
    assert!(
        run.stderr
            .contains("1 payouts are not final yet at the timeout")
            && run.stderr.contains("NOT failed"),
        "{}",
        run.stderr
    );
}

#[test]
fn configuration_errors_exit_2_and_send_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = write_orders(dir.path(), "orders.jsonl", &[platform_line("C-1", "15000")]);
    let file = file.to_str().expect("UTF-8");
    let url = journal_url(dir.path());
    let env = support::account("http://127.0.0.1:9/indonesia-pay");
    let run = |args: &[&str], env: &[(String, String)]| {
        let run = payout(args, env, None);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
        run.stderr
    };
    let no_provider = run(&["batch", "--file", file, "--journal", &url], &env);
    assert!(no_provider.contains("--provider"), "{no_provider}");
    let batch_args = |file: &str, journal: &str| -> Vec<String> {
        [
            "batch",
            "--provider",
            "paypro",
            "--file",
            file,
            "--journal",
            journal,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let run_owned = |args: Vec<String>, env: &[(String, String)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, env)
    };
    let said = run_owned(batch_args(file, "mysql://db/payouts"), &env);
    assert!(said.contains("sqlite:PATH"), "{said}");
    let said = run_owned(batch_args("/nonexistent/orders.jsonl", &url), &env);
    assert!(said.contains("/nonexistent/orders.jsonl"), "{said}");
    assert!(
        !dir.path().join("journal.db").exists(),
        "no journal created for a bad file"
    );
    let no_dir = format!("sqlite:{}/absent/journal.db", dir.path().display());
    let said = run_owned(batch_args(file, &no_dir), &env);
    assert!(said.contains("does not exist"), "{said}");
    let said = run(&["journal", "status"], &[]);
    assert!(said.contains("--journal"), "{said}");
    let said = run(
        &["journal", "--journal", &url, "reconcile", "--timeout", "1s"],
        &[],
    );
    assert!(said.contains("--provider"), "{said}");
    let mut hooked = env.clone();
    hooked.push(("PAYOUT_TEST_CRASH_AT".into(), "sometime".into()));
    let said = run_owned(batch_args(file, &url), &hooked);
    assert!(said.contains("PAYOUT_TEST_CRASH_AT"), "{said}");
}

#[test]
fn a_xendit_batch_places_resolves_and_resumes_without_sending_twice() {
    let sim = Sim::start(|c| c);
    let env = sim.xendit_env();
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = journal_url(dir.path());
    let mut no_channel = xendit_line("X-5", "10000");
    no_channel["bank_code"] = json!("ID_NOPE");
    let mut no_account = xendit_line("X-6", "10000");
    no_account
        .as_object_mut()
        .expect("object")
        .remove("account_no");
    let lines = vec![
        xendit_line("X-1", "10000"),
        xendit_line("X-2", "25000"),
        xendit_line("X-3_500", "10000"), // placed, every answer lost: resolved by lookup
        xendit_line("X-1", "10000"),     // duplicate
        no_channel,                      // a channel Xendit does not have: rejected
        no_account,                      // no account number: invalid
    ];
    let file = write_orders(dir.path(), "orders.jsonl", &lines);
    let run = batch("xendit", &file, &url, &env);
    assert_eq!(run.code, 0, "{run:?}");
    assert_no_personal_data(&run);
    assert!(!run.stderr.contains(payout_sim::XENDIT_TEST_SECRET_KEY));
    let expected = json!({"orders": 6, "placed": 3, "rejected": 1, "duplicates": 1, "unknown": 0, "invalid": 1});
    assert_eq!(summary(&run), expected);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("line 6: bank_code needs account_no")),
        "{}",
        run.stderr
    );
    let h = sim.handle();
    for reference in ["X-1", "X-2", "X-3_500"] {
        assert_eq!(h.xendit_payout_count(reference), 1, "{reference}");
    }
    assert_eq!(h.xendit_payout_count("X-5"), 0);
    let creates = h.xendit_total_requests(XenditEndpoint::Create);

    let again = batch("xendit", &file, &url, &env);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(summary(&again), expected);
    assert_eq!(
        h.xendit_total_requests(XenditEndpoint::Create),
        creates,
        "nothing re-sent"
    );

    let rows = export(&url);
    assert_eq!(rows.len(), 4);
    assert_eq!(row(&rows, "X-5")["state"], "rejected");
    assert_eq!(row(&rows, "X-2")["provider"], "xendit");
    assert_eq!(row(&rows, "X-2")["amount"], "25000");
    assert!(row(&rows, "X-3_500")["platform_trade_no"].is_string());
    let csv = journal(&url, &["export", "--format", "csv"], &[]);
    assert_eq!(
        csv.stdout.lines().next(),
        Some(EXPORT_KEYS.join(",").as_str())
    );

    let args = ["reconcile", "--provider", "xendit", "--timeout", "30s"];
    let reconciled = journal(&url, &args, &env);
    assert_eq!(reconciled.code, 0, "{reconciled:?}");
    assert_eq!(reconciled.json()["counts"]["by_state"]["succeeded"], 3);
}
