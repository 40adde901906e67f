//! With tracing at TRACE (the SDK's lines, reqwest's and hyper's), every
//! operation of a platform brand and of Xendit against the simulator
//! (create, query, balance, cancel, callbacks) runs in its span with the
//! documented fields, and nothing logged holds a secret, an API key, the
//! Basic value, the webhook token, an account number, a name, an e-mail or
//! a phone.
//!
//! Alone in its test binary: `tracing::subscriber::set_default` is per
//! thread, and tests running beside it on other threads would decide the
//! interest of shared call sites without it.

#[allow(dead_code)]
#[path = "e2e/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "e2e/observed.rs"]
mod observed;

use std::io;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use observed::*;
use payout::{Beneficiary, CreatePayout};
use payout_sim::{
    TEST_MERCHANT_NO, TEST_SECRET, XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY,
};

/// Everything logged, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Every personal value of `order` long enough to be told apart.
fn personal(order: &CreatePayout) -> Vec<String> {
    let mut v: Vec<String> = match &order.beneficiary {
        Beneficiary::BankAccount { account_no, .. } => vec![account_no.clone()],
        Beneficiary::EWallet { wallet_id, .. } => vec![wallet_id.clone()],
        Beneficiary::MobileMoney { mobile } => vec![mobile.clone()],
        Beneficiary::Pix { key, .. } => vec![key.clone()],
        _ => vec![],
    };
    let c = &order.contact;
    for field in [
        &c.name,
        &c.first_name,
        &c.last_name,
        &c.mobile,
        &c.email,
        &c.id_number,
    ] {
        v.extend(field.iter().cloned());
    }
    // A phone is also looked for without its country prefix.
    if let Some(m) = &c.mobile {
        v.push(m.trim_start_matches('+').chars().skip(2).collect());
    }
    v.extend(order.remark.iter().cloned());
    v.extend(
        order
            .extra
            .iter()
            .filter(|(k, _)| payout::redact::is_sensitive_key(k))
            .map(|(_, value)| value.clone()),
    );
    v.retain(|s| s.chars().count() >= 6);
    v
}

#[tokio::test]
async fn spans_carry_the_fields_and_nothing_secret_or_personal_is_logged() {
    let mut w = world();
    let logs = Logs::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let platform_order = platform_order(&w.notify_url);
    let xendit_order = xendit_order();
    exercise(
        &*platform(&w.platform_base),
        &platform_order,
        &mut w.callbacks,
    )
    .await;
    exercise(&*xendit(&w.xendit_base), &xendit_order, &mut w.callbacks).await;

    let text = logs.text();
    for expected in [
        "payout.create{provider=\"paypro\" region=\"indonesia\" account=\"****4594\" trade_no=\"OBS-PLATFORM-1\"",
        "payout.create{provider=\"xendit\" region=\"indonesia\" account=\"****40ce\" trade_no=\"OBS-XENDIT-1\"",
        "payout.query{",
        "payout.balance{",
        "payout.cancel{",
        "payout.callback{",
        "attempts=1",
        "outcome=\"processing\"",
        "outcome=\"unsupported\"",
        "outcome=\"verified\"",
        "outcome=\"bad_signature\"",
        "latency_ms=",
    ] {
        assert!(text.contains(expected), "{expected:?} not logged:\n{text}");
    }
    // reqwest and hyper logged at TRACE too: the check covers them.
    assert!(text.contains("hyper"), "no hyper log captured:\n{text}");

    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{XENDIT_TEST_SECRET_KEY}:"));
    let mut forbidden: Vec<String> = vec![
        TEST_SECRET.into(),
        XENDIT_TEST_SECRET_KEY.into(),
        basic,
        XENDIT_TEST_CALLBACK_TOKEN.into(),
        TEST_MERCHANT_NO.into(),
        FOR_USER.into(),
    ];
    forbidden.extend(personal(&platform_order));
    forbidden.extend(personal(&xendit_order));
    assert!(forbidden.len() >= 12, "{forbidden:?}");
    for value in &forbidden {
        assert!(
            !text.contains(value.as_str()),
            "{value:?} is logged:\n{}",
            text.lines()
                .filter(|l| l.contains(value.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
