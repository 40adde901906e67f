//! The shared conformance suite (`payout-testkit`) against the simulator:
//! PayPro and Vexora through its platform family, Xendit through its
//! Xendit family — one set of scenarios, each provider running what it
//! declares.
//!
//! These tests live here, in the unpublished `payout-e2e` crate, rather
//! than in each provider crate: `payout-sim` depends on `provider-paypro`
//! and `provider-vexora`, so a dev-dependency of theirs on
//! `payout-testkit` (and through it `payout-sim`) would be a cycle that
//! keeps them off crates.io. Xendit's run sits beside them. A provider the simulator does not depend on
//! (one made by `cargo xtask new-provider`) runs the suite from its own
//! `tests/conformance.rs`.

mod paypro;
mod vexora;
mod xendit;
