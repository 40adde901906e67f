//! The JSON objects printed on stdout. Key names are a contract: keys may
//! be added, never renamed. Amounts are decimal strings with the scale the
//! provider sent (`"300.00"`), never JSON numbers.

use std::collections::BTreeMap;

use payout::{Balance, Decimal, PayoutProvider, PayoutStatus};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A payout's status: the output of `query`, and the base of `wait` and
/// `verify-notify`.
#[derive(Debug, Serialize)]
pub struct StatusOut<'a> {
    /// Provider id.
    pub provider: &'a str,
    /// Region id (extension).
    pub region: &'a str,
    /// The merchant's trade number.
    pub trade_no: &'a str,
    /// The provider's number for the payout.
    pub platform_trade_no: Option<&'a str>,
    /// `succeeded`, `processing`, `failed` or `unknown`.
    pub state: &'a str,
    /// The provider's raw status code.
    pub provider_status: &'a str,
    /// The provider's free-text message.
    pub message: Option<&'a str>,
    /// `orderAmount`, where the region reports it.
    #[serde(serialize_with = "opt_decimal")]
    pub order_amount: Option<Decimal>,
    /// `payAmount`, where the region reports it.
    #[serde(serialize_with = "opt_decimal")]
    pub pay_amount: Option<Decimal>,
    /// `amount`, where the region reports it.
    #[serde(serialize_with = "opt_decimal")]
    pub amount: Option<Decimal>,
    /// `yyyy-MM-dd HH:mm:ss` in the region's local time.
    pub success_time: Option<String>,
    /// The region's currency (extension).
    pub currency: &'a str,
    /// IANA zone of `success_time` (extension).
    pub zone: Option<&'a str>,
    /// Every other field the provider sent, verbatim (extension).
    pub extra: &'a BTreeMap<String, Value>,
}

impl<'a> StatusOut<'a> {
    /// The output for `status`, read by `provider`.
    pub fn new(provider: &'a dyn PayoutProvider, status: &'a PayoutStatus) -> Self {
        Self {
            provider: &status.provider,
            region: provider.region(),
            trade_no: status.trade_no.as_str(),
            platform_trade_no: status.platform_trade_no.as_deref(),
            state: status.state.as_str(),
            provider_status: &status.provider_status,
            message: status.message.as_deref(),
            order_amount: status.requested_amount,
            pay_amount: status.paid_amount,
            amount: status.amount,
            success_time: status.success_time.map(|t| t.to_string()),
            currency: status.currency.as_str(),
            zone: status
                .success_time
                .map(|t| t.zone.name())
                .or_else(|| region_zone(provider)),
            extra: &status.extra,
        }
    }
}

/// `verify-notify`: the status plus whether its signature was verified.
#[derive(Debug, Serialize)]
pub struct NotifyOut<'a> {
    /// The status the callback carries.
    #[serde(flatten)]
    pub status: StatusOut<'a>,
    /// True only for a callback whose signature (or token) matched.
    pub verified: bool,
    /// The provider's event name, where it sends one (Xendit).
    pub event: Option<&'a str>,
    /// The callback's `timestamp` in ms, when sent (extension).
    pub sent_at_ms: Option<u64>,
}

/// `wait`: the last status plus whether it is final.
#[derive(Debug, Serialize)]
pub struct WaitOut<'a> {
    /// The last status seen.
    #[serde(flatten)]
    pub status: StatusOut<'a>,
    /// True when the payout is succeeded or failed.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Queries made, when the deadline was reached (extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<u32>,
}

/// `create`: the accepted payout.
#[derive(Debug, Serialize)]
pub struct CreateOut<'a> {
    /// Provider id.
    pub provider: &'a str,
    /// Region id (extension).
    pub region: &'a str,
    /// The merchant's trade number.
    pub trade_no: &'a str,
    /// The provider's number for the payout.
    pub platform_trade_no: Option<&'a str>,
    /// Usually `processing`; may already be `failed`.
    pub state: &'a str,
    /// The provider's raw status code (empty when the answer had none).
    pub provider_status: &'a str,
    /// The provider's free-text message.
    pub message: Option<&'a str>,
}

impl<'a> CreateOut<'a> {
    /// The output for an accepted create.
    pub fn new(provider: &'a dyn PayoutProvider, status: &'a PayoutStatus) -> Self {
        Self {
            provider: &status.provider,
            region: provider.region(),
            trade_no: status.trade_no.as_str(),
            platform_trade_no: status.platform_trade_no.as_deref(),
            state: status.state.as_str(),
            provider_status: &status.provider_status,
            message: status.message.as_deref(),
        }
    }
}

/// `query`/`wait` exit 8: the provider proves no payout exists.
#[derive(Debug, Serialize)]
pub struct NotFoundOut<'a> {
    /// Provider id.
    pub provider: &'a str,
    /// The trade number looked up.
    pub trade_no: &'a str,
    /// Always `not_found`.
    pub state: &'static str,
}

impl<'a> NotFoundOut<'a> {
    /// The output for `trade_no` at `provider`.
    pub fn new(provider: &'a str, trade_no: &'a payout::TradeNo) -> Self {
        Self {
            provider,
            trade_no: trade_no.as_str(),
            state: "not_found",
        }
    }
}

/// `create` exit 9: the existing payout's status plus `"duplicate": true`.
#[derive(Debug, Serialize)]
pub struct DuplicateOut<'a> {
    /// The existing payout's status (the query keys).
    #[serde(flatten)]
    pub status: StatusOut<'a>,
    /// Always true.
    pub duplicate: bool,
}

/// `balance`.
#[derive(Debug, Serialize)]
pub struct BalanceOut<'a> {
    /// Provider id.
    pub provider: &'a str,
    /// Region id (extension).
    pub region: &'a str,
    /// Money that can be paid out now.
    #[serde(serialize_with = "decimal")]
    pub available: Decimal,
    /// Money held by payouts in flight (`null` where the provider has none).
    #[serde(serialize_with = "opt_decimal")]
    pub frozen: Option<Decimal>,
    /// Collections not yet available (`null` where the provider has none).
    #[serde(serialize_with = "opt_decimal")]
    pub unsettled: Option<Decimal>,
    /// The region's currency (extension).
    pub currency: &'a str,
}

impl<'a> BalanceOut<'a> {
    /// The output for a balance.
    pub fn new(provider: &'a dyn PayoutProvider, balance: &'a Balance) -> Self {
        Self {
            provider: &balance.provider,
            region: provider.region(),
            available: balance.available,
            frozen: balance.frozen,
            unsettled: balance.unsettled,
            currency: balance.currency.as_str(),
        }
    }
}

/// The region's zone from the provider's capability declaration.
fn region_zone(provider: &dyn PayoutProvider) -> Option<&'static str> {
    provider
        .capabilities()
        .region(provider.region())
        .map(|r| r.zone)
}

fn decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn opt_decimal<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// Serializes `value` as one line of JSON.
///
/// # Errors
/// Only if serialization fails, which the types above cannot cause.
pub fn to_line(value: &impl Serialize) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}
