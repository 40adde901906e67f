//! The orders file of `payout batch`: one JSON object per line, with the
//! keys of [`KEYS`] (the create flags' names with `_`) and `fields`.
//!
//! A bad line is reported with its number and skipped; nothing in a message
//! quotes a value (they hold personal data), only keys and positions.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::exit::Failure;
use crate::order::OrderSpec;

/// Every key a line may hold besides `fields`.
pub const KEYS: [&str; 13] = [
    "trade_no",
    "amount",
    "notify_url",
    "bank_code",
    "account_no",
    "account_type",
    "wallet",
    "pix_key_type",
    "name",
    "mobile",
    "email",
    "remark",
    "description",
];

/// One non-blank line of the file.
#[derive(Debug)]
pub struct Line {
    /// Its number, from 1.
    pub number: usize,
    /// The order it describes, or what is wrong with it.
    pub spec: Result<OrderSpec, String>,
}

/// Reads the file. Blank lines are skipped (they are not orders).
///
/// # Errors
/// A usage failure (exit 2) when the file cannot be read.
pub fn read(path: &Path) -> Result<Vec<Line>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the orders file {}: {e}; pass --file with a JSONL file of orders",
            path.display()
        ))
    })?;
    Ok(bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            let spec = std::str::from_utf8(raw)
                .map_err(|e| format!("not UTF-8 text (byte {})", e.valid_up_to() + 1))
                .and_then(parse);
            Some(Line {
                number: i + 1,
                spec,
            })
        })
        .collect())
}

/// Reads one line.
fn parse(text: &str) -> Result<OrderSpec, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "it ends too early",
            _ => "syntax error",
        };
        format!("not valid JSON ({what} at column {})", e.column())
    })?;
    let Value::Object(map) = value else {
        return Err("not a JSON object; write one object per line".into());
    };
    let mut spec = OrderSpec::default();
    let mut trade_no = None;
    let mut amount = None;
    for (key, value) in map {
        if key == "fields" {
            spec.fields = fields(value)?;
            continue;
        }
        let slot = match key.as_str() {
            "trade_no" => &mut trade_no,
            "amount" => &mut amount,
            "notify_url" => &mut spec.notify_url,
            "bank_code" => &mut spec.bank_code,
            "account_no" => &mut spec.account_no,
            "account_type" => &mut spec.account_type,
            "wallet" => &mut spec.wallet,
            "pix_key_type" => &mut spec.pix_key_type,
            "name" => &mut spec.name,
            "mobile" => &mut spec.mobile,
            "email" => &mut spec.email,
            "remark" => &mut spec.remark,
            "description" => &mut spec.description,
            _ => {
                return Err(format!(
                    "unknown key {key:?} (the keys are {} and fields)",
                    KEYS.join(", ")
                ))
            }
        };
        *slot = text_of(&key, value)?;
    }
    spec.trade_no = trade_no.ok_or("missing key \"trade_no\"")?;
    spec.amount = amount.ok_or("missing key \"amount\" (a string, e.g. \"100.50\")")?;
    Ok(spec)
}

/// A string value (`null` is the same as leaving the key out).
fn text_of(key: &str, value: Value) -> Result<Option<String>, String> {
    match value {
        Value::String(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        _ if key == "amount" => Err(
            "\"amount\" must be a string holding the exact amount, e.g. \"100.50\" (a JSON number may have been rounded by the program that wrote it)"
                .into(),
        ),
        _ => Err(format!("{key:?} must be a string")),
    }
}

/// `fields`: an object of extra wire fields with string values.
fn fields(value: Value) -> Result<BTreeMap<String, String>, String> {
    let map: Map<String, Value> = match value {
        Value::Object(map) => map,
        Value::Null => return Ok(BTreeMap::new()),
        _ => {
            return Err(
                "\"fields\" must be an object of wire fields, e.g. {\"customerCert\": \"...\"}"
                    .into(),
            )
        }
    };
    map.into_iter()
        .map(|(key, value)| match value {
            _ if key.trim().is_empty() => Err("\"fields\" has an empty key".to_owned()),
            Value::String(s) => Ok((key, s)),
            _ => Err(format!("fields.{key} must be a string")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.jsonl");
        std::fs::write(&path, text).unwrap();
        read(&path).unwrap()
    }

    #[test]
    fn every_key_maps_to_its_part() {
        let l = lines(concat!(
            r#"{"trade_no":"T1","amount":"100.50","notify_url":"https://m/n","bank_code":"014","account_no":"5464438554636","account_type":"BANK","name":"Budi","mobile":"0812","email":"b@x.id","remark":"July","fields":{"customerCert":"352"}}"#,
            "\r\n\n  \n",
            r#"{"trade_no":"T2","amount":"1","wallet":"OVO","account_no":"1","description":"d","pix_key_type":null}"#,
            "\n"
        ));
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].number, 4);
        let a = l[0].spec.as_ref().unwrap();
        assert_eq!(a.amount, "100.50");
        assert_eq!(a.account_type.as_deref(), Some("BANK"));
        assert_eq!(a.fields["customerCert"], "352");
        let b = l[1].spec.as_ref().unwrap();
        assert_eq!(b.description.as_deref(), Some("d"));
        assert_eq!(b.pix_key_type, None);
    }

    #[test]
    fn bad_lines_say_what_is_wrong_without_values() {
        let l = lines(concat!(
            "{\"trade_no\":\"T1\",\"amount\":77.25}\n",
            "{\"trade_no\":\"T1\",\"amount\":\"1\",\"acount_no\":\"5464438554636\"}\n",
            "{\"trade_no\":\"T1\"\n",
            "[1]\n",
            "{\"amount\":\"1\"}\n",
            "{\"trade_no\":\"T1\",\"amount\":\"1\",\"fields\":{\"x\":1}}\n",
            "{\"trade_no\":\"T1\",\"amount\":\"1\",\"name\":7}\n",
        ));
        let errors: Vec<String> = l.into_iter().map(|l| l.spec.unwrap_err()).collect();
        assert!(errors[0].contains("must be a string holding the exact amount"));
        assert!(errors[1].starts_with("unknown key \"acount_no\""));
        assert!(errors[2].starts_with("not valid JSON"));
        assert!(errors[3].starts_with("not a JSON object"));
        assert!(errors[4].starts_with("missing key \"trade_no\""));
        assert_eq!(errors[5], "fields.x must be a string");
        assert_eq!(errors[6], "\"name\" must be a string");
        for e in &errors {
            assert!(!e.contains("5464438554636") && !e.contains("77.25"), "{e}");
        }
    }

    #[test]
    fn a_missing_file_is_a_usage_error() {
        let err = read(Path::new("/nonexistent/orders.jsonl")).unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert!(err.message.contains("/nonexistent/orders.jsonl"));
    }
}
