//! What the journal holds and hands out: a payout row ([`PayoutRecord`]),
//! its export form ([`ExportRecord`]), counts ([`Counts`]), and the keys
//! that select rows ([`PayoutKey`], [`Scope`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::order::OrderRecord;
use crate::state::JournalState;
use crate::transition::{ConflictEntry, Snapshot};

/// The unique key of a journaled payout: one trade number per provider
/// account.
///
/// ```
/// use payout_journal::PayoutKey;
/// let key = PayoutKey::new("paypro", "8729248847", "PO-1");
/// assert_eq!(key.trade_no, "PO-1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PayoutKey {
    /// The provider's id (`paypro`, ...).
    pub provider: String,
    /// The account at the provider (merchant number or account id).
    pub account: String,
    /// The merchant's trade number.
    pub trade_no: String,
}

impl PayoutKey {
    /// Builds a key.
    pub fn new(
        provider: impl Into<String>,
        account: impl Into<String>,
        trade_no: impl Into<String>,
    ) -> Self {
        Self {
            provider: provider.into(),
            account: account.into(),
            trade_no: trade_no.into(),
        }
    }
}

/// The rows one provider instance can query: one provider account in one
/// region.
///
/// ```
/// use payout_journal::Scope;
/// let scope = Scope::new("paypro", "8729248847", "indonesia");
/// assert_eq!(scope.region, "indonesia");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The provider's id.
    pub provider: String,
    /// The account at the provider.
    pub account: String,
    /// The region.
    pub region: String,
}

impl Scope {
    /// Builds a scope.
    pub fn new(
        provider: impl Into<String>,
        account: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        Self {
            provider: provider.into(),
            account: account.into(),
            region: region.into(),
        }
    }
}

/// One journaled payout, as stored.
///
/// `Debug` never shows personal data (see [`OrderRecord`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutRecord {
    /// The row id (ascending in insertion order).
    pub id: i64,
    /// The provider's id.
    pub provider: String,
    /// The account at the provider.
    pub account: String,
    /// The region.
    pub region: String,
    /// The merchant's trade number.
    pub trade_no: String,
    /// The order as journaled.
    pub order: OrderRecord,
    /// The state.
    pub state: JournalState,
    /// The provider's last raw status code.
    pub provider_status: Option<String>,
    /// The provider's own payout id.
    pub platform_trade_no: Option<String>,
    /// How many times the create request was sent.
    pub attempts: u32,
    /// How many status queries were made for it.
    pub queries: u32,
    /// When it was journaled.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who holds the lease on it (a sender or a reconciler).
    pub lease_owner: Option<String>,
    /// When that lease runs out.
    pub lease_until: Option<DateTime<Utc>>,
    /// When a reconciler should query it next.
    pub next_query_at: DateTime<Utc>,
    /// The last error met for it (never a secret).
    pub last_error: Option<String>,
    /// For a conflict: every contradicting observation, oldest first.
    pub conflict: Vec<ConflictEntry>,
    /// Incremented on every change (compare-and-set).
    pub version: i64,
}

impl PayoutRecord {
    /// The row's key.
    pub fn key(&self) -> PayoutKey {
        PayoutKey::new(&self.provider, &self.account, &self.trade_no)
    }

    /// The part the state machine works on.
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state,
            provider_status: self.provider_status.clone(),
            platform_trade_no: self.platform_trade_no.clone(),
            conflict: self.conflict.clone(),
            updated_at_ms: self.updated_at.timestamp_millis(),
        }
    }

    /// True when someone other than `owner` holds a lease that has not run
    /// out at `now`.
    pub fn leased_by_other(&self, owner: &str, now: DateTime<Utc>) -> bool {
        match (&self.lease_owner, self.lease_until) {
            (Some(holder), Some(until)) => holder != owner && until > now,
            _ => false,
        }
    }

    /// The export form.
    pub fn export(&self) -> ExportRecord {
        ExportRecord {
            provider: self.provider.clone(),
            region: self.region.clone(),
            trade_no: self.trade_no.clone(),
            state: self.state,
            provider_status: self.provider_status.clone(),
            platform_trade_no: self.platform_trade_no.clone(),
            amount: self.order.amount.clone(),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            attempts: self.attempts,
        }
    }
}

/// One payout as exported (`payout journal export`): no personal data.
///
/// Serializes to one JSON object per line; [`ExportRecord::csv_row`] gives
/// the CSV form under [`ExportRecord::CSV_HEADER`].
///
/// ```
/// use payout_journal::{ExportRecord, JournalState};
/// let r = ExportRecord {
///     provider: "paypro".into(), region: "indonesia".into(), trade_no: "PO-1".into(),
///     state: JournalState::Succeeded, provider_status: Some("0000".into()),
///     platform_trade_no: None, amount: "100.50".into(),
///     created_at: "2026-11-23T10:00:00.000Z".into(), updated_at: "2026-11-23T10:00:01.000Z".into(),
///     attempts: 1,
/// };
/// assert_eq!(
///     r.csv_row(),
///     "paypro,indonesia,PO-1,succeeded,0000,,100.50,2026-11-23T10:00:00.000Z,2026-11-23T10:00:01.000Z,1"
/// );
/// assert!(serde_json::to_string(&r)?.starts_with(r#"{"provider":"paypro","region":"indonesia""#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportRecord {
    /// The provider's id.
    pub provider: String,
    /// The region.
    pub region: String,
    /// The merchant's trade number.
    pub trade_no: String,
    /// The journal state.
    pub state: JournalState,
    /// The provider's last raw status code.
    pub provider_status: Option<String>,
    /// The provider's own payout id.
    pub platform_trade_no: Option<String>,
    /// The exact amount, as decimal text.
    pub amount: String,
    /// When it was journaled (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// How many times the create request was sent.
    pub attempts: u32,
}

impl ExportRecord {
    /// The CSV header line, in the column order of [`ExportRecord::csv_row`].
    pub const CSV_HEADER: &'static str = "provider,region,trade_no,state,provider_status,\
         platform_trade_no,amount,created_at,updated_at,attempts";

    /// The record as one CSV line (RFC 4180 quoting, no line break).
    pub fn csv_row(&self) -> String {
        let mut out = String::with_capacity(128);
        let fields = [
            self.provider.as_str(),
            self.region.as_str(),
            self.trade_no.as_str(),
            self.state.as_str(),
            self.provider_status.as_deref().unwrap_or(""),
            self.platform_trade_no.as_deref().unwrap_or(""),
            self.amount.as_str(),
            self.created_at.as_str(),
            self.updated_at.as_str(),
        ];
        for field in fields {
            push_csv_field(&mut out, field);
            out.push(',');
        }
        let _ = write!(out, "{}", self.attempts);
        out
    }
}

fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// How many payouts the journal holds, by state
/// (`payout journal status`).
///
/// ```
/// use payout_journal::Counts;
/// let counts = Counts::from_pairs([("succeeded".to_string(), 2), ("pending".to_string(), 1)]);
/// assert_eq!(counts.total, 3);
/// assert_eq!(counts.by_state["failed"], 0); // every state is listed
/// assert_eq!(counts.not_final(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Every payout.
    pub total: u64,
    /// Payouts per state name; every state is listed, zero included.
    pub by_state: BTreeMap<String, u64>,
}

impl Counts {
    /// Counts from `(state name, count)` pairs; every state is listed.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, u64)>) -> Self {
        let mut by_state: BTreeMap<String, u64> = JournalState::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect();
        let mut total = 0;
        for (state, n) in pairs {
            total += n;
            *by_state.entry(state).or_insert(0) += n;
        }
        Self { total, by_state }
    }

    /// Payouts in a state that is not final (see [`JournalState::is_final`]).
    pub fn not_final(&self) -> u64 {
        JournalState::ALL
            .iter()
            .filter(|s| !s.is_final())
            .map(|s| self.by_state.get(s.as_str()).copied().unwrap_or(0))
            .sum()
    }
}

/// RFC 3339 in UTC with milliseconds (`2026-11-23T10:00:00.000Z`).
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A time from its stored form (ms since the Unix epoch).
pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH)
}

/// Now, to the millisecond (the precision stored).
pub(crate) fn now() -> DateTime<Utc> {
    from_ms(Utc::now().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut s = String::new();
        push_csv_field(&mut s, "a,\"b\"");
        assert_eq!(s, "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(
            rfc3339(from_ms(1_700_000_000_123)),
            "2023-11-14T22:13:20.123Z"
        );
    }
}
