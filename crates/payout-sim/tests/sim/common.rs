//! Helpers: a simulator with test settings, providers pointed at it, valid
//! orders per region, raw signed requests.

use std::time::Duration;

use payout_core::{
    parse_amount, Beneficiary, Contact, CreatePayout, ProviderSettings, Secret, TradeNo,
};
use payout_platform::{PlatformProvider, SignPlacement};
use payout_sim::{CallbackConfig, Lifecycle, SimConfig, SimHandle, Simulator};
use payout_transport::{HttpTransport, Md5SortedSigner, RetryPolicy, Signer, TransportConfig};

pub use payout_sim::{TEST_MERCHANT_NO, TEST_SECRET};

/// Deterministic lifecycle (final on the first query), callbacks off, a
/// `_SLOW` delay well beyond the 300 ms client timeout, a 2 MiB `_HUGE`.
pub fn config() -> SimConfig {
    SimConfig::default()
        .lifecycle(Lifecycle::on_query(1))
        .slow_delay(Duration::from_secs(3))
        .huge_body_bytes(2 * 1024 * 1024)
        .callbacks(CallbackConfig::default().enabled(false))
}

pub async fn start(config: SimConfig) -> SimHandle {
    Simulator::start(config).await.expect("simulator starts")
}

/// 1 s timeout (well below the 3 s `_SLOW` delay, well above a loaded
/// machine's worst loopback answer), no retries, 1 MiB response cap.
pub fn transport() -> HttpTransport {
    HttpTransport::new(
        TransportConfig::default()
            .timeout(Duration::from_millis(1_000))
            .connect_timeout(Duration::from_millis(1_000))
            .retry(RetryPolicy::none())
            .max_response_bytes(1024 * 1024),
    )
    .expect("transport")
}

pub fn provider_with(
    sim: &SimHandle,
    brand: &str,
    region: &str,
    merchant: &str,
    secret: &str,
) -> PlatformProvider {
    let settings = ProviderSettings::new(
        region,
        sim.base_url(brand, region),
        merchant,
        Secret::new(secret),
    );
    match brand {
        "paypro" => provider_paypro::BRAND.provider(&settings, transport()),
        _ => provider_vexora::BRAND.provider(&settings, transport()),
    }
    .expect("provider builds")
}

pub fn provider(sim: &SimHandle, brand: &str, region: &str) -> PlatformProvider {
    provider_with(sim, brand, region, TEST_MERCHANT_NO, TEST_SECRET)
}

pub fn trade_no(t: &str) -> TradeNo {
    TradeNo::new(t).expect("valid trade number")
}

/// A valid order for the regions the tests use.
pub fn order(region: &str, t: &str, amount: &str, notify_url: Option<&str>) -> CreatePayout {
    let contact = Contact {
        name: Some("Kevin Tan".into()),
        first_name: Some("Kevin".into()),
        last_name: Some("Tan".into()),
        mobile: Some(
            match region {
                "indonesia" => "081234567890",
                "kenya" => "254712345678",
                "pakistan" => "3001234567",
                _ => "0812345678",
            }
            .into(),
        ),
        email: Some("kevin@example.com".into()),
        id_type: Some("CPF".into()),
        id_number: Some("4210112345671".into()),
    };
    let beneficiary = match region {
        "brazil" => Beneficiary::Pix {
            key_type: "EMAIL".into(),
            key: "kevin@example.com".into(),
        },
        "kenya" => Beneficiary::MobileMoney {
            mobile: "254712345678".into(),
        },
        "mexico" => Beneficiary::BankAccount {
            bank_code: "BANXICO".into(),
            account_no: "646180157000000004".into(),
            account_type: Some("CLABE".into()),
        },
        "australia" => Beneficiary::bank("PAYID", "0412345678"),
        _ => Beneficiary::bank("0002", "5464438554636"),
    };
    let mut o = CreatePayout::new(
        trade_no(t),
        parse_amount(amount).expect("amount"),
        beneficiary,
    )
    .contact(contact)
    .remark("sim test");
    if let Some(url) = notify_url {
        o = o.notify_url(url);
    }
    o
}

/// A URL nobody listens on (callbacks to it fail to connect).
pub const NOWHERE: &str = "http://127.0.0.1:9/notify";

/// Sends `fields` signed with `secret` (per the region's placement) to
/// `path` below the region's base URL; returns the HTTP status and JSON body.
pub async fn raw(
    sim: &SimHandle,
    brand: &str,
    region: &str,
    path: &str,
    fields: &[(&str, &str)],
    secret: &str,
) -> (u16, serde_json::Value) {
    let placement = if region == "brazil" {
        SignPlacement::Header
    } else {
        SignPlacement::Body
    };
    raw_with(sim, brand, region, path, fields, secret, placement).await
}

/// As [`raw`], with the signature where `placement` says.
pub async fn raw_with(
    sim: &SimHandle,
    brand: &str,
    region: &str,
    path: &str,
    fields: &[(&str, &str)],
    secret: &str,
    placement: SignPlacement,
) -> (u16, serde_json::Value) {
    let sign = Md5SortedSigner::new(Secret::new(secret))
        .sign_fields(fields)
        .expect("signed");
    let mut body: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect();
    let mut headers = vec![("merchantNo", TEST_MERCHANT_NO.to_owned())];
    if placement == SignPlacement::Header {
        headers.push(("sign", sign.as_str().to_owned()));
    } else {
        body.insert("sign".into(), sign.as_str().into());
    }
    let url = format!("{}{path}", sim.base_url(brand, region));
    post(&url, &headers, serde_json::to_vec(&body).expect("json")).await
}

/// Posts bytes with headers; returns the status and the body as JSON
/// (`null` when it is not JSON).
pub async fn post(
    url: &str,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut b = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, v);
    }
    let resp = b.body(body).send().await.expect("answer");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}
