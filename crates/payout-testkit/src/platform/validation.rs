//! One check per validation rule, over every region of a brand that has
//! the rule. Each asserts that the order is refused before anything is
//! built, with an [`Error::Validation`] naming the field and the rule.
//!
//! A check that finds no region to which its rule applies fails: a check
//! that tests nothing must not pass silently.

use payout_core::{CreatePayout, Decimal, Error, PayoutProvider, TradeNo};
use serde_json::{Map, Value};

use super::orders::{self, order_from, sample_amount, valid_order, wire_values};
use super::{ensure, provider, Check, NOW_MS};
use payout_platform::region::{Brand, NotifyUrlRule, Region, Rule, WireField};
use payout_platform::PlatformProvider;

/// Expects `order` to be refused naming `field`, with `words` in the rule,
/// both by validation and by request building.
///
/// # Errors
/// When the order is accepted or refused for another reason.
pub fn expect_invalid(
    p: &PlatformProvider,
    order: &CreatePayout,
    field: &str,
    words: &str,
) -> Check {
    let ctx = format!("{} {}", p.brand().id, p.region_def().id);
    for (how, result) in [
        ("validate_payout", p.validate_payout(order)),
        ("build_create", p.build_create(order, NOW_MS).map(|_| ())),
    ] {
        let Err(e) = result else {
            return Err(format!(
                "{ctx} {how}: expected invalid {field} (\"{words}\"), but it was accepted"
            ));
        };
        let text = e.to_string();
        let Error::Validation { field: f, rule } = e else {
            return Err(format!(
                "{ctx} {how}: expected invalid {field} (\"{words}\"), got {text}"
            ));
        };
        ensure(f == field && rule.contains(words), || {
            format!("{ctx} {how}: expected {field} to break \"{words}\", got {f}: {rule}")
        })?;
        ensure(text.contains(field), || {
            format!("{ctx} {how}: message does not name {field}: {text}")
        })?;
    }
    Ok(())
}

/// Expects `order` to be accepted and returns the body it builds (without
/// `sign`).
///
/// # Errors
/// When the order is refused.
pub fn expect_valid(p: &PlatformProvider, order: &CreatePayout) -> Check<Map<String, Value>> {
    let ctx = format!("{} {}", p.brand().id, p.region_def().id);
    p.validate_payout(order)
        .map_err(|e| format!("{ctx}: valid order refused: {e}"))?;
    let req = p
        .build_create(order, NOW_MS)
        .map_err(|e| format!("{ctx}: valid order not built: {e}"))?;
    let mut body: Map<String, Value> =
        serde_json::from_slice(&req.body).map_err(|e| format!("{ctx}: body: {e}"))?;
    body.remove("sign");
    Ok(body)
}

/// Every required field of every region, left out, is refused naming its
/// wire name and "is required" (fields with a default cannot be missing).
///
/// # Errors
/// On the first region that accepts an order without a required field.
pub fn required_fields(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        expect_valid(&p, &valid_order(row)?)?;
        for field in required(row) {
            let mut values = wire_values(row);
            values.remove(field.wire);
            let order = order_from(row, &values, sample_amount(&row.amount))?;
            expect_invalid(&p, &order, field.wire, "is required")?;
            checked += 1;
        }
    }
    ensure(checked > 0, || {
        format!("{} has no required field", brand.id)
    })
}

/// Integer-only regions refuse `100.50`-style amounts ("whole number") and
/// send a whole amount written with zero decimals (`10000.00`) without them.
///
/// # Errors
/// When an integer-only region accepts a fraction or mis-sends a whole amount.
pub fn integer_amounts(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand.regions.iter().filter(|r| r.amount.scale == 0) {
        let p = provider(brand, row.id)?;
        let whole = sample_amount(&row.amount);
        for fraction in [Decimal::new(10050, 2), whole + Decimal::new(50, 2)] {
            expect_invalid(&p, &with_amount(row, fraction)?, "amount", "whole number")?;
        }
        let mut padded = whole;
        padded.rescale(2);
        let body = expect_valid(&p, &with_amount(row, padded)?)?;
        let sent = body.get("amount").and_then(Value::as_str);
        ensure(sent == Some(&whole.to_string()), || {
            format!("{}: {padded} sent as {sent:?}, not {whole}", row.id)
        })?;
        checked += 1;
    }
    ensure(checked > 0, || {
        format!("{} has no integer region", brand.id)
    })
}

/// Two-decimal regions refuse a third decimal and send exactly two
/// (`100.5` goes out as `100.50`).
///
/// # Errors
/// When a decimal region accepts three decimals or mis-sends the scale.
pub fn decimal_amounts(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand.regions.iter().filter(|r| r.amount.scale == 2) {
        let p = provider(brand, row.id)?;
        let base = Decimal::from(row.amount.min.unwrap_or(100).max(100));
        let three = base + Decimal::new(505, 3);
        expect_invalid(
            &p,
            &with_amount(row, three)?,
            "amount",
            "at most 2 decimal places",
        )?;
        let body = expect_valid(&p, &with_amount(row, base + Decimal::new(5, 1))?)?;
        let want = format!("{base}.50");
        let sent = body.get("amount").and_then(Value::as_str);
        ensure(sent == Some(want.as_str()), || {
            format!("{}: {base}.5 sent as {sent:?}, not {want}", row.id)
        })?;
        checked += 1;
    }
    ensure(checked > 0, || {
        format!("{} has no decimal region", brand.id)
    })
}

/// Zero and negative amounts, amounts under an inclusive minimum, at an
/// exclusive minimum, and over a maximum are refused; the bounds
/// themselves (where inclusive) are accepted.
///
/// # Errors
/// When a bound is not enforced, or needs a region kind the brand lacks.
pub fn amount_bounds(brand: &'static Brand) -> Check {
    let (mut min, mut exclusive, mut max) = (0, 0, 0);
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        for bad in [Decimal::ZERO, Decimal::NEGATIVE_ONE] {
            expect_invalid(&p, &with_amount(row, bad)?, "amount", "greater than zero")?;
        }
        let rule = row.amount;
        if let Some(m) = rule.min {
            let at = Decimal::from(m);
            if rule.min_exclusive {
                expect_invalid(&p, &with_amount(row, at)?, "amount", "more than")?;
                expect_valid(&p, &with_amount(row, at + Decimal::ONE)?)?;
                exclusive += 1;
            } else {
                if m > 1 {
                    let below = at - Decimal::ONE;
                    expect_invalid(&p, &with_amount(row, below)?, "amount", "at least")?;
                }
                expect_valid(&p, &with_amount(row, at)?)?;
                min += 1;
            }
        }
        if let Some(m) = rule.max {
            let at = Decimal::from(m);
            expect_invalid(
                &p,
                &with_amount(row, at + Decimal::ONE)?,
                "amount",
                "at most",
            )?;
            expect_valid(&p, &with_amount(row, at)?)?;
            max += 1;
        }
    }
    ensure(min > 0 && exclusive > 0 && max > 0, || {
        format!(
            "{}: bounds not all exercised (min {min}, exclusive min {exclusive}, max {max})",
            brand.id
        )
    })
}

/// `Digits(n, m)` fields refuse letters and lengths outside `n..=m`.
///
/// # Errors
/// On the first field that accepts a bad value.
pub fn digits_rule(brand: &'static Brand) -> Check {
    rule_violations(brand, "Digits", |rule| match rule {
        Rule::Digits(min, max) => {
            let (min, max) = (usize::from(min), usize::from(max));
            let mut letters = orders::digits(min);
            letters.replace_range(min.saturating_sub(1).., "x");
            let mut bad = vec![letters, orders::digits(max + 1)];
            if min > 1 {
                bad.push(orders::digits(min - 1));
            }
            Some((bad, "digits"))
        }
        _ => None,
    })
}

/// `Len(n)` fields refuse other lengths.
///
/// # Errors
/// On the first field that accepts a bad value.
pub fn len_rule(brand: &'static Brand) -> Check {
    rule_violations(brand, "Len", |rule| match rule {
        Rule::Len(n) => {
            let n = usize::from(n);
            let short = "A".repeat(n.saturating_sub(1).max(1));
            Some((vec![short, "A".repeat(n + 1)], "characters"))
        }
        _ => None,
    })
}

/// `OneOf` fields refuse values outside their list.
///
/// # Errors
/// On the first field that accepts a bad value.
pub fn one_of_rule(brand: &'static Brand) -> Check {
    rule_violations(brand, "OneOf", |rule| match rule {
        Rule::OneOf(options) => {
            let lower = options
                .first()
                .map(|o| o.to_lowercase())
                .unwrap_or_default();
            Some((vec!["NOT_LISTED".to_owned(), lower], "must be one of"))
        }
        _ => None,
    })
}

/// `Email` fields refuse text that is not an e-mail address.
///
/// # Errors
/// On the first field that accepts a bad value.
pub fn email_rule(brand: &'static Brand) -> Check {
    rule_violations(brand, "Email", |rule| match rule {
        Rule::Email => Some((
            vec![
                "payee.example.com".to_owned(),
                "@example.com".to_owned(),
                "payee@localhost".to_owned(),
            ],
            "e-mail",
        )),
        _ => None,
    })
}

/// `AsciiLetters` fields refuse accents and digits.
///
/// # Errors
/// On the first field that accepts a bad value.
pub fn ascii_letters_rule(brand: &'static Brand) -> Check {
    rule_violations(brand, "AsciiLetters", |rule| match rule {
        Rule::AsciiLetters => Some((
            vec!["Nguyễn Văn An".to_owned(), "Agent 007".to_owned()],
            "ASCII letters",
        )),
        _ => None,
    })
}

/// Regions that require a notify URL refuse an order without one, and
/// one that is not an `http(s)://` URL or contains whitespace.
///
/// # Errors
/// When such a region accepts a missing or bad notify URL.
pub fn notify_url_required(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand
        .regions
        .iter()
        .filter(|r| r.notify_url != NotifyUrlRule::Optional)
    {
        let p = provider(brand, row.id)?;
        let mut order = valid_order(row)?;
        order.notify_url = None;
        expect_invalid(&p, &order, "notify_url", "is required")?;
        for bad in [
            "ftp://merchant.example/n",
            "merchant.example/n",
            "https://a b/n",
        ] {
            let order = valid_order(row)?.notify_url(bad);
            expect_invalid(&p, &order, "notify_url", "must be an")?;
        }
        checked += 1;
    }
    ensure(checked > 0, || {
        format!("{}: no region requires notifyUrl", brand.id)
    })
}

/// Regions that require `https` refuse an `http://` notify URL.
///
/// # Errors
/// When such a region accepts `http://`, or the brand has none.
pub fn notify_url_https_only(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand
        .regions
        .iter()
        .filter(|r| r.notify_url == NotifyUrlRule::RequiredHttps)
    {
        let p = provider(brand, row.id)?;
        let order = valid_order(row)?.notify_url("http://merchant.example/notify");
        expect_invalid(&p, &order, "notify_url", "https://")?;
        checked += 1;
    }
    ensure(checked > 0, || {
        format!("{}: no https-only region", brand.id)
    })
}

/// Regions where the notify URL is optional accept an order without one
/// and send no `notifyUrl`; every other region accepts `http://`.
///
/// # Errors
/// When an optional region refuses, or sends `notifyUrl` anyway.
pub fn notify_url_optional(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        match row.notify_url {
            NotifyUrlRule::Optional => {
                let mut order = valid_order(row)?;
                order.notify_url = None;
                let body = expect_valid(&p, &order)?;
                ensure(!body.contains_key("notifyUrl"), || {
                    format!("{}: notifyUrl sent although none given", row.id)
                })?;
                checked += 1;
            }
            NotifyUrlRule::Required => {
                expect_valid(
                    &p,
                    &valid_order(row)?.notify_url("http://merchant.example/n"),
                )?;
            }
            NotifyUrlRule::RequiredHttps => {}
        }
    }
    ensure(checked > 0, || {
        format!("{}: no optional-notifyUrl region", brand.id)
    })
}

/// Regions that require `remark` refuse none and an empty one; the others
/// accept none and send no `remark`.
///
/// # Errors
/// When a region gets it wrong, or none requires a remark.
pub fn remark_required(brand: &'static Brand) -> Check {
    let mut checked = 0;
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        let mut order = valid_order(row)?;
        order.remark = None;
        if row.remark_required {
            expect_invalid(&p, &order, "remark", "is required")?;
            order.remark = Some(String::new());
            expect_invalid(&p, &order, "remark", "is required")?;
            checked += 1;
        } else {
            let body = expect_valid(&p, &order)?;
            ensure(!body.contains_key("remark"), || {
                format!("{}: remark sent although none given", row.id)
            })?;
        }
    }
    ensure(checked > 0, || {
        format!("{}: no region requires remark", brand.id)
    })
}

/// An `extra` entry may not set a protocol field (`amount`, `notifyUrl`,
/// `remark`, `sign`, `timestamp`, `tradeNo`) in any region.
///
/// # Errors
/// When an extra overrides a reserved field.
pub fn reserved_extras(brand: &'static Brand) -> Check {
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        for key in [
            "amount",
            "notifyUrl",
            "remark",
            "sign",
            "timestamp",
            "tradeNo",
        ] {
            let order = valid_order(row)?.extra(key, "1");
            expect_invalid(&p, &order, key, "cannot be set as an extra field")?;
        }
    }
    ensure(!brand.regions.is_empty(), || {
        format!("{} has no region", brand.id)
    })
}

/// A trade number longer than 32 characters (the platform's limit) is
/// refused before anything is sent, in validation, create and query; 32
/// characters are sent as they are in every region.
///
/// # Errors
/// When a 33-character trade number is accepted anywhere.
pub fn trade_no_length(brand: &'static Brand) -> Check {
    let long = TradeNo::new("T".repeat(33)).map_err(|e| e.to_string())?;
    let max = "T".repeat(32);
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        let mut order = valid_order(row)?;
        order.trade_no = long.clone();
        match p.validate_payout(&order) {
            Err(Error::Validation { field, rule })
                if field == "trade_no" && rule.contains("at most 32") => {}
            other => return Err(format!("{}: 33-character trade number: {other:?}", row.id)),
        }
        order.trade_no = TradeNo::new(max.clone()).map_err(|e| e.to_string())?;
        let body = expect_valid(&p, &order)?;
        ensure(
            body.get("tradeNo").and_then(Value::as_str) == Some(&max),
            || format!("{}: 32-character tradeNo not sent as is", row.id),
        )?;
    }
    Ok(())
}

fn required(row: &Region) -> impl Iterator<Item = &WireField> {
    row.payout_fields
        .iter()
        .filter(|f| f.required && f.default.is_none())
}

fn with_amount(row: &Region, amount: Decimal) -> Check<CreatePayout> {
    order_from(row, &wire_values(row), amount)
}

/// For every field whose rule `bad_values` knows, each bad value is refused
/// naming the field and containing the expected words.
fn rule_violations(
    brand: &'static Brand,
    name: &str,
    bad_values: impl Fn(Rule) -> Option<(Vec<String>, &'static str)>,
) -> Check {
    let mut checked = 0;
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        for field in row.payout_fields {
            let Some((bad, words)) = bad_values(field.rule) else {
                continue;
            };
            for value in bad {
                let mut values = wire_values(row);
                values.insert(field.wire, value);
                let order = order_from(row, &values, sample_amount(&row.amount))?;
                expect_invalid(&p, &order, field.wire, words)?;
            }
            checked += 1;
        }
    }
    ensure(checked > 0, || format!("{} has no {name} field", brand.id))
}
