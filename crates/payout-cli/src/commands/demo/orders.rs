//! Sample payout orders, one row per provider and region the demo drives:
//! a beneficiary, the payee's details and the amounts to cycle through, all
//! valid for that region's rules. Data, not branches: adding a region to
//! the demo is adding a row.

use payout::{Beneficiary, Contact, CreatePayout, Decimal, TradeNo};

/// Where the money goes, as constant data.
#[derive(Debug)]
pub enum Payee {
    /// A bank account (`kind`: the account type where the region asks).
    Bank {
        /// Bank code (or rail: `PAYID`, `SPEI`).
        code: &'static str,
        /// Account number.
        account: &'static str,
        /// Account type.
        kind: Option<&'static str>,
    },
    /// A Brazilian PIX key.
    Pix {
        /// Key type (`CPF`, `EMAIL`, ...).
        kind: &'static str,
        /// The key.
        key: &'static str,
    },
    /// Mobile money by phone number (M-Pesa).
    Mobile(&'static str),
}

/// The payee as a person; `None` where the region does not ask.
#[derive(Debug)]
pub struct Person {
    /// Full name.
    pub name: Option<&'static str>,
    /// Phone number in the region's format.
    pub mobile: Option<&'static str>,
    /// E-mail address.
    pub email: Option<&'static str>,
    /// Identity document type.
    pub id_type: Option<&'static str>,
    /// Identity document number.
    pub id_number: Option<&'static str>,
}

const NOBODY: Person = Person {
    name: None,
    mobile: None,
    email: None,
    id_type: None,
    id_number: None,
};

/// One provider and region of the demo with a valid sample order.
#[derive(Debug)]
pub struct Sample {
    /// Provider id.
    pub provider: &'static str,
    /// Region id.
    pub region: &'static str,
    /// Beneficiary.
    pub payee: Payee,
    /// Payee details.
    pub person: Person,
    /// Region-specific wire fields.
    pub extra: &'static [(&'static str, &'static str)],
    /// Amounts in the region's currency, cycled through.
    pub amounts: &'static [&'static str],
}

/// Every provider and region the demo drives: PayPro in five regions,
/// Vexora in four, covering body and header signatures, the three query
/// variants, number amounts in callbacks (Mexico) and unsigned callbacks
/// (Kenya).
pub static SAMPLES: &[Sample] = &[
    Sample {
        provider: "paypro",
        region: "indonesia",
        payee: Payee::Bank {
            code: "014",
            account: "5464438554636",
            kind: None,
        },
        person: Person {
            name: Some("Budi Santoso"),
            mobile: Some("081234567890"),
            email: Some("budi@example.co.id"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["10000", "25000", "150000", "1250000"],
    },
    Sample {
        provider: "paypro",
        region: "pakistan",
        payee: Payee::Bank {
            code: "MEEZAN",
            account: "02840104512345",
            kind: Some("BANK"),
        },
        person: Person {
            name: Some("Ayesha Khan"),
            mobile: Some("3001234567"),
            email: Some("ayesha@example.pk"),
            id_number: Some("4210112345671"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["500", "2500", "12000"],
    },
    Sample {
        provider: "paypro",
        region: "brazil",
        payee: Payee::Pix {
            kind: "CPF",
            key: "12345678909",
        },
        person: Person {
            name: Some("Joao Silva"),
            mobile: Some("5511987654321"),
            email: Some("joao@example.com.br"),
            id_type: Some("CPF"),
            id_number: Some("12345678909"),
        },
        extra: &[],
        amounts: &["10.50", "99.90", "1500.00"],
    },
    Sample {
        provider: "paypro",
        region: "mexico",
        payee: Payee::Bank {
            code: "SPEI",
            account: "646180157000000004",
            kind: Some("CLABE"),
        },
        person: Person {
            name: Some("Maria Lopez"),
            mobile: Some("5512345678"),
            email: Some("maria@example.mx"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["100", "850", "12000"],
    },
    Sample {
        provider: "paypro",
        region: "kenya",
        payee: Payee::Mobile("254712345678"),
        person: NOBODY,
        extra: &[],
        amounts: &["51", "1000", "25000"],
    },
    Sample {
        provider: "vexora",
        region: "nigeria",
        payee: Payee::Bank {
            code: "058",
            account: "0123456789",
            kind: None,
        },
        person: Person {
            name: Some("Chinedu Okafor"),
            mobile: Some("08031234567"),
            email: Some("chinedu@example.ng"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["1500.00", "20000.50", "350000.00"],
    },
    Sample {
        provider: "vexora",
        region: "indonesia",
        payee: Payee::Bank {
            code: "008",
            account: "1234567890",
            kind: None,
        },
        person: Person {
            name: Some("Siti Rahma"),
            mobile: Some("6281298765432"),
            email: Some("siti@example.co.id"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["10000", "75000", "500000"],
    },
    Sample {
        provider: "vexora",
        region: "south-korea",
        payee: Payee::Bank {
            code: "0004",
            account: "12345678901234",
            kind: None,
        },
        person: Person {
            name: Some("Kim Minjun"),
            mobile: Some("01012345678"),
            email: Some("minjun@example.kr"),
            ..NOBODY
        },
        extra: &[("subMerchantNo", "SM001")],
        amounts: &["10000", "55000", "300000"],
    },
    Sample {
        provider: "vexora",
        region: "australia",
        payee: Payee::Bank {
            code: "PAYID",
            account: "0412345678",
            kind: None,
        },
        person: Person {
            name: Some("Olivia Smith"),
            mobile: Some("0412345678"),
            email: Some("olivia@example.com.au"),
            ..NOBODY
        },
        extra: &[],
        amounts: &["100", "750", "9999"],
    },
];

impl Payee {
    fn beneficiary(&self) -> Beneficiary {
        match self {
            Payee::Bank {
                code,
                account,
                kind,
            } => Beneficiary::BankAccount {
                bank_code: (*code).to_owned(),
                account_no: (*account).to_owned(),
                account_type: kind.map(str::to_owned),
            },
            Payee::Pix { kind, key } => Beneficiary::Pix {
                key_type: (*kind).to_owned(),
                key: (*key).to_owned(),
            },
            Payee::Mobile(mobile) => Beneficiary::MobileMoney {
                mobile: (*mobile).to_owned(),
            },
        }
    }
}

impl Sample {
    /// The `n`-th amount of the cycle.
    ///
    /// # Errors
    /// A message when the table holds an amount that does not parse (a
    /// unit test keeps that from shipping).
    pub fn amount(&self, n: usize) -> Result<Decimal, String> {
        let text = self.amounts.get(n % self.amounts.len().max(1)).copied();
        let text = text.unwrap_or("0");
        payout::parse_amount(text).map_err(|e| {
            format!(
                "sample amount {text:?} of {} {}: {e}",
                self.provider, self.region
            )
        })
    }

    /// Decimal places of the sample amounts (for display).
    pub fn scale(&self) -> u32 {
        self.amounts
            .iter()
            .filter_map(|a| payout::parse_amount(a).ok())
            .map(|d| d.scale())
            .max()
            .unwrap_or(0)
    }

    /// The order for this region.
    pub fn order(
        &self,
        trade_no: TradeNo,
        amount: Decimal,
        notify_url: &str,
        remark: &str,
    ) -> CreatePayout {
        let p = &self.person;
        let own = |v: Option<&'static str>| v.map(str::to_owned);
        let contact = Contact {
            name: own(p.name),
            mobile: own(p.mobile),
            email: own(p.email),
            id_type: own(p.id_type),
            id_number: own(p.id_number),
            ..Contact::default()
        };
        let mut order = CreatePayout::new(trade_no, amount, self.payee.beneficiary())
            .notify_url(notify_url)
            .remark(remark)
            .contact(contact);
        for (k, v) in self.extra {
            order = order.extra(*k, *v);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample order, with every amount of its cycle, passes the
    /// region's rules as the SDK checks them before sending.
    #[test]
    fn every_sample_is_valid_for_its_region() {
        for s in SAMPLES {
            let mut config = payout::Config::new(s.provider);
            config.region = s.region.to_owned();
            config.base_url = "http://127.0.0.1:9/x".into();
            config.merchant_no = "1".into();
            config.secret = Some(payout::Secret::new("s"));
            let provider = payout::build(&config).unwrap();
            for n in 0..s.amounts.len() {
                let order = s.order(
                    TradeNo::new("PO-000001_FAIL").unwrap(),
                    s.amount(n).unwrap(),
                    "http://127.0.0.1:1/notify/x/y",
                    "demo payout",
                );
                if let Err(e) = provider.validate_payout(&order) {
                    panic!("{} {} amount {n}: {e}", s.provider, s.region);
                }
            }
        }
    }

    #[test]
    fn regions_are_distinct_and_cover_both_providers() {
        let mut keys: Vec<_> = SAMPLES.iter().map(|s| (s.provider, s.region)).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SAMPLES.len());
        assert!(SAMPLES.iter().any(|s| s.provider == "paypro"));
        assert!(SAMPLES.iter().any(|s| s.provider == "vexora"));
    }

    #[test]
    fn scale_of_the_amounts() {
        let brazil = SAMPLES.iter().find(|s| s.region == "brazil").unwrap();
        assert_eq!(brazil.scale(), 2);
        assert_eq!(SAMPLES[0].scale(), 0);
    }

    #[test]
    fn amounts_cycle() {
        let s = &SAMPLES[0];
        assert_eq!(s.amount(0).unwrap(), s.amount(s.amounts.len()).unwrap());
        assert_ne!(s.amount(0).unwrap(), s.amount(1).unwrap());
    }
}
