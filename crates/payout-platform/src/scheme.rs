//! How a brand authenticates requests and callbacks ([`Scheme`]).

use payout_core::Secret;

/// Where a platform request's signature travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignPlacement {
    /// A `sign` field in the JSON body.
    Body,
    /// An HTTP header (`sign`, or the scheme's header).
    Header,
    /// No request signature.
    None,
}
use payout_transport::{HmacSha256Signer, Md5SortedSigner, Signer};

/// A brand's signing scheme. PayPro and Vexora use [`Scheme::Md5Sorted`];
/// other brands of the same platform shape may sign the body with
/// HMAC-SHA256 instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// MD5 over the sorted `key=value` fields plus the secret; the `sign`
    /// travels in the body or in a `sign` header, per region
    /// ([`crate::Region::sign`]).
    Md5Sorted,
    /// HMAC-SHA256 (keyed with the secret) over the exact body bytes, as
    /// lowercase hex in the named header, for requests and callbacks alike.
    HmacSha256Body {
        /// The header carrying the signature.
        header: &'static str,
    },
}

impl Scheme {
    /// The signer for this scheme keyed with `secret`.
    ///
    /// ```
    /// use payout_platform::Scheme;
    /// use payout_core::Secret;
    /// assert_eq!(Scheme::Md5Sorted.signer(&Secret::new("k")).algorithm(), "md5-sorted");
    /// ```
    pub fn signer(&self, secret: &Secret) -> Box<dyn Signer> {
        match self {
            Scheme::Md5Sorted => Box::new(Md5SortedSigner::new(secret.clone())),
            Scheme::HmacSha256Body { .. } => Box::new(HmacSha256Signer::new(secret.clone())),
        }
    }

    /// Where the signature travels for a region whose table says `region_placement`.
    pub fn placement(&self, region_placement: SignPlacement) -> SignPlacement {
        match self {
            Scheme::Md5Sorted => region_placement,
            Scheme::HmacSha256Body { .. } => SignPlacement::Header,
        }
    }

    /// The header carrying the signature when it is not in the body.
    pub fn header(&self) -> &'static str {
        match self {
            Scheme::Md5Sorted => crate::wire::SIGN_KEY,
            Scheme::HmacSha256Body { header } => header,
        }
    }
}
