//! HMAC-SHA256, for providers that sign bodies or base strings with it.

use hmac::{Hmac, Mac};
use payout_core::Secret;
use sha2::Sha256;

use super::{with_signed_base, SignError, Signature, Signer};

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
    /// The keyed state (inner and outer pads already hashed), cloned per
    /// signature instead of re-deriving it from the key.
    keyed: HmacSha256,
}

impl HmacSha256Signer {
    /// A signer keyed with the secret's UTF-8 bytes.
    pub fn new(key: Secret) -> Self {
        Self::from_key_bytes(key.expose().as_bytes())
    }

    /// A signer keyed with raw bytes (keys handed out in hex or base64,
    /// decoded by the caller).
    pub fn from_key_bytes(key: impl AsRef<[u8]>) -> Self {
        // HMAC accepts keys of any length.
        let keyed = <HmacSha256 as Mac>::new_from_slice(key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { keyed }
    }

    fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
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
        Ok(with_signed_base(fields, b"", |base| {
            let mut m = self.mac();
            m.update(base);
            Signature::from_digest(&m.finalize().into_bytes())
        }))
    }

    fn sign_bytes(&self, bytes: &[u8]) -> Result<Signature, SignError> {
        let mut m = self.mac();
        m.update(bytes);
        Ok(Signature::from_digest(&m.finalize().into_bytes()))
    }
}
