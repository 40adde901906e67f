//! Dropped create futures (a caller's timeout, a cancelled task) at random
//! points: every trade number's fate is recovered with `resolve_unknown`
//! (same trade number only) and nothing is placed twice or lost.

use std::time::Duration;

use payout::resolve::{PayoutResolveExt, Resolution, ResolveOptions};
use payout::{
    Beneficiary, Config, Contact, CreatePayout, Decimal, PayoutProvider, PayoutState, Secret,
};
use payout_sim::{SimHandle, XENDIT_TEST_SECRET_KEY};

use crate::common::{config, order, provider, start, trade_no, TEST_MERCHANT_NO};

/// The trade numbers of `n` orders and the caller's timeout around each
/// create: a third dropped at once (before the request can leave), a third
/// `_SLOW` (answered after 2 s) dropped at 300 ms — after the request left,
/// before its answer —, a third under a random timeout of up to `max_ms`.
fn plan(prefix: &str, n: usize, seed: u64, max_ms: u64) -> Vec<(String, Duration)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|i| match i % 3 {
            0 => (format!("{prefix}-{i:03}"), Duration::ZERO),
            1 => (format!("{prefix}-{i:03}_SLOW"), Duration::from_millis(300)),
            _ => (
                format!("{prefix}-{i:03}"),
                Duration::from_micros(rng.u64(0..=max_ms * 1000)),
            ),
        })
        .collect()
}

/// Creates each order under its timeout (the caller gives up and drops the
/// future), then resolves every trade number.
async fn drop_and_resolve(
    p: &dyn PayoutProvider,
    orders: &[(CreatePayout, Duration)],
) -> (usize, usize) {
    let mut dropped = 0;
    for (o, cut) in orders {
        if tokio::time::timeout(*cut, p.create_payout(o))
            .await
            .is_err()
        {
            dropped += 1;
        }
    }
    let orders: Vec<&CreatePayout> = orders.iter().map(|(o, _)| o).collect();
    let mut placed_now = 0;
    for o in orders {
        match p
            .resolve_unknown(o, ResolveOptions::new(Duration::from_secs(20)))
            .await
            .expect("resolved")
        {
            Resolution::Found(s) => assert_eq!(s.trade_no, o.trade_no),
            Resolution::Placed(s) => {
                assert_eq!(s.trade_no, o.trade_no);
                placed_now += 1;
            }
            other => panic!("{}: not resolved: {other:?}", o.trade_no),
        }
    }
    (dropped, placed_now)
}

#[tokio::test]
async fn dropped_platform_creates_are_recovered_without_a_second_placement() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "indonesia");
    let opening = sim
        .ledger("paypro", "indonesia", TEST_MERCHANT_NO)
        .expect("ledger");
    let planned: Vec<(CreatePayout, Duration)> = plan("E2E-DROP", 30, 7, 6)
        .into_iter()
        .map(|(t, cut)| (order("paypro", "indonesia", &t, None), cut))
        .collect();
    let (dropped, placed_now) = drop_and_resolve(p.as_ref(), &planned).await;
    assert!(dropped >= 10, "only {dropped} futures dropped");
    assert!(placed_now <= dropped);
    // Every order placed exactly once: the ledger moved by their sum.
    let total: Decimal = planned.iter().map(|(o, _)| o.amount).sum();
    let now = sim
        .ledger("paypro", "indonesia", TEST_MERCHANT_NO)
        .expect("ledger");
    assert_eq!(opening.available - now.available, total);
    for (o, _) in &planned {
        let s = p.query_payout(&o.trade_no).await.expect("found");
        assert_ne!(s.state, PayoutState::Failed, "{}", o.trade_no);
    }
    sim.shutdown().await;
}

fn xendit(sim: &SimHandle) -> std::sync::Arc<dyn PayoutProvider> {
    let mut c = Config::new("xendit");
    c.region = "indonesia".into();
    c.base_url = sim.xendit_base_url();
    c.secret = Some(Secret::new(XENDIT_TEST_SECRET_KEY));
    c.timeout_ms = Some(700);
    payout::build(&c).expect("xendit builds")
}

#[tokio::test]
async fn dropped_xendit_creates_are_recovered_without_a_second_placement() {
    let sim = start(config()).await;
    let p = xendit(&sim);
    let planned: Vec<(CreatePayout, Duration)> = plan("E2E-XDROP", 30, 11, 6)
        .into_iter()
        .map(|(t, cut)| {
            let o = CreatePayout::new(
                trade_no(&t),
                Decimal::from(10_000),
                Beneficiary::bank("ID_BCA", "000000000099"),
            )
            .contact(Contact {
                name: Some("Michael Chen".into()),
                ..Contact::default()
            });
            (o, cut)
        })
        .collect();
    let (dropped, _) = drop_and_resolve(p.as_ref(), &planned).await;
    assert!(dropped >= 10, "only {dropped} futures dropped");
    for (o, _) in &planned {
        assert_eq!(
            sim.xendit_payout_count(o.trade_no.as_str()),
            1,
            "{}",
            o.trade_no
        );
    }
    sim.shutdown().await;
}
