//! A brand of the same platform that signs with HMAC-SHA256 over the body
//! bytes in a header: the simulator authenticates and signs callbacks the
//! brand's way.

use chrono_tz::Africa;
use payout_core::{Error, PayoutProvider, PayoutState, ProviderSettings, Secret};
use payout_platform::{AmountRule, Brand, Paths, PlatformProvider, Region, Scheme};

use crate::callbacks::{callback_config, next, receiver};
use crate::common::*;

static REGIONS: &[Region] = &[Region::new(
    "nigeria",
    "NGN",
    Africa::Lagos,
    Paths::new("/v1/hmacpay/", "disbursements"),
    AmountRule::TWO_DP,
    payout_platform::fieldsets::BANK_ACCOUNT_NO,
)
.segment("ng")];

static HMAC: Brand = Brand {
    id: "hmacpay",
    name: "HmacPay",
    regions: REGIONS,
    scheme: Scheme::HmacSha256Body {
        header: "X-Signature",
    },
};

fn hmac_provider(sim: &payout_sim::SimHandle, secret: &str) -> PlatformProvider {
    let settings = ProviderSettings::new(
        "nigeria",
        sim.base_url("hmacpay", "nigeria"),
        TEST_MERCHANT_NO,
        Secret::new(secret),
    );
    HMAC.provider(&settings, transport()).expect("provider")
}

#[tokio::test]
async fn hmac_brand_round_trip() {
    let sim = start(callback_config().brands(vec![&HMAC])).await;
    assert!(sim.base_url("hmacpay", "nigeria").ends_with("/ng"));
    let p = hmac_provider(&sim, TEST_SECRET);
    let (url, mut rx) = receiver(hmac_provider(&sim, TEST_SECRET), 0).await;
    p.create_payout(&order("nigeria", "H1", "20.00", Some(&url)))
        .await
        .unwrap();
    assert_eq!(
        p.query_payout(&trade_no("H1")).await.unwrap().state,
        PayoutState::Succeeded
    );
    let u = next(&mut rx).await.expect("HMAC callback verified");
    assert_eq!(u.status.trade_no.as_str(), "H1");

    let bad = hmac_provider(&sim, "wrong");
    match bad.balance().await {
        Err(Error::Rejected { code, msg, .. }) => {
            assert_eq!(code, "8000");
            assert!(msg.contains("HMAC"), "{msg}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}
