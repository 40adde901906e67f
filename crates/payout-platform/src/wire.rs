//! Writing a signed request: sorted fields, the signature in the body or in
//! the `sign` header, the `merchantNo` header.

use std::cmp::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderValue;
use payout_core::Error;

use crate::scheme::SignPlacement;
use payout_transport::json::JsonWriter;
use payout_transport::{HeaderList, RequestUrl, Signer, WireRequest};

use crate::Scheme;

/// Header carrying the merchant number (never signed).
pub const MERCHANT_HEADER: &str = "merchantNo";
/// Field or header carrying the signature.
pub const SIGN_KEY: &str = "sign";

/// The headers of every request of one merchant account (`merchantNo`),
/// built once per provider and shared by its requests.
///
/// # Errors
/// [`Error::Config`] when `merchant_no` cannot be a header value (it must
/// be the digits the provider issued).
pub fn merchant_headers(merchant_no: &str) -> Result<HeaderList, Error> {
    let mut value = HeaderValue::from_str(merchant_no).map_err(|_| {
        Error::config(format!(
            "merchant number {merchant_no:?} cannot be sent in a header; it must be the digits the provider issued (PAYOUT_MERCHANT_NO)"
        ))
    })?;
    // An account number: no HTTP library's log, and no `Debug`, shows it.
    value.set_sensitive(true);
    Ok(Arc::new([(MERCHANT_HEADER, value)]))
}

/// Builds the exact request for `fields` (any order; empty values and a
/// `sign` field are left out of both the body and the signature). The
/// fields are sorted in place when they are not sorted already.
///
/// `url` and `merchant_headers` (from [`merchant_headers`]) are shared with
/// the request, not copied; a signature header is appended to them when
/// the scheme or `placement` puts the signature there.
///
/// # Errors
/// [`Error::Config`] when the signer refuses the fields.
pub fn signed_request(
    url: &RequestUrl,
    merchant_headers: &HeaderList,
    scheme: &Scheme,
    placement: SignPlacement,
    signer: &dyn Signer,
    fields: &mut [(&str, &str)],
) -> Result<WireRequest, Error> {
    if !fields.windows(2).all(|w| key_order(w[0].0, w[1].0).is_le()) {
        fields.sort_unstable_by(|a, b| key_order(a.0, b.0));
    }
    let fields = &*fields;
    let cannot_sign =
        |e: &dyn std::fmt::Display| Error::config(format!("cannot sign the request: {e}"));
    if let Scheme::HmacSha256Body { header } = scheme {
        let body = write_body(fields, None);
        let sign = signer.sign_bytes(&body).map_err(|e| cannot_sign(&e))?;
        return Ok(WireRequest::post(
            url.clone(),
            with_header(merchant_headers, header, sign.as_str())?,
            body,
        ));
    }
    let sign = signer.sign_fields(fields).map_err(|e| cannot_sign(&e))?;
    let in_body = placement == SignPlacement::Body;
    let headers = if placement == SignPlacement::Header {
        with_header(merchant_headers, SIGN_KEY, sign.as_str())?
    } else {
        Arc::clone(merchant_headers)
    };
    let body = write_body(fields, in_body.then(|| sign.as_str()));
    Ok(WireRequest::post(url.clone(), headers, body))
}

/// `headers` plus the signature header (hex digits are always a valid
/// value), in one allocation.
fn with_header(headers: &HeaderList, name: &'static str, sign: &str) -> Result<HeaderList, Error> {
    let mut value = HeaderValue::from_str(sign)
        .map_err(|_| Error::config("the signature is not a valid header value"))?;
    // Not a secret, but a credential for this one request: no HTTP
    // library's log may print it.
    value.set_sensitive(true);
    Ok(headers
        .iter()
        .cloned()
        .chain(std::iter::once((name, value)))
        .collect())
}

/// Byte order of keys, deciding on the first byte without a `memcmp`
/// call when it differs (it nearly always does).
fn key_order(a: &str, b: &str) -> Ordering {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.as_bytes().cmp(b.as_bytes()),
    }
}

/// Whether `(k, v)` goes into the body.
fn sent(&(k, v): &(&str, &str)) -> bool {
    !v.is_empty() && k != SIGN_KEY
}

/// Writes `{"k":"v",...}` with the fields in the given (sorted) order,
/// skipping empty values and `sign` fields, and `sign` at its sorted place
/// when given.
///
/// The body is allocated once at its exact size and written by
/// [`JsonWriter::str_entries`]: plain copies checked in one pass, written
/// again with escapes only when some key or value needs them (never, for
/// the platform's fields).
fn write_body(fields: &[(&str, &str)], sign: Option<&str>) -> Bytes {
    // `{` `}` and, per entry, `"k":"v",` (one comma too many: the last one
    // stands for the closing brace).
    let mut len = 1 + sign.map_or(0, |s| SIGN_KEY.len() + s.len() + 6);
    for (k, v) in fields.iter().filter(|f| sent(f)) {
        len += k.len() + v.len() + 6;
    }
    let mut w = JsonWriter::object(len.max(2));
    w.str_entries(Entries { fields, sign });
    // With length == capacity, `Bytes` takes the buffer over without a
    // second allocation.
    Bytes::from(w.finish())
}

/// The entries of the body in order: the sent fields, and `sign` at its
/// sorted place.
#[derive(Clone)]
struct Entries<'a> {
    fields: &'a [(&'a str, &'a str)],
    sign: Option<&'a str>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, &'a str);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        while let Some((&(k, v), rest)) = self.fields.split_first() {
            if !sent(&(k, v)) {
                self.fields = rest;
                continue;
            }
            if let Some(s) = self.sign {
                if key_order(SIGN_KEY, k).is_lt() {
                    self.sign = None;
                    return Some((SIGN_KEY, s));
                }
            }
            self.fields = rest;
            return Some((k, v));
        }
        self.sign.take().map(|s| (SIGN_KEY, s))
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
        let mut f = [
            ("tradeNo", "test_00000002"),
            ("sign", "stale"),
            ("remark", ""),
            ("timestamp", "1728613320708"),
        ];
        let r = signed_request(
            &RequestUrl::parse("http://x/q").unwrap(),
            &merchant_headers("3060414594").unwrap(),
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
        assert_eq!(
            r.headers[..],
            [("merchantNo", HeaderValue::from_static("3060414594"))]
        );
        assert_eq!(&*r.url, "http://x/q");
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
        let mut f = [("timestamp", "1")];
        let r = signed_request(
            &RequestUrl::parse("http://x/q").unwrap(),
            &merchant_headers("1").unwrap(),
            &Scheme::Md5Sorted,
            SignPlacement::Header,
            &s,
            &mut f,
        )
        .unwrap();
        assert_eq!(&r.body[..], br#"{"timestamp":"1"}"#);
        assert_eq!(r.headers[1].0, "sign");
        assert_eq!(r.header("sign").map(str::len), Some(32));
    }

    #[test]
    fn body_escapes_exactly_as_serde_json() {
        for len in [1, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    let v = String::from_utf8_lossy(&v).into_owned();
                    for key_len in [1, 4, 9] {
                        let k = "k".repeat(key_len);
                        let body = write_body(&[(k.as_str(), v.as_str())], Some("abc"));
                        let want = serde_json::to_string(
                            &serde_json::json!({ k.as_str(): v, SIGN_KEY: "abc" }),
                        )
                        .unwrap();
                        assert_eq!(
                            std::str::from_utf8(&body).unwrap(),
                            want,
                            "byte {b:#x} at {at} of {len}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn body_is_canonical_json() {
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("a", "1")],
            &[("a", "x\"y\n"), ("b", "\u{e9}t\u{e9}"), ("c", "")],
            &[("amount", "10"), ("tradeNo", "t\\1")],
        ];
        for fields in cases {
            for sign in [None, Some("abc")] {
                let body = write_body(fields, sign);
                let mut map = serde_json::Map::new();
                for (k, v) in fields.iter().filter(|f| !f.1.is_empty()) {
                    map.insert((*k).into(), (*v).into());
                }
                if let Some(s) = sign {
                    map.insert(SIGN_KEY.into(), s.into());
                }
                assert_eq!(
                    std::str::from_utf8(&body).unwrap(),
                    serde_json::to_string(&map).unwrap(),
                    "{fields:?} {sign:?}"
                );
            }
        }
    }
}
