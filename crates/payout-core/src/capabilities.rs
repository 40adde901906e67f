//! What a provider declares it can do ([`Capabilities`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Operation};
use crate::money::Currency;
use crate::names::parse_name;
use crate::retry::Idempotency;
use crate::trade_no::TradeNoRule;

/// How callbacks are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallbackSigning {
    /// Signed over their content; an unsigned or badly signed callback is
    /// refused.
    Signed,
    /// Authenticated by a static token in a header (it proves the sender,
    /// not the body); a missing or wrong token is refused.
    Token,
    /// Unsigned: the content must be confirmed by a status query.
    Unsigned,
    /// The region sends no callbacks.
    None,
}

impl CallbackSigning {
    /// Every kind, in declaration order.
    pub const ALL: [CallbackSigning; 4] = [
        CallbackSigning::Signed,
        CallbackSigning::Token,
        CallbackSigning::Unsigned,
        CallbackSigning::None,
    ];

    /// A stable short name (`signed`, `token`, `unsigned`, `none`): its
    /// `Display`, `FromStr` and serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            CallbackSigning::Signed => "signed",
            CallbackSigning::Token => "token",
            CallbackSigning::Unsigned => "unsigned",
            CallbackSigning::None => "none",
        }
    }
}

impl fmt::Display for CallbackSigning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads [`CallbackSigning::as_str`] back.
///
/// ```
/// use payout_core::CallbackSigning;
/// assert_eq!("token".parse::<CallbackSigning>()?, CallbackSigning::Token);
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for CallbackSigning {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_name("callback_signing", s, &Self::ALL, Self::as_str)
    }
}

/// One region a provider serves, as declared.
///
/// Serialized (for `payout check`, reports), not deserialized: a
/// declaration is the provider's static table, never read back from data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegionCapability {
    /// Region id (`indonesia`, `south-korea`, ...).
    pub id: &'static str,
    /// Currency paid out.
    pub currency: Currency,
    /// IANA time zone of reported local times.
    pub zone: &'static str,
    /// Operations offered in this region.
    pub operations: Vec<Operation>,
    /// How callbacks are authenticated.
    pub callback_signing: CallbackSigning,
}

/// Everything a provider declares. The conformance suite runs only what is
/// declared, and a declared capability must work end to end.
///
/// ```
/// use payout_core::{Capabilities, error::Operation};
/// let caps = Capabilities::new("demo", vec![]);
/// assert!(!caps.supports("indonesia", Operation::QueryPayout));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Provider id.
    pub provider: &'static str,
    /// Regions served.
    pub regions: Vec<RegionCapability>,
    /// How the provider de-duplicates a create, which decides whether a
    /// create may be repeated after its outcome is unknown.
    pub create_dedup: CreateDedup,
    /// The provider's rule for trade numbers.
    #[serde(skip)]
    pub trade_no: TradeNoRule,
}

/// How a provider de-duplicates creates: what makes a repeated create
/// under the **same** trade number safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CreateDedup {
    /// An idempotency key sent with the create (Xendit): a repeat with the
    /// same key and body returns the original payout. The transport retries
    /// such a create by itself.
    IdempotencyKey,
    /// The provider refuses a second create under a trade number it already
    /// knows (the platform's duplicate `tradeNo` rejection): a repeat either
    /// places the payout (it was never placed) or is refused as a duplicate,
    /// which the SDK turns into [`crate::Error::Duplicate`] after a query.
    /// Not retried automatically; [`crate::resolve::PayoutResolveExt::resolve_unknown`] may.
    UniqueTradeNo,
    /// No de-duplication: never repeat a create whose outcome is unknown.
    None,
}

impl CreateDedup {
    /// Every rule, in declaration order.
    pub const ALL: [CreateDedup; 3] = [
        CreateDedup::IdempotencyKey,
        CreateDedup::UniqueTradeNo,
        CreateDedup::None,
    ];

    /// A stable short name (`idempotency_key`, `unique_trade_no`, `none`):
    /// its `Display`, `FromStr` and serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            CreateDedup::IdempotencyKey => "idempotency_key",
            CreateDedup::UniqueTradeNo => "unique_trade_no",
            CreateDedup::None => "none",
        }
    }

    /// How the transport treats a create under this rule.
    pub fn idempotency(&self) -> Idempotency {
        match self {
            CreateDedup::IdempotencyKey => Idempotency::KeyedCreate,
            CreateDedup::UniqueTradeNo | CreateDedup::None => Idempotency::MovesMoney,
        }
    }

    /// Whether re-sending the same order under the same trade number can
    /// never place a second payout.
    pub fn resend_is_safe(&self) -> bool {
        !matches!(self, CreateDedup::None)
    }
}

impl fmt::Display for CreateDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads [`CreateDedup::as_str`] back.
impl FromStr for CreateDedup {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_name("create_dedup", s, &Self::ALL, Self::as_str)
    }
}

impl Capabilities {
    /// A declaration with no create de-duplication and the SDK's outer
    /// trade-number bound; adjust the public fields as the provider needs.
    pub fn new(provider: &'static str, regions: Vec<RegionCapability>) -> Self {
        Self {
            provider,
            regions,
            create_dedup: CreateDedup::None,
            trade_no: TradeNoRule::max_len(provider, crate::trade_no::MAX_TRADE_NO_LEN),
        }
    }

    /// The declaration for one region.
    pub fn region(&self, id: &str) -> Option<&RegionCapability> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// Whether `operation` is offered in `region`.
    pub fn supports(&self, region: &str, operation: Operation) -> bool {
        self.region(region)
            .is_some_and(|r| r.operations.contains(&operation))
    }
}
