//! Signing versus its floor: building and signing a request body against a
//! bare MD5 over the same final bytes (the signature input).
//!
//! Run: `cargo bench -p payout-platform --bench signing`. The last lines
//! print the ratios. Samples interleave the two sides so that machine noise
//! hits both alike; the median of many batches is reported.
#![allow(clippy::print_stdout, clippy::float_arithmetic, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use payout_core::{
    Beneficiary, Contact, CreatePayout, FixedClock, ProviderSettings, Secret, TradeNo,
};
use payout_platform::{AmountRule, Brand, Paths, PlatformProvider, Region, Source, WireField};
use payout_transport::{HttpTransport, TransportConfig};

const SECRET: &str = "dbecac55466b4958a2d06069fcf49e18";
static FIELDS: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("bankAccountNo", Source::AccountNo),
    WireField::req("customerName", Source::Name),
    WireField::req("mobile", Source::Mobile),
    WireField::req("email", Source::Email),
];
static REGIONS: &[Region] = &[Region::new(
    "indonesia",
    "IDR",
    chrono_tz::Asia::Jakarta,
    Paths::new("/v1/paypro/", "payOut"),
    AmountRule::integer_min(10_000),
    FIELDS,
)];
static BENCH: Brand = Brand {
    id: "bench",
    name: "Bench",
    regions: REGIONS,
    scheme: payout_platform::Scheme::Md5Sorted,
};

/// Median nanoseconds per call of `a` and `b`, interleaved batch by batch.
fn compare(iters: u32, batches: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let mut ta = Vec::with_capacity(batches);
    let mut tb = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..iters {
            a();
        }
        ta.push(t.elapsed());
        let t = Instant::now();
        for _ in 0..iters {
            b();
        }
        tb.push(t.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e9 / f64::from(iters)
    };
    (median(&mut ta), median(&mut tb))
}

/// The signature input of a built request: sorted `k=v` pairs of the body
/// minus `sign`, then the secret.
fn signature_input(body: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(body).expect("bench body is JSON");
    let mut out = Vec::new();
    for (k, v) in v.as_object().expect("object") {
        if k != "sign" {
            out.extend_from_slice(k.as_bytes());
            out.push(b'=');
            out.extend_from_slice(v.as_str().expect("string").as_bytes());
        }
    }
    out.extend_from_slice(SECRET.as_bytes());
    out
}

fn main() {
    let settings = ProviderSettings::new(
        "indonesia",
        "http://127.0.0.1:9/indonesia-pay",
        "3060414594",
        Secret::new(SECRET),
    );
    let transport = HttpTransport::new(TransportConfig::default()).expect("client");
    let p = PlatformProvider::new(&BENCH, &settings, transport)
        .expect("provider")
        .with_clock(std::sync::Arc::new(FixedClock(1_728_613_320_708)));
    let trade_no = TradeNo::new("test_00000002").expect("trade no");
    let order = CreatePayout::new(
        TradeNo::new("39fa354542824ee789faf526f27c024f").expect("trade no"),
        payout_core::parse_amount("100000").expect("amount"),
        Beneficiary::bank("0002", "5464438554636"),
    )
    .notify_url("https://merchant.example/notify")
    .remark("remark")
    .contact(Contact {
        name: Some("kevin".into()),
        mobile: Some("6281245907765".into()),
        email: Some("kevin@gmail.com".into()),
        ..Contact::default()
    });

    let query_input = signature_input(
        &p.build_query(&trade_no, 1_728_613_320_708)
            .expect("query")
            .body,
    );
    let create_input = signature_input(
        &p.build_create(&order, 1_732_985_021_335)
            .expect("create")
            .body,
    );

    let (q_sdk, q_floor) = compare(
        20_000,
        41,
        || {
            black_box(
                p.build_query(black_box(&trade_no), black_box(1_728_613_320_708))
                    .expect("query"),
            );
        },
        || {
            black_box(Md5::digest(black_box(&query_input)));
        },
    );
    let (c_sdk, c_floor) = compare(
        5_000,
        41,
        || {
            black_box(
                p.build_create(black_box(&order), black_box(1_732_985_021_335))
                    .expect("create"),
            );
        },
        || {
            black_box(Md5::digest(black_box(&create_input)));
        },
    );
    println!("signing benchmark (median of 41 interleaved batches)");
    println!(
        "query body : build+sign {q_sdk:8.1} ns, bare md5 {q_floor:8.1} ns ({} input bytes)",
        query_input.len()
    );
    println!(
        "payout body: build+sign {c_sdk:8.1} ns, bare md5 {c_floor:8.1} ns ({} input bytes)",
        create_input.len()
    );
    println!(
        "ratio query  build+sign / md5 floor = {:.2}x (target <= 1.30x)",
        q_sdk / q_floor
    );
    println!(
        "ratio payout build+sign / md5 floor = {:.2}x",
        c_sdk / c_floor
    );
}
