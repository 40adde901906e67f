//! Workspace-level end-to-end tests: the facade (`payout::build`) against
//! the simulator (`payout-sim`), as a platform's own test suite would run
//! them. The tests live in `tests/tests/`; `docs/simulator.md`'s examples
//! are compiled and run here as doc tests.

#[cfg(doctest)]
#[doc = include_str!("../../docs/simulator.md")]
pub struct SimulatorDoctests;
