//! The provider trait every adapter implements ([`PayoutProvider`]).

use async_trait::async_trait;

use crate::balance::Balance;
use crate::callback::{CallbackError, CallbackReply, PayoutUpdate};
use crate::capabilities::Capabilities;
use crate::error::{Error, Operation};
use crate::request::CreatePayout;
use crate::status::PayoutStatus;
use crate::trade_no::TradeNo;

/// Which payout an operation is about: the merchant's trade number or the
/// provider's own id for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayoutRef {
    /// The merchant's trade number.
    TradeNo(TradeNo),
    /// The provider's id (`platform_trade_no`).
    ProviderId(String),
}

impl std::fmt::Display for PayoutRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayoutRef::TradeNo(t) => write!(f, "trade number {t}"),
            PayoutRef::ProviderId(id) => write!(f, "provider id {id}"),
        }
    }
}

/// One payout provider, configured for one merchant account in one region.
///
/// The trait is small and object safe: callers hold a
/// `Arc<dyn PayoutProvider>`. Conveniences such as polling until final live
/// in [`crate::PayoutProviderExt`], written once for every provider.
/// Operations a provider does not offer return [`Error::Unsupported`] and
/// are left out of its [`Capabilities`].
#[async_trait]
pub trait PayoutProvider: Send + Sync + std::fmt::Debug {
    /// The provider's stable id (`paypro`, `vexora`, ...).
    fn id(&self) -> &'static str;

    /// The region this instance is configured for.
    fn region(&self) -> &str;

    /// Everything this provider declares it supports.
    fn capabilities(&self) -> Capabilities;

    /// Asks for a payout's current status. Idempotent: transport failures
    /// and 5xx answers are retried within the configured budget.
    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error>;

    /// Checks a payout order against the region's rules without sending it.
    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        let _ = request;
        Err(self.unsupported(Operation::CreatePayout))
    }

    /// Asks for a payout's current status by the provider's own id for it
    /// (`platform_trade_no` in a [`PayoutStatus`]), where the provider
    /// offers that lookup.
    async fn query_by_provider_id(&self, provider_id: &str) -> Result<PayoutStatus, Error> {
        let _ = provider_id;
        Err(self.unsupported(Operation::QueryPayout))
    }

    /// Places a payout.
    ///
    /// Outcomes: `Ok` (accepted; the status says how far it got);
    /// [`Error::Rejected`] (a documented refusal, and a query found no
    /// payout under the trade number: nothing placed);
    /// [`Error::Duplicate`] (a payout already exists under the trade number:
    /// nothing new placed); [`Error::OutcomeUnknown`] (the request may have
    /// been placed: resolve it with
    /// [`crate::resolve::PayoutResolveExt::resolve_unknown`], never under a
    /// new trade number). A create is repeated by the transport only where
    /// the provider's protocol makes it idempotent
    /// ([`crate::CreateDedup::IdempotencyKey`]) or it provably never left.
    ///
    /// **Dropping the future** (a caller's timeout, a cancelled task) after
    /// the request left does not un-send it: the payout may be placed. Treat
    /// a dropped create exactly like [`Error::OutcomeUnknown`].
    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        let _ = request;
        Err(self.unsupported(Operation::CreatePayout))
    }

    /// Asks for the merchant's balance.
    async fn balance(&self) -> Result<Balance, Error> {
        Err(self.unsupported(Operation::Balance))
    }

    /// Asks for the balance in another currency of the same account, where
    /// the provider keeps several (Xendit). The region's own currency is
    /// [`PayoutProvider::balance`].
    async fn balance_in(&self, currency: crate::Currency) -> Result<Balance, Error> {
        let own = self
            .capabilities()
            .region(self.region())
            .map(|r| r.currency);
        if own == Some(currency) {
            return self.balance().await;
        }
        Err(Error::Unsupported {
            provider: self.id().to_owned(),
            operation: Operation::Balance,
            hint: format!(
                "region {} keeps its balance in {} only; ask for that currency or configure another region",
                self.region(),
                own.map_or_else(|| "its own currency".to_owned(), |c| c.to_string())
            ),
        })
    }

    /// Cancels a payout that has not been handed to the bank yet (declared
    /// as [`Operation::CancelPayout`]). `Ok` carries the payout's status
    /// after the call (`cancelled`); a refusal is [`Error::Rejected`] with
    /// [`crate::RejectReason::NotAllowed`].
    async fn cancel_payout(&self, target: &PayoutRef) -> Result<PayoutStatus, Error> {
        let _ = target;
        Err(self.unsupported(Operation::CancelPayout))
    }

    /// Verifies and parses a callback from its raw headers and body bytes.
    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        let _ = (headers, body);
        Err(CallbackError::Unsupported(self.id().to_owned()))
    }

    /// The reply acknowledging a callback (default: `200` with an empty
    /// body; the platform answers `OK`).
    fn callback_ack(&self) -> CallbackReply {
        CallbackReply::ok_empty()
    }

    /// The reply refusing a callback, so that the provider re-delivers
    /// (default: `401` with an empty body).
    fn callback_refusal(&self) -> CallbackReply {
        CallbackReply::unauthorized()
    }

    /// The [`Error::Unsupported`] for `operation` on this provider.
    fn unsupported(&self, operation: Operation) -> Error {
        Error::unsupported(self.id(), self.region(), operation)
    }
}
