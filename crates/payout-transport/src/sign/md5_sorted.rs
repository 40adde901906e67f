//! The PayPro/Vexora rule: MD5 over sorted `key=value` pairs plus the secret.

use md5::{Digest, Md5};
use payout_core::Secret;

use super::{for_each_signed, SignError, Signature, Signer};

/// `lowercase_hex(md5(k1=v1k2=v2...secret))` over the fields sorted by key
/// bytes, skipping `sign` and empty values. The text is streamed into the
/// hasher: nothing is concatenated in memory.
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
        let mut h = Md5::new();
        for_each_signed(fields, |k, v| {
            h.update(k.as_bytes());
            h.update(b"=");
            h.update(v.as_bytes());
        });
        h.update(self.secret.expose().as_bytes());
        Ok(Signature::from_digest(&h.finalize()))
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
