//! Every rule checked before a create is sent: amounts (D5), channel codes
//! of the region, beneficiary kinds, the holder's name, description,
//! extras and metadata, the trade number's length (D1). Each error names
//! the field and the rule, and never quotes personal data.

mod common;

use common::*;
use payout_core::{parse_amount, Beneficiary, Contact, CreatePayout, Error};
use payout_transport::PayoutProtocol;

/// The validation error of `order` in `region`: (field, rule).
fn refused(region: &str, order: &CreatePayout) -> (String, String) {
    let p = xendit(region);
    let built = p.build_create(order, 0);
    let validated = p.validate_create(order);
    match (built, validated) {
        (Err(Error::Validation { field, rule }), Err(Error::Validation { .. })) => {
            assert_private_free("a validation error", &rule);
            (field, rule)
        }
        other => panic!("expected a validation error from both, got {other:?}"),
    }
}

fn with_amount(region: &str, amount: &str) -> CreatePayout {
    let mut o = bank_order(region);
    o.amount = match amount.strip_prefix('-') {
        Some(abs) => -parse_amount(abs).unwrap(),
        None => parse_amount(amount).unwrap(),
    };
    o
}

fn sent_amount(region: &str, amount: &str) -> String {
    let req = xendit(region)
        .build_create(&with_amount(region, amount), 0)
        .unwrap();
    let body = String::from_utf8(req.body.to_vec()).unwrap();
    let start = body.find("\"amount\":").unwrap() + 9;
    let end = start + body[start..].find(',').unwrap();
    body[start..end].to_owned()
}

#[test]
fn amount_rules() {
    // IDR: whole numbers only; trailing zeros are not fractions.
    assert_eq!(sent_amount("indonesia", "100"), "100");
    assert_eq!(sent_amount("indonesia", "10000.00"), "10000");
    assert_eq!(sent_amount("indonesia", "1999999999999"), "1999999999999");
    for bad in ["100.5", "0.01", "10000.001"] {
        let (field, rule) = refused("indonesia", &with_amount("indonesia", bad));
        assert_eq!(field, "amount");
        assert!(rule.contains("whole number of IDR"), "{bad}: {rule}");
    }
    // PHP: at most two decimals, minimal form, never rounded.
    for (given, sent) in [
        ("1.1", "1.1"),
        ("1.10", "1.1"),
        ("1.11", "1.11"),
        ("100", "100"),
        ("100.00", "100"),
        ("0.01", "0.01"),
    ] {
        assert_eq!(sent_amount("philippines", given), sent, "{given}");
    }
    for bad in ["1.111", "0.001", "100.005"] {
        let (field, rule) = refused("philippines", &with_amount("philippines", bad));
        assert_eq!(field, "amount");
        assert!(rule.contains("at most 2 decimal places"), "{bad}: {rule}");
    }
    // More than zero.
    for region in ["indonesia", "philippines"] {
        for bad in ["0", "0.00", "-1"] {
            let (field, rule) = refused(region, &with_amount(region, bad));
            assert_eq!(field, "amount");
            assert!(rule.contains("more than zero"), "{bad}: {rule}");
        }
    }
}

#[test]
fn channel_codes_belong_to_the_region() {
    for (region, bad) in [
        ("indonesia", "PH_BDO"),
        ("indonesia", "BCA"),
        ("indonesia", "id_bca"),
        ("indonesia", "ID_"),
        ("indonesia", "ID_BCA "),
        ("philippines", "ID_BCA"),
        ("philippines", "PH_G-CASH"),
    ] {
        let mut o = bank_order(region);
        o.beneficiary = Beneficiary::bank(bad, ACCOUNT_NO);
        let (field, rule) = refused(region, &o);
        assert_eq!(field, "bank_code", "{bad}");
        assert!(rule.contains("channel code"), "{rule}");
    }
    let mut o = wallet_order("indonesia");
    o.beneficiary = Beneficiary::EWallet {
        wallet: "PH_GCASH".into(),
        wallet_id: WALLET_NO.into(),
    };
    assert_eq!(refused("indonesia", &o).0, "wallet");
}

#[test]
fn beneficiary_kinds() {
    let mut o = bank_order("indonesia");
    o.beneficiary = Beneficiary::MobileMoney {
        mobile: WALLET_NO.into(),
    };
    assert_eq!(refused("indonesia", &o).0, "beneficiary");
    o.beneficiary = Beneficiary::BankAccount {
        bank_code: "ID_BCA".into(),
        account_no: ACCOUNT_NO.into(),
        account_type: Some("BANK_ACCOUNT".into()),
    };
    assert_eq!(refused("indonesia", &o).0, "account_type");
    o.beneficiary = Beneficiary::bank("ID_BCA", "");
    assert_eq!(refused("indonesia", &o).0, "account_no");
    o.beneficiary = Beneficiary::bank("ID_BCA", "1".repeat(101));
    assert_eq!(refused("indonesia", &o).0, "account_no");
    o.beneficiary = Beneficiary::bank("ID_BCA", "1".repeat(100));
    assert!(xendit("indonesia").build_create(&o, 0).is_ok());
    o.beneficiary = Beneficiary::EWallet {
        wallet: "ID_OVO".into(),
        wallet_id: "0812\n345".into(),
    };
    assert_eq!(refused("indonesia", &o).0, "wallet_id");
}

#[test]
fn holder_name_is_required() {
    let mut o = bank_order("indonesia");
    o.contact = Contact::default();
    let (field, rule) = refused("indonesia", &o);
    assert_eq!(field, "contact.name");
    assert!(rule.contains("account_holder_name"), "{rule}");
    o.contact = Contact {
        first_name: Some("Juan".into()),
        ..Contact::default()
    };
    assert_eq!(refused("indonesia", &o).0, "contact.name");
    o.contact = Contact {
        name: Some("x".repeat(101)),
        ..Contact::default()
    };
    assert_eq!(refused("indonesia", &o).0, "contact.name");
}

#[test]
fn description_and_extras() {
    // The remark wins; the extra fills in when there is none.
    let o = bank_order("indonesia").extra("description", "from extra");
    let body = xendit("indonesia").build_create(&o, 0).unwrap().body;
    assert!(std::str::from_utf8(&body)
        .unwrap()
        .contains(r#""description":"July payout""#));
    let mut o = o;
    o.remark = None;
    let body = xendit("indonesia").build_create(&o, 0).unwrap().body;
    assert!(std::str::from_utf8(&body)
        .unwrap()
        .contains(r#""description":"from extra""#));
    let mut o = bank_order("indonesia");
    o.remark = Some("d".repeat(101));
    assert_eq!(refused("indonesia", &o).0, "remark");
    // Unknown extras are refused rather than dropped silently.
    let o = bank_order("indonesia").extra("subMerchantNo", "SM1");
    let (field, rule) = refused("indonesia", &o);
    assert_eq!(field, "subMerchantNo");
    assert!(rule.contains("metadata."), "{rule}");
    let o = bank_order("indonesia").extra("amount", "1");
    assert_eq!(refused("indonesia", &o).0, "amount");
    // Metadata limits.
    let o = bank_order("indonesia").extra(format!("metadata.{}", "k".repeat(41)), "v");
    assert!(refused("indonesia", &o).0.starts_with("metadata."));
    let o = bank_order("indonesia").extra("metadata.k", "v".repeat(501));
    assert_eq!(refused("indonesia", &o).0, "metadata.k");
    let mut o = bank_order("indonesia");
    for i in 0..51 {
        o = o.extra(format!("metadata.k{i}"), "v");
    }
    assert_eq!(refused("indonesia", &o).0, "metadata");
    // Strings are escaped as JSON.
    let o = bank_order("indonesia").remark("say \"hi\" \\ ok");
    let req = xendit("indonesia").build_create(&o, 0).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(v["description"], "say \"hi\" \\ ok");
}

#[test]
fn notify_url_is_not_sent() {
    let o = bank_order("indonesia").notify_url("https://merchant.example/notify");
    let req = xendit("indonesia").build_create(&o, 0).unwrap();
    assert!(!std::str::from_utf8(&req.body)
        .unwrap()
        .contains("merchant.example"));
}

#[test]
fn trade_number_limit() {
    let mut o = bank_order("indonesia");
    o.trade_no = trade_no(&"r".repeat(100));
    assert!(xendit("indonesia").build_create(&o, 0).is_ok());
    o.trade_no = trade_no(&"r".repeat(101));
    let (field, rule) = refused("indonesia", &o);
    assert_eq!(field, "trade_no");
    assert!(rule.contains("at most 100"), "{rule}");
    let e = xendit("indonesia")
        .build_query(&trade_no(&"r".repeat(101)), 0)
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
}

#[test]
fn configuration_errors() {
    use payout_core::{Credentials, Endpoint, ProviderSettings, Secret};
    let with = |region: &str, key: &str, account: Option<&str>| {
        let mut c = Credentials::api_key(Secret::new(key));
        c.account = account.map(str::to_owned);
        provider_xendit::Xendit::new(&ProviderSettings::with_credentials(
            region,
            Endpoint::Sandbox,
            c,
        ))
    };
    let e = with("vietnam", KEY, None).unwrap_err();
    assert!(e.to_string().contains("indonesia, philippines"), "{e}");
    let e = with("indonesia", "", None).unwrap_err();
    assert!(e.to_string().contains("PAYOUT_SECRET"), "{e}");
    let e = with("indonesia", &format!("{KEY}\n"), None).unwrap_err();
    assert!(e.to_string().contains("trailing newline"), "{e}");
    assert_secret_free("a configuration error", &format!("{e} {e:?}"));
    let e = with("indonesia", KEY, Some("bad id")).unwrap_err();
    assert!(e.to_string().contains("PAYOUT_FOR_USER_ID"), "{e}");
    assert!(with("indonesia", KEY, Some("  "))
        .unwrap()
        .for_user_id()
        .is_none());
}
