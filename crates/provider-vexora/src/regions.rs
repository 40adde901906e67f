//! Vexora's region table (`shared/spec/regions.md`), one row per country.
//! Every region uses `/v1/vexora/` and `disbursements`.

use chrono_tz::{Africa, America, Asia, Australia};
use payout_platform::fieldsets as f;
use payout_platform::{
    AmountRule as A, NotifyUrlRule, Paths, QueryVariant, Region, Rule, Source, WireField,
};

const P: Paths = Paths::new("/v1/vexora/", "disbursements");

const EMAIL: WireField = WireField::req("email", Source::Email).rule(Rule::Email);
const FIRST: WireField = WireField::req("firstname", Source::FirstName);
const LAST: WireField = WireField::req("lastname", Source::LastName);
const MOBILE: WireField = WireField::req("mobile", Source::Mobile);

const MYANMAR: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode).rule(Rule::OneOf(&["KBZPAY", "WAVEPAY"])),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("name", Source::Name),
];
const ARGENTINA: &[WireField] = &[
    WireField::req("accountNo", Source::AccountNo),
    FIRST,
    LAST,
    MOBILE,
    EMAIL,
];
const AUSTRALIA: &[WireField] = &[
    WireField::req("wayCode", Source::BankCode).rule(Rule::OneOf(&["PAYID", "BSB"])),
    WireField::req("accountNo", Source::AccountNo),
    WireField::req("customerName", Source::Name),
    MOBILE,
    EMAIL,
];
const MALAYSIA: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("accountNo", Source::AccountNo),
    FIRST,
    LAST,
    MOBILE,
    EMAIL,
];
const CAMBODIA: &[WireField] = &[
    WireField::req("channelCode", Source::Extra).or("EWALLET"),
    WireField::req("wayCode", Source::Extra).or("LANTON"),
    WireField::req("bankCode", Source::BankCode).rule(Rule::Digits(4, 4)),
    WireField::req("bankNumber", Source::AccountNo),
    FIRST,
    LAST,
    MOBILE,
    EMAIL,
];
const JAPAN: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("userId", Source::Extra),
    FIRST,
    LAST,
    MOBILE,
    EMAIL,
];
const THAILAND: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode),
    WireField::req("bankNumber", Source::AccountNo),
    WireField::req("name", Source::Name),
    MOBILE,
    EMAIL,
];
const BANGLADESH: &[WireField] = &[
    WireField::req("walletId", Source::AccountNo).rule(Rule::Digits(11, 11)),
    WireField::req("wayCode", Source::BankCode).rule(Rule::OneOf(&["BKASH", "NAGAD"])),
];
const KOREA: &[WireField] = &[
    WireField::req("bankCode", Source::BankCode).rule(Rule::Digits(4, 4)),
    WireField::req("bankAccountNo", Source::AccountNo),
    WireField::req("customerName", Source::Name),
    MOBILE,
    EMAIL,
    WireField::req("subMerchantNo", Source::Extra),
];

/// Every Vexora region.
pub(crate) static REGIONS: &[Region] = &[
    Region::new(
        "indonesia",
        "IDR",
        Asia::Jakarta,
        P,
        A::integer_min(10_000),
        f::INDONESIA,
    )
    .segment("indonesia")
    .sandbox("https://sandbox-api.vexora.com/indonesia")
    .variant(QueryVariant::A),
    Region::new(
        "nigeria",
        "NGN",
        Africa::Lagos,
        P,
        A::TWO_DP,
        f::BANK_ACCOUNT_NO,
    )
    .segment("nigeria")
    .sandbox("https://sandbox-api.vexora.com/nigeria"),
    Region::new(
        "myanmar",
        "MMK",
        Asia::Yangon,
        P,
        A::integer_min(100),
        MYANMAR,
    ),
    Region::new(
        "argentina",
        "ARS",
        America::Argentina::Buenos_Aires,
        P,
        A::integer_min(100),
        ARGENTINA,
    ),
    Region::new(
        "chile",
        "CLP",
        America::Santiago,
        P,
        A::integer_min(100),
        f::CHILE_PERU,
    ),
    Region::new(
        "peru",
        "PEN",
        America::Lima,
        P,
        A::integer_min(100),
        f::CHILE_PERU,
    ),
    Region::new(
        "australia",
        "AUD",
        Australia::Sydney,
        P,
        A::integer_range(100, 10_000),
        AUSTRALIA,
    )
    .remark_required()
    .variant(QueryVariant::C),
    Region::new(
        "malaysia",
        "MYR",
        Asia::Kuala_Lumpur,
        P,
        A::TWO_DP,
        MALAYSIA,
    ),
    Region::new("cambodia", "KHR", Asia::Phnom_Penh, P, A::INTEGER, CAMBODIA).segment("cambodia"),
    Region::new(
        "cambodia-usd",
        "USD",
        Asia::Phnom_Penh,
        P,
        A::TWO_DP,
        CAMBODIA,
    )
    .segment("cambodia-usd"),
    Region::new("japan", "JPY", Asia::Tokyo, P, A::integer_min(100), JAPAN)
        .notify_url(NotifyUrlRule::RequiredHttps),
    Region::new("thailand", "THB", Asia::Bangkok, P, A::TWO_DP, THAILAND),
    Region::new(
        "philippines",
        "PHP",
        Asia::Manila,
        P,
        A::TWO_DP,
        f::PHILIPPINES,
    ),
    Region::new("india", "INR", Asia::Kolkata, P, A::TWO_DP, f::INDIA),
    Region::new(
        "pakistan",
        "PKR",
        Asia::Karachi,
        P,
        A::integer_min(1),
        f::PAKISTAN,
    )
    .remark_required(),
    Region::new("bangladesh", "BDT", Asia::Dhaka, P, A::TWO_DP, BANGLADESH),
    Region::new(
        "kenya",
        "KES",
        Africa::Nairobi,
        P,
        A::integer_above(50),
        f::KENYA,
    )
    .notify_url(NotifyUrlRule::Optional)
    .unsigned_callbacks(),
    Region::new(
        "mexico",
        "MXN",
        America::Mexico_City,
        P,
        A::INTEGER,
        f::MEXICO,
    )
    .notify_url(NotifyUrlRule::Optional)
    .variant(QueryVariant::A),
    Region::new("brazil", "BRL", America::Sao_Paulo, P, A::TWO_DP, f::BRAZIL)
        .sign_in_header()
        .remark_required(),
    Region::new("south-korea", "KRW", Asia::Seoul, P, A::INTEGER, KOREA).segment("korea"),
];
