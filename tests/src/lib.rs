//! Workspace-level end-to-end tests: the facade (`payout::build`) against
//! the simulator (`payout-sim`), as a platform's own test suite would run
//! them. The tests live in `tests/tests/`.
//!
//! Every Rust code block of the README and of `docs/` is compiled here as a
//! doc test, against the published crates' public API only (this crate is
//! not published, so the published crates carry no include of files
//! outside their package).

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/lifecycle.md")]
pub struct LifecycleDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/simulator.md")]
pub struct SimulatorDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/journal.md")]
pub struct JournalDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/providers/xendit.md")]
pub struct XenditDoctests;
