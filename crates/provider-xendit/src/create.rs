//! The create body (spec §3.1, D5, D13, D14): a provider-neutral
//! [`CreatePayout`] checked against the region's rules and written with a
//! fixed field order and number format, so that the same order always
//! gives the same bytes (a retry under the same `Idempotency-key` must be
//! byte-identical).

use std::collections::BTreeMap;

use payout_core::{Beneficiary, CreatePayout, Decimal, Error};
use payout_transport::json::JsonWriter;

use crate::region::Region;

/// Prefix of the extras that fill `metadata` (`metadata.<key>`).
pub const METADATA_PREFIX: &str = "metadata.";
/// The extra that fills `description` when the order has no remark.
pub const DESCRIPTION_EXTRA: &str = "description";

/// Longest `account_number`, `account_holder_name` and `description`.
const MAX_TEXT: usize = 100;
/// Metadata limits: keys, key length, value length.
const MAX_METADATA_KEYS: usize = 50;
const MAX_METADATA_KEY: usize = 40;
const MAX_METADATA_VALUE: usize = 500;

/// The checked parts of an order, as sent.
#[derive(Debug)]
pub(crate) struct Payout<'a> {
    pub channel_code: &'a str,
    pub account_number: &'a str,
    pub account_holder_name: String,
    pub amount: Decimal,
    pub description: Option<&'a str>,
    pub metadata: BTreeMap<&'a str, &'a str>,
}

/// Checks `order` against `region`'s rules.
///
/// # Errors
/// [`Error::Validation`] naming the field and the rule. Personal data
/// (account numbers, names) is never quoted, only its length.
pub(crate) fn check<'a>(region: &Region, order: &'a CreatePayout) -> Result<Payout<'a>, Error> {
    let (channel_field, channel_code, account_field, account_number) = match &order.beneficiary {
        Beneficiary::BankAccount {
            bank_code,
            account_no,
            account_type,
        } => {
            if account_type.as_deref().is_some_and(|t| !t.is_empty()) {
                return Err(Error::validation(
                    "account_type",
                    format!(
                        "is not used by Xendit Payouts v2 in {}; leave it empty",
                        region.id
                    ),
                ));
            }
            ("bank_code", bank_code, "account_no", account_no)
        }
        Beneficiary::EWallet { wallet, wallet_id } => ("wallet", wallet, "wallet_id", wallet_id),
        _ => {
            return Err(Error::validation(
                "beneficiary",
                "Xendit pays bank accounts and e-wallets: use Beneficiary::BankAccount \
                 (bank_code = channel code such as ID_BCA) or Beneficiary::EWallet \
                 (wallet = channel code such as PH_GCASH)",
            ))
        }
    };
    check_channel(region, channel_field, channel_code)?;
    text_rule(
        account_field,
        account_number,
        "the account number or mobile number",
    )?;

    let name = match (
        &order.contact.name,
        &order.contact.first_name,
        &order.contact.last_name,
    ) {
        (Some(n), _, _) if !n.is_empty() => n.clone(),
        (_, Some(f), Some(l)) if !f.is_empty() && !l.is_empty() => format!("{f} {l}"),
        _ => {
            return Err(Error::validation(
                "contact.name",
                "is required: Xendit needs the account holder's name as registered at the bank or e-wallet (account_holder_name)",
            ))
        }
    };
    text_rule("contact.name", &name, "the account holder's name")?;

    let amount = check_amount(region, order.amount)?;

    let description = match order.remark.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(("remark", r)),
        None => order
            .extra
            .get(DESCRIPTION_EXTRA)
            .map(String::as_str)
            .filter(|d| !d.is_empty())
            .map(|d| (DESCRIPTION_EXTRA, d)),
    };
    if let Some((field, d)) = description {
        text_rule(field, d, "the description")?;
    }

    let mut metadata = BTreeMap::new();
    for (key, value) in &order.extra {
        if key == DESCRIPTION_EXTRA {
            continue;
        }
        let Some(name) = key.strip_prefix(METADATA_PREFIX) else {
            return Err(Error::validation(
                key.as_str(),
                format!(
                    "is not a field Xendit Payouts v2 takes from extras; use `{DESCRIPTION_EXTRA}` \
                     or `{METADATA_PREFIX}<key>` (free metadata)"
                ),
            ));
        };
        if name.is_empty() || name.chars().count() > MAX_METADATA_KEY {
            return Err(Error::validation(
                key.as_str(),
                format!("metadata keys must be 1 to {MAX_METADATA_KEY} characters"),
            ));
        }
        if value.chars().count() > MAX_METADATA_VALUE {
            return Err(Error::validation(
                key.as_str(),
                format!("metadata values must be at most {MAX_METADATA_VALUE} characters"),
            ));
        }
        if !value.is_empty() {
            metadata.insert(name, value.as_str());
        }
    }
    if metadata.len() > MAX_METADATA_KEYS {
        return Err(Error::validation(
            "metadata",
            format!("at most {MAX_METADATA_KEYS} keys (got {})", metadata.len()),
        ));
    }
    if order.notify_url.is_some() {
        tracing::debug!(
            "notify_url is not sent: Xendit delivers webhooks to the URL set in its dashboard"
        );
    }
    Ok(Payout {
        channel_code,
        account_number,
        account_holder_name: name,
        amount,
        description: description.map(|(_, d)| d),
        metadata,
    })
}

/// The channel code must be the region's: its prefix, then upper-case
/// letters, digits and `_`.
fn check_channel(region: &Region, field: &str, code: &str) -> Result<(), Error> {
    let rest = code.strip_prefix(region.channel_prefix).unwrap_or("");
    let ok = !rest.is_empty()
        && code.len() <= MAX_TEXT
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        return Ok(());
    }
    let example = if region.channel_prefix == "ID_" {
        "ID_BCA, ID_MANDIRI, ID_OVO"
    } else {
        "PH_BDO, PH_GCASH, PH_PAYMAYA"
    };
    Err(Error::validation(
        field,
        format!(
            "must be a Xendit channel code of {} starting with {} (such as {example}; see GET /payouts_channels), got {:?}",
            region.id,
            region.channel_prefix,
            payout_core::error::excerpt(code.as_bytes(), 40)
        ),
    ))
}

/// 1 to 100 characters, no control characters. The value is not quoted.
fn text_rule(field: &str, value: &str, what: &str) -> Result<(), Error> {
    let n = value.chars().count();
    if n == 0 || n > MAX_TEXT {
        return Err(Error::validation(
            field,
            format!("{what} must be 1 to {MAX_TEXT} characters (got {n})"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            format!("{what} must not contain control characters"),
        ));
    }
    Ok(())
}

/// D5: more than zero; IDR whole, PHP at most two decimals; the minimal
/// form is sent (`1.1`, `100`), never rounded.
fn check_amount(region: &Region, amount: Decimal) -> Result<Decimal, Error> {
    let currency = region.currency;
    if amount <= Decimal::ZERO {
        return Err(Error::validation(
            "amount",
            format!("must be more than zero (got {amount} {currency})"),
        ));
    }
    let normal = amount.normalize();
    if normal.scale() > region.decimals {
        let rule = if region.decimals == 0 {
            format!("must be a whole number of {currency} for Xendit (got {amount})")
        } else {
            format!(
                "must have at most {} decimal places for {currency} (got {amount}); round it yourself, the SDK never does",
                region.decimals
            )
        };
        return Err(Error::validation("amount", rule));
    }
    Ok(normal)
}

/// The exact body: `reference_id`, `channel_code`, `channel_properties`
/// (`account_number`, `account_holder_name`), `amount` (a JSON number in
/// minimal form), `currency`, then `description` and `metadata` when given.
pub(crate) fn body(region: &Region, order: &CreatePayout, payout: &Payout<'_>) -> Vec<u8> {
    let mut w = JsonWriter::object(256);
    w.str("reference_id", order.trade_no.as_str())
        .str("channel_code", payout.channel_code)
        .begin_object("channel_properties")
        .str("account_number", payout.account_number)
        .str("account_holder_name", &payout.account_holder_name)
        .end()
        .decimal("amount", payout.amount)
        .str("currency", region.currency.as_str());
    if let Some(d) = payout.description {
        w.str("description", d);
    }
    if !payout.metadata.is_empty() {
        w.begin_object("metadata");
        for (k, v) in &payout.metadata {
            w.str(k, v);
        }
        w.end();
    }
    w.finish()
}
