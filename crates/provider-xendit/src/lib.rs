//! # provider-xendit
//!
//! **Xendit Payouts v2** (`/v2/payouts`) as a
//! [`PayoutProtocol`](payout_transport::PayoutProtocol): bank and
//! e-wallet payouts in Indonesia (IDR) and the Philippines (PHP). The
//! protocol is pure (requests built, answers and webhooks read);
//! [`XenditProvider`] puts it on an [`HttpTransport`] and is a complete
//! [`payout_core::PayoutProvider`].
//!
//! - Authentication: HTTP Basic with the secret API key (no signing);
//!   `for-user-id` when a sub-account is configured.
//! - Create: `Idempotency-key` = the trade number = `reference_id` (D1),
//!   so a create whose outcome is unknown is retried by the transport with
//!   the same key and the same bytes ([`CreateDedup::IdempotencyKey`]).
//! - Query by trade number (`GET /v2/payouts?reference_id=`) proves
//!   absence with an empty list; query by Xendit id; cancel; balance.
//! - Webhooks: `x-callback-token` compared in constant time; both body
//!   shapes; [`dedup_key`].
//!
//! See `docs/providers/xendit.md` for the mapping tables and decisions.
//!
//! ```
//! use payout_core::{Credentials, Endpoint, PayoutProvider, ProviderSettings, Secret};
//! use payout_transport::{HttpTransport, TransportConfig};
//!
//! let credentials = Credentials::api_key(Secret::new("xnd_development_example"))
//!     .with_callback_secret(Secret::new("webhook-token"));
//! let settings = ProviderSettings::with_credentials("indonesia", Endpoint::Sandbox, credentials);
//! let provider = provider_xendit::provider(&settings, HttpTransport::new(TransportConfig::default())?)?;
//! assert_eq!(provider.id(), "xendit");
//! assert_eq!(provider.base_url(), "https://api.xendit.co");
//! assert!(!format!("{provider:?}").contains("xnd_development_example"));
//! # Ok::<(), payout_core::Error>(())
//! ```

mod create;
mod errors;
mod payout;
mod protocol;
mod region;
mod webhook;

use payout_core::{
    CallbackSigning, Capabilities, CreateDedup, Error, Operation, ProviderSettings,
    RegionCapability, TradeNoRule,
};
use payout_transport::{Connector, HttpTransport};

pub use create::{DESCRIPTION_EXTRA, METADATA_PREFIX};
pub use payout::{mask, state_of, STATUSES};
pub use protocol::{Existing, Xendit, FOR_USER_ID_HEADER, IDEMPOTENCY_HEADER};
pub use region::{region, Region, REGIONS};
pub use webhook::{dedup_key, event_state, Webhook, EVENTS, TOKEN_HEADER, WEBHOOK_ID_HEADER};

/// The provider's id.
pub const ID: &str = "xendit";

/// Xendit's API root: the same host for test and live mode (the API key
/// decides the mode). [`payout_core::Endpoint::Sandbox`] maps to it too.
pub const DEFAULT_BASE_URL: &str = "https://api.xendit.co";

/// The longest trade number: the `Idempotency-key` limit (D1), although
/// `reference_id` alone would allow 255.
pub const MAX_TRADE_NO_LEN: usize = 100;

/// Xendit on a transport: a complete [`payout_core::PayoutProvider`].
pub type XenditProvider = Connector<Xendit>;

/// Builds the provider for `settings` on `transport`.
///
/// # Errors
/// [`Error::Config`] as [`Xendit::new`] says.
pub fn provider(
    settings: &ProviderSettings,
    transport: HttpTransport,
) -> Result<XenditProvider, Error> {
    Ok(Connector::new(Xendit::new(settings)?, transport))
}

/// What Xendit declares: query, create, balance, callback and cancel in
/// both regions; webhooks authenticated by a token; creates de-duplicated
/// by the idempotency key; trade numbers of at most 100 characters.
///
/// ```
/// use payout_core::{CreateDedup, Operation};
/// let caps = provider_xendit::declare();
/// assert!(caps.supports("philippines", Operation::CancelPayout));
/// assert_eq!(caps.create_dedup, CreateDedup::IdempotencyKey);
/// assert_eq!(caps.trade_no.max_len, 100);
/// ```
pub fn declare() -> Capabilities {
    let operations = vec![
        Operation::QueryPayout,
        Operation::CreatePayout,
        Operation::Balance,
        Operation::Callback,
        Operation::CancelPayout,
    ];
    let regions = REGIONS
        .iter()
        .map(|r| RegionCapability {
            id: r.id,
            currency: r.currency,
            zone: r.zone.name(),
            operations: operations.clone(),
            callback_signing: CallbackSigning::Token,
        })
        .collect();
    let mut caps = Capabilities::new(ID, regions);
    caps.create_dedup = CreateDedup::IdempotencyKey;
    caps.trade_no = TradeNoRule::max_len(ID, MAX_TRADE_NO_LEN);
    caps
}
