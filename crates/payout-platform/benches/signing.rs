//! Signing versus its floor: building and signing a request body against a
//! bare MD5 over the same final bytes (the signature input).
//!
//! Run: `cargo bench -p payout-platform --bench signing`. The last lines
//! print the times and ratios as `name = value`. Batches of the two sides
//! alternate so that machine noise hits both alike; each side's fastest
//! batch (the least disturbed) is reported, with the median of the
//! per-pair ratios as a cross-check.
//!
//! Profiling: `PAYOUT_BENCH_ONLY=query|query-md5|payout|payout-md5|parse|none`
//! runs one operation 100,000 times, for `valgrind --tool=callgrind`
//! (instruction counts, reproducible on a busy machine) or `perf record`.
#![allow(clippy::print_stdout, clippy::float_arithmetic, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use md5::{Digest, Md5};
use payout_core::{
    Beneficiary, Contact, CreatePayout, FixedClock, ProviderSettings, Secret, TradeNo,
};
use payout_platform::{AmountRule, Brand, Paths, Region, Source, WireField};
use payout_transport::{HttpTransport, TransportConfig};

/// A query answer as the simulator sends it (variant A).
const QUERY_ANSWER: &[u8] = br#"{"msg":"success","code":"0000","timestamp":1795408997736,"success":true,"data":{"tradeNo":"test_00000002","platFormTradeNo":"SIM00000000000001","orderAmount":"100000.00","payAmount":"100000.00","status":"0000","message":"success","successTime":"2026-11-23 11:43:17"}}"#;
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

/// One side-by-side measurement: nanoseconds per call of each side in its
/// fastest batch (the one least disturbed by other processes), their ratio,
/// and the median of the per-pair ratios `a / b` (a cross-check: close to
/// the ratio on a quiet machine, higher when other work interferes).
struct Comparison {
    a_ns: f64,
    b_ns: f64,
    ratio: f64,
    median_pair_ratio: f64,
}

/// Times `a` and `b` in `pairs` pairs of batches of `iters` calls each,
/// adjacent in time and alternating which side goes first, so that machine
/// noise (other processes, frequency changes) hits both sides alike.
fn compare(iters: u32, pairs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> Comparison {
    let batch = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        t.elapsed().as_secs_f64() * 1e9 / f64::from(iters)
    };
    // Warm up caches and the branch predictor.
    batch(&mut a);
    batch(&mut b);
    let mut ta = Vec::with_capacity(pairs);
    let mut tb = Vec::with_capacity(pairs);
    let mut ratios = Vec::with_capacity(pairs);
    for i in 0..pairs {
        let (x, y) = if i % 2 == 0 {
            let x = batch(&mut a);
            (x, batch(&mut b))
        } else {
            let y = batch(&mut b);
            (batch(&mut a), y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    ratios.sort_by(f64::total_cmp);
    let (a_ns, b_ns) = (min(&ta), min(&tb));
    Comparison {
        a_ns,
        b_ns,
        ratio: a_ns / b_ns,
        median_pair_ratio: ratios[ratios.len() / 2],
    }
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
    let p = BENCH
        .provider(&settings, transport)
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

    // Profiling mode: `PAYOUT_BENCH_ONLY=query|query-md5|payout|payout-md5|none`
    // runs one side 100,000 times and exits, for `valgrind --tool=callgrind`
    // or `perf record` (instruction counts are reproducible on a busy machine).
    if let Ok(only) = std::env::var("PAYOUT_BENCH_ONLY") {
        for _ in 0..100_000 {
            match only.as_str() {
                "query" => {
                    black_box(
                        p.build_query(black_box(&trade_no), black_box(1_728_613_320_708))
                            .expect("query"),
                    );
                }
                "query-md5" => {
                    black_box(Md5::digest(black_box(&query_input)));
                }
                "payout" => {
                    black_box(
                        p.build_create(black_box(&order), black_box(1_732_985_021_335))
                            .expect("create"),
                    );
                }
                "payout-md5" => {
                    black_box(Md5::digest(black_box(&create_input)));
                }
                "parse" => {
                    black_box(
                        p.parse_query(black_box(&trade_no), black_box(QUERY_ANSWER))
                            .expect("parse"),
                    );
                }
                "none" => {}
                other => panic!(
                    "PAYOUT_BENCH_ONLY={other:?}: use query, query-md5, payout, payout-md5 or none"
                ),
            }
        }
        return;
    }

    const PAIRS: usize = 301;
    let query = compare(
        2_000,
        PAIRS,
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
    let payout = compare(
        500,
        PAIRS,
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
    let parse = compare(
        2_000,
        101,
        || {
            black_box(
                p.parse_query(black_box(&trade_no), black_box(QUERY_ANSWER))
                    .expect("parse"),
            );
        },
        || {
            black_box(
                serde_json::from_slice::<serde_json::Value>(black_box(QUERY_ANSWER)).expect("json"),
            );
        },
    );
    println!("signing benchmark ({PAIRS} interleaved pairs of batches; ns per call in the fastest batch)");
    println!(
        "query body : build+sign {:8.1} ns, bare md5 {:8.1} ns ({} input bytes)",
        query.a_ns,
        query.b_ns,
        query_input.len()
    );
    println!(
        "payout body: build+sign {:8.1} ns, bare md5 {:8.1} ns ({} input bytes)",
        payout.a_ns,
        payout.b_ns,
        create_input.len()
    );
    println!(
        "median of pair ratios: query {:.2}x, payout {:.2}x",
        query.median_pair_ratio, payout.median_pair_ratio
    );
    println!(
        "answer parse into PayoutStatus: {:8.1} ns; serde_json::Value of the same body: {:8.1} ns",
        parse.a_ns, parse.b_ns
    );
    println!("time query answer parse = {:.1}ns", parse.a_ns);
    println!("time query build+sign = {:.1}ns", query.a_ns);
    println!("time query md5 floor = {:.1}ns", query.b_ns);
    println!("time payout build+sign = {:.1}ns", payout.a_ns);
    println!("time payout md5 floor = {:.1}ns", payout.b_ns);
    println!(
        "ratio query  build+sign / md5 floor = {:.2}x (target <= 1.30x)",
        query.ratio
    );
    println!("ratio payout build+sign / md5 floor = {:.2}x", payout.ratio);
}
