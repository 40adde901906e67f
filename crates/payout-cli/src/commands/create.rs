//! `payout create`: place a payout.
//!
//! The beneficiary is chosen from the flags given (see
//! [`OrderSpec::beneficiary`]);
//! contact flags fill the person; `--field wireName=value` fills any other
//! wire field of the region by its wire name. The order is checked against
//! the region's rules before anything is sent (exit 2 naming the field).

use std::collections::BTreeMap;

use payout::{CreatePayout, Error};

use super::Report;
use crate::cli::CreateArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::order::{OrderSpec, Spelling};
use crate::output::{CreateOut, DuplicateOut, StatusOut};

/// Validates the order, sends it once and reports the accepted payout.
///
/// # Errors
/// Bad flags or a broken region rule (2), a rejection — the payout was not
/// placed — (3), a transport failure before sending (4), an outcome
/// unknown (6).
pub async fn run(args: &CreateArgs) -> Result<Report, Failure> {
    let order = order(args)?;
    let provider = config::provider(&args.common)?;
    provider.validate_payout(&order).map_err(with_flag_hint)?;
    match provider.create_payout(&order).await {
        Ok(status) => Report::ok(&CreateOut::new(provider.as_ref(), &status)),
        Err(Error::Duplicate { existing, .. }) => Report::with(
            &DuplicateOut {
                status: StatusOut::new(provider.as_ref(), &existing),
                duplicate: true,
            },
            Exit::Duplicate,
            Some(format!(
                "a payout already exists under trade number {} (state {}); nothing new was placed",
                existing.trade_no, existing.state
            )),
        ),
        Err(e) => Err(e.into()),
    }
}

/// The provider-neutral order described by the flags.
///
/// # Errors
/// A usage failure naming the flag.
pub fn order(args: &CreateArgs) -> Result<CreatePayout, Failure> {
    spec(args)?.to_order(Spelling::Flags)
}

/// The flags as an [`OrderSpec`].
///
/// # Errors
/// A usage failure for a malformed `--field`.
fn spec(args: &CreateArgs) -> Result<OrderSpec, Failure> {
    Ok(OrderSpec {
        trade_no: args.trade_no.clone(),
        amount: args.amount.clone(),
        notify_url: args.notify_url.clone(),
        bank_code: args.bank_code.clone(),
        account_no: args.account_no.clone(),
        account_type: args.account_type.clone(),
        wallet: args.wallet.clone(),
        pix_key_type: args.pix_key_type.clone(),
        name: args.name.clone(),
        mobile: args.mobile.clone(),
        email: args.email.clone(),
        remark: args.remark.clone(),
        description: args.description.clone(),
        fields: fields(&args.fields)?,
    })
}

/// Names the command-line flag of a field the region's rules refused.
fn with_flag_hint(error: Error) -> Failure {
    let flag = match &error {
        Error::Validation { field, .. } => match field.as_str() {
            "amount" => Some("--amount".to_owned()),
            "notify_url" => Some("--notify-url".to_owned()),
            "remark" => Some("--remark".to_owned()),
            "trade_no" => Some("--trade-no".to_owned()),
            wire => Some(format!("the matching flag or --field {wire}=VALUE")),
        },
        _ => None,
    };
    let mut failure = Failure::from(error);
    if let Some(flag) = flag {
        failure.message = format!("{} (set it with {flag})", failure.message);
    }
    failure
}

/// Parses repeated `--field key=value` into the order's extra map.
///
/// # Errors
/// A usage failure for a missing `=`, an empty key, or a key given twice.
pub fn fields(raw: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut extra = BTreeMap::new();
    for item in raw {
        let (key, value) = item
            .split_once('=')
            .map(|(k, v)| (k.trim(), v))
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--field {item:?} must be KEY=VALUE with the region's wire name as KEY, e.g. --field customerCert=3520212345678"
                ))
            })?;
        if extra.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(Failure::usage(format!(
                "--field {key} is given twice; give each field once"
            )));
        }
    }
    Ok(extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use payout::Beneficiary;

    fn beneficiary(args: &CreateArgs) -> Result<Beneficiary, Failure> {
        spec(args)?.beneficiary(Spelling::Flags)
    }

    fn args(extra: &[&str]) -> CreateArgs {
        let mut argv = vec!["payout", "create", "--trade-no", "T1", "--amount", "10000"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Create(a) => *a,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn bank_account_from_bank_code_and_account_no() {
        let a = args(&[
            "--bank-code",
            "014",
            "--account-no",
            "123",
            "--account-type",
            "CLABE",
        ]);
        assert_eq!(
            beneficiary(&a).unwrap(),
            Beneficiary::BankAccount {
                bank_code: "014".into(),
                account_no: "123".into(),
                account_type: Some("CLABE".into())
            }
        );
    }

    #[test]
    fn mobile_alone_is_mobile_money_and_contact() {
        let a = args(&["--mobile", "254712345678"]);
        assert_eq!(
            beneficiary(&a).unwrap(),
            Beneficiary::MobileMoney {
                mobile: "254712345678".into()
            }
        );
        assert_eq!(
            order(&a).unwrap().contact.mobile.as_deref(),
            Some("254712345678")
        );
    }

    #[test]
    fn wallet_and_pix() {
        let a = args(&["--wallet", "EWALLET_BKASH", "--account-no", "017"]);
        assert!(matches!(
            beneficiary(&a).unwrap(),
            Beneficiary::EWallet { .. }
        ));
        let a = args(&["--pix-key-type", "CPF", "--account-no", "12345678901"]);
        assert!(matches!(beneficiary(&a).unwrap(), Beneficiary::Pix { .. }));
    }

    #[test]
    fn incomplete_beneficiaries_are_usage_errors() {
        for flags in [
            &["--account-no", "123"][..],
            &["--bank-code", "014"][..],
            &["--wallet", "BKASH"][..],
            &[][..],
        ] {
            let err = beneficiary(&args(flags)).unwrap_err();
            assert_eq!(err.exit.code(), 2, "{flags:?}");
        }
    }

    #[test]
    fn fields_become_extras() {
        let a = args(&[
            "--mobile",
            "1",
            "--field",
            "customerCert=3520212345678",
            "--field",
            "note=a=b",
        ]);
        let o = order(&a).unwrap();
        assert_eq!(o.extra["customerCert"], "3520212345678");
        assert_eq!(o.extra["note"], "a=b");
        for bad in [&["x"][..], &["=1"][..], &["a=1", "a=2"][..]] {
            let raw: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert_eq!(fields(&raw).unwrap_err().exit.code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn bad_amount_is_a_usage_error_naming_the_amount() {
        let mut a = args(&["--mobile", "1"]);
        a.amount = "12,50".into();
        let err = order(&a).unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert!(err.message.contains("amount"), "{}", err.message);
    }
}
