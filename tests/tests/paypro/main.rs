//! PayPro's region table through the platform's shared checks
//! (`payout_testkit::platform`): request snapshots, validation rules,
//! callback vectors and secrets. They live here rather than in
//! `provider-paypro`'s own `tests/`: `payout-testkit` depends on
//! `payout-sim`, which depends on `provider-paypro`, so a dev-dependency of
//! `provider-paypro` on `payout-testkit` would be a cycle crates.io cannot
//! publish (docs/ci.md).

mod callbacks;
mod requests;
mod validation;
