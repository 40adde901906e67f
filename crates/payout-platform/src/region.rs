//! A brand's region table as data: one [`Region`] row per country.
//!
//! Adding a region is adding one row; nothing else branches on the region.

use chrono_tz::Tz;
use payout_core::{CallbackSigning, Currency, Decimal};

use crate::scheme::SignPlacement;

/// A brand of the white-label platform: its id and its region table.
#[derive(Debug)]
pub struct Brand {
    /// Stable provider id (`paypro`, `vexora`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Every region the brand serves.
    pub regions: &'static [Region],
    /// How requests and callbacks are signed.
    pub scheme: crate::Scheme,
}

impl Brand {
    /// The region with this id (`indonesia`, `south-korea`, ...).
    pub fn region(&self, id: &str) -> Option<&'static Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// A provider of this brand for the settings' region, on a shared
    /// transport.
    ///
    /// # Errors
    /// [`payout_core::Error::Config`] for an unknown region or unusable settings.
    pub fn provider(
        &'static self,
        settings: &payout_core::ProviderSettings,
        transport: payout_transport::HttpTransport,
    ) -> Result<crate::PlatformProvider, payout_core::Error> {
        Ok(payout_transport::Connector::new(
            crate::Platform::new(self, settings)?,
            transport,
        ))
    }

    /// The region ids, in table order.
    pub fn region_ids(&self) -> impl Iterator<Item = &'static str> {
        self.regions.iter().map(|r| r.id)
    }
}

/// Where a region's endpoints live below its base URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paths {
    /// Common prefix (`/v1/paypro/`, `/v1/payproPK/`, `/api/`).
    pub family: &'static str,
    /// Payout query endpoint (`queryPayOutResult`).
    pub query: &'static str,
    /// Payout create endpoint (`payOut`, `payout`, `disbursements`).
    pub create: &'static str,
    /// Balance endpoint (`queryBalance`).
    pub balance: &'static str,
}

impl Paths {
    /// A family with the usual query and balance endpoints.
    pub const fn new(family: &'static str, create: &'static str) -> Self {
        Self {
            family,
            query: "queryPayOutResult",
            create,
            balance: "queryBalance",
        }
    }

    /// Overrides the query endpoint.
    pub const fn query(mut self, query: &'static str) -> Self {
        self.query = query;
        self
    }
}

/// Which shape a region's query `data` has (spec §4). The parser reads all
/// of them; the simulator answers with the region's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryVariant {
    /// `orderAmount` and `payAmount` as strings, optional `successTime`.
    A,
    /// `amount` as a string, optional `successTime`.
    B,
    /// `amount` as a JSON number with 4 decimals, `successTime` always sent.
    C,
}

/// Whether the order's `notifyUrl` is required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyUrlRule {
    /// Required, `http` or `https`.
    Required,
    /// Required and must be `https` (Japan).
    RequiredHttps,
    /// Optional (Kenya; Mexico falls back to the dashboard setting).
    Optional,
}

/// Amount rules of a region: decimal places and bounds, in major units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountRule {
    /// Decimal places accepted (0 = integers only).
    pub scale: u32,
    /// Smallest amount accepted.
    pub min: Option<i64>,
    /// Whether `min` itself is refused (Kenya: more than 50).
    pub min_exclusive: bool,
    /// Largest amount accepted.
    pub max: Option<i64>,
}

impl AmountRule {
    /// Integers only, no bounds published.
    pub const INTEGER: Self = Self {
        scale: 0,
        min: None,
        min_exclusive: false,
        max: None,
    };
    /// Two decimal places, no bounds published.
    pub const TWO_DP: Self = Self {
        scale: 2,
        ..Self::INTEGER
    };

    /// Integers from `min` up.
    pub const fn integer_min(min: i64) -> Self {
        Self {
            min: Some(min),
            ..Self::INTEGER
        }
    }

    /// Integers in `min..=max`.
    pub const fn integer_range(min: i64, max: i64) -> Self {
        Self {
            min: Some(min),
            max: Some(max),
            ..Self::INTEGER
        }
    }

    /// Integers strictly greater than `min`.
    pub const fn integer_above(min: i64) -> Self {
        Self {
            min: Some(min),
            min_exclusive: true,
            ..Self::INTEGER
        }
    }

    /// The smallest amount as a decimal.
    pub fn min_decimal(&self) -> Option<Decimal> {
        self.min.map(Decimal::from)
    }
}

/// Where a wire field's value comes from in a [`payout_core::CreatePayout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Bank code, wallet code or payment rail (`bank_code`, `wallet`).
    BankCode,
    /// Account number, wallet number, PIX key, or mobile-money number.
    AccountNo,
    /// Account type (`BANK`/`WALLET`, `CVU`/`CBU`, `CLABE`/`DebitCard`, PIX key type).
    AccountType,
    /// Full name of the beneficiary.
    Name,
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Phone number.
    Mobile,
    /// E-mail address.
    Email,
    /// Identity document type.
    IdType,
    /// Identity document number.
    IdNumber,
    /// Only from the order's `extra` map, by the wire name.
    Extra,
}

/// A format rule checked before sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Anything non-empty.
    Any,
    /// Only ASCII digits, length in `min..=max`.
    Digits(u8, u8),
    /// Exactly this many characters.
    Len(u8),
    /// One of the listed values.
    OneOf(&'static [&'static str]),
    /// ASCII letters and spaces only.
    AsciiLetters,
    /// Something with an `@` and a dot after it.
    Email,
}

/// One beneficiary or payer field of a region's payout body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WireField {
    /// The JSON key sent.
    pub wire: &'static str,
    /// Where the value comes from.
    pub source: Source,
    /// Whether the region requires it.
    pub required: bool,
    /// Format rule.
    pub rule: Rule,
    /// Value sent when the order gives none.
    pub default: Option<&'static str>,
}

impl WireField {
    /// A required field.
    pub const fn req(wire: &'static str, source: Source) -> Self {
        Self {
            wire,
            source,
            required: true,
            rule: Rule::Any,
            default: None,
        }
    }

    /// An optional field.
    pub const fn opt(wire: &'static str, source: Source) -> Self {
        Self {
            required: false,
            ..Self::req(wire, source)
        }
    }

    /// Adds a format rule.
    pub const fn rule(mut self, rule: Rule) -> Self {
        self.rule = rule;
        self
    }

    /// Adds a default value.
    pub const fn or(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }
}

/// One row of a brand's region table.
#[derive(Debug)]
pub struct Region {
    /// Region id used in configuration (`indonesia`, `south-korea`).
    pub id: &'static str,
    /// The URL segment after the host (`indonesia-pay`, `korea`), when known.
    pub segment: Option<&'static str>,
    /// Currency paid out.
    pub currency: Currency,
    /// Time zone of `successTime`.
    pub zone: Tz,
    /// Published sandbox base URL (host + segment), if any.
    pub sandbox_base_url: Option<&'static str>,
    /// Endpoint paths.
    pub paths: Paths,
    /// Where the request signature travels.
    pub sign: SignPlacement,
    /// Amount rules.
    pub amount: AmountRule,
    /// Beneficiary and payer fields of the payout body.
    pub payout_fields: &'static [WireField],
    /// Whether `remark` is required.
    pub remark_required: bool,
    /// Whether and how `notifyUrl` is required.
    pub notify_url: NotifyUrlRule,
    /// The query response shape.
    pub query_variant: QueryVariant,
    /// How callbacks are authenticated.
    pub callback: CallbackSigning,
}

impl Region {
    /// A row with the common settings: body signature, required notify URL,
    /// optional remark, variant B, signed callbacks.
    pub const fn new(
        id: &'static str,
        currency: &'static str,
        zone: Tz,
        paths: Paths,
        amount: AmountRule,
        payout_fields: &'static [WireField],
    ) -> Self {
        Self {
            id,
            segment: None,
            currency: Currency::from_static(currency),
            zone,
            sandbox_base_url: None,
            paths,
            sign: SignPlacement::Body,
            amount,
            payout_fields,
            remark_required: false,
            notify_url: NotifyUrlRule::Required,
            query_variant: QueryVariant::B,
            callback: CallbackSigning::Signed,
        }
    }

    /// Sets the URL segment.
    pub const fn segment(mut self, segment: &'static str) -> Self {
        self.segment = Some(segment);
        self
    }

    /// Sets the published sandbox base URL.
    pub const fn sandbox(mut self, url: &'static str) -> Self {
        self.sandbox_base_url = Some(url);
        self
    }

    /// Moves the signature into the `sign` header.
    pub const fn sign_in_header(mut self) -> Self {
        self.sign = SignPlacement::Header;
        self
    }

    /// Makes `remark` required.
    pub const fn remark_required(mut self) -> Self {
        self.remark_required = true;
        self
    }

    /// Sets the notify URL rule.
    pub const fn notify_url(mut self, rule: NotifyUrlRule) -> Self {
        self.notify_url = rule;
        self
    }

    /// Sets the query response variant.
    pub const fn variant(mut self, variant: QueryVariant) -> Self {
        self.query_variant = variant;
        self
    }

    /// Marks callbacks as unsigned.
    pub const fn unsigned_callbacks(mut self) -> Self {
        self.callback = CallbackSigning::Unsigned;
        self
    }
}
