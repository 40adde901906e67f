//! The Xendit side of [`SimHandle`]: its base URL, the payouts held, the
//! request counters, balances, the webhook URL and the reversal knob.

use payout_core::Decimal;

use super::channels::REGIONS;
use super::ledger::XenditStatus;
use super::{config, lifecycle, XenditEndpoint};
use crate::handle::{ServedRegion, SimHandle};
use crate::SimError;

/// One Xendit payout as the simulator holds it (no account data).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct XenditPayout {
    /// Xendit's id (`disb-…`).
    pub id: String,
    /// The merchant's `reference_id`.
    pub reference_id: String,
    /// The sub-account (`for-user-id`) it was created for, if any.
    pub for_user_id: Option<String>,
    /// Its current status.
    pub status: XenditStatus,
    /// The failure code of a `FAILED` payout.
    pub failure_code: Option<&'static str>,
    /// The amount.
    pub amount: Decimal,
    /// The currency.
    pub currency: &'static str,
    /// The channel.
    pub channel_code: &'static str,
}

/// What the Xendit side holds in memory: it grows with payouts only, never
/// with unauthenticated or refused requests (unless
/// [`super::XenditConfig::consume_key_on_rejection`] is on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct XenditFootprint {
    /// The account and every sub-account that created a payout.
    pub scopes: usize,
    /// Payouts.
    pub payouts: usize,
    /// Idempotency keys.
    pub idempotency_keys: usize,
    /// References with request counters.
    pub references: usize,
    /// Instants held by the rate limiter (at most limit × 6).
    pub rate_limit_entries: usize,
}

impl SimHandle {
    /// The Xendit base URL to configure: `http://ADDR/xendit`.
    pub fn xendit_base_url(&self) -> String {
        format!("http://{}/xendit", self.addr)
    }

    /// The Xendit countries served (brand `xendit`), each with the one
    /// base URL; empty when Xendit is off.
    pub fn xendit_regions(&self) -> Vec<ServedRegion> {
        if !self.shared.xendit.config.enabled {
            return Vec::new();
        }
        REGIONS
            .iter()
            .map(|r| ServedRegion {
                brand: "xendit",
                region: r.id,
                base_url: self.xendit_base_url(),
            })
            .collect()
    }

    /// Every Xendit payout, in creation order.
    pub fn xendit_payouts(&self) -> Vec<XenditPayout> {
        let book = self.shared.xendit.book();
        let mut out: Vec<(u64, XenditPayout)> = Vec::new();
        for (for_user, scope) in book.scopes() {
            for p in &scope.payouts {
                out.push((
                    p.seq,
                    XenditPayout {
                        id: p.id.clone(),
                        reference_id: p.reference_id.clone(),
                        for_user_id: for_user.map(str::to_owned),
                        status: p.status,
                        failure_code: p.failure_code,
                        amount: p.amount,
                        currency: p.channel.currency,
                        channel_code: p.channel.code,
                    },
                ));
            }
        }
        drop(book);
        out.sort_by_key(|(seq, _)| *seq);
        out.into_iter().map(|(_, p)| p).collect()
    }

    /// The Xendit payout with this id.
    pub fn xendit_payout(&self, id: &str) -> Option<XenditPayout> {
        self.xendit_payouts().into_iter().find(|p| p.id == id)
    }

    /// How many payouts carry `reference` (any scope): after any number of
    /// retries with one idempotency key, exactly one.
    pub fn xendit_payout_count(&self, reference: &str) -> usize {
        let book = self.shared.xendit.book();
        book.scopes()
            .filter_map(|(_, s)| s.references.get(reference))
            .map(|r| r.payouts.len())
            .sum()
    }

    /// How many authenticated requests naming `reference` reached
    /// `endpoint` ([`XenditEndpoint::Create`] or [`XenditEndpoint::List`]),
    /// counted once the reference has a payout (so the creating request and
    /// every later one; 0 for a reference without a payout and for the
    /// other endpoints).
    pub fn xendit_request_count(&self, reference: &str, endpoint: XenditEndpoint) -> u32 {
        let book = self.shared.xendit.book();
        book.scopes()
            .filter_map(|(_, s)| s.references.get(reference))
            .map(|r| match endpoint {
                XenditEndpoint::Create => r.creates,
                XenditEndpoint::List => r.lists,
                _ => 0,
            })
            .sum()
    }

    /// How many authenticated requests reached `endpoint` in all (refused
    /// and rate-limited ones included).
    pub fn xendit_total_requests(&self, endpoint: XenditEndpoint) -> u64 {
        self.shared.xendit.total(endpoint)
    }

    /// How many requests were refused `401` (counted, never stored).
    pub fn xendit_unauthenticated_requests(&self) -> u64 {
        self.shared.xendit.unauthenticated()
    }

    /// The cash balance of `currency` in the account (`None`) or a
    /// sub-account (`Some(for_user_id)`).
    pub fn xendit_balance(&self, for_user_id: Option<&str>, currency: &str) -> Decimal {
        let book = self.shared.xendit.book();
        book.scope(for_user_id)
            .map_or_else(|| book.opening(currency), |s| s.balance(currency))
    }

    /// Sends later webhooks to `url` (`None`: no more webhooks). Payouts
    /// already final keep the deliveries they have.
    ///
    /// # Errors
    /// [`SimError::Config`] for a URL that is not `http://` or `https://`.
    pub fn set_xendit_webhook_url(&self, url: Option<String>) -> Result<(), SimError> {
        if let Some(u) = &url {
            config::check_webhook_url(u).map_err(SimError::Config)?;
        }
        self.shared.xendit.set_webhook_url(url);
        Ok(())
    }

    /// Reverses the `SUCCEEDED` payout `id` now: `REVERSED`, its amount
    /// credited back and a `payout.reversed` webhook. False when no payout
    /// with that id is `SUCCEEDED`.
    pub fn xendit_reverse(&self, id: &str) -> bool {
        lifecycle::reverse_now(&self.shared, id)
    }

    /// What the Xendit side holds in memory.
    pub fn xendit_footprint(&self) -> XenditFootprint {
        self.shared.xendit.footprint()
    }
}
