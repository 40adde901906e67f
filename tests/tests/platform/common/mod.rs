//! A minimal brand for the protocol's own tests: one region per behaviour
//! that matters here (body signature, header signature, unsigned callbacks).
//! The real region tables are tested in the brand crates.

#![allow(dead_code)]

use chrono_tz::{Africa, America};
use payout_core::TradeNo;
use payout_platform::{
    fieldsets, AmountRule, Brand, NotifyUrlRule, Paths, PlatformProvider, Region,
};
use payout_testkit::platform::{self as testing, Check};

static REGIONS: &[Region] = &[
    Region::new(
        "body",
        "NGN",
        Africa::Lagos,
        Paths::new("/v1/demo/", "payOut"),
        AmountRule::TWO_DP,
        fieldsets::BANK_ACCOUNT_NO,
    )
    .segment("body-pay"),
    Region::new(
        "header",
        "BRL",
        America::Sao_Paulo,
        Paths::new("/v1/demo/", "payout"),
        AmountRule::TWO_DP,
        fieldsets::BRAZIL,
    )
    .sign_in_header()
    .remark_required(),
    Region::new(
        "unsigned",
        "KES",
        Africa::Nairobi,
        Paths::new("/api/", "payout").query("queryPayoutResult"),
        AmountRule::integer_above(50),
        fieldsets::KENYA,
    )
    .notify_url(NotifyUrlRule::Optional)
    .unsigned_callbacks(),
];

/// The test brand.
pub static DEMO: Brand = Brand {
    id: "demo",
    name: "Demo",
    regions: REGIONS,
    scheme: payout_platform::Scheme::Md5Sorted,
};

/// A demo provider for `region` (no network needed).
pub fn demo(region: &str) -> Check<PlatformProvider> {
    testing::provider(&DEMO, region)
}

/// The seeds' trade number.
pub fn seed_trade_no() -> TradeNo {
    TradeNo::new("test_00000002").expect("valid trade number")
}

/// An accepted envelope around `data` (JSON text).
pub fn accepted(data: &str) -> String {
    format!(
        r#"{{"msg":"success","code":"0000","timestamp":1728613339884,"success":true,"data":{data}}}"#
    )
}
