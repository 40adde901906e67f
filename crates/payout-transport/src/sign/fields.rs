//! Turning JSON objects into signable text fields.

use serde_json::{Map, Value};

/// Why fields could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A value is an object or array; the platform rule signs flat objects
    /// only, and guessing a nested encoding would send a wrong signature.
    #[error("field {0:?} holds a nested object or array; only flat JSON objects can be signed")]
    Nested(String),
}

/// A field's text as signed: borrowed for strings, formatted for numbers
/// and booleans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldText<'a> {
    /// A JSON string, as-is.
    Borrowed(&'a str),
    /// A number's or boolean's JSON text.
    Owned(String),
    /// `null`: skipped by the rule.
    Null,
}

impl FieldText<'_> {
    /// The text; empty for `null` (so the rule skips it).
    pub fn as_str(&self) -> &str {
        match self {
            FieldText::Borrowed(s) => s,
            FieldText::Owned(s) => s,
            FieldText::Null => "",
        }
    }
}

/// Reads the fields of a flat JSON object as text: strings as-is, numbers as
/// their exact JSON digits, booleans as `true`/`false`, `null` as skipped.
///
/// # Errors
/// [`SignError::Nested`] naming the first key whose value is an object or
/// an array.
///
/// ```
/// use payout_transport::sign::json_fields;
/// let v: serde_json::Value = serde_json::from_str(r#"{"amount":3.0000,"a":"x"}"#).unwrap();
/// let f = json_fields(v.as_object().unwrap()).unwrap();
/// assert_eq!(f.iter().map(|(k, v)| format!("{k}={}", v.as_str())).collect::<Vec<_>>(), ["a=x", "amount=3.0000"]);
/// ```
pub fn json_fields(object: &Map<String, Value>) -> Result<Vec<(&str, FieldText<'_>)>, SignError> {
    object
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => FieldText::Borrowed(s),
                Value::Number(n) => FieldText::Owned(n.to_string()),
                Value::Bool(b) => FieldText::Owned(b.to_string()),
                Value::Null => FieldText::Null,
                Value::Array(_) | Value::Object(_) => return Err(SignError::Nested(k.clone())),
            };
            Ok((k.as_str(), text))
        })
        .collect()
}
