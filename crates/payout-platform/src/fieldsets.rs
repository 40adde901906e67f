//! Beneficiary field sets the platform uses in several regions and both
//! brands (the regions tables say "as PayPro Pakistan", "as Chile", ...).
//! Brand crates refer to these instead of repeating them.

use crate::region::{Rule, Source, WireField};

const NAME: WireField = WireField::req("customerName", Source::Name);
const EMAIL: WireField = WireField::req("email", Source::Email).rule(Rule::Email);

/// Indonesia, Nigeria, South Korea: `bankCode`, `bankAccountNo`,
/// `customerName`, `mobile`, `email`.
pub const BANK_ACCOUNT_NO: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("bankAccountNo", Source::AccountNo),
    NAME,
    WireField::req("mobile", Source::Mobile),
    EMAIL,
];

/// Indonesia: as [`BANK_ACCOUNT_NO`], mobile `08..`/`628..` with 10-13 digits.
pub const INDONESIA: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("bankAccountNo", Source::AccountNo),
    NAME,
    WireField::req("mobile", Source::Mobile).rule(Rule::Digits(10, 13)),
    EMAIL,
];

/// South Korea: 4-digit bank codes `0001`-`0034`.
pub const KOREA: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode).rule(Rule::Digits(4, 4)),
    WireField::req("bankAccountNo", Source::AccountNo),
    NAME,
    WireField::req("mobile", Source::Mobile),
    EMAIL,
];

/// Pakistan: bank account or wallet, CNIC, 10-digit mobile.
pub const PAKISTAN: &[WireField] = &[
    WireField::req("accountType", Source::AccountType)
        .rule(Rule::OneOf(&["BANK", "WALLET"]))
        .or("BANK"),
    WireField::req("bankName", Source::BankCode),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("name", Source::Name),
    WireField::req("customerCert", Source::IdNumber).rule(Rule::Digits(13, 13)),
    WireField::req("mobile", Source::Mobile).rule(Rule::Digits(10, 10)),
    EMAIL,
];

/// Philippines (and Vietnam with ASCII names): `accountName`, `bankName`, `bankNumber`.
pub const PHILIPPINES: &[WireField] = &[
    WireField::req("accountName", Source::Name),
    WireField::req("bankName", Source::BankCode),
    WireField::req("bankNumber", Source::AccountNo),
];

/// Vietnam: as [`PHILIPPINES`], the account name in ASCII letters.
pub const VIETNAM: &[WireField] = &[
    WireField::req("accountName", Source::Name).rule(Rule::AsciiLetters),
    WireField::req("bankName", Source::BankCode),
    WireField::req("bankNumber", Source::AccountNo),
];

/// India: IFSC `bankCode` (11 characters), 10-digit mobile, `ipAddress`.
pub const INDIA: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode).rule(Rule::Len(11)),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("name", Source::Name),
    WireField::req("mobile", Source::Mobile).rule(Rule::Digits(10, 10)),
    EMAIL,
    WireField::req("ipAddress", Source::Extra),
];

/// Kenya: M-Pesa by 12-digit mobile (`2547..`).
pub const KENYA: &[WireField] =
    &[WireField::req("mobile", Source::Mobile).rule(Rule::Digits(12, 12))];

/// Egypt: wallet and name.
pub const EGYPT: &[WireField] = &[WireField::req("walletId", Source::AccountNo), NAME];

/// Mexico: SPEI by CLABE or debit card.
pub const MEXICO: &[WireField] = &[
    WireField::req("wayCode", Source::BankCode),
    WireField::req("customerAccountType", Source::AccountType)
        .rule(Rule::OneOf(&["DebitCard", "CLABE"])),
    WireField::req("customerAccount", Source::AccountNo),
    NAME,
    WireField::opt("customerMobile", Source::Mobile),
    WireField::opt("customerEmail", Source::Email).rule(Rule::Email),
    WireField::opt("identity", Source::IdNumber),
];

/// Brazil: PIX key, holder identity.
pub const BRAZIL: &[WireField] = &[
    WireField::req("bankType", Source::AccountType)
        .rule(Rule::OneOf(&["CPF", "CNPJ", "EMAIL", "PHONE", "EVP"])),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("identityType", Source::IdType).rule(Rule::OneOf(&["CPF", "CNPJ"])),
    WireField::req("userIdentity", Source::IdNumber),
    WireField::req("name", Source::Name),
    EMAIL,
    WireField::req("mobile", Source::Mobile),
];

/// Chile and Peru: identity, CVU/CBU account, split names.
pub const CHILE_PERU: &[WireField] = &[
    WireField::req("idType", Source::IdType),
    WireField::req("idCardNumber", Source::IdNumber),
    WireField::req("accountType", Source::AccountType).rule(Rule::OneOf(&["CVU", "CBU"])),
    WireField::req("accountNo", Source::AccountNo),
    WireField::req("firstname", Source::FirstName),
    WireField::req("lastname", Source::LastName),
    EMAIL,
    WireField::req("mobile", Source::Mobile),
];
