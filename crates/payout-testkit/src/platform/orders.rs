//! Valid payout orders for any region, generated from the region's row:
//! one value per [`WireField`] by its [`Rule`], an amount that fits its
//! [`AmountRule`].

use std::collections::BTreeMap;

use payout_core::{Beneficiary, Contact, CreatePayout, Decimal, TradeNo};

use super::Check;
use payout_platform::region::{AmountRule, Region, Rule, Source, WireField};

/// Trade number of generated orders.
pub const TRADE_NO: &str = "PO20241011120000001";
/// Notify URL of generated orders (https, so it suits every region).
pub const NOTIFY_URL: &str = "https://merchant.example/payout/notify";
/// Remark of generated orders.
pub const REMARK: &str = "payout";

/// Wire values of an order, by wire name.
pub type WireValues = BTreeMap<&'static str, String>;

/// `n` digits (`0812345678...`).
pub fn digits(n: usize) -> String {
    "0812345678".chars().cycle().take(n).collect()
}

/// A value that satisfies `field`'s rule.
pub fn sample_value(field: &WireField) -> String {
    match field.rule {
        Rule::Digits(min, _) => digits(usize::from(min)),
        Rule::Len(n) => "HDFC0001234".chars().cycle().take(usize::from(n)).collect(),
        Rule::OneOf(options) => options.first().copied().unwrap_or_default().to_owned(),
        Rule::AsciiLetters => "Nguyen Van An".to_owned(),
        Rule::Email => "payee@example.com".to_owned(),
        Rule::Any => match field.source {
            Source::BankCode => "0002".to_owned(),
            Source::AccountNo => "5464438554636".to_owned(),
            Source::AccountType => "BANK".to_owned(),
            Source::Name => "Kevin Tan".to_owned(),
            Source::FirstName => "Kevin".to_owned(),
            Source::LastName => "Tan".to_owned(),
            Source::Mobile => "081245907765".to_owned(),
            Source::Email => "payee@example.com".to_owned(),
            Source::IdType => "DNI".to_owned(),
            Source::IdNumber => "12345678".to_owned(),
            Source::Extra => format!("{}-1", field.wire),
            // A source added to the platform later: a plain value, which the
            // request snapshots then show.
            _ => format!("{}-1", field.wire),
        },
        // A rule added to the platform later: digits satisfy most formats.
        _ => digits(10),
    }
}

/// An amount that fits `rule`: its minimum (at least 100), below its
/// maximum, with a fraction (`.5`) where decimals are accepted.
pub fn sample_amount(rule: &AmountRule) -> Decimal {
    let floor = rule
        .min
        .map_or(100, |m| if rule.min_exclusive { m + 1 } else { m })
        .max(100);
    let whole = rule.max.map_or(floor, |max| floor.min(max));
    let amount = Decimal::from(whole);
    let below_max = match rule.max {
        Some(max) => whole < max,
        None => true,
    };
    if rule.scale > 0 && below_max {
        amount + Decimal::new(5, 1)
    } else {
        amount
    }
}

/// A value for every field of `region` that has no default (optional
/// fields included, so snapshots show the whole mapping).
pub fn wire_values(region: &Region) -> WireValues {
    region
        .payout_fields
        .iter()
        .filter(|f| f.default.is_none())
        .map(|f| (f.wire, sample_value(f)))
        .collect()
}

/// Builds the order that carries `values` for `region`: each value goes to
/// the typed place its field's [`Source`] reads (beneficiary, contact) or,
/// for [`Source::Extra`], to `extra` under the wire name.
///
/// The beneficiary is a bank account when the region asks for a bank code,
/// a PIX key when it asks for an account type without one, an e-wallet
/// when it asks for an account number only, and mobile money otherwise.
///
/// # Errors
/// When [`TRADE_NO`] is not a valid trade number.
pub fn order_from(region: &Region, values: &WireValues, amount: Decimal) -> Check<CreatePayout> {
    let has = |s: Source| region.payout_fields.iter().any(|f| f.source == s);
    let get = |s: Source| {
        region
            .payout_fields
            .iter()
            .filter(|f| f.source == s)
            .find_map(|f| values.get(f.wire).cloned())
    };
    let beneficiary = if has(Source::BankCode) {
        Beneficiary::BankAccount {
            bank_code: get(Source::BankCode).unwrap_or_default(),
            account_no: get(Source::AccountNo).unwrap_or_default(),
            account_type: get(Source::AccountType),
        }
    } else if has(Source::AccountType) {
        Beneficiary::Pix {
            key_type: get(Source::AccountType).unwrap_or_default(),
            key: get(Source::AccountNo).unwrap_or_default(),
        }
    } else if has(Source::AccountNo) {
        Beneficiary::EWallet {
            wallet: String::new(),
            wallet_id: get(Source::AccountNo).unwrap_or_default(),
        }
    } else {
        Beneficiary::MobileMoney {
            mobile: get(Source::Mobile).unwrap_or_default(),
        }
    };
    let contact = Contact {
        name: get(Source::Name),
        first_name: get(Source::FirstName),
        last_name: get(Source::LastName),
        mobile: get(Source::Mobile),
        email: get(Source::Email),
        id_type: get(Source::IdType),
        id_number: get(Source::IdNumber),
    };
    let trade_no = TradeNo::new(TRADE_NO).map_err(|e| e.to_string())?;
    let mut order = CreatePayout::new(trade_no, amount, beneficiary)
        .notify_url(NOTIFY_URL)
        .remark(REMARK)
        .contact(contact);
    for field in region.payout_fields {
        if field.source == Source::Extra {
            if let Some(v) = values.get(field.wire) {
                order = order.extra(field.wire, v.clone());
            }
        }
    }
    Ok(order)
}

/// A valid order for `region`: [`wire_values`] and [`sample_amount`].
///
/// # Errors
/// As [`order_from`].
pub fn valid_order(region: &Region) -> Check<CreatePayout> {
    order_from(region, &wire_values(region), sample_amount(&region.amount))
}
