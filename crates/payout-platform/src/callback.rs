//! Verifying and reading notify callbacks (spec §7).

use payout_core::{CallbackError, CallbackSigning, PayoutUpdate};
use payout_transport::Signer;
use serde_json::{Map, Value};

use crate::data::{read_status, text};
use crate::json_object::read_object;
use crate::region::Region;
use crate::wire::SIGN_KEY;
use crate::Scheme;

/// Verifies a callback's signature over the fields as received (constant
/// time) and reads it.
///
/// The signature covers each field's received text (strings as-is,
/// numbers as their exact JSON digits), and the amount is read from that
/// same text exactly: an amount that is not plain decimal digits, or that
/// a decimal could only hold rounded, makes the callback malformed even
/// when its signature matches. A key repeated at the top level (two
/// `amount`s, say) is malformed too: the sender and a JSON library that
/// keeps the last value would disagree on what was signed.
///
/// # Errors
/// [`CallbackError::Malformed`] (not a flat JSON object, a repeated key,
/// missing or bad fields), [`CallbackError::MissingSignature`], [`CallbackError::BadSignature`],
/// or [`CallbackError::Unsigned`] (carrying the untrusted content) for a
/// region that does not sign callbacks.
pub fn verify(
    provider: &'static str,
    region: &Region,
    scheme: &Scheme,
    signer: &dyn Signer,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<PayoutUpdate, CallbackError> {
    let object = read_object(body).map_err(|e| CallbackError::Malformed(e.to_string()))?;
    let mut fields = object.fields;
    let header_sign = || {
        headers
            .get(scheme.header())
            .and_then(|h| h.to_str().ok())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let received = match scheme {
        Scheme::HmacSha256Body { .. } => header_sign(),
        _ => match fields.remove(SIGN_KEY) {
            Some(Value::String(s)) if !s.is_empty() => Some(s),
            Some(Value::Null) | None => header_sign(),
            Some(Value::String(_)) => None,
            Some(_) => return Err(CallbackError::Malformed("`sign` is not a string".into())),
        },
    };
    let verified = match &received {
        Some(sign) => {
            let mine = match scheme {
                Scheme::HmacSha256Body { .. } => signer.sign_bytes(body),
                _ if object.number_texts.is_empty() => signer.sign_json(&fields),
                _ => signer.sign_json(&as_received(&fields, &object.number_texts)),
            }
            .map_err(|e| CallbackError::Malformed(e.to_string()))?;
            if !mine.matches(sign) {
                return Err(CallbackError::BadSignature);
            }
            true
        }
        None if region.callback == CallbackSigning::Signed => {
            return Err(CallbackError::MissingSignature)
        }
        None => false,
    };
    let status = read_status(provider, region.currency, region.zone, &fields, None)
        .map_err(|e| CallbackError::Malformed(e.0))?;
    let sent_at_ms = fields
        .get("timestamp")
        .and_then(text)
        .and_then(|t| t.trim().parse().ok());
    let update = PayoutUpdate::new(status, sent_at_ms);
    if verified {
        Ok(update)
    } else {
        Err(CallbackError::Unsigned(Box::new(update)))
    }
}

/// `fields` with each number of `texts` replaced by the text it was
/// received with (as a string, which the signing rule takes as-is), so
/// that the signature is checked over exactly what was sent.
fn as_received(fields: &Map<String, Value>, texts: &[(String, String)]) -> Map<String, Value> {
    let mut exact = fields.clone();
    for (key, text) in texts {
        if let Some(v) = exact.get_mut(key) {
            *v = Value::String(text.clone());
        }
    }
    exact
}
