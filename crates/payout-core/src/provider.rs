//! The provider trait every adapter implements ([`PayoutProvider`]).

use async_trait::async_trait;

use crate::balance::Balance;
use crate::callback::{CallbackError, CallbackReply, PayoutUpdate};
use crate::capabilities::Capabilities;
use crate::error::{Error, Operation};
use crate::request::CreatePayout;
use crate::status::PayoutStatus;
use crate::trade_no::TradeNo;

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

    /// Places a payout. Never retried once the request may have left: any
    /// failure after that point is [`Error::OutcomeUnknown`].
    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        let _ = request;
        Err(self.unsupported(Operation::CreatePayout))
    }

    /// Asks for the merchant's balance.
    async fn balance(&self) -> Result<Balance, Error> {
        Err(self.unsupported(Operation::Balance))
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

    /// The reply acknowledging a callback.
    fn callback_ack(&self) -> CallbackReply {
        CallbackReply::ack()
    }

    /// The reply refusing a callback, so that the provider re-delivers.
    fn callback_refusal(&self) -> CallbackReply {
        CallbackReply::refuse()
    }

    /// The [`Error::Unsupported`] for `operation` on this provider.
    fn unsupported(&self, operation: Operation) -> Error {
        Error::Unsupported {
            provider: self.id().to_owned(),
            operation,
            hint: format!(
                "region {} does not offer it; see the provider's capabilities",
                self.region()
            ),
        }
    }
}
