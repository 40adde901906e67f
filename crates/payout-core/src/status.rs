//! A payout's state and status as the provider reports it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::money::{Currency, Decimal};
use crate::names::{deserialize_from_str, parse_name};
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// The stable lower-case name: its `Display`, `FromStr` and serde form.
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

/// Reads [`PayoutState::as_str`] back.
///
/// ```
/// use payout_core::PayoutState;
/// assert_eq!("reversed".parse::<PayoutState>()?, PayoutState::Reversed);
/// assert!("paid".parse::<PayoutState>().is_err());
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for PayoutState {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_name("state", s, &Self::ALL, Self::as_str)
    }
}

/// A wall-clock time in a region's own time zone, as providers report
/// `successTime` (`yyyy-MM-dd HH:mm:ss`, no offset on the wire).
///
/// Its text form (`Display`, `FromStr`, serde) is RFC 9557: an RFC 3339
/// date-time **with its UTC offset**, followed by the IANA zone in
/// brackets, `2024-10-12T12:59:32+07:00[Asia/Jakarta]`, the form
/// `java.time.ZonedDateTime` and JavaScript's Temporal read. Fractional
/// seconds appear only when present. The provider's own text is
/// [`LocalTime::local_string`].
///
/// The offset is the zone's at that local time; for a time repeated when
/// clocks go back, the earlier one (as [`LocalTime::to_utc`]); for a time
/// skipped when clocks go forward (which no provider should report), the
/// offset before the change, the reading RFC 9557 and Temporal call
/// "compatible". Reading back checks that the offset is one of these.
/// An offset with seconds (local mean time, before about 1900) is written
/// rounded to the minute, as RFC 3339 has no seconds in offsets.
///
/// ```
/// use payout_core::LocalTime;
/// let t = LocalTime::parse("2024-10-12 12:59:32", chrono_tz::Asia::Jakarta).unwrap();
/// assert_eq!(t.to_string(), "2024-10-12T12:59:32+07:00[Asia/Jakarta]");
/// assert_eq!(t.local_string(), "2024-10-12 12:59:32");
/// assert_eq!(t.to_utc().unwrap().to_rfc3339(), "2024-10-12T05:59:32+00:00");
/// assert_eq!(t.to_string().parse::<LocalTime>()?, t);
/// assert!("2024-10-12T12:59:32+08:00[Asia/Jakarta]".parse::<LocalTime>().is_err());
/// # Ok::<(), payout_core::Error>(())
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

    /// The format of the date-time part of the text form (fraction only
    /// when present, then the offset).
    const RFC3339: &'static str = "%Y-%m-%dT%H:%M:%S%.f%:z";

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

    /// The local time as providers send it, `yyyy-MM-dd HH:mm:ss` (no
    /// zone, no fraction).
    pub fn local_string(&self) -> String {
        self.local.format(Self::FORMAT).to_string()
    }

    /// The UTC offset the text form carries (see the type's page).
    pub fn offset(&self) -> FixedOffset {
        match self.zone.from_local_datetime(&self.local) {
            LocalResult::Single(t) => t.offset().fix(),
            LocalResult::Ambiguous(earlier, _) => earlier.offset().fix(),
            LocalResult::None => self.offset_before_gap(),
        }
    }

    /// The offset in force a day before `local`: before the change that
    /// skipped it.
    fn offset_before_gap(&self) -> FixedOffset {
        let before = self.local - TimeDelta::days(1);
        self.zone
            .from_local_datetime(&before)
            .earliest()
            .map(|t| t.offset().fix())
            .unwrap_or_else(|| self.zone.offset_from_utc_datetime(&self.local).fix())
    }

    /// Whether `offset` may accompany this local time (see the type's
    /// page). RFC 3339 offsets have whole minutes: an offset with seconds
    /// (local mean time, before 1900 or so) is written, and compared,
    /// rounded to the nearest minute.
    fn admits(&self, offset: FixedOffset) -> bool {
        let minutes = |o: FixedOffset| {
            let secs = o.local_minus_utc();
            secs.signum() * ((secs.abs() + 30) / 60)
        };
        let same = |candidate: FixedOffset| minutes(candidate) == minutes(offset);
        match self.zone.from_local_datetime(&self.local) {
            LocalResult::Single(t) => same(t.offset().fix()),
            LocalResult::Ambiguous(a, b) => same(a.offset().fix()) || same(b.offset().fix()),
            LocalResult::None => same(self.offset_before_gap()),
        }
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_offset = self.offset().from_local_datetime(&self.local).single();
        match with_offset {
            Some(t) => write!(f, "{}[{}]", t.format(Self::RFC3339), self.zone.name()),
            // Unreachable (a fixed offset maps every local time to one
            // instant); the local time and zone are still worth writing.
            None => write!(
                f,
                "{}[{}]",
                self.local.format("%Y-%m-%dT%H:%M:%S%.f"),
                self.zone.name()
            ),
        }
    }
}

/// Reads the text form back: `yyyy-MM-ddTHH:mm:ss[.fff]±hh:mm[Zone/Name]`.
///
/// # Errors
/// [`Error::Validation`] naming `local_time`: a malformed date-time, an
/// unknown IANA zone, or an offset the zone does not have at that time.
impl FromStr for LocalTime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |rule: String| Error::validation("local_time", rule);
        let shown = || crate::error::excerpt(s.as_bytes(), 64);
        let (stamp, zone) = s
            .strip_suffix(']')
            .and_then(|rest| rest.split_once('['))
            .ok_or_else(|| {
                bad(format!(
                    "must be an RFC 3339 date-time with offset followed by the IANA zone in brackets, such as 2024-10-12T12:59:32+07:00[Asia/Jakarta] (got {:?})",
                    shown()
                ))
            })?;
        let zone: Tz = zone.parse().map_err(|_| {
            bad(format!(
                "names no IANA time zone known to the SDK (got {:?})",
                shown()
            ))
        })?;
        let at = DateTime::parse_from_str(stamp, Self::RFC3339).map_err(|e| {
            bad(format!(
                "is not an RFC 3339 date-time with offset ({e}; got {:?})",
                shown()
            ))
        })?;
        let time = Self {
            local: at.naive_local(),
            zone,
        };
        if !time.admits(*at.offset()) {
            return Err(bad(format!(
                "offset {} is not the offset of {} at that time (got {:?})",
                at.offset(),
                zone.name(),
                shown()
            )));
        }
        Ok(time)
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

/// Serialized as its text form (see the type's page).
impl Serialize for LocalTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_from_str(d)
    }
}

/// A payout's status as the provider reported it.
///
/// `state` is the SDK's reading of `provider_status`; both are kept so that
/// nothing the provider said is lost.
///
/// Serialized and read back exactly: amounts as decimal strings keeping
/// their scale (`"100.50"`), `success_time` in [`LocalTime`]'s text form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
