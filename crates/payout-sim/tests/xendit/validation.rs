//! Create validation (spec §3.1) answered with the 400 codes of spec §7;
//! a refused create stores nothing, unless asked to use up its key.

use crate::common::*;

#[tokio::test]
async fn every_rule_has_its_code_and_nothing_is_created() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let long = "r".repeat(256);
    let cases: Vec<(String, &str, &str)> = vec![
        (order("V", "ID_NOWHERE", "IDR", "10000", "1"), "CHANNEL_CODE_NOT_SUPPORTED", "ID_NOWHERE"),
        (order("V", "PH_GCASH", "IDR", "10000", "1"), "API_VALIDATION_ERROR", "PHP"),
        (order("V", "ID_BCA", "IDR", "10000.5", "1"), "API_VALIDATION_ERROR", "whole number"),
        (order("V", "PH_GCASH", "PHP", "1.111", "1"), "API_VALIDATION_ERROR", "2 decimal"),
        (order("V", "ID_BCA", "IDR", "\"10000\"", "1"), "API_VALIDATION_ERROR", "JSON number"),
        (order("V", "ID_BCA", "IDR", "-1", "1"), "API_VALIDATION_ERROR", "0 or more"),
        (order("V", "ID_GOPAY", "IDR", "9999", "081234567890"), "MINIMUM_TRANSFER_LIMIT_ERROR", "10000"),
        (order("V", "ID_BCA", "IDR", "0", "1"), "MINIMUM_TRANSFER_LIMIT_ERROR", "minimum"),
        (order("V", "ID_GOPAY", "IDR", "20000001", "081234567890"), "MAXIMUM_TRANSFER_LIMIT_ERROR", "20000000"),
        (order("V", "PH_AUB", "PHP", "10.50", "1"), "AMOUNT_INCREMENT_NOT_SUPPORTED", "PH_AUB"),
        (order(&long, "ID_BCA", "IDR", "10000", "1"), "API_VALIDATION_ERROR", "reference_id"),
        (order("V", "ID_BCA", "IDR", "10000", ""), "API_VALIDATION_ERROR", "account_number"),
        (
            r#"{"reference_id":"V","channel_code":"ID_BCA","amount":10000,"currency":"IDR"}"#.to_owned(),
            "API_VALIDATION_ERROR",
            "channel_properties",
        ),
        (
            r#"{"reference_id":"V","channel_code":"ID_BCA","channel_properties":{"account_number":"1"},"amount":10000,"currency":"IDR"}"#.to_owned(),
            "API_VALIDATION_ERROR",
            "account_holder_name",
        ),
        (
            r#"{"reference_id":"V","channel_code":"ID_BCA","channel_properties":{"account_number":"1","account_holder_name":"A"},"amount":10000,"currency":"IDR","description":""}"#.to_owned(),
            "API_VALIDATION_ERROR",
            "description",
        ),
        ("[1,2]".to_owned(), "API_VALIDATION_ERROR", "JSON object"),
        ("{not json".to_owned(), "API_VALIDATION_ERROR", "not valid JSON"),
    ];
    for (i, (body, code, hint)) in cases.iter().enumerate() {
        let a = c.create(&format!("KV-{i}"), body).await;
        assert_eq!((a.status, a.code()), (400, *code), "case {i}: {a:?}");
        let message = a.json["message"].as_str().unwrap();
        assert!(message.contains(hint), "case {i}: {message}");
    }
    // A shape error lists every field at fault.
    let a = c.create("KV-x", r#"{"amount":"x"}"#).await;
    let paths: Vec<&str> = a.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "reference_id",
            "channel_code",
            "currency",
            "channel_properties",
            "amount"
        ]
    );
    // No content type: refused too.
    let a = c
        .send(reqwest::Method::POST, "/v2/payouts", Some("KV-ct"), None)
        .await;
    assert_eq!(a.code(), "API_VALIDATION_ERROR");
    let f = sim.xendit_footprint();
    assert_eq!(
        (f.payouts, f.idempotency_keys, f.references, f.scopes),
        (0, 0, 0, 1)
    );
    assert_eq!(c.balance("IDR").await, "1000000000");
    // The same keys still work for valid requests: a refusal used nothing up.
    assert_eq!(c.create("KV-0", &idr("V-OK")).await.status, 200);
}

#[tokio::test]
async fn a_consumed_key_answers_409_to_another_body() {
    let sim = start(xendit().consume_key_on_rejection(true)).await;
    let c = Client::new(&sim);
    let bad = order("C-1", "ID_GOPAY", "IDR", "100", "081234567890");
    let a = c.create("KC-1", &bad).await;
    assert_eq!(a.code(), "MINIMUM_TRANSFER_LIMIT_ERROR");
    // The same refused body again: refused again, not a conflict.
    assert_eq!(
        c.create("KC-1", &bad).await.code(),
        "MINIMUM_TRANSFER_LIMIT_ERROR"
    );
    let fixed = order("C-1", "ID_GOPAY", "IDR", "10000", "081234567890");
    let a = c.create("KC-1", &fixed).await;
    assert_eq!((a.status, a.code()), (409, "DUPLICATE_ERROR"));
    assert_eq!(sim.xendit_payout_count("C-1"), 0);
    let list = c.list("reference_id=C-1").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 0);
    assert_eq!(sim.xendit_footprint().idempotency_keys, 1);
}
