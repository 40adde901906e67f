//! The `payout` binary over real HTTP on 127.0.0.1: output keys, exit
//! codes, and that the secret never appears.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{account, callback, env, payout, Reply, Server, MERCHANT, SECRET};

const QUERY_OK_A: &str = r#"{"msg":"success","code":"0000","timestamp":1728613339884,"success":true,"data":{"tradeNo":"test_00000002","platFormTradeNo":"PT20241011","orderAmount":"300.00","payAmount":"300.00","status":"0000","message":"success","successTime":"2024-10-12 12:59:32"}}"#;

const QUERY_KEYS: [&str; 10] = [
    "provider",
    "trade_no",
    "platform_trade_no",
    "state",
    "provider_status",
    "message",
    "order_amount",
    "pay_amount",
    "amount",
    "success_time",
];

fn query(server: &Server, segment: &str, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "query",
        "--provider",
        "paypro",
        "--trade-no",
        "test_00000002",
    ];
    args.extend_from_slice(extra);
    payout(&args, &account(&server.base(segment)), None)
}

fn processing(trade_no: &str) -> String {
    format!(
        r#"{{"code":"0000","msg":"success","success":"true","timestamp":"1728613339884","data":{{"tradeNo":"{trade_no}","platFormTradeNo":"P1","amount":"10000","status":"0015","message":"in processing"}}}}"#
    )
}

// ---------------------------------------------------------------- query

#[test]
fn query_prints_the_documented_keys_exactly() {
    let server = Server::json(QUERY_OK_A);
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    for key in QUERY_KEYS {
        assert!(out.contains_key(key), "missing {key}: {out:?}");
    }
    assert_eq!(out["provider"], "paypro");
    assert_eq!(out["trade_no"], "test_00000002");
    assert_eq!(out["platform_trade_no"], "PT20241011");
    assert_eq!(out["state"], "succeeded");
    assert_eq!(out["provider_status"], "0000");
    assert_eq!(out["message"], "success");
    assert_eq!(out["order_amount"], "300.00");
    assert_eq!(out["pay_amount"], "300.00");
    assert_eq!(out["amount"], Value::Null);
    assert_eq!(out["success_time"], "2024-10-12 12:59:32");
    assert_eq!(out["currency"], "IDR");
    assert_eq!(out["zone"], "Asia/Jakarta");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/indonesia-pay/v1/paypro/queryPayOutResult");
    assert_eq!(seen[0].merchant_no.as_deref(), Some(MERCHANT));
    assert!(seen[0].sign_ok);
    assert_eq!(seen[0].body["tradeNo"], "test_00000002");
}

#[test]
fn vexora_numbers_are_read_exactly_and_printed_as_strings() {
    let server = Server::json(
        r#"{"code":"0000","msg":"success","data":{"tradeNo":"test_00000002","amount":3.0000,"status":"00029","message":"Fail","successTime":"2024-10-12 12:59:32"}}"#,
    );
    let run = payout(
        &[
            "query",
            "--provider",
            "vexora",
            "--region",
            "nigeria",
            "--trade-no",
            "test_00000002",
        ],
        &account(&server.base("nigeria")),
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["amount"], "3.0000");
    assert_eq!(out["state"], "failed");
    assert_eq!(out["provider"], "vexora");
    assert_eq!(out["platform_trade_no"], Value::Null);
    assert_eq!(
        server.seen()[0].path,
        "/nigeria/v1/vexora/queryPayOutResult"
    );
}

#[test]
fn an_undocumented_status_is_unknown_not_failed() {
    let server = Server::json(
        r#"{"code":"0000","msg":"success","data":{"tradeNo":"test_00000002","amount":"1","status":"0777"}}"#,
    );
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["state"], "unknown");
}

#[test]
fn rejection_exits_3_with_code_and_msg() {
    let server = Server::json(
        r#"{"code":"8000","msg":"order does not exist","success":false,"timestamp":1}"#,
    );
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("8000"), "{}", run.stderr);
    assert!(
        run.stderr.contains("order does not exist"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}

#[test]
fn the_test_server_catches_a_wrong_signature() {
    let server = Server::json(QUERY_OK_A);
    let mut env = account(&server.base("indonesia-pay"));
    env.retain(|(k, _)| k != "PAYOUT_SECRET");
    env.push(("PAYOUT_SECRET".into(), "another-secret".into()));
    let run = payout(
        &[
            "query",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
        ],
        &env,
        None,
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(!server.seen()[0].sign_ok);
}

#[test]
fn provider_system_error_exits_4() {
    let server = Server::json(r#"{"code":"5000","msg":"system busy","success":false}"#);
    let run = query(&server, "indonesia-pay", &["--max-attempts", "1"]);
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("5000"), "{}", run.stderr);
}

#[test]
fn refused_connection_exits_4() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let run = payout(
        &["query", "--provider", "paypro", "--trade-no", "T1"],
        &account(&format!("http://127.0.0.1:{port}/indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("not sent"), "{}", run.stderr);
}

#[test]
fn http_502_html_exits_4() {
    let server = Server::start(|_, _| {
        Reply::Status(
            502,
            "text/html",
            b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        )
    });
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("502"), "{}", run.stderr);
    // Queries are idempotent: 5xx is retried within the budget.
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn timeout_exits_4() {
    let server = Server::start(|_, _| Reply::Hang(Duration::from_secs(5)));
    let run = query(&server, "indonesia-pay", &["--max-attempts", "1"]);
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("no answer"), "{}", run.stderr);
}

#[test]
fn truncated_json_exits_5() {
    let server = Server::json(r#"{"code":"0000","msg":"success","data":{"tradeNo":"test_0"#);
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("invalid response"), "{}", run.stderr);
}

#[test]
fn oversized_body_exits_5() {
    let server = Server::start(|_, _| {
        let mut body = br#"{"code":"0000","msg":""#.to_vec();
        body.resize(2 * 1024 * 1024, b'x');
        body.extend_from_slice(br#""}"#);
        Reply::Status(200, "application/json", body)
    });
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("limit"), "{}", run.stderr);
}

#[test]
fn an_answer_about_another_payout_exits_5() {
    let server = Server::json(&processing("someone_else"));
    let run = query(&server, "indonesia-pay", &[]);
    assert_eq!(run.code, 5, "{run:?}");
}

// ------------------------------------------------------- configuration

#[test]
fn missing_secret_exits_2_and_sends_nothing() {
    let server = Server::json(QUERY_OK_A);
    let mut env = account(&server.base("indonesia-pay"));
    env.retain(|(k, _)| k != "PAYOUT_SECRET");
    let run = payout(
        &["query", "--provider", "paypro", "--trade-no", "T1"],
        &env,
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("PAYOUT_SECRET"), "{}", run.stderr);
    assert!(server.seen().is_empty());
}

#[test]
fn bad_trade_numbers_exit_2() {
    let server = Server::json(QUERY_OK_A);
    for bad in ["has space", &"x".repeat(33), ""] {
        let run = payout(
            &["query", "--provider", "paypro", "--trade-no", bad],
            &account(&server.base("indonesia-pay")),
            None,
        );
        assert_eq!(run.code, 2, "{bad:?}: {run:?}");
        assert!(run.stderr.contains("trade_no"), "{}", run.stderr);
    }
    assert!(server.seen().is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let env = account("http://127.0.0.1:9/indonesia-pay");
    for args in [
        &["query", "--provider", "paypro"][..],
        &["query", "--provider", "nope", "--trade-no", "T1"][..],
        &["query", "--trade-no", "T1"][..],
        &[
            "query",
            "--provider",
            "paypro",
            "--region",
            "atlantis",
            "--trade-no",
            "T1",
        ][..],
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "T1",
            "--timeout",
            "10",
        ][..],
        &["frobnicate"][..],
    ] {
        let run = payout(args, &env, None);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_secret_flag_is_refused_without_echoing_it() {
    let env = env(&[("PAYOUT_MERCHANT_NO", MERCHANT)]);
    let run = payout(
        &[
            "query",
            "--provider",
            "paypro",
            "--trade-no",
            "T1",
            "--secret",
            SECRET,
        ],
        &env,
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("PAYOUT_SECRET"), "{}", run.stderr);
}

#[test]
fn toml_then_env_then_flags() {
    let server = Server::json(QUERY_OK_A);
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let config = dir.path().join("payout.toml");
    std::fs::write(
        &config,
        format!(
            "provider = \"vexora\"\nmerchant_no = \"999\"\nbase_url = \"http://127.0.0.1:9/nowhere\"\nsecret_file = {:?}\ntimeout_ms = 400\n",
            secret_file.display().to_string()
        ),
    )
    .unwrap();
    // env overrides the merchant number, the flags the provider and URL.
    let run = payout(
        &[
            "query",
            "--config",
            config.to_str().unwrap(),
            "--provider",
            "paypro",
            "--base-url",
            &server.base("indonesia-pay"),
            "--trade-no",
            "test_00000002",
        ],
        &env(&[("PAYOUT_MERCHANT_NO", MERCHANT)]),
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["provider"], "paypro");
    assert!(server.seen()[0].sign_ok);
}

// ---------------------------------------------------------------- create

fn create_args<'a>(trade_no: &'a str, amount: &'a str) -> Vec<&'a str> {
    vec![
        "create",
        "--provider",
        "paypro",
        "--trade-no",
        trade_no,
        "--amount",
        amount,
        "--notify-url",
        "https://merchant.example/notify",
        "--bank-code",
        "014",
        "--account-no",
        "5464438554636",
        "--name",
        "kevin",
        "--mobile",
        "081234567890",
        "--email",
        "kevin@example.com",
        "--remark",
        "invoice 42",
    ]
}

#[test]
fn create_prints_the_documented_keys_and_sends_the_mapped_fields() {
    let server = Server::json(&processing("PO-1"));
    let run = payout(
        &create_args("PO-1", "10000"),
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    for key in [
        "provider",
        "trade_no",
        "platform_trade_no",
        "state",
        "provider_status",
        "message",
    ] {
        assert!(out.contains_key(key), "missing {key}: {out:?}");
    }
    assert_eq!(out["trade_no"], "PO-1");
    assert_eq!(out["platform_trade_no"], "P1");
    assert_eq!(out["state"], "processing");
    assert_eq!(out["provider_status"], "0015");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/indonesia-pay/v1/paypro/payOut");
    let body = Value::Object(seen[0].body.clone());
    for (k, v) in [
        ("tradeNo", "PO-1"),
        ("amount", "10000"),
        ("notifyUrl", "https://merchant.example/notify"),
        ("bankCode", "014"),
        ("bankAccountNo", "5464438554636"),
        ("customerName", "kevin"),
        ("mobile", "081234567890"),
        ("email", "kevin@example.com"),
        ("remark", "invoice 42"),
    ] {
        assert_eq!(body[k], json!(v), "{k}");
    }
}

#[test]
fn create_fields_fill_region_wire_fields() {
    let server = Server::json(&processing("PK-1"));
    let mut args = vec![
        "create",
        "--provider",
        "paypro",
        "--region",
        "pakistan",
        "--trade-no",
        "PK-1",
        "--amount",
        "500",
        "--notify-url",
        "https://m.example/n",
        "--bank-code",
        "HBL",
        "--account-no",
        "0123456789",
        "--name",
        "Ali",
        "--mobile",
        "3001234567",
        "--email",
        "ali@example.com",
        "--remark",
        "r",
    ];
    // Without the CNIC the region's rule refuses the order before sending.
    let run = payout(&args, &account(&server.base("pak-pay")), None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("--field customerCert=VALUE"),
        "{}",
        run.stderr
    );
    assert!(server.seen().is_empty());

    args.extend_from_slice(&["--field", "customerCert=3520212345678"]);
    let run = payout(&args, &account(&server.base("pak-pay")), None);
    assert_eq!(run.code, 0, "{run:?}");
    let seen = server.seen();
    assert_eq!(seen[0].path, "/pak-pay/v1/payproPK/payout");
    assert_eq!(seen[0].body["customerCert"], "3520212345678");
    assert_eq!(seen[0].body["accountType"], "BANK");
}

#[test]
fn create_timeout_is_outcome_unknown_and_sent_exactly_once() {
    let server = Server::start(|_, _| Reply::Hang(Duration::from_secs(5)));
    let run = payout(
        &create_args("PO-2", "10000"),
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("unknown"), "{}", run.stderr);
    assert!(
        run.stderr.contains("payout query --trade-no PO-2"),
        "{}",
        run.stderr
    );
    assert_eq!(server.seen().len(), 1, "a create must never be re-sent");
}

#[test]
fn create_502_is_outcome_unknown_not_retried() {
    let server =
        Server::start(|_, _| Reply::Status(502, "text/html", b"<html>bad</html>".to_vec()));
    let run = payout(
        &create_args("PO-5", "10000"),
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 6, "{run:?}");
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn create_rejected_exits_3() {
    let server = Server::json(r#"{"code":"8000","msg":"insufficient balance","success":false}"#);
    let run = payout(
        &create_args("PO-3", "10000"),
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains("insufficient balance"),
        "{}",
        run.stderr
    );
}

#[test]
fn create_bad_amounts_exit_2_before_sending() {
    let server = Server::json(&processing("PO-4"));
    for amount in ["12,50", "abc", "100.50", "5000", "-10000"] {
        let run = payout(
            &create_args("PO-4", amount),
            &account(&server.base("indonesia-pay")),
            None,
        );
        assert_eq!(run.code, 2, "{amount}: {run:?}");
        assert!(run.stderr.contains("amount"), "{amount}: {}", run.stderr);
    }
    assert!(server.seen().is_empty());
}

// --------------------------------------------------------------- balance

#[test]
fn balance_prints_exact_decimal_strings() {
    let server = Server::json(
        r#"{"code":"0000","msg":"success","data":{"availablAmount":"9998989.0000","freezeAmount":9998989.1200,"unsettledAmount":"0"}}"#,
    );
    let run = payout(
        &["balance", "--provider", "paypro"],
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["provider"], "paypro");
    assert_eq!(out["available"], "9998989.0000");
    assert_eq!(out["frozen"], "9998989.1200");
    assert_eq!(out["unsettled"], "0");
    assert_eq!(out["currency"], "IDR");
    assert_eq!(
        server.seen()[0].path,
        "/indonesia-pay/v1/paypro/queryBalance"
    );
}

// --------------------------------------------------------- verify-notify

fn notify_fields(amount: &str) -> Vec<(&str, &str)> {
    vec![
        ("platFormTradeNo", "PT9"),
        ("tradeNo", "PO-9"),
        ("amount", amount),
        ("status", "0000"),
        ("message", "success"),
        ("successTime", "2024-10-12 12:59:32"),
        ("timestamp", "1728613339884"),
    ]
}

fn verify(args: &[&str], env: &[(String, String)], stdin: Option<&[u8]>) -> support::Run {
    let mut all = vec!["verify-notify", "--provider", "paypro"];
    all.extend_from_slice(args);
    payout(&all, env, stdin)
}

fn secret_only() -> Vec<(String, String)> {
    env(&[("PAYOUT_SECRET", SECRET)])
}

#[test]
fn verify_notify_accepts_a_good_signature_from_stdin_and_file() {
    let body = callback(&notify_fields("10000"), true);
    let run = verify(&[], &secret_only(), Some(body.as_bytes()));
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["verified"], true);
    assert_eq!(out["trade_no"], "PO-9");
    assert_eq!(out["state"], "succeeded");
    assert_eq!(out["amount"], "10000");
    for key in QUERY_KEYS {
        assert!(out.contains_key(key), "missing {key}");
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notify.json");
    std::fs::write(&file, &body).unwrap();
    let run = verify(&["--file", file.to_str().unwrap()], &secret_only(), None);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["verified"], true);
}

#[test]
fn verify_notify_refuses_a_tampered_amount() {
    let good = callback(&notify_fields("10000"), true);
    let tampered = good.replace("\"10000\"", "\"99999\"");
    assert_ne!(good, tampered);
    let run = verify(&[], &secret_only(), Some(tampered.as_bytes()));
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("signature"), "{}", run.stderr);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notify.json");
    std::fs::write(&file, &tampered).unwrap();
    let run = verify(&["--file", file.to_str().unwrap()], &secret_only(), None);
    assert_eq!(run.code, 5, "{run:?}");
}

#[test]
fn verify_notify_refuses_a_missing_sign_and_garbage() {
    let unsigned = callback(&notify_fields("10000"), false);
    let run = verify(&[], &secret_only(), Some(unsigned.as_bytes()));
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("sign"), "{}", run.stderr);

    for garbage in [&b"not json"[..], b"", b"[1,2]", br#"{"tradeNo":"#] {
        let run = verify(&[], &secret_only(), Some(garbage));
        assert_eq!(run.code, 5, "{garbage:?}: {run:?}");
        assert!(run.stderr.contains("malformed"), "{}", run.stderr);
    }
}

#[test]
fn verify_notify_accepts_a_sign_header() {
    let signed: Value = serde_json::from_str(&callback(&notify_fields("1"), true)).unwrap();
    let sign = signed["sign"].as_str().unwrap().to_owned();
    let body = callback(&notify_fields("1"), false);
    let header = format!("sign: {sign}");
    let run = verify(
        &["--region", "brazil", "--header", &header],
        &secret_only(),
        Some(body.as_bytes()),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["currency"], "BRL");
}

#[test]
fn verify_notify_unsigned_region_is_not_trusted() {
    let body = callback(
        &[("tradeNo", "KE-1"), ("amount", "100"), ("status", "0000")],
        false,
    );
    let run = verify(
        &["--region", "kenya"],
        &secret_only(),
        Some(body.as_bytes()),
    );
    assert_eq!(run.code, 5, "{run:?}");
    let out = run.json();
    assert_eq!(out["verified"], false);
    assert_eq!(out["trade_no"], "KE-1");
    assert!(run.stderr.contains("unsigned"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("payout query --provider paypro --region kenya --trade-no KE-1"),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------------ wait

#[test]
fn wait_polls_until_final() {
    let server = Server::start(|n, _| {
        if n < 2 {
            Reply::Json(processing("test_00000002"))
        } else {
            Reply::Json(QUERY_OK_A.to_owned())
        }
    });
    let run = payout(
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
            "--timeout",
            "1m",
            "--interval",
            "20ms",
        ],
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["final"], true);
    assert_eq!(out["state"], "succeeded");
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn wait_past_the_deadline_exits_7_and_never_says_failed() {
    let server = Server::json(&processing("test_00000002"));
    let run = payout(
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
            "--timeout",
            "300ms",
            "--interval",
            "20ms",
        ],
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 7, "{run:?}");
    let out = run.json();
    assert_eq!(out["final"], false);
    assert_eq!(out["state"], "processing");
    assert!(run.stderr.contains("NOT failed"), "{}", run.stderr);
}

/// The deadline is the contract of `wait`: against a gateway that
/// accepts the connection and never answers (with a transport timeout far
/// beyond the deadline), it still exits 7 within the timeout plus a
/// second, and says truthfully that nothing was answered.
#[test]
fn wait_deadline_holds_while_a_query_hangs() {
    let server = Server::start(|_, _| Reply::Hang(Duration::from_secs(30)));
    let mut env = account(&server.base("indonesia-pay"));
    env.retain(|(k, _)| k != "PAYOUT_TIMEOUT_MS");
    env.push(("PAYOUT_TIMEOUT_MS".into(), "20000".into()));
    let started = std::time::Instant::now();
    let run = payout(
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
            "--timeout",
            "2s",
        ],
        &env,
        None,
    );
    let elapsed = started.elapsed();
    assert_eq!(run.code, 7, "{run:?}");
    assert!(
        elapsed < Duration::from_millis(3500),
        "wait --timeout 2s ran {elapsed:?}: {run:?}"
    );
    assert!(
        run.stderr.contains(
            "no answer about payout test_00000002 within 2s (1 query, unanswered at the deadline)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("NOT failed"), "{}", run.stderr);
    assert_eq!(server.seen().len(), 1, "the query was sent");
}

/// A payout seen processing, then a query that hangs: exit 7 at the
/// deadline with the last known state printed, never "failed".
#[test]
fn wait_deadline_keeps_the_last_known_state_when_a_later_query_hangs() {
    let server = Server::start(|n, _| {
        if n == 0 {
            Reply::Json(processing("test_00000002"))
        } else {
            Reply::Hang(Duration::from_secs(30))
        }
    });
    let mut env = account(&server.base("indonesia-pay"));
    env.retain(|(k, _)| k != "PAYOUT_TIMEOUT_MS");
    env.push(("PAYOUT_TIMEOUT_MS".into(), "20000".into()));
    let started = std::time::Instant::now();
    let run = payout(
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
            "--timeout",
            "2s",
            "--interval",
            "20ms",
        ],
        &env,
        None,
    );
    let elapsed = started.elapsed();
    assert_eq!(run.code, 7, "{run:?}");
    assert!(elapsed < Duration::from_millis(3500), "ran {elapsed:?}");
    let out = run.json();
    assert_eq!(out["final"], false);
    assert_eq!(out["state"], "processing");
    assert!(
        run.stderr.contains("no final status for payout test_00000002 within 2s (2 queries, the last one unanswered at the deadline; last known state processing"),
        "{}",
        run.stderr
    );
}

#[test]
fn wait_stops_at_a_rejection() {
    let server = Server::json(r#"{"code":"8000","msg":"no such order","success":false}"#);
    let run = payout(
        &[
            "wait",
            "--provider",
            "paypro",
            "--trade-no",
            "T1",
            "--timeout",
            "1m",
        ],
        &account(&server.base("indonesia-pay")),
        None,
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(server.seen().len(), 1);
}

// ---------------------------------------------------------------- secret

#[test]
fn the_secret_never_appears_even_at_trace_level() {
    let server = Server::start(|_, seen| {
        if seen.path.ends_with("payOut") {
            Reply::Hang(Duration::from_secs(5))
        } else {
            Reply::Json(QUERY_OK_A.to_owned())
        }
    });
    let mut env = account(&server.base("indonesia-pay"));
    env.push(("RUST_LOG".into(), "trace".into()));
    // `payout` (the helper) fails the test if the secret shows anywhere.
    let run = payout(
        &[
            "query",
            "--provider",
            "paypro",
            "--trade-no",
            "test_00000002",
        ],
        &env,
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("TRACE") || run.stderr.contains("DEBUG"),
        "tracing is on"
    );
    let run = payout(&create_args("PO-7", "10000"), &env, None);
    assert_eq!(run.code, 6, "{run:?}");
    let tampered = callback(&notify_fields("1"), true).replace("\"1\"", "\"2\"");
    let run = verify(&[], &env, Some(tampered.as_bytes()));
    assert_eq!(run.code, 5, "{run:?}");
    let mut missing_file = env.clone();
    missing_file.retain(|(k, _)| k != "PAYOUT_SECRET");
    let run = payout(
        &[
            "balance",
            "--provider",
            "paypro",
            "--secret-file",
            "/nonexistent/secret",
        ],
        &missing_file,
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
}
