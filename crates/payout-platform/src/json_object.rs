//! Reading the top-level JSON object of an answer or a callback exactly:
//! a key that appears twice is refused, and a number keeps the text it was
//! received with.
//!
//! `serde_json` keeps the last of two equal keys; a body such as
//! `{"code":"8000","code":"0000"}` or a callback with two `amount`s means
//! two different things to two readers, so it is refused instead of
//! guessed. Nested objects keep `serde_json`'s rule (the documentation's
//! own examples repeat keys inside `data`, spec §9).
//!
//! A parsed JSON number renders an exponent in its own way (`1E3` becomes
//! `1e+3`); what a signature covers and what a message quotes is the text
//! as received, so the top-level numbers whose rendering differs keep it.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Why a body is not a usable top-level object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ObjectError {
    /// Not JSON at all (the parser's message).
    NotJson(String),
    /// JSON, but not an object.
    NotObject,
    /// The key appears more than once at the top level.
    DuplicateKey(String),
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectError::NotJson(e) => write!(f, "not JSON ({e})"),
            ObjectError::NotObject => f.write_str("not a JSON object"),
            ObjectError::DuplicateKey(k) => write!(
                f,
                "the key {:?} appears more than once, so the body means different things to different readers",
                payout_core::error::excerpt(k.as_bytes(), 40)
            ),
        }
    }
}

/// A top-level object, every key once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Object {
    /// The fields.
    pub(crate) fields: Map<String, Value>,
    /// The received text of each top-level number whose rendering by
    /// `serde_json` differs from it (exponent forms), by key.
    pub(crate) number_texts: Vec<(String, String)>,
}

impl Object {
    /// The received text of the top-level number under `key`, when its
    /// rendering differs.
    pub(crate) fn number_text(&self, key: &str) -> Option<&str> {
        self.number_texts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.as_str())
    }
}

/// The top-level object of `body`: every key once, numbers' texts kept.
pub(crate) fn read_object(body: &[u8]) -> Result<Object, ObjectError> {
    let starts_an_object = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if !starts_an_object {
        return match serde_json::from_slice::<de::IgnoredAny>(body) {
            Ok(_) => Err(ObjectError::NotObject),
            Err(e) => Err(ObjectError::NotJson(e.to_string())),
        };
    }
    let mut duplicate = None;
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = (&mut de)
        .deserialize_map(TopLevel {
            duplicate: &mut duplicate,
        })
        .and_then(|object| de.end().map(|()| object));
    match (read, duplicate) {
        (_, Some(key)) => Err(ObjectError::DuplicateKey(key)),
        (Ok(object), None) => Ok(object),
        (Err(e), None) => Err(ObjectError::NotJson(e.to_string())),
    }
}

/// Reads a JSON object, refusing a repeated key.
struct TopLevel<'a> {
    duplicate: &'a mut Option<String>,
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        let mut number_texts = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                *self.duplicate = Some(key.clone());
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            let raw = map.next_value::<&RawValue>()?;
            let value: Value = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
            if let Value::Number(n) = &value {
                if n.to_string() != raw.get() {
                    number_texts.push((key.clone(), raw.get().to_owned()));
                }
            }
            fields.insert(key, value);
        }
        Ok(Object {
            fields,
            number_texts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_object_once_per_key() {
        let o = read_object(
            br#" {"code":"0000","data":{"a":1,"a":2},"n":1.50,"e":1E3,"f":-2e-1,"g":5e3} "#,
        )
        .unwrap();
        assert_eq!(o.fields["code"], "0000");
        assert_eq!(
            o.fields["data"]["a"], 2,
            "nested keys keep serde_json's rule"
        );
        assert_eq!(o.fields["n"].to_string(), "1.50");
        assert_eq!(o.number_text("n"), None, "rendered as received");
        assert_eq!(o.number_text("e"), Some("1E3"));
        assert_eq!(o.number_text("f"), None, "rendered as received");
        assert_eq!(o.number_text("g"), Some("5e3"));
        for (body, want) in [
            (
                &br#"{"code":"8000","code":"0000"}"#[..],
                ObjectError::DuplicateKey("code".into()),
            ),
            (
                br#"{"a":1,"data":{},"data":{}}"#,
                ObjectError::DuplicateKey("data".into()),
            ),
            (b"5", ObjectError::NotObject),
            (b"\"x\"", ObjectError::NotObject),
            (b"[1,{}]", ObjectError::NotObject),
            (b"null", ObjectError::NotObject),
            (b"true", ObjectError::NotObject),
        ] {
            assert_eq!(
                read_object(body),
                Err(want),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for bad in [&b""[..], b"{", b"{} x", b"{\"a\":}", b"<html>"] {
            assert!(
                matches!(read_object(bad), Err(ObjectError::NotJson(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
