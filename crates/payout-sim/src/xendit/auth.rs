//! Xendit's authentication (spec §1): HTTP Basic with the secret key as
//! username and an empty password, compared in constant time; and the
//! `for-user-id` header naming a sub-account.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use http::HeaderMap;
use payout_core::Secret;
use subtle::ConstantTimeEq;

use super::error::ApiError;

const HOW: &str =
    "send Authorization: Basic base64(\"<secret key>:\") (the key as username, an empty password)";

/// Checks the `Authorization` header against `key`. The messages never
/// repeat what was received.
pub(crate) fn authenticate(headers: &HeaderMap, key: &Secret) -> Result<(), ApiError> {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(format!(
            "API key is required; {HOW}"
        )));
    };
    let value = value.to_str().unwrap_or_default().trim();
    let encoded = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("basic") => rest.trim(),
        _ => {
            return Err(ApiError::unauthorized(format!(
                "the Authorization header is not HTTP Basic; {HOW}"
            )))
        }
    };
    let decoded = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .map_err(|_| {
            ApiError::unauthorized(format!("the Basic credentials are not valid base64; {HOW}"))
        })?;
    let Some(colon) = decoded.iter().position(|b| *b == b':') else {
        return Err(ApiError::unauthorized(format!(
            "the Basic credentials have no ':' after the key; {HOW}"
        )));
    };
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    let matches: bool = user.ct_eq(key.expose().as_bytes()).into();
    if !matches {
        return Err(ApiError::unauthorized(
            "Invalid API key: the secret key is not this simulator's (see XENDIT_TEST_SECRET_KEY)",
        ));
    }
    if !password.is_empty() {
        return Err(ApiError::unauthorized(format!(
            "the Basic password must be empty; {HOW}"
        )));
    }
    Ok(())
}

/// The longest `for-user-id` accepted.
const MAX_FOR_USER_ID: usize = 100;

/// The `for-user-id` header: `None` when absent, the sub-account id when
/// it is 1-100 ASCII letters, digits, `-` or `_`.
pub(crate) fn for_user_id(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("for-user-id") else {
        return Ok(None);
    };
    let id = v.to_str().unwrap_or_default();
    let ok = !id.is_empty()
        && id.len() <= MAX_FOR_USER_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(ApiError::validation(format!(
            "for-user-id must be a sub-account id of 1-{MAX_FOR_USER_ID} letters, digits, '-' or '_'"
        )));
    }
    Ok(Some(id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::AUTHORIZATION, auth.parse().unwrap());
        h
    }

    #[test]
    fn basic_with_empty_password() {
        let key = Secret::new("xnd_k");
        let ok = format!("Basic {}", STANDARD.encode("xnd_k:"));
        assert!(authenticate(&headers(&ok), &key).is_ok());
        let lower = format!("basic {}", STANDARD_NO_PAD.encode("xnd_k:"));
        assert!(authenticate(&headers(&lower), &key).is_ok());
        for bad in [
            format!("Basic {}", STANDARD.encode("xnd_x:")),
            format!("Basic {}", STANDARD.encode("xnd_k:pw")),
            format!("Basic {}", STANDARD.encode("xnd_k")),
            "Bearer xnd_k".to_owned(),
            "Basic !!!".to_owned(),
        ] {
            let e = authenticate(&headers(&bad), &key).unwrap_err();
            assert_eq!(e.code, "INVALID_API_KEY");
            assert!(!e.message.contains("xnd_x"), "{}", e.message);
        }
        assert!(authenticate(&HeaderMap::new(), &key).is_err());
    }

    #[test]
    fn for_user_ids() {
        let mut h = HeaderMap::new();
        assert_eq!(for_user_id(&h).unwrap(), None);
        h.insert("for-user-id", "5f9a3fbd571a1c4068aa40ce".parse().unwrap());
        assert_eq!(
            for_user_id(&h).unwrap().as_deref(),
            Some("5f9a3fbd571a1c4068aa40ce")
        );
        h.insert("for-user-id", "a b".parse().unwrap());
        assert!(for_user_id(&h).is_err());
    }
}
