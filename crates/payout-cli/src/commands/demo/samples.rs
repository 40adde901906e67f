//! One row per provider and region the demo drives, with a beneficiary, the
//! payee's details and amounts valid for that region: data, not branches.

use payout::{Beneficiary, Contact, CreatePayout, Decimal, TradeNo};

/// Where the money goes.
#[derive(Debug)]
pub enum Payee {
    /// A bank account or, for Xendit, a channel: (code, account, type).
    Bank(&'static str, &'static str, Option<&'static str>),
    /// A Brazilian PIX key: (key type, key).
    Pix(&'static str, &'static str),
    /// Mobile money by phone number (M-Pesa).
    Mobile(&'static str),
}

/// One provider and region with a valid sample order.
#[derive(Debug)]
pub struct Sample {
    /// Provider id.
    pub provider: &'static str,
    /// Region id.
    pub region: &'static str,
    /// Beneficiary.
    pub payee: Payee,
    /// Name, mobile, e-mail, identity document type and number.
    pub person: [Option<&'static str>; 5],
    /// Region-specific wire fields.
    pub extra: &'static [(&'static str, &'static str)],
    /// Amounts in the region's currency, cycled through.
    pub amounts: &'static [&'static str],
}

const fn named(name: &'static str) -> [Option<&'static str>; 5] {
    [Some(name), None, None, None, None]
}

const fn who(
    name: &'static str,
    mobile: &'static str,
    email: &'static str,
) -> [Option<&'static str>; 5] {
    [Some(name), Some(mobile), Some(email), None, None]
}

/// PayPro in five regions, Vexora in four (body and header signatures, the
/// three query variants, number amounts in callbacks in Mexico, unsigned
/// callbacks in Kenya) and Xendit in both of its countries.
pub static SAMPLES: &[Sample] = &[
    Sample {
        provider: "paypro",
        region: "indonesia",
        payee: Payee::Bank("014", "5464438554636", None),
        person: who("Budi Santoso", "081234567890", "budi@example.co.id"),
        extra: &[],
        amounts: &["10000", "25000", "150000", "1250000"],
    },
    Sample {
        provider: "paypro",
        region: "pakistan",
        payee: Payee::Bank("MEEZAN", "02840104512345", Some("BANK")),
        person: [
            Some("Ayesha Khan"),
            Some("3001234567"),
            Some("ayesha@example.pk"),
            None,
            Some("4210112345671"),
        ],
        extra: &[],
        amounts: &["500", "2500", "12000"],
    },
    Sample {
        provider: "paypro",
        region: "brazil",
        payee: Payee::Pix("CPF", "12345678909"),
        person: [
            Some("Joao Silva"),
            Some("5511987654321"),
            Some("joao@example.com.br"),
            Some("CPF"),
            Some("12345678909"),
        ],
        extra: &[],
        amounts: &["10.50", "99.90", "1500.00"],
    },
    Sample {
        provider: "paypro",
        region: "mexico",
        payee: Payee::Bank("SPEI", "646180157000000004", Some("CLABE")),
        person: who("Maria Lopez", "5512345678", "maria@example.mx"),
        extra: &[],
        amounts: &["100", "850", "12000"],
    },
    Sample {
        provider: "paypro",
        region: "kenya",
        payee: Payee::Mobile("254712345678"),
        person: [None; 5],
        extra: &[],
        amounts: &["51", "1000", "25000"],
    },
    Sample {
        provider: "vexora",
        region: "nigeria",
        payee: Payee::Bank("058", "0123456789", None),
        person: who("Chinedu Okafor", "08031234567", "chinedu@example.ng"),
        extra: &[],
        amounts: &["1500.00", "20000.50", "350000.00"],
    },
    Sample {
        provider: "vexora",
        region: "indonesia",
        payee: Payee::Bank("008", "1234567890", None),
        person: who("Siti Rahma", "6281298765432", "siti@example.co.id"),
        extra: &[],
        amounts: &["10000", "75000", "500000"],
    },
    Sample {
        provider: "vexora",
        region: "south-korea",
        payee: Payee::Bank("0004", "12345678901234", None),
        person: who("Kim Minjun", "01012345678", "minjun@example.kr"),
        extra: &[("subMerchantNo", "SM001")],
        amounts: &["10000", "55000", "300000"],
    },
    Sample {
        provider: "vexora",
        region: "australia",
        payee: Payee::Bank("PAYID", "0412345678", None),
        person: who("Olivia Smith", "0412345678", "olivia@example.com.au"),
        extra: &[],
        amounts: &["100", "750", "9999"],
    },
    Sample {
        provider: "xendit",
        region: "indonesia",
        payee: Payee::Bank("ID_BCA", "1234567890", None),
        person: named("Budi Santoso"),
        extra: &[],
        amounts: &["15000", "250000", "1250000"],
    },
    Sample {
        provider: "xendit",
        region: "philippines",
        payee: Payee::Bank("PH_BDO", "001234567890", None),
        person: named("Maria Santos"),
        extra: &[],
        amounts: &["150.50", "2500.00", "12000.75"],
    },
];

impl Sample {
    /// `provider/region`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.provider, self.region)
    }

    /// Whether this is a Xendit lane (webhooks to one account URL, outcomes
    /// chosen by account number).
    pub fn is_xendit(&self) -> bool {
        self.provider == "xendit"
    }

    /// The `n`-th amount of the cycle.
    ///
    /// # Errors
    /// A message when the table holds an amount that does not parse (a
    /// unit test keeps that from shipping).
    pub fn amount(&self, n: usize) -> Result<Decimal, String> {
        let text = self.amounts[n % self.amounts.len()];
        payout::parse_amount(text)
            .map_err(|e| format!("sample amount {text:?} of {}: {e}", self.name()))
    }

    /// The order, to `account` instead of the sample's where given (Xendit
    /// picks outcomes by account number).
    pub fn order(
        &self,
        trade_no: TradeNo,
        amount: Decimal,
        account: Option<&str>,
        notify_url: &str,
    ) -> CreatePayout {
        let beneficiary = match self.payee {
            Payee::Bank(code, acct, kind) => Beneficiary::BankAccount {
                bank_code: code.to_owned(),
                account_no: account.unwrap_or(acct).to_owned(),
                account_type: kind.map(str::to_owned),
            },
            Payee::Pix(kind, key) => Beneficiary::Pix {
                key_type: kind.to_owned(),
                key: key.to_owned(),
            },
            Payee::Mobile(m) => Beneficiary::MobileMoney {
                mobile: m.to_owned(),
            },
        };
        let [name, mobile, email, id_type, id_number] = self.person.map(|v| v.map(str::to_owned));
        let contact = Contact {
            name,
            mobile,
            email,
            id_type,
            id_number,
            ..Contact::default()
        };
        let remark = format!("demo payout {trade_no}");
        let mut order = CreatePayout::new(trade_no, amount, beneficiary)
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
                let t = TradeNo::new("PO-000001_FAIL").unwrap();
                let order = s.order(t, s.amount(n).unwrap(), None, "http://127.0.0.1:1/c/x");
                if let Err(e) = provider.validate_payout(&order) {
                    panic!("{} amount {n}: {e}", s.name());
                }
            }
        }
        let mut names: Vec<_> = SAMPLES.iter().map(Sample::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SAMPLES.len());
    }
}
