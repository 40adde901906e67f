//! PayPro's region table (`shared/spec/regions.md`), one row per country.

use chrono_tz::{Africa, America, Asia};
use payout_platform::fieldsets as f;
use payout_platform::{
    AmountRule as A, NotifyUrlRule, Paths, QueryVariant, Region, Rule, Source, WireField,
};

const V1: Paths = Paths::new("/v1/paypro/", "payOut");
const V1_LOWER: Paths = Paths::new("/v1/paypro/", "payout");

/// Bangladesh wallets, PayPro's `EWALLET_*` way codes.
const BANGLADESH: &[WireField] = &[
    WireField::req("walletId", Source::AccountNo),
    WireField::req("wayCode", Source::BankCode).rule(Rule::OneOf(&[
        "EWALLET_BKASH",
        "EWALLET_ROCKET",
        "EWALLET_NAGAD",
    ])),
];

/// Every PayPro region.
pub(crate) static REGIONS: &[Region] = &[
    Region::new(
        "indonesia",
        "IDR",
        Asia::Jakarta,
        V1,
        A::integer_min(10_000),
        f::INDONESIA,
    )
    .segment("indonesia-pay")
    .sandbox("https://openapi-test.paypro.tech/indonesia-pay")
    .variant(QueryVariant::A),
    Region::new(
        "pakistan",
        "PKR",
        Asia::Karachi,
        Paths::new("/v1/payproPK/", "payout"),
        A::integer_min(1),
        f::PAKISTAN,
    )
    .segment("pak-pay")
    .sandbox("https://sandbox-api.paypro.tech/pak-pay")
    .remark_required(),
    Region::new(
        "vietnam",
        "VND",
        Asia::Ho_Chi_Minh,
        Paths::new("/v1/payproVN/", "payout"),
        A::integer_min(50_000),
        f::VIETNAM,
    )
    .segment("vietnam-pay")
    .sandbox("https://openapi-test.paypro.tech/vietnam-pay"),
    Region::new(
        "philippines",
        "PHP",
        Asia::Manila,
        V1,
        A::TWO_DP,
        f::PHILIPPINES,
    ),
    Region::new("india", "INR", Asia::Kolkata, V1_LOWER, A::TWO_DP, f::INDIA),
    Region::new(
        "kenya",
        "KES",
        Africa::Nairobi,
        Paths::new("/api/", "payout").query("queryPayoutResult"),
        A::integer_above(50),
        f::KENYA,
    )
    .notify_url(NotifyUrlRule::Optional)
    .unsigned_callbacks(),
    Region::new(
        "egypt",
        "EGP",
        Africa::Cairo,
        V1,
        A::integer_range(100, 10_000),
        f::EGYPT,
    )
    .remark_required(),
    Region::new(
        "mexico",
        "MXN",
        America::Mexico_City,
        V1,
        A::INTEGER,
        f::MEXICO,
    )
    .segment("mex-pay")
    .sandbox("https://openapi-sa-test.paypro.tech/mex-pay")
    .notify_url(NotifyUrlRule::Optional)
    .variant(QueryVariant::A),
    Region::new(
        "bangladesh",
        "BDT",
        Asia::Dhaka,
        V1_LOWER,
        A::TWO_DP,
        BANGLADESH,
    ),
    Region::new(
        "brazil",
        "BRL",
        America::Sao_Paulo,
        V1_LOWER,
        A::TWO_DP,
        f::BRAZIL,
    )
    .segment("brz-pay")
    .sandbox("https://sandbox-api.paypro.tech/brz-pay")
    .sign_in_header()
    .remark_required(),
    Region::new("south-korea", "KRW", Asia::Seoul, V1, A::INTEGER, f::KOREA)
        .variant(QueryVariant::A),
    Region::new(
        "nigeria",
        "NGN",
        Africa::Lagos,
        V1,
        A::TWO_DP,
        f::BANK_ACCOUNT_NO,
    ),
];
