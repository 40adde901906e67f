//! A provider-neutral payout order ([`CreatePayout`]).
//!
//! The `Debug` output of these types masks personal data with the helpers
//! of [`crate::redact`]: account numbers, wallet numbers, PIX keys and
//! identity numbers keep their last 4 characters, names and free text
//! their first, e-mails their domain, phones their last 2 digits; `extra`
//! shows its keys with masked values.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::Decimal;
use crate::redact::{mask_account, mask_email, mask_phone, mask_text, masked_opt};
use crate::trade_no::TradeNo;

/// Where the money goes. Each region maps these parts to its own wire fields.
///
/// `Debug` masks the account number, wallet number, phone and PIX key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Beneficiary {
    /// A bank account: `bank_code` is the region's bank code (IFSC in India,
    /// bank-list code elsewhere); `account_type` where the region asks
    /// (`BANK`, `CVU`, `CBU`, `CLABE`, `DebitCard`, `PAYID`, `BSB`).
    BankAccount {
        /// Bank code from the region's bank list.
        bank_code: String,
        /// Account number.
        account_no: String,
        /// Account type, where the region needs one.
        account_type: Option<String>,
    },
    /// An e-wallet: `wallet` is the wallet's code (`BKASH`, `KBZPAY`,
    /// `JAZZCASH`, ...), `wallet_id` the beneficiary's wallet number.
    EWallet {
        /// Wallet code.
        wallet: String,
        /// Wallet number.
        wallet_id: String,
    },
    /// Mobile money addressed by phone number alone (Kenya M-Pesa).
    MobileMoney {
        /// The phone number in the region's format.
        mobile: String,
    },
    /// A Brazilian PIX key.
    Pix {
        /// `CPF`, `CNPJ`, `EMAIL`, `PHONE` or `EVP`.
        key_type: String,
        /// The PIX key.
        key: String,
    },
}

impl fmt::Debug for Beneficiary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Beneficiary::BankAccount {
                bank_code,
                account_no,
                account_type,
            } => f
                .debug_struct("BankAccount")
                .field("bank_code", bank_code)
                .field("account_no", &mask_account(account_no))
                .field("account_type", account_type)
                .finish(),
            Beneficiary::EWallet { wallet, wallet_id } => f
                .debug_struct("EWallet")
                .field("wallet", wallet)
                .field("wallet_id", &mask_account(wallet_id))
                .finish(),
            Beneficiary::MobileMoney { mobile } => f
                .debug_struct("MobileMoney")
                .field("mobile", &mask_phone(mobile))
                .finish(),
            Beneficiary::Pix { key_type, key } => f
                .debug_struct("Pix")
                .field("key_type", key_type)
                .field("key", &mask_account(key))
                .finish(),
        }
    }
}

impl Beneficiary {
    /// A bank account without an account type.
    pub fn bank(bank_code: impl Into<String>, account_no: impl Into<String>) -> Self {
        Beneficiary::BankAccount {
            bank_code: bank_code.into(),
            account_no: account_no.into(),
            account_type: None,
        }
    }
}

/// The beneficiary as a person: name, phone, e-mail and identity document,
/// each only where the region asks for it.
///
/// `Debug` masks every field but the identity document type.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: Option<String>,
    /// Given name, for regions that split names.
    pub first_name: Option<String>,
    /// Family name, for regions that split names.
    pub last_name: Option<String>,
    /// Phone number in the region's format.
    pub mobile: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Identity document type (`CPF`, `CNPJ`, `DNI`, ...).
    pub id_type: Option<String>,
    /// Identity document number (CNIC, CPF, ...).
    pub id_number: Option<String>,
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contact")
            .field("name", &masked_opt(self.name.as_ref(), mask_text))
            .field(
                "first_name",
                &masked_opt(self.first_name.as_ref(), mask_text),
            )
            .field("last_name", &masked_opt(self.last_name.as_ref(), mask_text))
            .field("mobile", &masked_opt(self.mobile.as_ref(), mask_phone))
            .field("email", &masked_opt(self.email.as_ref(), mask_email))
            .field("id_type", &self.id_type)
            .field(
                "id_number",
                &masked_opt(self.id_number.as_ref(), mask_account),
            )
            .finish()
    }
}

/// Everything needed to place a payout, independent of provider and region.
///
/// Region-specific fields that have no typed home (Korea `subMerchantNo`,
/// Pakistan `customerCert`, India `ipAddress`, ...) go in `extra`, keyed by
/// their wire name. An `extra` entry also fills any wire field of the
/// region that the typed parts leave empty.
///
/// ```
/// use payout_core::{Beneficiary, Contact, CreatePayout, TradeNo, parse_amount};
/// let order = CreatePayout::new(
///     TradeNo::new("PO-20261123-0001").unwrap(),
///     parse_amount("100000").unwrap(),
///     Beneficiary::bank("0002", "5464438554636"),
/// )
/// .notify_url("https://merchant.example/notify")
/// .contact(Contact { name: Some("kevin".into()), ..Contact::default() })
/// .extra("subMerchantNo", "SM001");
/// assert_eq!(order.extra["subMerchantNo"], "SM001");
/// // Debug output masks personal data.
/// assert!(format!("{order:?}").contains("****4636"));
/// assert!(!format!("{order:?}").contains("5464438554636"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatePayout {
    /// The merchant's unique payout number.
    pub trade_no: TradeNo,
    /// The exact amount, in the region's currency.
    pub amount: Decimal,
    /// Where the provider sends status callbacks.
    pub notify_url: Option<String>,
    /// Free text echoed back in callbacks (required in some regions).
    pub remark: Option<String>,
    /// Where the money goes.
    pub beneficiary: Beneficiary,
    /// The beneficiary as a person.
    pub contact: Contact,
    /// Region-specific fields by wire name.
    pub extra: BTreeMap<String, String>,
}

/// Masks the remark (free text that may name the beneficiary), the
/// beneficiary and contact as their own `Debug` does, and every `extra`
/// value (keys shown).
impl fmt::Debug for CreatePayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extra: BTreeMap<&str, String> = self
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), mask_text(v)))
            .collect();
        f.debug_struct("CreatePayout")
            .field("trade_no", &self.trade_no)
            .field("amount", &self.amount)
            .field("notify_url", &self.notify_url)
            .field("remark", &masked_opt(self.remark.as_ref(), mask_text))
            .field("beneficiary", &self.beneficiary)
            .field("contact", &self.contact)
            .field("extra", &extra)
            .finish()
    }
}

impl CreatePayout {
    /// A payout order with no notify URL, remark, contact or extras.
    pub fn new(trade_no: TradeNo, amount: Decimal, beneficiary: Beneficiary) -> Self {
        Self {
            trade_no,
            amount,
            notify_url: None,
            remark: None,
            beneficiary,
            contact: Contact::default(),
            extra: BTreeMap::new(),
        }
    }

    /// Sets the notify URL.
    pub fn notify_url(mut self, url: impl Into<String>) -> Self {
        self.notify_url = Some(url.into());
        self
    }

    /// Sets the remark.
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Sets the contact.
    pub fn contact(mut self, contact: Contact) -> Self {
        self.contact = contact;
        self
    }

    /// Adds a region-specific field by wire name.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An order with every personal field set, and those values.
    fn populated(beneficiary: Beneficiary) -> CreatePayout {
        CreatePayout::new(
            TradeNo::new("PO-1").expect("trade number"),
            Decimal::new(10050, 2),
            beneficiary,
        )
        .notify_url("https://merchant.example/notify")
        .remark("salary for Aurelia Quintero")
        .contact(Contact {
            name: Some("Aurelia Quintero".into()),
            first_name: Some("Aurelia".into()),
            last_name: Some("Quintero".into()),
            mobile: Some("+6281234567890".into()),
            email: Some("aurelia.quintero@example.com".into()),
            id_type: Some("CPF".into()),
            id_number: Some("52998224725".into()),
        })
        .extra("customerCert", "3520212345671")
        .extra("ipAddress", "203.0.113.77")
    }

    const PERSONAL: [&str; 13] = [
        "5464438554636",
        "Aurelia",
        "Quintero",
        "6281234567890",
        "1234567890",
        "aurelia.quintero",
        "52998224725",
        "3520212345671",
        "203.0.113.77",
        "salary",
        "254712345678",
        "03001234567",
        "pix.key.owner",
    ];

    #[test]
    fn debug_shows_no_personal_data() {
        for (beneficiary, tail) in [
            (Beneficiary::bank("014", "5464438554636"), "****4636"),
            (
                Beneficiary::EWallet {
                    wallet: "JAZZCASH".into(),
                    wallet_id: "03001234567".into(),
                },
                "****4567",
            ),
            (
                Beneficiary::MobileMoney {
                    mobile: "254712345678".into(),
                },
                "***78",
            ),
            (
                Beneficiary::Pix {
                    key_type: "EMAIL".into(),
                    key: "pix.key.owner@example.com".into(),
                },
                "****.com",
            ),
        ] {
            let order = populated(beneficiary);
            for text in [format!("{order:?}"), format!("{order:#?}")] {
                for value in PERSONAL {
                    assert!(!text.contains(value), "{value:?} in {text}");
                }
                assert!(text.contains(tail), "{tail} missing from {text}");
                for shown in [
                    "PO-1",
                    "100.50",
                    "https://merchant.example/notify",
                    "customerCert",
                    "ipAddress",
                    "CPF",
                    "****4725",
                    "a***@example.com",
                    "***90",
                ] {
                    assert!(text.contains(shown), "{shown} missing from {text}");
                }
            }
        }
    }
}
