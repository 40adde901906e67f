//! [`SimFamily`]: what a scenario needs from the simulator, once per
//! protocol family. The scenarios are written against
//! `Arc<dyn PayoutProvider>` and this trait only; the white-label platform
//! ([`crate::PlatformFamily`]) and Xendit ([`crate::XenditFamily`])
//! implement it, each in the simulator's terms (trade-number suffixes,
//! magic account numbers, ledgers, request counters).

use std::sync::Arc;

use http::HeaderMap;
use payout_core::{CreatePayout, Decimal, Error, PayoutProvider, PayoutStatus, ProviderSettings};
use payout_transport::HttpTransport;

use crate::receiver::Received;

/// Builds a provider from settings on the suite's transport: the shape of
/// the facade's registry entries (`payout::registry::BuildFn`), so
/// `|s, t| Ok(Arc::new(provider_xendit::provider(s, t)?))` is one.
pub type Factory = fn(&ProviderSettings, HttpTransport) -> Result<Arc<dyn PayoutProvider>, Error>;

/// A behaviour a scenario asks the simulator for, through the order (its
/// trade number, account number or amount).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Script {
    /// Becomes succeeded.
    Succeed,
    /// Becomes failed.
    Fail,
    /// Becomes failed for another documented reason (the platform's payee
    /// limit; Xendit's `REJECTED_BY_CHANNEL`).
    FailOther,
    /// Stays processing, never final.
    StayProcessing,
    /// Ends in a status no table lists (the SDK reports `unknown`).
    Undocumented,
    /// Stays where a cancel is still allowed.
    Cancellable,
    /// Succeeds, then is reversed (the money comes back).
    Reverse,
    /// Its final callback is delivered twice.
    DuplicateCallback,
    /// A processing callback follows the final one.
    LateCallback,
    /// The provider refuses the create: nothing is placed.
    Refused,
    /// A transport or protocol fault (see [`FaultKind`]): on a create, the
    /// payout is placed and only the answer suffers; on a query without a
    /// payout, the answer suffers.
    Fault(FaultKind),
}

/// The simulator's faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// The answer comes after [`crate::SLOW_DELAY`], past the client's timeout.
    Slow,
    /// The connection is closed, nothing sent.
    Drop,
    /// Half an answer, then the connection is cut.
    Reset,
    /// HTTP 502 with a proxy's HTML page.
    BadGateway,
    /// HTTP 500 (the provider's own error body where it has one).
    ServerError,
    /// HTTP 200 with half the JSON.
    Truncated,
    /// HTTP 200 with a body beyond the transport's size cap.
    Huge,
    /// The provider's documented "system error" answer (the platform's
    /// outer `5000`).
    SystemError,
}

/// An endpoint whose requests the simulator counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Call {
    /// Creates.
    Create,
    /// Queries by trade number.
    Query,
}

/// The merchant's balances as the simulator holds them; `None` where the
/// provider has no such figure (Xendit reports neither frozen nor
/// unsettled amounts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ledger {
    /// Available to pay out.
    pub available: Decimal,
    /// Held for payouts in flight.
    pub frozen: Option<Decimal>,
    /// Not settled yet.
    pub unsettled: Option<Decimal>,
}

/// What a scenario needs from the simulator for one protocol family.
///
/// Every method is about one region of the family's provider; a family
/// that cannot trigger a [`Script`] says so in [`SimFamily::can`], and the
/// scenarios (or the parts of them) needing it are skipped.
pub trait SimFamily: Send + Sync {
    /// The provider's id (`paypro`, `xendit`), for the report.
    fn provider_id(&self) -> &'static str;

    /// A provider for `region` with the simulator's test credentials; the
    /// receiver verifies the region's callbacks with it.
    ///
    /// # Errors
    /// When the factory refuses the settings.
    fn provider(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String>;

    /// A provider for `region` holding a wrong secret (and, where callbacks
    /// are authenticated by a token, a wrong token).
    ///
    /// # Errors
    /// When the factory refuses the settings.
    fn provider_with_wrong_secret(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String>;

    /// The code of the [`Error::Rejected`] the provider reports when the
    /// simulator refuses its credentials.
    fn auth_refusal_code(&self) -> &'static str;

    /// Whether a query of a trade number nobody used is a proof of absence
    /// ([`Error::NotFound`]) rather than a refusal ([`Error::Rejected`]).
    fn proves_absence(&self) -> bool;

    /// Whether the simulator can be asked for `script`.
    fn can(&self, script: Script) -> bool;

    /// A valid order for `region` under a fresh trade number, made so that
    /// the simulator plays every one of `scripts`, its callbacks going to
    /// the receiver where they can.
    ///
    /// # Errors
    /// When a script cannot be triggered ([`SimFamily::can`]) or the region
    /// is unknown.
    fn order(&self, region: &str, scripts: &[Script]) -> Result<CreatePayout, String>;

    /// Decimal places of `region`'s amounts.
    ///
    /// # Errors
    /// When the region is unknown.
    fn amount_scale(&self, region: &str) -> Result<u32, String>;

    /// Orders the provider must refuse before sending, each with the field
    /// its [`Error::Validation`] names, beyond the amount rules every
    /// family shares.
    ///
    /// # Errors
    /// When the region is unknown.
    fn invalid_orders(&self, region: &str) -> Result<Vec<(&'static str, CreatePayout)>, String>;

    /// The raw status the provider reports for a payout under `script` once
    /// it settled (the platform's `0000`; Xendit's `SUCCEEDED`), where the
    /// family pins one.
    fn provider_status(&self, script: Script) -> Option<&'static str>;

    /// The family's own checks of a succeeded payout's status against its
    /// order (the platform's response variants; Xendit's payout id).
    ///
    /// # Errors
    /// Saying what differs.
    fn check_succeeded(
        &self,
        region: &str,
        order: &CreatePayout,
        status: &PayoutStatus,
    ) -> Result<(), String>;

    /// The merchant's balances in `region` as the simulator holds them.
    ///
    /// # Errors
    /// When the simulator holds no ledger for the region.
    fn ledger(&self, region: &str) -> Result<Ledger, String>;

    /// How many requests about `trade_no` reached `call`, or `None` where
    /// the simulator does not count them (Xendit counts only references
    /// that have a payout).
    fn requests(&self, region: &str, trade_no: &str, call: Call) -> Option<u32>;

    /// How many payouts the simulator holds under `trade_no`.
    fn payouts_held(&self, region: &str, trade_no: &str) -> usize;

    /// Whether the receiver sees `region`'s callbacks (the platform cannot
    /// deliver to the receiver's plain-HTTP URL in https-only regions).
    fn observes_callbacks(&self, region: &str) -> bool;

    /// The deliveries the receiver got about `trade_no` so far.
    fn callbacks(&self, region: &str, trade_no: &str) -> Vec<Received>;

    /// `delivery` without its signature or token (headers and body).
    fn without_signature(&self, delivery: &Received) -> (HeaderMap, Vec<u8>);
}
