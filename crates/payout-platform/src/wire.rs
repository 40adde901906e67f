//! Writing a signed request: sorted fields, the signature in the body or in
//! the `sign` header, the `merchantNo` header.

use bytes::Bytes;
use payout_core::{Error, SignPlacement};
use payout_transport::{Signer, WireRequest};

use crate::Scheme;

/// Header carrying the merchant number (never signed).
pub const MERCHANT_HEADER: &str = "merchantNo";
/// Field or header carrying the signature.
pub const SIGN_KEY: &str = "sign";

/// Builds the exact request for `fields` (any order; empty values are left
/// out of both the body and the signature).
///
/// # Errors
/// [`Error::Config`] when the signer refuses the fields.
pub fn signed_request(
    url: &str,
    merchant_no: &str,
    scheme: &Scheme,
    placement: SignPlacement,
    signer: &dyn Signer,
    fields: &mut Vec<(&str, &str)>,
) -> Result<WireRequest, Error> {
    fields.retain(|(k, v)| !v.is_empty() && *k != SIGN_KEY);
    if !fields
        .windows(2)
        .all(|w| w[0].0.as_bytes() <= w[1].0.as_bytes())
    {
        fields.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    }
    let mut headers = Vec::with_capacity(2);
    headers.push((MERCHANT_HEADER, merchant_no.to_owned()));
    if let Scheme::HmacSha256Body { header } = scheme {
        let body = write_body(fields, None);
        let sign = signer
            .sign_bytes(&body)
            .map_err(|e| Error::config(format!("cannot sign the request: {e}")))?;
        headers.push((*header, sign.as_str().to_owned()));
        return Ok(WireRequest {
            url: url.to_owned(),
            headers,
            body: Bytes::from(body),
        });
    }
    let sign = signer
        .sign_fields(fields)
        .map_err(|e| Error::config(format!("cannot sign the request: {e}")))?;
    let in_body = placement == SignPlacement::Body;
    if placement == SignPlacement::Header {
        headers.push((SIGN_KEY, sign.as_str().to_owned()));
    }
    let body = write_body(fields, in_body.then(|| sign.as_str()));
    Ok(WireRequest {
        url: url.to_owned(),
        headers,
        body: Bytes::from(body),
    })
}

/// Writes `{"k":"v",...}` with the fields in the given (sorted) order and
/// `sign` at its sorted place when given.
fn write_body(fields: &[(&str, &str)], sign: Option<&str>) -> Vec<u8> {
    let cap = 2
        + fields
            .iter()
            .map(|(k, v)| k.len() + v.len() + 6)
            .sum::<usize>()
        + 42;
    let mut out = Vec::with_capacity(cap);
    out.push(b'{');
    let mut first = true;
    let mut sign = sign;
    let mut put = |out: &mut Vec<u8>, k: &str, v: &str| {
        if !first {
            out.push(b',');
        }
        first = false;
        write_json_str(out, k);
        out.push(b':');
        write_json_str(out, v);
    };
    for (k, v) in fields {
        if let Some(s) = sign {
            if SIGN_KEY.as_bytes() < k.as_bytes() {
                put(&mut out, SIGN_KEY, s);
                sign = None;
            }
        }
        put(&mut out, k, v);
    }
    if let Some(s) = sign {
        put(&mut out, SIGN_KEY, s);
    }
    out.push(b'}');
    out
}

/// Appends `s` as a JSON string literal.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json escapes exactly as JSON requires; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payout_core::Secret;
    use payout_transport::Md5SortedSigner;

    #[test]
    fn body_is_sorted_with_sign_in_place() {
        let s = Md5SortedSigner::new(Secret::new("dbecac55466b4958a2d06069fcf49e18"));
        let mut f = vec![("tradeNo", "test_00000002"), ("timestamp", "1728613320708")];
        let r = signed_request(
            "http://x/q",
            "3060414594",
            &Scheme::Md5Sorted,
            SignPlacement::Body,
            &s,
            &mut f,
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&r.body).unwrap(),
            r#"{"sign":"bf0e0b049174b1fbc55e851ba47ad860","timestamp":"1728613320708","tradeNo":"test_00000002"}"#
        );
        assert_eq!(r.headers, vec![("merchantNo", "3060414594".to_owned())]);
    }

    #[test]
    fn escapes_quotes_and_controls() {
        let body = write_body(&[("a", "x\"y\n")], None);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["a"], "x\"y\n");
    }

    #[test]
    fn header_placement_leaves_body_unsigned() {
        let s = Md5SortedSigner::new(Secret::new("k"));
        let mut f = vec![("timestamp", "1")];
        let r = signed_request(
            "http://x/q",
            "1",
            &Scheme::Md5Sorted,
            SignPlacement::Header,
            &s,
            &mut f,
        )
        .unwrap();
        assert_eq!(&r.body[..], br#"{"timestamp":"1"}"#);
        assert_eq!(r.headers[1].0, "sign");
    }
}
