//! The exact query, create and balance requests of PayPro's regions (fixed
//! clock), pinned by snapshots; the checks behind them are shared
//! (`payout_testkit::platform::requests`).

payout_testkit::request_snapshot_tests!(provider_paypro::BRAND);
