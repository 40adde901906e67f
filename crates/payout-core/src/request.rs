//! A provider-neutral payout order ([`CreatePayout`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::money::Decimal;
use crate::trade_no::TradeNo;

/// Where the money goes. Each region maps these parts to its own wire fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
