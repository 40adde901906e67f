//! A payout's state and status as the provider reports it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

use crate::money::{Currency, Decimal};
use crate::trade_no::TradeNo;

/// Where a payout stands.
///
/// Final states: [`PayoutState::Succeeded`], [`PayoutState::Failed`],
/// [`PayoutState::Cancelled`] and [`PayoutState::Reversed`]. A final state
/// is never left, with one exception: `succeeded → reversed` (the money
/// came back later), which [`crate::decide_update`] reports as its own
/// event. [`PayoutState::Unknown`] means the provider sent a status no
/// table lists: it is **not** a failure (a payout wrongly reported failed
/// may be re-sent and pay twice); keep polling or ask the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PayoutState {
    /// Accepted and in flight.
    Processing,
    /// Paid out.
    Succeeded,
    /// Definitely not paid; the money is released.
    Failed,
    /// Cancelled on the merchant's request before it was paid: final,
    /// nothing paid.
    Cancelled,
    /// Reported paid, then returned by the bank or network: the beneficiary
    /// is unpaid and the money is back in the merchant's balance. Final.
    Reversed,
    /// The provider's answer does not tell (undocumented status code).
    Unknown,
}

impl PayoutState {
    /// Every state, in declaration order.
    pub const ALL: [PayoutState; 6] = [
        PayoutState::Processing,
        PayoutState::Succeeded,
        PayoutState::Failed,
        PayoutState::Cancelled,
        PayoutState::Reversed,
        PayoutState::Unknown,
    ];

    /// True for `Succeeded`, `Failed`, `Cancelled` and `Reversed`.
    ///
    /// ```
    /// use payout_core::PayoutState;
    /// assert!(PayoutState::Failed.is_final());
    /// assert!(PayoutState::Reversed.is_final());
    /// assert!(!PayoutState::Unknown.is_final());
    /// ```
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PayoutState::Succeeded
                | PayoutState::Failed
                | PayoutState::Cancelled
                | PayoutState::Reversed
        )
    }

    /// True when the beneficiary ended up paid nothing (`failed`,
    /// `cancelled`, `reversed`).
    pub fn is_unpaid_final(&self) -> bool {
        matches!(
            self,
            PayoutState::Failed | PayoutState::Cancelled | PayoutState::Reversed
        )
    }

    /// The stable lower-case name used in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            PayoutState::Processing => "processing",
            PayoutState::Succeeded => "succeeded",
            PayoutState::Failed => "failed",
            PayoutState::Cancelled => "cancelled",
            PayoutState::Reversed => "reversed",
            PayoutState::Unknown => "unknown",
        }
    }
}

impl fmt::Display for PayoutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A wall-clock time in a region's own time zone, as providers report
/// `successTime` (`yyyy-MM-dd HH:mm:ss`, no offset on the wire).
///
/// ```
/// use payout_core::LocalTime;
/// let t = LocalTime::parse("2024-10-12 12:59:32", chrono_tz::Asia::Jakarta).unwrap();
/// assert_eq!(t.to_string(), "2024-10-12 12:59:32");
/// assert_eq!(t.to_utc().unwrap().to_rfc3339(), "2024-10-12T05:59:32+00:00");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalTime {
    /// The local date and time, exactly as received.
    pub local: NaiveDateTime,
    /// The region's IANA time zone.
    pub zone: Tz,
}

impl LocalTime {
    /// The wire format of `successTime`.
    pub const FORMAT: &'static str = "%Y-%m-%d %H:%M:%S";

    /// Parses `yyyy-MM-dd HH:mm:ss` in `zone`; `None` when the text does not
    /// have that shape.
    pub fn parse(text: &str, zone: Tz) -> Option<Self> {
        NaiveDateTime::parse_from_str(text.trim(), Self::FORMAT)
            .ok()
            .map(|local| Self { local, zone })
    }

    /// The instant in UTC; `None` for a local time that does not exist in
    /// the zone (a DST gap). Ambiguous times resolve to the earlier instant.
    pub fn to_utc(&self) -> Option<DateTime<Utc>> {
        self.zone
            .from_local_datetime(&self.local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.local.format(Self::FORMAT))
    }
}

impl fmt::Debug for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({})",
            self.local.format(Self::FORMAT),
            self.zone.name()
        )
    }
}

impl Serialize for LocalTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A payout's status as the provider reported it.
///
/// `state` is the SDK's reading of `provider_status`; both are kept so that
/// nothing the provider said is lost.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PayoutStatus {
    /// The provider's id (`paypro`, `vexora`, ...); borrowed from the
    /// provider's static id, so a status costs no allocation for it.
    pub provider: Cow<'static, str>,
    /// The merchant's trade number.
    pub trade_no: TradeNo,
    /// The provider's own number for the payout, when sent.
    pub platform_trade_no: Option<String>,
    /// The SDK's reading of `provider_status`.
    pub state: PayoutState,
    /// The provider's raw status code (`0000`, `0015`, `00029`, ...);
    /// documented codes are borrowed from the provider's static table.
    pub provider_status: Cow<'static, str>,
    /// The provider's free-text message (not authoritative).
    pub message: Option<String>,
    /// The region's currency.
    pub currency: Currency,
    /// The amount the merchant ordered, where the provider reports it
    /// separately from what was paid (the platform's `orderAmount`).
    pub requested_amount: Option<Decimal>,
    /// The amount actually delivered, where the provider reports it
    /// separately (the platform's `payAmount`).
    pub paid_amount: Option<Decimal>,
    /// The payout's amount, where the provider reports one amount.
    pub amount: Option<Decimal>,
    /// When the payout succeeded, in the provider's local time.
    pub success_time: Option<LocalTime>,
    /// Every other field the provider sent, verbatim.
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl PayoutStatus {
    /// A status with only the mandatory parts; amounts, time and extras empty.
    pub fn new(
        provider: impl Into<Cow<'static, str>>,
        trade_no: TradeNo,
        state: PayoutState,
        provider_status: impl Into<Cow<'static, str>>,
        currency: Currency,
    ) -> Self {
        Self {
            provider: provider.into(),
            trade_no,
            platform_trade_no: None,
            state,
            provider_status: provider_status.into(),
            message: None,
            currency,
            requested_amount: None,
            paid_amount: None,
            amount: None,
            success_time: None,
            extra: BTreeMap::new(),
        }
    }
}
