//! `payout --provider xendit` against the simulator's Xendit (`/xendit`):
//! every command of the contract, its keys and exit codes, and the new
//! exit codes 8 (proven absent) and 9 (duplicate).

mod support;

use payout_sim::xendit::XenditEndpoint;
use payout_sim::{
    BackgroundSimulator, SimConfig, XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY,
};
use serde_json::Value;
use support::{env, payout, Run};

/// A simulator on its own runtime, alive as long as the value.
type Sim = BackgroundSimulator;

fn sim() -> Sim {
    BackgroundSimulator::start(SimConfig::default()).expect("the simulator starts")
}

fn xendit_env(sim: &Sim) -> Vec<(String, String)> {
    env(&[
        ("PAYOUT_BASE_URL", &sim.xendit_base_url()),
        ("PAYOUT_SECRET", XENDIT_TEST_SECRET_KEY),
        ("PAYOUT_TIMEOUT_MS", "3000"),
    ])
}

fn run(sim: &Sim, args: &[&str]) -> Run {
    let mut all = vec![args[0], "--provider", "xendit"];
    all.extend_from_slice(&args[1..]);
    let r = payout(&all, &xendit_env(sim), None);
    assert!(
        !r.stdout.contains(XENDIT_TEST_SECRET_KEY) && !r.stderr.contains(XENDIT_TEST_SECRET_KEY),
        "the API key leaked: {r:?}"
    );
    r
}

fn create(sim: &Sim, trade_no: &str, amount: &str, account: &str) -> Run {
    run(
        sim,
        &[
            "create",
            "--trade-no",
            trade_no,
            "--amount",
            amount,
            "--bank-code",
            "ID_BCA",
            "--account-no",
            account,
            "--name",
            "Michael Chen",
            "--description",
            "July payout",
        ],
    )
}

#[test]
fn create_query_wait_and_replay() {
    let sim = sim();
    let r = create(&sim, "CLI-X-1", "10000", "000000000099");
    assert_eq!(r.code, 0, "{r:?}");
    let out = r.json();
    for key in [
        "provider",
        "trade_no",
        "platform_trade_no",
        "state",
        "provider_status",
        "message",
    ] {
        assert!(out.contains_key(key), "{key}: {out:?}");
    }
    assert_eq!(out["provider"], "xendit");
    assert_eq!(out["provider_status"], "ACCEPTED");
    assert_eq!(out["state"], "processing");
    let id = out["platform_trade_no"].as_str().expect("an id").to_owned();
    assert!(id.starts_with("disb-"), "{id}");

    // The same order again: Xendit replays the original payout (same key,
    // same body): nothing new is placed.
    let again = create(&sim, "CLI-X-1", "10000", "000000000099");
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.json()["platform_trade_no"], id.as_str());
    assert_eq!(sim.xendit_payout_count("CLI-X-1"), 1);

    let w = run(
        &sim,
        &[
            "wait",
            "--trade-no",
            "CLI-X-1",
            "--timeout",
            "20s",
            "--interval",
            "100ms",
        ],
    );
    assert_eq!(w.code, 0, "{w:?}");
    let w = w.json();
    assert_eq!(w["state"], "succeeded");
    assert_eq!(w["provider_status"], "SUCCEEDED");
    assert_eq!(w["amount"], "10000");
    assert_eq!(w["order_amount"], Value::Null);
    assert_eq!(w["pay_amount"], Value::Null);
    assert_eq!(w["final"], true);

    let by_id = run(&sim, &["query", "--payout-id", &id]);
    assert_eq!(by_id.code, 0, "{by_id:?}");
    assert_eq!(by_id.json()["trade_no"], "CLI-X-1");
}

#[test]
fn a_different_order_under_a_used_trade_number_exits_9() {
    let sim = sim();
    assert_eq!(create(&sim, "CLI-X-DUP", "10000", "000000000099").code, 0);
    let r = create(&sim, "CLI-X-DUP", "20000", "000000000099");
    assert_eq!(r.code, 9, "{r:?}");
    let out = r.json();
    assert_eq!(out["duplicate"], true);
    assert_eq!(out["trade_no"], "CLI-X-DUP");
    assert_eq!(out["amount"], "10000", "the existing payout's status");
    assert_eq!(sim.xendit_payout_count("CLI-X-DUP"), 1);
}

#[test]
fn an_unknown_trade_number_is_proven_absent_exit_8() {
    let sim = sim();
    for cmd in ["query", "wait"] {
        let r = run(&sim, &[cmd, "--trade-no", "CLI-X-NEVER"]);
        assert_eq!(r.code, 8, "{cmd}: {r:?}");
        let out = r.json();
        assert_eq!(out["state"], "not_found");
        assert_eq!(out["provider"], "xendit");
        assert_eq!(out["trade_no"], "CLI-X-NEVER");
    }
}

#[test]
fn cancel_while_accepted_then_refused_once_paid() {
    let sim = sim();
    // 131313 stays ACCEPTED in the simulator (cancellable).
    assert_eq!(create(&sim, "CLI-X-C1", "10000", "131313").code, 0);
    let r = run(&sim, &["cancel", "--trade-no", "CLI-X-C1"]);
    assert_eq!(r.code, 0, "{r:?}");
    let out = r.json();
    assert_eq!(out["state"], "cancelled");
    assert_eq!(out["provider_status"], "CANCELLED");

    assert_eq!(create(&sim, "CLI-X-C2", "10000", "000000000099").code, 0);
    let w = run(
        &sim,
        &[
            "wait",
            "--trade-no",
            "CLI-X-C2",
            "--timeout",
            "20s",
            "--interval",
            "100ms",
        ],
    );
    assert_eq!(w.code, 0, "{w:?}");
    let refused = run(&sim, &["cancel", "--trade-no", "CLI-X-C2"]);
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(
        refused.stderr.contains("CANCELLATION_NOT_ALLOWED"),
        "{refused:?}"
    );
}

#[test]
fn cancel_is_refused_without_sending_where_the_provider_has_none() {
    let r = payout(
        &["cancel", "--provider", "paypro", "--trade-no", "T1"],
        &env(&[
            ("PAYOUT_BASE_URL", "http://127.0.0.1:9/indonesia-pay"),
            ("PAYOUT_MERCHANT_NO", "1"),
            ("PAYOUT_SECRET", "s"),
        ]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("does not offer cancelling"), "{r:?}");
}

#[test]
fn balance_and_check() {
    let sim = sim();
    let b = run(&sim, &["balance"]);
    assert_eq!(b.code, 0, "{b:?}");
    let out = b.json();
    assert_eq!(out["available"], "1000000000");
    assert_eq!(out["frozen"], Value::Null);
    assert_eq!(out["unsettled"], Value::Null);
    assert_eq!(out["currency"], "IDR");
    let php = run(&sim, &["balance", "--region", "philippines"]);
    assert_eq!(php.json()["currency"], "PHP");
    let other = run(&sim, &["balance", "--currency", "PHP"]);
    assert_eq!(other.code, 0, "{other:?}");
    assert_eq!(other.json()["currency"], "PHP");
    assert_eq!(other.json()["available"], "10000000");
    let c = run(&sim, &["check"]);
    assert_eq!(c.code, 0, "{c:?}");
    assert_eq!(c.json()["ok"], true);
    let mut bad = xendit_env(&sim);
    bad.retain(|(k, _)| k != "PAYOUT_SECRET");
    bad.push(("PAYOUT_SECRET".into(), "xnd_development_wrong".into()));
    let refused = payout(&["check", "--provider", "xendit"], &bad, None);
    assert_eq!(refused.code, 3, "{refused:?}");
}

#[test]
fn verify_notify_checks_the_token() {
    let body = r#"{"event":"payout.succeeded","business_id":"5f27a14a9bf05c73dd040bc8","created":"2025-01-01T23:55:59Z","data":{"id":"disb-571f3644d2b4edf0745e9703","amount":10000,"channel_code":"ID_BCA","currency":"IDR","status":"SUCCEEDED","description":"July payout","reference_id":"myref-1482928194","created":"2024-12-31T23:53:59Z","updated":"2024-12-31T23:53:59Z","business_id":"6018306aa16ad90cb3c43ba7","channel_properties":{"account_number":"000000000099","account_holder_name":"Michael Chen"}}}"#;
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), body).expect("write");
    let path = file.path().to_str().expect("utf-8 path");
    let envs = env(&[("PAYOUT_CALLBACK_TOKEN", XENDIT_TEST_CALLBACK_TOKEN)]);
    let good_header = format!("x-callback-token: {XENDIT_TEST_CALLBACK_TOKEN}");
    let ok = payout(
        &[
            "verify-notify",
            "--provider",
            "xendit",
            "--header",
            &good_header,
            "--file",
            path,
        ],
        &envs,
        None,
    );
    assert_eq!(ok.code, 0, "{ok:?}");
    let out = ok.json();
    assert_eq!(out["verified"], true);
    assert_eq!(out["event"], "payout.succeeded");
    assert_eq!(out["state"], "succeeded");
    assert_eq!(out["trade_no"], "myref-1482928194");
    assert!(!ok.stdout.contains(XENDIT_TEST_CALLBACK_TOKEN));

    let forged = payout(
        &[
            "verify-notify",
            "--provider",
            "xendit",
            "--header",
            "x-callback-token: guess",
            "--file",
            path,
        ],
        &envs,
        None,
    );
    assert_eq!(forged.code, 5, "{forged:?}");
    assert!(!forged.stderr.contains(XENDIT_TEST_CALLBACK_TOKEN));
}

#[test]
fn sending_without_a_base_url_needs_sandbox() {
    let r = payout(
        &["balance", "--provider", "xendit"],
        &env(&[("PAYOUT_SECRET", XENDIT_TEST_SECRET_KEY)]),
        None,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--sandbox"), "{r:?}");
}

#[test]
fn a_transport_failure_on_create_is_retried_with_the_same_key() {
    let sim = sim();
    // `_500`: the simulator places the payout, then answers every create of
    // that reference with 500. The create is idempotent by key, so the
    // transport repeats it (3 attempts by default) with the same key; the
    // outcome is still unknown at the end (exit 6), and one payout exists.
    let r = create(&sim, "CLI-X-R_500", "10000", "000000000099");
    assert_eq!(r.code, 6, "{r:?}");
    assert!(
        r.stderr.contains("payout query --trade-no CLI-X-R_500"),
        "{r:?}"
    );
    assert_eq!(
        sim.xendit_request_count("CLI-X-R_500", XenditEndpoint::Create),
        3
    );
    assert_eq!(sim.xendit_payout_count("CLI-X-R_500"), 1);
    let q = run(&sim, &["query", "--trade-no", "CLI-X-R_500"]);
    assert_eq!(q.code, 0, "{q:?}");
}
