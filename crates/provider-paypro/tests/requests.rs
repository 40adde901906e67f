//! The exact query, create and balance requests of PayPro's regions (fixed
//! clock), pinned by snapshots. The checks behind them are shared:
//! `payout_platform::testing::requests`.

use payout_platform::assert_snapshots;
use payout_platform::testing::{requests as r, Check};
use provider_paypro::BRAND;

#[test]
fn query_requests() -> Check {
    assert_snapshots!(r::query_requests(&BRAND, r::REGIONS)?);
    Ok(())
}

#[test]
fn create_request_of_every_region() -> Check {
    assert_snapshots!(r::create_requests(&BRAND)?);
    Ok(())
}

#[test]
fn balance_requests() -> Check {
    assert_snapshots!(r::balance_requests(&BRAND, r::REGIONS)?);
    Ok(())
}
