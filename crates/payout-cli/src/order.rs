//! The order a command places, described once ([`OrderSpec`]): the flags of
//! `payout create` and a line of a `payout batch` file both map into it, and
//! [`OrderSpec::to_order`] is the one place that builds a [`CreatePayout`]
//! from it. Messages name the input as the user wrote it ([`Spelling`]):
//! `--account-no` for a flag, `account_no` for a key of a line.

use std::collections::BTreeMap;

use payout::{parse_amount, Beneficiary, Contact, CreatePayout, TradeNo};

use crate::exit::Failure;

/// A payout order as given, before any check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderSpec {
    /// The merchant's trade number.
    pub trade_no: String,
    /// The exact amount, as written.
    pub amount: String,
    /// Where the provider sends status callbacks.
    pub notify_url: Option<String>,
    /// Bank code (bank account).
    pub bank_code: Option<String>,
    /// Account number, wallet number or PIX key.
    pub account_no: Option<String>,
    /// Account type where the region asks.
    pub account_type: Option<String>,
    /// E-wallet code.
    pub wallet: Option<String>,
    /// PIX key type.
    pub pix_key_type: Option<String>,
    /// Beneficiary's full name.
    pub name: Option<String>,
    /// Beneficiary's phone number.
    pub mobile: Option<String>,
    /// Beneficiary's e-mail address.
    pub email: Option<String>,
    /// Free text echoed back in callbacks.
    pub remark: Option<String>,
    /// A description (the order's remark for providers that have one).
    pub description: Option<String>,
    /// Any other wire field of the region, by its wire name.
    pub fields: BTreeMap<String, String>,
}

/// How the input names an order's parts in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// Command-line flags (`--account-no`).
    Flags,
    /// Keys of a JSON line (`account_no`).
    Keys,
}

impl Spelling {
    /// The name of the part `key` (written with `_`) as the user wrote it.
    pub fn name(self, key: &str) -> String {
        match self {
            Spelling::Flags => format!("--{}", key.replace('_', "-")),
            Spelling::Keys => key.to_owned(),
        }
    }
}

impl OrderSpec {
    /// The provider-neutral order.
    ///
    /// # Errors
    /// A usage failure naming the part (trade number, amount, beneficiary,
    /// remark and description together).
    pub fn to_order(&self, spelling: Spelling) -> Result<CreatePayout, Failure> {
        let trade_no = TradeNo::new(self.trade_no.as_str())?;
        let amount = parse_amount(&self.amount)?;
        let mut order =
            CreatePayout::new(trade_no, amount, self.beneficiary(spelling)?).contact(Contact {
                name: self.name.clone(),
                mobile: self.mobile.clone(),
                email: self.email.clone(),
                ..Contact::default()
            });
        if let Some(url) = &self.notify_url {
            order = order.notify_url(url.as_str());
        }
        let remark = match (&self.remark, &self.description) {
            (Some(_), Some(_)) => {
                return Err(Failure::usage(format!(
                    "{} and {} are the same field for a provider; give only one",
                    spelling.name("remark"),
                    spelling.name("description")
                )))
            }
            (remark, description) => remark.as_ref().or(description.as_ref()),
        };
        if let Some(remark) = remark {
            order = order.remark(remark.as_str());
        }
        order.extra = self.fields.clone();
        Ok(order)
    }

    /// The beneficiary:
    ///
    /// - bank code + account number: a bank account (with the account type);
    /// - wallet + account number: an e-wallet;
    /// - PIX key type + account number: a PIX key;
    /// - a mobile number and no account number: mobile money addressed by
    ///   the phone number (Kenya M-Pesa, Egyptian wallets).
    ///
    /// # Errors
    /// A usage failure saying which parts are missing.
    pub fn beneficiary(&self, spelling: Spelling) -> Result<Beneficiary, Failure> {
        let n = |key: &str| spelling.name(key);
        let account = self.account_no.as_deref().filter(|s| !s.is_empty());
        let need_account = |what: &str| {
            Failure::usage(format!(
                "{} needs {} (the account number, wallet number or PIX key)",
                n(what),
                n("account_no")
            ))
        };
        if let Some(wallet) = &self.wallet {
            if self.bank_code.is_some() || self.pix_key_type.is_some() {
                return Err(Failure::usage(format!(
                    "{} is not given with {} or {}",
                    n("wallet"),
                    n("bank_code"),
                    n("pix_key_type")
                )));
            }
            let wallet_id = account.ok_or_else(|| need_account("wallet"))?;
            return Ok(Beneficiary::EWallet {
                wallet: wallet.clone(),
                wallet_id: wallet_id.to_owned(),
            });
        }
        if let Some(key_type) = &self.pix_key_type {
            if self.bank_code.is_some() || self.account_type.is_some() {
                return Err(Failure::usage(format!(
                    "{} is not given with {} or {}",
                    n("pix_key_type"),
                    n("bank_code"),
                    n("account_type")
                )));
            }
            let key = account.ok_or_else(|| need_account("pix_key_type"))?;
            return Ok(Beneficiary::Pix {
                key_type: key_type.clone(),
                key: key.to_owned(),
            });
        }
        match (self.bank_code.as_deref(), account, self.mobile.as_deref()) {
            (Some(bank_code), Some(account_no), _) => Ok(Beneficiary::BankAccount {
                bank_code: bank_code.to_owned(),
                account_no: account_no.to_owned(),
                account_type: self.account_type.clone(),
            }),
            (Some(_), None, _) => Err(need_account("bank_code")),
            (None, Some(_), _) => Err(Failure::usage(format!(
                "{} needs {} (bank account), {} (e-wallet) or {} (PIX key); for mobile money give only {}",
                n("account_no"),
                n("bank_code"),
                n("wallet"),
                n("pix_key_type"),
                n("mobile")
            ))),
            (None, None, Some(mobile)) => Ok(Beneficiary::MobileMoney {
                mobile: mobile.to_owned(),
            }),
            (None, None, None) => Err(Failure::usage(format!(
                "no beneficiary: give {bank} and {acc} (bank account), {wallet} and {acc} (e-wallet), {pix} and {acc} (PIX), or {mobile} (mobile money)",
                bank = n("bank_code"),
                acc = n("account_no"),
                wallet = n("wallet"),
                pix = n("pix_key_type"),
                mobile = n("mobile")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(f: impl FnOnce(&mut OrderSpec)) -> OrderSpec {
        let mut s = OrderSpec {
            trade_no: "T1".into(),
            amount: "10000".into(),
            ..OrderSpec::default()
        };
        f(&mut s);
        s
    }

    #[test]
    fn messages_use_the_spelling_of_the_input() {
        let s = spec(|s| s.bank_code = Some("014".into()));
        let flags = s.beneficiary(Spelling::Flags).unwrap_err().message;
        let keys = s.beneficiary(Spelling::Keys).unwrap_err().message;
        assert_eq!(
            flags,
            "--bank-code needs --account-no (the account number, wallet number or PIX key)"
        );
        assert_eq!(
            keys,
            "bank_code needs account_no (the account number, wallet number or PIX key)"
        );
    }

    #[test]
    fn remark_and_description_are_one_field() {
        let s = spec(|s| {
            s.mobile = Some("1".into());
            s.description = Some("July".into());
        });
        assert_eq!(
            s.to_order(Spelling::Keys).unwrap().remark.as_deref(),
            Some("July")
        );
        let both = spec(|s| {
            s.mobile = Some("1".into());
            s.remark = Some("a".into());
            s.description = Some("b".into());
        });
        let err = both.to_order(Spelling::Keys).unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert!(
            err.message.contains("remark and description"),
            "{}",
            err.message
        );
    }

    #[test]
    fn wallet_with_a_bank_code_is_refused() {
        let s = spec(|s| {
            s.wallet = Some("BKASH".into());
            s.bank_code = Some("014".into());
            s.account_no = Some("1".into());
        });
        assert_eq!(s.beneficiary(Spelling::Keys).unwrap_err().exit.code(), 2);
    }
}
