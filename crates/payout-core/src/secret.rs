//! [`Secret`]: a credential that never prints and never serializes.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A merchant secret (app secret, API key).
///
/// `Debug` and `Display` print `***`; there is no `Serialize`
/// implementation, so it cannot end up in JSON, TOML or a snapshot by
/// accident. Read it only where it is used, with [`Secret::expose`].
///
/// ```
/// use payout_core::Secret;
/// let s = Secret::new("dbecac55466b4958a2d06069fcf49e18");
/// assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
/// assert_eq!(s.expose().len(), 32);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Never log or format the result.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Reads a string. Any other value is refused **without quoting it**
/// (serde's usual message would show a mistyped secret):
///
/// ```
/// use payout_core::Secret;
/// let err = serde_json::from_str::<Secret>("12345678901234").unwrap_err().to_string();
/// assert!(!err.contains("12345678901234"), "{err}");
/// assert_eq!(serde_json::from_str::<Secret>(r#""s3cr3t""#).unwrap().expose(), "s3cr3t");
/// ```
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `deserialize_any`: some formats refuse a mistyped value themselves,
        // quoting it, when asked for a string.
        d.deserialize_any(SecretVisitor)
    }
}

/// Accepts strings only, and never shows what it refuses.
struct SecretVisitor;

impl SecretVisitor {
    fn refuse<E: serde::de::Error>(&self) -> Result<Secret, E> {
        Err(E::custom(
            "invalid type: a secret must be a string (value not shown)",
        ))
    }
}

impl<'de> serde::de::Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
        Ok(Secret(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
        Ok(Secret(v))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Secret, E> {
        self.refuse()
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        self.refuse()
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        self.refuse()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}
