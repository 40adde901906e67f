//! HMAC-SHA256, for providers that sign bodies or base strings with it.

use hmac::{Hmac, Mac};
use payout_core::Secret;
use sha2::Sha256;

use super::{for_each_signed, SignError, Signature, Signer};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed with the secret, lowercase hex. [`Signer::sign_bytes`]
/// authenticates a raw body; [`Signer::sign_fields`] authenticates the same
/// sorted `key=value` concatenation as the MD5 rule (without appending the
/// secret).
///
/// ```
/// use payout_core::Secret;
/// use payout_transport::sign::{HmacSha256Signer, Signer};
/// // RFC 4231, test case 2.
/// let s = HmacSha256Signer::new(Secret::new("Jefe"));
/// assert_eq!(
///     s.sign_bytes(b"what do ya want for nothing?").unwrap().as_str(),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// ```
#[derive(Clone)]
pub struct HmacSha256Signer {
    key: Vec<u8>,
}

impl HmacSha256Signer {
    /// A signer keyed with the secret's UTF-8 bytes.
    pub fn new(key: Secret) -> Self {
        Self {
            key: key.expose().as_bytes().to_vec(),
        }
    }

    /// A signer keyed with raw bytes (keys handed out in hex or base64,
    /// decoded by the caller).
    pub fn from_key_bytes(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into() }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length.
        <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    }
}

impl std::fmt::Debug for HmacSha256Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmacSha256Signer")
            .field("key", &"***")
            .finish()
    }
}

impl Signer for HmacSha256Signer {
    fn algorithm(&self) -> &'static str {
        "hmac-sha256"
    }

    fn sign_fields(&self, fields: &[(&str, &str)]) -> Result<Signature, SignError> {
        let mut m = self.mac();
        for_each_signed(fields, |k, v| {
            m.update(k.as_bytes());
            m.update(b"=");
            m.update(v.as_bytes());
        });
        Ok(Signature::from_digest(&m.finalize().into_bytes()))
    }

    fn sign_bytes(&self, bytes: &[u8]) -> Result<Signature, SignError> {
        let mut m = self.mac();
        m.update(bytes);
        Ok(Signature::from_digest(&m.finalize().into_bytes()))
    }
}
