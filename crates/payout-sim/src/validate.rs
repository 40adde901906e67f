//! The platform's checks of a create request, from the region's row:
//! `tradeNo`, `amount` (scale and bounds), `notifyUrl`, `remark` and the
//! presence of every required beneficiary field.

use std::borrow::Cow;

use payout_core::{parse_amount, Decimal};
use payout_platform::MAX_TRADE_NO_LEN;
use payout_platform::{NotifyUrlRule, Region};
use serde_json::{Map, Value};

use crate::auth::field;

/// A create request that passed the checks.
#[derive(Debug)]
pub(crate) struct NewPayout<'a> {
    pub amount: Decimal,
    pub notify_url: Option<Cow<'a, str>>,
    pub remark: Option<Cow<'a, str>>,
}

/// Checks a trade number.
pub(crate) fn trade_no(t: &str) -> Result<(), String> {
    if t.len() > MAX_TRADE_NO_LEN {
        return Err(format!(
            "tradeNo must be at most {MAX_TRADE_NO_LEN} characters"
        ));
    }
    Ok(())
}

/// Checks the fields of a create request in `region`.
pub(crate) fn create<'a>(
    region: &Region,
    fields: &'a Map<String, Value>,
) -> Result<NewPayout<'a>, String> {
    let ccy = region.currency;
    let text = field(fields, "amount").ok_or("missing required field amount")?;
    let amount =
        parse_amount(&text).map_err(|_| format!("amount {text:?} is not a decimal number"))?;
    let rule = region.amount;
    if amount <= Decimal::ZERO {
        return Err(format!("amount must be greater than 0 (got {text})"));
    }
    if amount.normalize().scale() > rule.scale {
        return Err(format!(
            "amount {text} has more than {} decimal places for {ccy}",
            rule.scale
        ));
    }
    if let Some(min) = rule.min_decimal() {
        if rule.min_exclusive && amount <= min {
            return Err(format!("amount must be more than {min} {ccy} (got {text})"));
        }
        if !rule.min_exclusive && amount < min {
            return Err(format!("amount must be at least {min} {ccy} (got {text})"));
        }
    }
    if let Some(max) = rule.max {
        if amount > Decimal::from(max) {
            return Err(format!("amount must be at most {max} {ccy} (got {text})"));
        }
    }
    let notify_url = field(fields, "notifyUrl");
    match (&notify_url, region.notify_url) {
        (None, NotifyUrlRule::Optional) => {}
        (None, _) => return Err("missing required field notifyUrl".into()),
        (Some(url), rule) => {
            let ok = url.starts_with("https://")
                || (rule != NotifyUrlRule::RequiredHttps && url.starts_with("http://"));
            if !ok {
                return Err(format!(
                    "notifyUrl must be an {} URL",
                    if rule == NotifyUrlRule::RequiredHttps {
                        "https://"
                    } else {
                        "http:// or https://"
                    }
                ));
            }
        }
    }
    let remark = field(fields, "remark");
    if remark.is_none() && region.remark_required {
        return Err("missing required field remark".into());
    }
    if let Some(missing) = region
        .payout_fields
        .iter()
        .find(|f| f.required && field(fields, f.wire).is_none())
    {
        return Err(format!("missing required field {}", missing.wire));
    }
    Ok(NewPayout {
        amount,
        notify_url,
        remark,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: serde_json::Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn amount_rules_of_indonesia() {
        let r = provider_paypro::BRAND.region("indonesia").unwrap();
        let base = serde_json::json!({
            "notifyUrl": "http://x/cb", "bankCode": "0002", "bankAccountNo": "1",
            "customerName": "k", "mobile": "081234567890", "email": "a@b.co"
        });
        let with = |amount: &str| {
            let mut m = map(base.clone());
            m.insert("amount".into(), Value::String(amount.into()));
            m
        };
        assert!(create(r, &with("10000")).is_ok());
        let m = with("9999");
        assert!(create(r, &m).unwrap_err().contains("at least 10000"));
        let m = with("10000.5");
        assert!(create(r, &m).unwrap_err().contains("decimal places"));
        let m = with("abc");
        assert!(create(r, &m).unwrap_err().contains("not a decimal"));
        let mut m = with("10000");
        m.remove("email");
        assert!(create(r, &m).unwrap_err().contains("email"));
        let mut m = with("10000");
        m.remove("notifyUrl");
        assert!(create(r, &m).unwrap_err().contains("notifyUrl"));
    }

    #[test]
    fn kenya_notify_url_optional_and_japan_https() {
        let ke = provider_paypro::BRAND.region("kenya").unwrap();
        let m = map(serde_json::json!({"amount": "51", "mobile": "254712345678"}));
        assert!(create(ke, &m).is_ok());
        let m = map(serde_json::json!({"amount": "50", "mobile": "254712345678"}));
        assert!(create(ke, &m).unwrap_err().contains("more than 50"));
        let jp = provider_vexora::BRAND.region("japan").unwrap();
        let m = map(serde_json::json!({"amount": "100", "notifyUrl": "http://x"}));
        assert!(create(jp, &m).unwrap_err().contains("https://"));
    }

    #[test]
    fn long_trade_numbers_are_refused() {
        assert!(trade_no(&"x".repeat(33)).is_err());
        assert!(trade_no(&"x".repeat(32)).is_ok());
    }
}
