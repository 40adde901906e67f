//! The checks of a create request (spec §3.1) and the idempotency
//! comparison of two requests (parsed JSON, numbers by value).

use payout_core::{parse_amount, Decimal};
use serde_json::{Map, Value};

use super::channels::{self, Channel};
use super::error::ApiError;

/// A create request that passed every check.
pub(crate) struct NewPayout {
    pub reference_id: String,
    pub channel: &'static Channel,
    pub account_number: String,
    pub account_holder_name: String,
    pub account_type: Option<String>,
    pub amount: Decimal,
    pub description: Option<String>,
    pub receipt_notification: Option<String>,
    pub metadata: Option<String>,
}

/// The longest `Idempotency-key`.
pub(crate) const MAX_IDEMPOTENCY_KEY: usize = 100;

/// Field errors, collected.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push((path.to_owned(), message.into()));
    }

    /// A string of `min..=max` characters at `path` (`None` and a problem
    /// when absent and `required`, or of another type or length).
    fn string<'a>(
        &mut self,
        value: Option<&'a Value>,
        path: &str,
        max: usize,
        required: bool,
    ) -> Option<&'a str> {
        match value {
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.add(
                    path,
                    format!("{path} is required (a string of 1-{max} characters)"),
                );
                None
            }
            Some(Value::String(s)) => {
                let n = s.chars().count();
                if n == 0 || n > max {
                    self.add(
                        path,
                        format!("{path} must be 1-{max} characters long (got {n})"),
                    );
                    None
                } else {
                    Some(s)
                }
            }
            Some(_) => {
                self.add(path, format!("{path} must be a string"));
                None
            }
        }
    }
}

fn json_len(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        other => other.to_string().chars().count(),
    }
}

fn check_metadata(p: &mut Problems, v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".to_owned()),
        Value::Object(m) => {
            if m.len() > 50 {
                p.add(
                    "metadata",
                    format!("metadata has {} keys; at most 50 are allowed", m.len()),
                );
            }
            for (k, v) in m {
                if k.chars().count() > 40 {
                    p.add(
                        "metadata",
                        format!("metadata key {k:?} is longer than 40 characters"),
                    );
                }
                if json_len(v) > 500 {
                    p.add(
                        "metadata",
                        format!("metadata value of {k:?} is longer than 500 characters"),
                    );
                }
            }
            Some(v.to_string())
        }
        _ => {
            p.add("metadata", "metadata must be an object or null");
            None
        }
    }
}

fn check_receipt(p: &mut Problems, v: &Value) -> Option<String> {
    let Value::Object(m) = v else {
        p.add(
            "receipt_notification",
            "receipt_notification must be an object",
        );
        return None;
    };
    for key in ["email_to", "email_cc", "email_bcc"] {
        let path = format!("receipt_notification.{key}");
        match m.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                if list.len() > 3 {
                    p.add(
                        &path,
                        format!(
                            "{path} lists {} addresses; at most 3 are allowed",
                            list.len()
                        ),
                    );
                }
                if !list.iter().all(|e| {
                    e.as_str()
                        .is_some_and(|s| s.contains('@') && s.len() <= 254)
                }) {
                    p.add(&path, format!("{path} must list e-mail addresses"));
                }
            }
            Some(_) => p.add(
                &path,
                format!("{path} must be an array of e-mail addresses"),
            ),
        }
    }
    Some(v.to_string())
}

/// Checks a create body.
pub(crate) fn create(fields: &Map<String, Value>) -> Result<NewPayout, ApiError> {
    let mut p = Problems::default();
    let reference_id = p.string(fields.get("reference_id"), "reference_id", 255, true);
    let channel_code = p.string(fields.get("channel_code"), "channel_code", 255, true);
    let currency = p.string(fields.get("currency"), "currency", 3, true);
    let description = p.string(fields.get("description"), "description", 100, false);
    let (mut account_number, mut holder, mut account_type) = (None, None, None);
    match fields.get("channel_properties") {
        Some(Value::Object(cp)) => {
            account_number = p.string(
                cp.get("account_number"),
                "channel_properties.account_number",
                100,
                true,
            );
            holder = p.string(
                cp.get("account_holder_name"),
                "channel_properties.account_holder_name",
                100,
                true,
            );
            account_type = p.string(
                cp.get("account_type"),
                "channel_properties.account_type",
                100,
                false,
            );
        }
        None | Some(Value::Null) => p.add(
            "channel_properties",
            "channel_properties is required (an object with account_number and account_holder_name)",
        ),
        Some(_) => p.add("channel_properties", "channel_properties must be an object"),
    }
    let amount = match fields.get("amount") {
        Some(Value::Number(n)) if n.to_string().starts_with('-') => {
            p.add("amount", format!("amount must be 0 or more (got {n})"));
            None
        }
        Some(Value::Number(n)) => match parse_amount(&n.to_string()) {
            Ok(a) => Some(a),
            Err(_) => {
                p.add(
                    "amount",
                    format!("amount {n} is not an exact decimal number"),
                );
                None
            }
        },
        None | Some(Value::Null) => {
            p.add("amount", "amount is required (a JSON number)");
            None
        }
        Some(_) => {
            p.add(
                "amount",
                "amount must be a JSON number, not a string (e.g. 10000 or 1.11)",
            );
            None
        }
    };
    let metadata = fields
        .get("metadata")
        .and_then(|v| check_metadata(&mut p, v));
    let receipt_notification = match fields.get("receipt_notification") {
        None | Some(Value::Null) => None,
        Some(v) => check_receipt(&mut p, v),
    };
    let (
        Some(reference_id),
        Some(channel_code),
        Some(currency),
        Some(account_number),
        Some(holder),
        Some(amount),
        true,
    ) = (
        reference_id,
        channel_code,
        currency,
        account_number,
        holder,
        amount,
        p.0.is_empty(),
    )
    else {
        let message =
            p.0.first()
                .map_or_else(|| "invalid request".to_owned(), |(_, m)| m.clone());
        let mut e = ApiError::validation(message);
        e.errors = p.0;
        return Err(e);
    };
    let channel = channels::channel(channel_code).ok_or_else(|| {
        ApiError::bad_request(
            "CHANNEL_CODE_NOT_SUPPORTED",
            format!("channel_code {channel_code} is not supported; GET /payouts_channels lists the channels"),
        )
    })?;
    if currency != channel.currency {
        return Err(ApiError::validation(format!(
            "currency {currency} does not match channel {}, which pays in {}",
            channel.code, channel.currency
        )));
    }
    let places = channels::decimal_places(currency);
    if amount.normalize().scale() > places {
        return Err(ApiError::validation(if places == 0 {
            format!(
                "amount {amount} {currency} must be a whole number ({currency} has no decimals)"
            )
        } else {
            format!("amount {amount} {currency} has more than {places} decimal places")
        }));
    }
    if amount < channel.minimum {
        return Err(ApiError::bad_request(
            "MINIMUM_TRANSFER_LIMIT_ERROR",
            format!(
                "amount {amount} {currency} is below the minimum of {} for {}",
                channel.minimum, channel.code
            ),
        ));
    }
    if amount > channel.maximum {
        return Err(ApiError::bad_request(
            "MAXIMUM_TRANSFER_LIMIT_ERROR",
            format!(
                "amount {amount} {currency} is above the maximum of {} for {}",
                channel.maximum, channel.code
            ),
        ));
    }
    if !(amount % channel.minimum_increment).is_zero() {
        return Err(ApiError::bad_request(
            "AMOUNT_INCREMENT_NOT_SUPPORTED",
            format!(
                "amount {amount} {currency} is not a multiple of {}, the increment of {}",
                channel.minimum_increment, channel.code
            ),
        ));
    }
    Ok(NewPayout {
        reference_id: reference_id.to_owned(),
        channel,
        account_number: account_number.to_owned(),
        account_holder_name: holder.to_owned(),
        account_type: account_type.map(str::to_owned),
        amount,
        description: description.map(str::to_owned),
        receipt_notification,
        metadata,
    })
}

/// The `Idempotency-key` header: 1-100 characters.
pub(crate) fn idempotency_key(headers: &http::HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    match key {
        None => Err(ApiError::validation(
            "the Idempotency-key header is required on POST /v2/payouts (1-100 characters, e.g. the reference_id)",
        )),
        Some(k) if k.is_empty() || k.chars().count() > MAX_IDEMPOTENCY_KEY => Err(
            ApiError::validation(format!(
                "the Idempotency-key header must be 1-{MAX_IDEMPOTENCY_KEY} visible ASCII characters"
            )),
        ),
        Some(k) => Ok(k),
    }
}

/// Whether two request bodies are the same request: equal as parsed JSON,
/// numbers compared by value (`10000` equals `10000.0`).
pub(crate) fn same_request(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || matches!(
                    (parse_amount(&x.to_string()), parse_amount(&y.to_string())),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Object(x), Value::Object(y)) => same_request(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn order(channel: &str, currency: &str, amount: &str) -> Map<String, Value> {
        let text = format!(
            r#"{{"reference_id":"r1","channel_code":"{channel}","currency":"{currency}","amount":{amount},
               "channel_properties":{{"account_number":"000000000099","account_holder_name":"Michael Chen"}}}}"#
        );
        serde_json::from_str(&text).unwrap()
    }

    fn code(m: &Map<String, Value>) -> &'static str {
        create(m).err().map_or("OK", |e| e.code)
    }

    #[test]
    fn amount_rules() {
        assert_eq!(code(&order("ID_BCA", "IDR", "10000")), "OK");
        assert_eq!(code(&order("ID_BCA", "IDR", "10000.0")), "OK");
        assert_eq!(
            code(&order("ID_BCA", "IDR", "10000.5")),
            "API_VALIDATION_ERROR"
        );
        assert_eq!(code(&order("PH_GCASH", "PHP", "1.11")), "OK");
        assert_eq!(
            code(&order("PH_GCASH", "PHP", "1.111")),
            "API_VALIDATION_ERROR"
        );
        assert_eq!(
            code(&order("PH_GCASH", "IDR", "100")),
            "API_VALIDATION_ERROR"
        );
        assert_eq!(
            code(&order("ID_GOPAY", "IDR", "9999")),
            "MINIMUM_TRANSFER_LIMIT_ERROR"
        );
        assert_eq!(
            code(&order("ID_GOPAY", "IDR", "20000001")),
            "MAXIMUM_TRANSFER_LIMIT_ERROR"
        );
        assert_eq!(
            code(&order("PH_AUB", "PHP", "1.5")),
            "AMOUNT_INCREMENT_NOT_SUPPORTED"
        );
        assert_eq!(
            code(&order("ID_NOPE", "IDR", "10000")),
            "CHANNEL_CODE_NOT_SUPPORTED"
        );
        assert_eq!(code(&order("ID_BCA", "IDR", "-5")), "API_VALIDATION_ERROR");
        assert_eq!(
            code(&order("ID_BCA", "IDR", "\"10000\"")),
            "API_VALIDATION_ERROR"
        );
        assert_eq!(code(&order("ID_BCA", "IDR", "1e4")), "OK");
    }

    #[test]
    fn shape_errors_name_every_field() {
        let e = create(&body(serde_json::json!({"reference_id": "", "amount": 1})))
            .err()
            .unwrap();
        assert_eq!(e.code, "API_VALIDATION_ERROR");
        let paths: Vec<&str> = e.errors.iter().map(|(p, _)| p.as_str()).collect();
        for want in [
            "reference_id",
            "channel_code",
            "currency",
            "channel_properties",
        ] {
            assert!(paths.contains(&want), "{paths:?}");
        }
        let mut m = order("ID_BCA", "IDR", "10000");
        m.insert("description".into(), Value::String(String::new()));
        assert_eq!(code(&m), "API_VALIDATION_ERROR");
        let mut m = order("ID_BCA", "IDR", "10000");
        m.insert(
            "receipt_notification".into(),
            serde_json::json!({"email_to": ["a@b.co", "c@d.co", "e@f.co", "g@h.co"]}),
        );
        assert_eq!(code(&m), "API_VALIDATION_ERROR");
        let mut m = order("ID_BCA", "IDR", "10000");
        m.insert("metadata".into(), serde_json::json!({"k": "x".repeat(501)}));
        assert_eq!(code(&m), "API_VALIDATION_ERROR");
    }

    #[test]
    fn same_request_by_value() {
        let a = order("ID_BCA", "IDR", "10000");
        let b = order("ID_BCA", "IDR", "10000.00");
        let c = order("ID_BCA", "IDR", "10001");
        assert!(same_request(&a, &b));
        assert!(!same_request(&a, &c));
        let mut d = a.clone();
        d.insert("description".into(), Value::String("x".into()));
        assert!(!same_request(&a, &d));
    }
}
