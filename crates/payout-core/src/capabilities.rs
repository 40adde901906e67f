//! What a provider declares it can do ([`Capabilities`]).

use serde::Serialize;

use crate::error::Operation;
use crate::money::Currency;

/// Where a request's signature travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignPlacement {
    /// A `sign` field in the JSON body.
    Body,
    /// An HTTP header named `sign`.
    Header,
    /// No request signature.
    None,
}

/// How callbacks are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallbackSigning {
    /// Signed; an unsigned or badly signed callback is refused.
    Signed,
    /// Unsigned: the content must be confirmed by a status query.
    Unsigned,
    /// The region sends no callbacks.
    None,
}

/// One region a provider serves, as declared.
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
    /// Where request signatures travel.
    pub sign_placement: SignPlacement,
    /// How callbacks are authenticated.
    pub callback_signing: CallbackSigning,
}

/// Everything a provider declares. The conformance suite runs only what is
/// declared, and a declared capability must work end to end.
///
/// ```
/// use payout_core::{Capabilities, error::Operation};
/// let caps = Capabilities { provider: "demo", regions: vec![] };
/// assert!(!caps.supports("indonesia", Operation::QueryPayout));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Provider id.
    pub provider: &'static str,
    /// Regions served.
    pub regions: Vec<RegionCapability>,
}

impl Capabilities {
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
