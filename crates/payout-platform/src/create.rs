//! Mapping a provider-neutral [`CreatePayout`] to a region's wire fields,
//! with every rule of the region checked before anything is sent.

use std::borrow::Cow;

use payout_core::{Beneficiary, CreatePayout, Decimal, Error};

use crate::region::{NotifyUrlRule, Region, Rule, Source, WireField};

/// Protocol fields an `extra` entry may not override.
const RESERVED: &[&str] = &[
    "amount",
    "notifyUrl",
    "remark",
    "sign",
    "timestamp",
    "tradeNo",
];

/// The unsigned fields of a payout body, in no particular order.
pub type Fields<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// Checks `order` against `region`'s rules and returns its wire fields
/// (without `timestamp` and `sign`).
///
/// # Errors
/// [`Error::Validation`] naming the field and the rule it breaks.
pub fn payout_fields<'a>(
    provider: &str,
    region: &'a Region,
    order: &'a CreatePayout,
) -> Result<Fields<'a>, Error> {
    let ctx = |rule: String| format!("{rule} for {provider} {} payouts", region.id);
    let mut out: Fields<'a> = Vec::with_capacity(region.payout_fields.len() + 6);

    out.push((
        "amount",
        Cow::Owned(
            amount_text(region, order.amount).map_err(|r| Error::validation("amount", ctx(r)))?,
        ),
    ));
    out.push(("tradeNo", Cow::Borrowed(order.trade_no.as_str())));

    match (&order.notify_url, region.notify_url) {
        (None, NotifyUrlRule::Optional) => {}
        (None, _) => return Err(Error::validation("notify_url", ctx("is required".into()))),
        (Some(url), rule) => {
            let https_only = rule == NotifyUrlRule::RequiredHttps;
            let ok = url.starts_with("https://") || (!https_only && url.starts_with("http://"));
            if !ok || url.chars().any(char::is_whitespace) {
                let want = if https_only {
                    "an https:// URL"
                } else {
                    "an http:// or https:// URL"
                };
                return Err(Error::validation(
                    "notify_url",
                    ctx(format!("must be {want} (got {url:?})")),
                ));
            }
            out.push(("notifyUrl", Cow::Borrowed(url)));
        }
    }
    match order.remark.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => out.push(("remark", Cow::Borrowed(r))),
        None if region.remark_required => {
            return Err(Error::validation("remark", ctx("is required".into())))
        }
        None => {}
    }

    for field in region.payout_fields {
        let value = source_value(field, order)
            .or_else(|| {
                order
                    .extra
                    .get(field.wire)
                    .map(|v| Cow::Borrowed(v.as_str()))
            })
            .filter(|v| !v.is_empty())
            .or_else(|| field.default.map(Cow::Borrowed));
        match value {
            Some(v) => {
                check_rule(field, &v).map_err(|r| Error::validation(field.wire, ctx(r)))?;
                out.push((field.wire, v));
            }
            None if field.required => {
                return Err(Error::validation(
                    field.wire,
                    ctx(format!("is required ({})", hint(field.source, field.wire))),
                ));
            }
            None => {}
        }
    }

    for (key, value) in &order.extra {
        if RESERVED.contains(&key.as_str()) {
            return Err(Error::validation(
                key.as_str(),
                format!("cannot be set as an extra field; use the typed {key} of the order"),
            ));
        }
        if !out.iter().any(|(k, _)| *k == key.as_str()) && !value.is_empty() {
            tracing::debug!(field = %key, region = region.id, "passing through an extra field the region table does not list");
            out.push((key.as_str(), Cow::Borrowed(value.as_str())));
        }
    }
    Ok(out)
}

/// The amount as sent: integers without decimals, others with exactly the
/// region's decimal places. Checks scale and bounds.
fn amount_text(region: &Region, amount: Decimal) -> Result<String, String> {
    let rule = region.amount;
    if amount <= Decimal::ZERO {
        return Err(format!("must be greater than zero (got {amount})"));
    }
    let normal = amount.normalize();
    if normal.scale() > rule.scale {
        return Err(if rule.scale == 0 {
            format!(
                "must be a whole number of {} (got {amount})",
                region.currency
            )
        } else {
            format!(
                "must have at most {} decimal places (got {amount})",
                rule.scale
            )
        });
    }
    if let Some(min) = rule.min_decimal() {
        if rule.min_exclusive && normal <= min {
            return Err(format!(
                "must be more than {min} {} (got {amount})",
                region.currency
            ));
        }
        if !rule.min_exclusive && normal < min {
            return Err(format!(
                "must be at least {min} {} (got {amount})",
                region.currency
            ));
        }
    }
    if let Some(max) = rule.max {
        if normal > Decimal::from(max) {
            return Err(format!(
                "must be at most {max} {} (got {amount})",
                region.currency
            ));
        }
    }
    let mut sent = normal;
    sent.rescale(rule.scale);
    Ok(sent.to_string())
}

fn source_value<'a>(field: &WireField, order: &'a CreatePayout) -> Option<Cow<'a, str>> {
    let c = &order.contact;
    let b = |s: &'a String| Some(Cow::Borrowed(s.as_str()));
    let o = |s: &'a Option<String>| s.as_deref().map(Cow::Borrowed);
    match (field.source, &order.beneficiary) {
        (Source::BankCode, Beneficiary::BankAccount { bank_code, .. }) => b(bank_code),
        (Source::BankCode, Beneficiary::EWallet { wallet, .. }) => b(wallet),
        (Source::AccountNo, Beneficiary::BankAccount { account_no, .. }) => b(account_no),
        (Source::AccountNo, Beneficiary::EWallet { wallet_id, .. }) => b(wallet_id),
        (Source::AccountNo, Beneficiary::Pix { key, .. }) => b(key),
        (Source::AccountNo, Beneficiary::MobileMoney { mobile }) => b(mobile),
        (Source::AccountType, Beneficiary::BankAccount { account_type, .. }) => o(account_type),
        (Source::AccountType, Beneficiary::EWallet { .. }) => Some(Cow::Borrowed("WALLET")),
        (Source::AccountType, Beneficiary::Pix { key_type, .. }) => b(key_type),
        (Source::Mobile, Beneficiary::MobileMoney { mobile }) => b(mobile),
        (Source::Mobile, _) => o(&c.mobile),
        (Source::Name, _) => o(&c.name).or_else(|| match (&c.first_name, &c.last_name) {
            (Some(f), Some(l)) => Some(Cow::Owned(format!("{f} {l}"))),
            _ => None,
        }),
        (Source::FirstName, _) => o(&c.first_name),
        (Source::LastName, _) => o(&c.last_name),
        (Source::Email, _) => o(&c.email),
        (Source::IdType, _) => o(&c.id_type),
        (Source::IdNumber, _) => o(&c.id_number),
        _ => None,
    }
}

fn hint(source: Source, wire: &str) -> String {
    let typed = match source {
        Source::BankCode => "the beneficiary's bank_code or wallet",
        Source::AccountNo => "the beneficiary's account_no, wallet_id, PIX key or mobile",
        Source::AccountType => "the beneficiary's account_type or PIX key_type",
        Source::Name => "contact.name",
        Source::FirstName => "contact.first_name",
        Source::LastName => "contact.last_name",
        Source::Mobile => "contact.mobile",
        Source::Email => "contact.email",
        Source::IdType => "contact.id_type",
        Source::IdNumber => "contact.id_number",
        Source::Extra => return format!("set extra field {wire:?}"),
    };
    format!("set {typed}, or extra field {wire:?}")
}

fn check_rule(field: &WireField, v: &str) -> Result<(), String> {
    match field.rule {
        Rule::Any => Ok(()),
        Rule::Digits(min, max) => {
            let n = v.len();
            if v.bytes().all(|b| b.is_ascii_digit())
                && n >= usize::from(min)
                && n <= usize::from(max)
            {
                Ok(())
            } else if min == max {
                Err(format!("must be exactly {min} digits (got {})", shape(v)))
            } else {
                Err(format!("must be {min} to {max} digits (got {})", shape(v)))
            }
        }
        Rule::Len(n) => {
            if v.chars().count() == usize::from(n) {
                Ok(())
            } else {
                Err(format!("must be exactly {n} characters (got {})", shape(v)))
            }
        }
        Rule::OneOf(options) => {
            if options.contains(&v) {
                Ok(())
            } else {
                Err(format!("must be one of {} (got {v:?})", options.join(", ")))
            }
        }
        Rule::AsciiLetters => {
            if v.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
                Ok(())
            } else {
                Err(format!(
                    "must contain ASCII letters and spaces only (got {})",
                    shape(v)
                ))
            }
        }
        Rule::Email => match v.split_once('@') {
            Some((user, host))
                if !user.is_empty() && host.contains('.') && !host.ends_with('.') =>
            {
                Ok(())
            }
            _ => Err(format!(
                "must be an e-mail address (got {})",
                payout_core::redact::mask_email(v)
            )),
        },
    }
}

/// What a refused value looks like, without the value (account numbers,
/// phones, names and identity numbers never reach an error message or a
/// log): its length and the kinds of characters it holds.
fn shape(v: &str) -> String {
    let n = v.chars().count();
    let mut kinds = Vec::new();
    if v.chars().any(|c| c.is_ascii_digit()) {
        kinds.push("digits");
    }
    if v.chars().any(|c| c.is_ascii_alphabetic()) {
        kinds.push("letters");
    }
    if v.chars().any(char::is_whitespace) {
        kinds.push("spaces");
    }
    if v.chars()
        .any(|c| !c.is_ascii_alphanumeric() && !c.is_whitespace())
    {
        kinds.push("other characters");
    }
    let kinds = if kinds.is_empty() {
        "nothing".to_owned()
    } else {
        kinds.join(", ")
    };
    format!("{n} characters: {kinds}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::{Rule, Source, WireField};

    #[test]
    fn refused_values_are_described_never_quoted() {
        let account = WireField::req("bankNumber", Source::AccountNo).rule(Rule::Digits(10, 16));
        let e = check_rule(&account, "0812-3456-7890").unwrap_err();
        assert!(!e.contains("0812") && !e.contains("7890"), "{e}");
        assert!(e.contains("14 characters: digits, other characters"), "{e}");
        let name = WireField::req("name", Source::Name).rule(Rule::AsciiLetters);
        let e = check_rule(&name, "Kévin Ng").unwrap_err();
        assert!(!e.contains("vin"), "{e}");
        let email = WireField::req("email", Source::Email).rule(Rule::Email);
        let e = check_rule(&email, "kevin.example.com").unwrap_err();
        assert!(!e.contains("kevin"), "{e}");
    }
}
