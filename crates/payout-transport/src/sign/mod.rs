//! Request and callback signatures.
//!
//! A [`Signer`] turns a request's fields (or raw bytes) into a lowercase hex
//! [`Signature`]. [`Md5SortedSigner`] implements the PayPro/Vexora rule;
//! [`HmacSha256Signer`] serves providers that sign with HMAC-SHA256.
//! Field order of the input never matters; the key `sign` and empty values
//! are skipped, as the platform rule says.

mod fields;
mod hmac_sha256;
mod md5_sorted;

use std::fmt;

pub use fields::{json_fields, FieldText, SignError};
pub use hmac_sha256::HmacSha256Signer;
pub use md5_sorted::Md5SortedSigner;

/// A signature as lowercase hex, held inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    buf: [u8; 64],
    len: u8,
}

impl Signature {
    /// Hex-encodes a digest of at most 32 bytes.
    pub fn from_digest(digest: &[u8]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 64];
        let n = digest.len().min(32);
        for (i, b) in digest[..n].iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        Self {
            buf,
            len: u8::try_from(2 * n).unwrap_or(64),
        }
    }

    /// The signature text as bytes (ASCII hex digits), without the UTF-8
    /// check of [`Signature::as_str`].
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// The signature text.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are stored.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }

    /// Compares with a received signature in constant time (case-insensitive
    /// hex, as some platforms send upper case).
    pub fn matches(&self, received: &str) -> bool {
        use subtle::ConstantTimeEq;
        let mine = self.as_str().as_bytes();
        let theirs = received.as_bytes();
        if mine.len() != theirs.len() {
            return false;
        }
        let lowered: [u8; 64] =
            std::array::from_fn(|i| theirs.get(i).map_or(0, u8::to_ascii_lowercase));
        mine.ct_eq(&lowered[..theirs.len()]).into()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// Computes signatures with a secret it never reveals.
///
/// ```
/// use payout_transport::sign::{Md5SortedSigner, Signer};
/// use payout_core::Secret;
/// let signer = Md5SortedSigner::new(Secret::new("dbecac55466b4958a2d06069fcf49e18"));
/// let sig = signer
///     .sign_fields(&[("tradeNo", "test_00000002"), ("timestamp", "1728613320708")])
///     .unwrap();
/// assert_eq!(sig.as_str(), "bf0e0b049174b1fbc55e851ba47ad860");
/// ```
pub trait Signer: Send + Sync + fmt::Debug {
    /// A short name of the algorithm (`md5-sorted`, `hmac-sha256`).
    fn algorithm(&self) -> &'static str;

    /// Signs key/value fields in any order. Skips the key `sign` and empty
    /// values.
    ///
    /// # Errors
    /// Never for string fields; implementations may refuse keys they cannot
    /// represent.
    fn sign_fields(&self, fields: &[(&str, &str)]) -> Result<Signature, SignError>;

    /// Signs raw bytes (a body or a prepared base string).
    fn sign_bytes(&self, bytes: &[u8]) -> Result<Signature, SignError>;

    /// Signs the fields of a flat JSON object, reading numbers and booleans
    /// as their JSON text.
    ///
    /// # Errors
    /// [`SignError::Nested`] for an object or array value.
    fn sign_json(
        &self,
        object: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Signature, SignError> {
        let texts = json_fields(object)?;
        let pairs: Vec<(&str, &str)> = texts.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.sign_fields(&pairs)
    }
}

/// Longest signature base assembled on the stack; longer ones go to the heap.
const STACK_BASE: usize = 192;

/// Whether `fields` are in ascending byte order of their keys.
fn is_sorted(fields: &[(&str, &str)]) -> bool {
    fields
        .windows(2)
        .all(|w| w[0].0.as_bytes() <= w[1].0.as_bytes())
}

/// Assembles the signature base `k1=v1k2=v2...` + `suffix` over `fields`
/// in ascending byte order of the key, skipping `sign` and empty values,
/// and hands it to `finish` in one piece (one hasher update instead of
/// three per field). The base lives on the stack when it is short, which
/// it always is for the platform's requests. Sorts only when the input is
/// not sorted already (the request builders pass sorted fields).
pub(crate) fn with_signed_base<R>(
    fields: &[(&str, &str)],
    suffix: &[u8],
    finish: impl FnOnce(&[u8]) -> R,
) -> R {
    let sorted: Vec<(&str, &str)>;
    let fields = if is_sorted(fields) {
        fields
    } else {
        let mut copy = fields.to_vec();
        copy.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        sorted = copy;
        &sorted[..]
    };
    let keep = |(k, v): &&(&str, &str)| *k != "sign" && !v.is_empty();
    let len = fields
        .iter()
        .filter(keep)
        .map(|(k, v)| k.len() + 1 + v.len())
        .sum::<usize>()
        + suffix.len();
    let mut stack = [0u8; STACK_BASE];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if len <= STACK_BASE {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        buf[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    for (k, v) in fields.iter().filter(keep) {
        put(k.as_bytes());
        put(b"=");
        put(v.as_bytes());
    }
    put(suffix);
    finish(buf)
}

#[cfg(test)]
mod tests;
