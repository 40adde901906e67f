//! Shared fixtures of the Xendit tests: credentials, settings, orders,
//! answers, and the rendering of requests for snapshots (the
//! `Authorization` value checked, then redacted).

#![allow(dead_code)]

use std::fmt::Write as _;

use payout_core::{
    Beneficiary, Contact, CreatePayout, Credentials, Endpoint, ProviderSettings, Secret, TradeNo,
};
use payout_transport::{WireRequest, WireResponse};
use provider_xendit::Xendit;

/// The secret API key of every test (a made-up development key).
pub const KEY: &str = "xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk";
/// `base64("<KEY>:")`, what `Authorization: Basic` must carry.
pub const KEY_BASIC: &str =
    "eG5kX2RldmVsb3BtZW50X1A0cURmT3NzME9DcGw4UnRLclJPSGphUVlOQ2s5ZE41bFNmazo=";
/// The webhook verification token of every test.
pub const TOKEN: &str = "whk-7Hq2LmN4pR8sT1vW3xY5zA6bC9dE0fG";
/// A xenPlatform sub-account id.
pub const FOR_USER: &str = "5f9a3fbd571a1c4068aa40ce";
/// Personal data of the test orders, which must never leak.
pub const ACCOUNT_NO: &str = "000000000099";
/// The holder's name.
pub const HOLDER: &str = "Michael Chen";
/// A wallet number.
pub const WALLET_NO: &str = "09171234567";
/// The trade number of most tests.
pub const TRADE_NO: &str = "myref-1482928194";
/// The Xendit id of most answers.
pub const PAYOUT_ID: &str = "disb-acda3c97-57c1-4523-9d17-56ac6a550485";

/// Settings for `region` at `base` (`None`: the default host), with the
/// test key and token, and the sub-account when `for_user`.
pub fn settings(region: &str, base: Option<&str>, for_user: bool) -> ProviderSettings {
    let mut credentials =
        Credentials::api_key(Secret::new(KEY)).with_callback_secret(Secret::new(TOKEN));
    if for_user {
        credentials.account = Some(FOR_USER.into());
    }
    let endpoint = base.map_or(Endpoint::Sandbox, |b| Endpoint::Url(b.into()));
    ProviderSettings::with_credentials(region, endpoint, credentials)
}

/// The protocol for `region` on the default host.
pub fn xendit(region: &str) -> Xendit {
    Xendit::new(&settings(region, None, false)).expect("test settings are valid")
}

/// A trade number.
pub fn trade_no(t: &str) -> TradeNo {
    TradeNo::new(t).expect("valid trade number")
}

/// The region's bank order: IDR 10000 to `ID_BCA`, PHP 1.11 to `PH_BDO`.
pub fn bank_order(region: &str) -> CreatePayout {
    let (amount, channel) = match region {
        "indonesia" => ("10000", "ID_BCA"),
        _ => ("1.11", "PH_BDO"),
    };
    CreatePayout::new(
        trade_no(TRADE_NO),
        payout_core::parse_amount(amount).expect("amount"),
        Beneficiary::bank(channel, ACCOUNT_NO),
    )
    .remark("July payout")
    .contact(Contact {
        name: Some(HOLDER.into()),
        ..Contact::default()
    })
}

/// The region's e-wallet order: IDR 25000 to `ID_OVO`, PHP 100.50 to
/// `PH_GCASH`, with metadata.
pub fn wallet_order(region: &str) -> CreatePayout {
    let (amount, wallet) = match region {
        "indonesia" => ("25000", "ID_OVO"),
        _ => ("100.50", "PH_GCASH"),
    };
    CreatePayout::new(
        trade_no("wallet-0001"),
        payout_core::parse_amount(amount).expect("amount"),
        Beneficiary::EWallet {
            wallet: wallet.into(),
            wallet_id: WALLET_NO.into(),
        },
    )
    .contact(Contact {
        first_name: Some("Juan".into()),
        last_name: Some("Dela Cruz".into()),
        ..Contact::default()
    })
    .extra("metadata.outlet_no", "24")
    .extra("metadata.batch", "B-7")
}

/// A payout object as Xendit answers it (documented shape), with the
/// fields given replacing the defaults; `None` removes a field.
pub fn payout_json(overrides: &[(&str, Option<&str>)]) -> String {
    let mut obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&format!(
        r#"{{"id":"{PAYOUT_ID}","amount":10000,"channel_code":"ID_BCA","currency":"IDR",
        "description":"July payout","reference_id":"{TRADE_NO}","status":"ACCEPTED",
        "created":"2024-12-31T23:53:59Z","updated":"2024-12-31T23:53:59.428Z",
        "estimated_arrival_time":"2024-12-31T23:59:59Z","business_id":"6018306aa16ad90cb3c43ba7",
        "channel_properties":{{"account_number":"{ACCOUNT_NO}","account_holder_name":"{HOLDER}"}}}}"#
    ))
    .expect("fixture is JSON");
    for (k, v) in overrides {
        match v {
            Some(raw) => {
                let value = serde_json::from_str(raw).expect("override is JSON");
                obj.insert((*k).to_owned(), value);
            }
            None => {
                obj.remove(*k);
            }
        }
    }
    serde_json::Value::Object(obj).to_string()
}

/// An answer with `status` and `body`.
pub fn answer(status: u16, body: &str) -> WireResponse {
    WireResponse::new(status, body.to_owned())
}

/// The request as text for a snapshot: method and URL, the transport's
/// `content-type` when a body is sent, the headers in order (the
/// `Authorization` value is checked to be `Basic base64("<key>:")`, then
/// shown as `Basic <redacted>`), a blank line and the body.
pub fn render(request: &WireRequest) -> String {
    let mut out = format!("{} {}\n", request.method, request.url);
    if !request.body.is_empty() {
        out.push_str("content-type: application/json\n");
    }
    for (name, value) in request.headers.iter() {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let shown = if name.eq_ignore_ascii_case("authorization") {
            assert_eq!(text, format!("Basic {KEY_BASIC}"), "Authorization value");
            assert!(
                value.is_sensitive(),
                "Authorization must be marked sensitive"
            );
            "Basic <redacted>".to_owned()
        } else {
            text
        };
        let _ = writeln!(out, "{name}: {shown}");
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(&request.body));
    out
}

/// Panics when `text` carries a secret (the key, its Basic form, the
/// token).
pub fn assert_secret_free(what: &str, text: &str) {
    for secret in [KEY, KEY_BASIC, TOKEN] {
        assert!(!text.contains(secret), "a secret leaks into {what}: {text}");
    }
}

/// Panics when `text` carries the test orders' personal data.
pub fn assert_private_free(what: &str, text: &str) {
    for private in [ACCOUNT_NO, HOLDER, WALLET_NO] {
        assert!(
            !text.contains(private),
            "personal data leaks into {what}: {text}"
        );
    }
}
