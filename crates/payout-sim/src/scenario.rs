//! What happens to a payout, chosen by its trade number ([`Scenario`]).
//!
//! # Trade-number suffixes
//!
//! A trade number ending in one or more of these `_TOKEN`s gets the matching
//! behaviour; tokens combine (`PO1_FAIL_DUP`), read from the right until a
//! token is not one of them. Without any, a payout succeeds.
//!
//! | suffix | effect |
//! |---|---|
//! | *(none)* | becomes `0000` (succeeded): the frozen amount is debited |
//! | `_FAIL` | becomes `00029` (failed): the frozen amount is released |
//! | `_LIMIT` | becomes `0100019` (payee daily limit, failed): released |
//! | `_UNDOC` | becomes `0099`, a status no table lists (the SDK reads *unknown*); the amount stays frozen |
//! | `_PROC` | stays `0015` (processing) forever; no callback |
//! | `_DUP` | the final callback is delivered twice |
//! | `_LATE` | a `0015` callback follows the final one |
//! | `_SLOW`, `_DROP`, `_RESET`, `_502`, `_500`, `_TRUNC`, `_HUGE`, `_5000`, `_8000` | a [`Fault`] (see its table) |
//!
//! # Where a fault suffix applies
//!
//! - **Creates**: every create of the trade number. The payout is placed
//!   first (the "sent but no answer" case: a create `_SLOW` answers after
//!   the client gave up, yet the payout exists and a later query finds it),
//!   except for `_8000`, which places nothing.
//! - **Queries**: only while the simulator holds no payout under that trade
//!   number ([`FaultScope::UntilPlaced`]). So `query("X_502")` without a
//!   create exercises the query path's 502, while after a faulted create
//!   the queries answer normally and resolve the unknown outcome.
//! - Balance requests carry no trade number and are never faulted.
//!
//! A scenario registered with [`crate::SimHandle::set_scenario`] replaces
//! the suffix reading for that trade number, and may fault queries of a
//! placed payout too ([`FaultScope::Always`], [`FaultScope::First`]).

use std::borrow::Cow;

use payout_platform::status_code::{FAILED, PROCESSING, SUCCESS};

use crate::faults::Fault;
use crate::protocol::Protocol;

/// The undocumented status `_UNDOC` produces.
pub const UNDOCUMENTED_STATUS: &str = "0099";
/// The payee-limit status `_LIMIT` produces.
pub const LIMIT_STATUS: &str = "0100019";

/// Which queries a query fault hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultScope {
    /// Queries while no payout is held under the trade number.
    UntilPlaced,
    /// Every query.
    Always,
    /// The first `n` queries of the trade number (a transient fault).
    First(u32),
}

impl FaultScope {
    /// Whether the `nth` query (1-based) hits the fault, `held` telling
    /// whether the payout exists.
    pub fn hits(&self, nth: u32, held: bool) -> bool {
        match self {
            FaultScope::UntilPlaced => !held,
            FaultScope::Always => true,
            FaultScope::First(n) => nth <= *n,
        }
    }
}

/// The behaviour of one payout: its final status, faults on its requests
/// and extra callbacks.
///
/// ```
/// use payout_sim::{Fault, FaultScope, Scenario};
/// let s = Scenario::from_trade_no("PO-1_FAIL_DUP");
/// assert_eq!(s.final_status, "00029");
/// assert!(s.duplicate_callback);
///
/// let s = Scenario::from_trade_no("PO-2_SLOW");
/// assert_eq!(s.create_fault, Some(Fault::Slow));
/// assert_eq!(s.query_fault, Some((Fault::Slow, FaultScope::UntilPlaced)));
///
/// let custom = Scenario::succeed().query_fault(Fault::BadGateway, FaultScope::First(1));
/// assert_eq!(custom.final_status, "0000");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Scenario {
    /// The status the payout moves to when its lifecycle completes (`0015`
    /// keeps it processing).
    pub final_status: Cow<'static, str>,
    /// The fault answering creates of this trade number.
    pub create_fault: Option<Fault>,
    /// The fault answering queries, and which queries.
    pub query_fault: Option<(Fault, FaultScope)>,
    /// Deliver the final callback a second time.
    pub duplicate_callback: bool,
    /// Deliver a `0015` callback after the final one.
    pub late_processing_callback: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self::succeed()
    }
}

impl Scenario {
    /// Becomes `0000`.
    pub fn succeed() -> Self {
        Self::status(SUCCESS)
    }

    /// Becomes `00029`.
    pub fn fail() -> Self {
        Self::status(FAILED)
    }

    /// Stays `0015`.
    pub fn stay_processing() -> Self {
        Self::status(PROCESSING)
    }

    /// Becomes `status` (any code, documented or not).
    pub fn status(status: impl Into<Cow<'static, str>>) -> Self {
        Self {
            final_status: status.into(),
            create_fault: None,
            query_fault: None,
            duplicate_callback: false,
            late_processing_callback: false,
        }
    }

    /// Faults every create.
    pub fn create_fault(mut self, fault: Fault) -> Self {
        self.create_fault = Some(fault);
        self
    }

    /// Faults the queries `scope` selects.
    pub fn query_fault(mut self, fault: Fault, scope: FaultScope) -> Self {
        self.query_fault = Some((fault, scope));
        self
    }

    /// Delivers the final callback twice.
    pub fn duplicate_callback(mut self) -> Self {
        self.duplicate_callback = true;
        self
    }

    /// Delivers a `0015` callback after the final one.
    pub fn late_processing_callback(mut self) -> Self {
        self.late_processing_callback = true;
        self
    }

    /// Reads the suffixes of a trade number (see the module docs). Never
    /// allocates for the built-in statuses.
    pub fn from_trade_no(trade_no: &str) -> Self {
        let mut s = Self::succeed();
        let mut status_set = false;
        let mut fault_set = false;
        read_suffixes(trade_no, |token| {
            let status = match token {
                "FAIL" => Some(FAILED),
                "LIMIT" => Some(LIMIT_STATUS),
                "UNDOC" => Some(UNDOCUMENTED_STATUS),
                "PROC" => Some(PROCESSING),
                _ => None,
            };
            if let Some(code) = status {
                if !status_set {
                    s.final_status = Cow::Borrowed(code);
                    status_set = true;
                }
            } else if token == "DUP" {
                s.duplicate_callback = true;
            } else if token == "LATE" {
                s.late_processing_callback = true;
            } else if let Some(fault) = Fault::from_suffix_for(Protocol::Platform, token) {
                if !fault_set {
                    s.create_fault = Some(fault);
                    s.query_fault = Some((fault, FaultScope::UntilPlaced));
                    fault_set = true;
                }
            } else {
                return false;
            }
            true
        });
        s
    }
}

/// Reads the `_TOKEN` suffixes of `reference` from the right, handing each
/// token to `accept` until it returns false (an unknown token) or none is
/// left. The one suffix reader of both protocols.
pub(crate) fn read_suffixes(reference: &str, mut accept: impl FnMut(&str) -> bool) {
    let mut rest = reference;
    while let Some((head, token)) = rest.rsplit_once('_') {
        if !accept(token) {
            break;
        }
        rest = head;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_trade_numbers_succeed() {
        assert_eq!(
            Scenario::from_trade_no("PO-20241011-0001"),
            Scenario::succeed()
        );
        assert_eq!(
            Scenario::from_trade_no("test_00000002"),
            Scenario::succeed()
        );
        assert_eq!(Scenario::from_trade_no("FAIL"), Scenario::succeed());
    }

    #[test]
    fn statuses() {
        for (t, code) in [
            ("a_FAIL", "00029"),
            ("a_LIMIT", "0100019"),
            ("a_UNDOC", "0099"),
            ("a_PROC", "0015"),
        ] {
            assert_eq!(Scenario::from_trade_no(t).final_status, code, "{t}");
        }
    }

    #[test]
    fn tokens_combine_and_rightmost_wins() {
        let s = Scenario::from_trade_no("x_FAIL_LATE_DUP_502");
        assert_eq!(s.final_status, "00029");
        assert!(s.duplicate_callback && s.late_processing_callback);
        assert_eq!(s.create_fault, Some(Fault::BadGateway));
        let s = Scenario::from_trade_no("x_PROC_FAIL_DROP_5000");
        assert_eq!(s.final_status, "00029");
        assert_eq!(s.create_fault, Some(Fault::SystemError));
    }

    #[test]
    fn stops_at_an_unknown_token() {
        let s = Scenario::from_trade_no("x_FAIL_abc_DUP");
        assert_eq!(s.final_status, "0000");
        assert!(s.duplicate_callback);
    }

    #[test]
    fn scope() {
        assert!(FaultScope::UntilPlaced.hits(5, false));
        assert!(!FaultScope::UntilPlaced.hits(1, true));
        assert!(FaultScope::First(2).hits(2, true));
        assert!(!FaultScope::First(2).hits(3, false));
        assert!(FaultScope::Always.hits(9, true));
    }
}
