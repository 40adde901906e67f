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

/// Creates each order under a timeout drawn from `0..=max_ms`
/// milliseconds, so that some futures are dropped before the request
/// leaves, some after it left and before the answer, some never; then
/// resolves every trade number.
async fn drop_and_resolve(
    p: &dyn PayoutProvider,
    orders: &[CreatePayout],
    seed: u64,
    max_ms: u64,
) -> (usize, usize) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut dropped = 0;
    for o in orders {
        let cut = Duration::from_micros(rng.u64(0..=max_ms * 1000));
        if tokio::time::timeout(cut, p.create_payout(o)).await.is_err() {
            dropped += 1;
        }
    }
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
    let orders: Vec<CreatePayout> = (0..60)
        .map(|i| order("paypro", "indonesia", &format!("E2E-DROP-{i:03}"), None))
        .collect();
    let (dropped, placed_now) = drop_and_resolve(p.as_ref(), &orders, 7, 6).await;
    assert!(
        dropped > 0,
        "no future was dropped: the test proves nothing"
    );
    assert!(placed_now <= dropped);
    // Every order placed exactly once: the ledger moved by their sum.
    let total: Decimal = orders.iter().map(|o| o.amount).sum();
    let now = sim
        .ledger("paypro", "indonesia", TEST_MERCHANT_NO)
        .expect("ledger");
    assert_eq!(opening.available - now.available, total);
    for o in &orders {
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
    let orders: Vec<CreatePayout> = (0..60)
        .map(|i| {
            CreatePayout::new(
                trade_no(&format!("E2E-XDROP-{i:03}")),
                Decimal::from(10_000),
                Beneficiary::bank("ID_BCA", "000000000099"),
            )
            .contact(Contact {
                name: Some("Michael Chen".into()),
                ..Contact::default()
            })
        })
        .collect();
    let (dropped, _) = drop_and_resolve(p.as_ref(), &orders, 11, 6).await;
    assert!(
        dropped > 0,
        "no future was dropped: the test proves nothing"
    );
    for o in &orders {
        assert_eq!(
            sim.xendit_payout_count(o.trade_no.as_str()),
            1,
            "{}",
            o.trade_no
        );
    }
    sim.shutdown().await;
}
