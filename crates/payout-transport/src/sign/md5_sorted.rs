//! The PayPro/Vexora rule: MD5 over sorted `key=value` pairs plus the secret.

use md5::{Digest, Md5};
use payout_core::Secret;

use super::{with_signed_base, SignError, Signature, Signer};

/// `lowercase_hex(md5(k1=v1k2=v2...secret))` over the fields sorted by key
/// bytes, skipping `sign` and empty values. The text is assembled on the
/// stack and hashed in one update.
#[derive(Clone)]
pub struct Md5SortedSigner {
    secret: Secret,
}

impl Md5SortedSigner {
    /// A signer with the merchant's app secret.
    pub fn new(secret: Secret) -> Self {
        Self { secret }
    }
}

impl std::fmt::Debug for Md5SortedSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Md5SortedSigner")
            .field("secret", &self.secret)
            .finish()
    }
}

impl Signer for Md5SortedSigner {
    fn algorithm(&self) -> &'static str {
        "md5-sorted"
    }

    fn sign_fields(&self, fields: &[(&str, &str)]) -> Result<Signature, SignError> {
        let secret = self.secret.expose().as_bytes();
        Ok(with_signed_base(fields, secret, |base| {
            Signature::from_digest(&Md5::digest(base))
        }))
    }

    /// MD5 of `bytes` followed by the secret: the rule applied to a base
    /// string built elsewhere.
    fn sign_bytes(&self, bytes: &[u8]) -> Result<Signature, SignError> {
        let mut h = Md5::new();
        h.update(bytes);
        h.update(self.secret.expose().as_bytes());
        Ok(Signature::from_digest(&h.finalize()))
    }
}
