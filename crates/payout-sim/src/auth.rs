//! Reading and authenticating a request as the platform does: a JSON object
//! body, the `merchantNo` header, a `timestamp`, and the MD5 signature in
//! the body or the `sign` header (per region), compared in constant time.
//! Every failure is a message for an outer `8000`.

use std::borrow::Cow;

use http::HeaderMap;
use payout_platform::wire::{MERCHANT_HEADER, SIGN_KEY};
use payout_platform::Scheme;
use payout_platform::SignPlacement;
use serde_json::{Map, Value};

use crate::routes::RegionCtx;
use crate::shared::Shared;

/// Parses the body as a JSON object.
pub(crate) fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, String> {
    let json = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.get(..16)
                .is_some_and(|p| p.eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return Err("Content-Type must be application/json".into());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("request body must be a JSON object".into()),
        Err(e) => Err(format!("request body is not valid JSON: {e}")),
    }
}

/// A scalar field as text; `None` when absent, null, empty or not a scalar.
pub(crate) fn field<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<Cow<'a, str>> {
    let text = match fields.get(key)? {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// Authenticates the request; returns the merchant's index.
///
/// With the brand's [`Scheme::Md5Sorted`] the signature covers the body
/// fields and travels where the region says; with
/// [`Scheme::HmacSha256Body`] it covers the exact body bytes and travels
/// in the scheme's header.
pub(crate) fn authenticate(
    shared: &Shared,
    ctx: &RegionCtx,
    headers: &HeaderMap,
    body: &[u8],
    fields: &Map<String, Value>,
) -> Result<usize, String> {
    let merchant_no = headers
        .get(MERCHANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("missing {MERCHANT_HEADER} header"))?;
    let merchant = shared
        .merchant(merchant_no)
        .ok_or_else(|| format!("merchant {merchant_no} does not exist"))?;
    if field(fields, "timestamp").is_none() {
        return Err("missing required field timestamp".into());
    }
    let scheme = ctx.brand.scheme;
    let header_sign = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                format!("missing {name} header (this region signs in the `{name}` header)")
            })
    };
    let signer = shared.merchants[merchant].signer(ctx.brand_index);
    let (received, expected) = match scheme {
        Scheme::HmacSha256Body { header } => (header_sign(header)?, signer.sign_bytes(body)),
        _ => {
            let received = match scheme.placement(ctx.region.sign) {
                SignPlacement::Header => header_sign(scheme.header())?,
                _ => match fields.get(SIGN_KEY) {
                    Some(Value::String(s)) if !s.is_empty() => s.as_str(),
                    _ => return Err("missing sign field (this region signs in the body)".into()),
                },
            };
            (received, signer.sign_json(fields))
        }
    };
    let expected = expected.map_err(|e| format!("cannot verify the sign: {e}"))?;
    if !expected.matches(received) {
        return Err(match scheme {
            Scheme::HmacSha256Body { .. } => "sign error: the signature does not match (lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the merchant secret)".into(),
            _ => "sign error: the signature does not match (md5 of the body fields except sign and empty values, sorted by key as key=value, followed by the merchant secret)".into(),
        });
    }
    Ok(merchant)
}
