//! Masking personal data for `Debug` output, logs and error messages.
//!
//! Account numbers, wallet numbers, PIX keys, identity numbers, names,
//! phone numbers and e-mail addresses never appear in full anywhere the
//! SDK writes. These helpers give the masked forms, chosen to keep just
//! enough to tell two values apart while debugging:
//!
//! | value | helper | example |
//! |---|---|---|
//! | account, wallet or identity number, PIX key | [`mask_account`] | `1234567890` → `****7890` |
//! | name, free text, any other value | [`mask_text`] | `Kevin Smith` → `K***` |
//! | e-mail address | [`mask_email`] | `kevin@example.com` → `k***@example.com` |
//! | phone number | [`mask_phone`] | `+6281234567890` → `***90` |
//!
//! The masks have a fixed width (`****`, `***`), so they do not reveal the
//! length of what they hide. Empty values stay empty, so that "missing"
//! can still be told from "present" while debugging. Characters are
//! counted as Unicode scalar values, never bytes, so no mask splits a
//! character.
//!
//! ```
//! use payout_core::redact::{mask_account, mask_email, mask_phone, mask_text};
//! assert_eq!(mask_account("5464438554636"), "****4636");
//! assert_eq!(mask_text("kevin"), "k***");
//! assert_eq!(mask_email("kevin@example.com"), "k***@example.com");
//! assert_eq!(mask_phone("08123456789"), "***89");
//! ```

/// Characters of an account-like value kept at the end.
const ACCOUNT_KEPT: usize = 4;
/// Shortest account-like value whose last characters are shown: below
/// this, showing four would show half of it or more.
const ACCOUNT_MIN_SHOWN: usize = 8;
/// Characters of a phone number kept at the end.
const PHONE_KEPT: usize = 2;
/// Shortest phone number whose last digits are shown.
const PHONE_MIN_SHOWN: usize = 6;
/// Shortest text whose first character is shown.
const TEXT_MIN_SHOWN: usize = 4;

/// Masks an account number, wallet number, PIX key or identity document
/// number: `****` followed by its last 4 characters. A value shorter than
/// 8 characters is fully masked (`****`); an empty one stays empty.
///
/// ```
/// use payout_core::redact::mask_account;
/// assert_eq!(mask_account("1234567890"), "****7890");
/// assert_eq!(mask_account("1234567"), "****");
/// assert_eq!(mask_account(""), "");
/// ```
pub fn mask_account(value: &str) -> String {
    let count = value.chars().count();
    match count {
        0 => String::new(),
        n if n < ACCOUNT_MIN_SHOWN => "****".to_owned(),
        n => {
            let tail: String = value.chars().skip(n - ACCOUNT_KEPT).collect();
            format!("****{tail}")
        }
    }
}

/// Masks a name or any other free text: its first character and `***`
/// (`Kevin` → `K***`). A value shorter than 4 characters is fully masked
/// (`***`); an empty one stays empty.
///
/// ```
/// use payout_core::redact::mask_text;
/// assert_eq!(mask_text("Kevin Smith"), "K***");
/// assert_eq!(mask_text("Jo"), "***");
/// assert_eq!(mask_text("Ýmir"), "Ý***");
/// ```
pub fn mask_text(value: &str) -> String {
    let mut chars = value.chars();
    match (chars.next(), value.chars().count()) {
        (None, _) => String::new(),
        (Some(first), n) if n >= TEXT_MIN_SHOWN => format!("{first}***"),
        (Some(_), _) => "***".to_owned(),
    }
}

/// Masks an e-mail address: the local part as [`mask_text`], the domain
/// kept (`kevin@example.com` → `k***@example.com`). The domain is kept
/// because it tells a typo in the address (`gmial.com`) apart from a
/// provider refusal, and it names a mail service, not a person. Text
/// without `@` is masked as [`mask_text`].
///
/// ```
/// use payout_core::redact::mask_email;
/// assert_eq!(mask_email("kevin@example.com"), "k***@example.com");
/// assert_eq!(mask_email("al@example.com"), "***@example.com");
/// assert_eq!(mask_email("not an address"), "n***");
/// ```
pub fn mask_email(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((local, domain)) => format!("{}@{domain}", mask_text(local)),
        None => mask_text(value),
    }
}

/// Masks a phone number: `***` followed by its last 2 characters
/// (`08123456789` → `***89`). A value shorter than 6 characters is fully
/// masked (`***`); an empty one stays empty.
///
/// ```
/// use payout_core::redact::mask_phone;
/// assert_eq!(mask_phone("+254712345678"), "***78");
/// assert_eq!(mask_phone("12345"), "***");
/// ```
pub fn mask_phone(value: &str) -> String {
    let count = value.chars().count();
    match count {
        0 => String::new(),
        n if n < PHONE_MIN_SHOWN => "***".to_owned(),
        n => {
            let tail: String = value.chars().skip(n - PHONE_KEPT).collect();
            format!("***{tail}")
        }
    }
}

/// Parts of a JSON key that mark its value as personal data or a secret
/// (compared without case, `_` and `-`): the value is replaced by
/// [`REDACTED`] in [`redact_json`].
pub const SENSITIVE_KEY_PARTS: &[&str] = &[
    "account",
    "name",
    "email",
    "mail",
    "mobile",
    "phone",
    "sign",
    "secret",
    "token",
    "key",
    "password",
    "auth",
    "cert",
    "idnumber",
    "document",
    "pix",
    "wallet",
    "address",
    "ip",
    "birth",
    "card",
    "iban",
    "holder",
    "remark",
    "description",
    "notes",
];

/// What [`redact_json`] puts in place of a sensitive value.
pub const REDACTED: &str = "***";

/// Whether a JSON key names personal data or a secret (see
/// [`SENSITIVE_KEY_PARTS`]).
///
/// ```
/// use payout_core::redact::is_sensitive_key;
/// assert!(is_sensitive_key("bankAccountNo"));
/// assert!(is_sensitive_key("account_holder_name"));
/// assert!(!is_sensitive_key("tradeNo"));
/// assert!(!is_sensitive_key("amount"));
/// ```
pub fn is_sensitive_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SENSITIVE_KEY_PARTS.iter().any(|part| folded.contains(part))
}

/// A JSON body with every value under a sensitive key ([`is_sensitive_key`],
/// at any depth, objects and arrays included) replaced by [`REDACTED`], for
/// audit logs. Trade numbers, amounts, codes and states stay readable. A
/// body that is not JSON is described by its length only, as it cannot be
/// told what it holds.
///
/// ```
/// use payout_core::redact::redact_json;
/// let body = br#"{"tradeNo":"PO-1","amount":"100.00","bankAccount":"5464438554636","name":"Kevin","sign":"ab12"}"#;
/// assert_eq!(
///     redact_json(body),
///     r#"{"amount":"100.00","bankAccount":"***","name":"***","sign":"***","tradeNo":"PO-1"}"#
/// );
/// assert_eq!(redact_json(b"<html>5464438554636</html>"), "<26 bytes, not JSON>");
/// assert_eq!(redact_json(b""), "");
/// ```
pub fn redact_json(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact_value(&mut value);
            value.to_string()
        }
        Err(_) => format!("<{} bytes, not JSON>", body.len()),
    }
}

fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_sensitive_key(key) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_value(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// An optional value masked with `mask`, for hand-written `Debug` impls.
pub(crate) fn masked_opt(value: Option<&String>, mask: fn(&str) -> String) -> Option<String> {
    value.map(|v| mask(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_have_a_fixed_width_and_keep_little() {
        assert_eq!(mask_account("12345678"), "****5678");
        assert_eq!(mask_account("ééééééé9"), "****ééé9");
        assert_eq!(mask_text("abc"), "***");
        assert_eq!(mask_text(""), "");
        assert_eq!(mask_email("@x.com"), "@x.com");
        assert_eq!(mask_email("ab@cd@example.com"), "a***@example.com");
        assert_eq!(mask_phone("123456"), "***56");
        assert_eq!(mask_phone(""), "");
    }

    proptest! {
        /// No mask ever holds the whole of a value long enough to hide
        /// something, and no mask depends on more than its documented
        /// kept characters.
        #[test]
        fn never_reveals_the_value(v in "[a-zA-Z0-9@.+ é]{3,40}") {
            for masked in [mask_account(&v), mask_text(&v), mask_phone(&v)] {
                prop_assert!(!masked.contains(v.as_str()), "{:?} -> {:?}", v, masked);
                prop_assert!(masked.chars().count() <= 8);
            }
        }
    }
}
