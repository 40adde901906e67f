//! Verifying and reading notify callbacks (spec §7).

use payout_core::{CallbackError, CallbackSigning, PayoutUpdate};
use payout_transport::Signer;
use serde_json::Value;

use crate::data::{read_status, text};
use crate::region::Region;
use crate::wire::SIGN_KEY;
use crate::Scheme;

/// Verifies a callback's signature over the fields as received (constant
/// time) and reads it.
///
/// # Errors
/// [`CallbackError::Malformed`] (not a flat JSON object, missing or bad
/// fields), [`CallbackError::MissingSignature`], [`CallbackError::BadSignature`],
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
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| CallbackError::Malformed(format!("not JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(CallbackError::Malformed("not a JSON object".into()));
    };
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
                _ => signer.sign_json(&fields),
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
