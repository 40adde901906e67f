//! The order as journaled ([`OrderRecord`]): the journal's own serde record
//! of a [`CreatePayout`], so that the stored format does not change when the
//! core type does.

use std::collections::BTreeMap;
use std::fmt;

use payout_core::{Beneficiary, Contact, CreatePayout, Decimal, TradeNo};
use serde::{Deserialize, Serialize};

use crate::error::JournalError;

/// The stored form of a payout order.
///
/// The amount is kept as its exact decimal text (`"100.50"` stays
/// `"100.50"`). Personal data (beneficiary, contact) is stored as given, so
/// the order can be re-sent unchanged, but `Debug` shows only the trade
/// number, the amount and the kind of beneficiary.
///
/// ```
/// use payout_core::{Beneficiary, CreatePayout, TradeNo, parse_amount};
/// use payout_journal::OrderRecord;
/// let order = CreatePayout::new(
///     TradeNo::new("PO-1")?, parse_amount("100.50")?, Beneficiary::bank("0002", "5464438554636"),
/// );
/// let record = OrderRecord::from_order(&order);
/// assert_eq!(record.amount, "100.50");
/// assert!(!format!("{record:?}").contains("5464438554636"));
/// assert_eq!(record.to_order()?, order);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// The merchant's trade number.
    pub trade_no: String,
    /// The exact amount, as decimal text.
    pub amount: String,
    /// Where the provider sends callbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
    /// Free text echoed back in callbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Where the money goes.
    pub beneficiary: Beneficiary,
    /// The beneficiary as a person.
    #[serde(default)]
    pub contact: Contact,
    /// Region-specific fields by wire name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl OrderRecord {
    /// The record of an order.
    pub fn from_order(order: &CreatePayout) -> Self {
        Self {
            trade_no: order.trade_no.as_str().to_owned(),
            amount: order.amount.to_string(),
            notify_url: order.notify_url.clone(),
            remark: order.remark.clone(),
            beneficiary: order.beneficiary.clone(),
            contact: order.contact.clone(),
            extra: order.extra.clone(),
        }
    }

    /// The exact amount.
    ///
    /// # Errors
    /// [`JournalError::Corrupt`] when the stored text is not a decimal.
    pub fn amount(&self) -> Result<Decimal, JournalError> {
        Decimal::from_str_exact(&self.amount)
            .map_err(|_| JournalError::corrupt("stored amount is not a decimal number"))
    }

    /// The order again, ready to send.
    ///
    /// # Errors
    /// [`JournalError::Corrupt`] when the stored trade number or amount is
    /// unreadable.
    pub fn to_order(&self) -> Result<CreatePayout, JournalError> {
        let trade_no = TradeNo::new(self.trade_no.as_str())
            .map_err(|_| JournalError::corrupt("stored trade number is invalid"))?;
        let mut order = CreatePayout::new(trade_no, self.amount()?, self.beneficiary.clone())
            .contact(self.contact.clone());
        if let Some(url) = &self.notify_url {
            order = order.notify_url(url.as_str());
        }
        if let Some(remark) = &self.remark {
            order = order.remark(remark.as_str());
        }
        for (key, value) in &self.extra {
            order = order.extra(key.as_str(), value.as_str());
        }
        Ok(order)
    }

    /// The first part in which two records of the same trade number differ
    /// (its name only), or `None` when they describe the same payout. Amounts
    /// compare by value: `100` and `100.00` are the same amount.
    pub fn difference(&self, other: &OrderRecord) -> Option<&'static str> {
        let same_amount = match (self.amount(), other.amount()) {
            (Ok(a), Ok(b)) => a == b,
            _ => self.amount == other.amount,
        };
        if self.trade_no != other.trade_no {
            Some("trade_no")
        } else if !same_amount {
            Some("amount")
        } else if self.beneficiary != other.beneficiary {
            Some("beneficiary")
        } else if self.contact != other.contact {
            Some("contact")
        } else if self.notify_url != other.notify_url {
            Some("notify_url")
        } else if self.remark != other.remark {
            Some("remark")
        } else if self.extra != other.extra {
            Some("extra")
        } else {
            None
        }
    }

    /// The JSON stored in the journal.
    pub(crate) fn to_json(&self) -> String {
        // A struct of strings and string maps always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the stored JSON.
    pub(crate) fn from_json(json: &str) -> Result<Self, JournalError> {
        serde_json::from_str(json)
            .map_err(|e| JournalError::corrupt(format!("stored order is unreadable: {e}")))
    }
}

impl fmt::Debug for OrderRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let beneficiary = match &self.beneficiary {
            Beneficiary::BankAccount { .. } => "bank_account",
            Beneficiary::EWallet { .. } => "e_wallet",
            Beneficiary::MobileMoney { .. } => "mobile_money",
            Beneficiary::Pix { .. } => "pix",
            _ => "other",
        };
        f.debug_struct("OrderRecord")
            .field("trade_no", &self.trade_no)
            .field("amount", &self.amount)
            .field("beneficiary", &beneficiary)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payout_core::parse_amount;

    fn order(amount: &str) -> CreatePayout {
        CreatePayout::new(
            TradeNo::new("T1").unwrap(),
            parse_amount(amount).unwrap(),
            Beneficiary::bank("0002", "5464438554636"),
        )
        .notify_url("https://merchant.example/n")
        .contact(Contact {
            name: Some("kevin".into()),
            email: Some("kevin@example.com".into()),
            ..Contact::default()
        })
        .extra("subMerchantNo", "SM001")
    }

    #[test]
    fn round_trips_exactly() {
        let o = order("9998989.1200");
        let r = OrderRecord::from_order(&o);
        let back = OrderRecord::from_json(&r.to_json()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.amount, "9998989.1200");
        assert_eq!(back.to_order().unwrap(), o);
    }

    #[test]
    fn differences_are_named_without_values() {
        let a = OrderRecord::from_order(&order("100"));
        assert_eq!(
            a.difference(&OrderRecord::from_order(&order("100.00"))),
            None
        );
        assert_eq!(
            a.difference(&OrderRecord::from_order(&order("100.01"))),
            Some("amount")
        );
        let other = OrderRecord::from_order(&order("100").extra("userId", "7"));
        assert_eq!(a.difference(&other), Some("extra"));
    }

    #[test]
    fn debug_hides_personal_data() {
        let text = format!("{:?}", OrderRecord::from_order(&order("1")));
        for secret in ["5464438554636", "kevin", "example.com", "SM001"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
