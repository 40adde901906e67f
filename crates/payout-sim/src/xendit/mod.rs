//! # Xendit Payouts v2, below `/xendit`
//!
//! The simulator also serves [Xendit's Payouts v2 API] (spec:
//! `xendit.md`, §10) on the same address, below `http://ADDR/xendit`
//! ([`crate::SimHandle::xendit_base_url`]):
//!
//! | operation | method and path |
//! |---|---|
//! | create | `POST /xendit/v2/payouts` (`Idempotency-key` header required) |
//! | get by id | `GET /xendit/v2/payouts/{id}` |
//! | get by reference | `GET /xendit/v2/payouts?reference_id=REF` (`limit`, `after_id`, `before_id`) |
//! | cancel | `POST /xendit/v2/payouts/{id}/cancel` |
//! | balance | `GET /xendit/balance?account_type=CASH&currency=IDR` |
//! | channels | `GET /xendit/payouts_channels?currency=&channel_category=&channel_code=` |
//!
//! - **Auth**: HTTP Basic, the secret key ([`XENDIT_TEST_SECRET_KEY`] by
//!   default) as username, empty password; anything else is `401
//!   INVALID_API_KEY`. A `for-user-id` header scopes payouts, keys and
//!   balances to that sub-account.
//! - **Idempotency**: per scope and key, the parsed body and the payout;
//!   the same body again answers `200` with the payout in its current
//!   status, another body `409 DUPLICATE_ERROR`.
//! - **Validation** per spec §3.1 against the channel table
//!   ([`CHANNELS`]), answered with the `400` codes of spec §7.
//! - **Ledger**: cash balances per currency, debited at create and
//!   credited back on `FAILED`, `CANCELLED` and `REVERSED`.
//! - **Lifecycle** ([`XenditLifecycle`]): `ACCEPTED`, `REQUESTED`, then the
//!   outcome the account number picks: `131313` stays `ACCEPTED`,
//!   `98018521` fails `TRANSFER_ERROR`, `123456`
//!   `TEMPORARY_TRANSFER_ERROR`, `999999` `REJECTED_BY_CHANNEL`, `121212`
//!   `INVALID_DESTINATION`, anything else succeeds. A reference ending in
//!   `_REVERSE` is reversed after success
//!   ([`crate::SimHandle::xendit_reverse`] reverses any succeeded payout).
//! - **Webhooks** on `SUCCEEDED`, `FAILED` and `REVERSED` to the account's
//!   URL, with `x-callback-token` ([`XENDIT_TEST_CALLBACK_TOKEN`]) and
//!   `webhook-id`, in the observed or documented form ([`WebhookForm`]),
//!   retried on Xendit's schedule (scalable); `_DUP` delivers twice.
//! - **Faults** by reference suffix, as on the platform ([`crate::Fault`]):
//!   `_SLOW`, `_DROP`, `_RESET`, `_502`, `_500`, `_TRUNC`, `_HUGE`. A
//!   faulted create still creates its payout. A scenario registered with
//!   [`crate::SimHandle::set_scenario`] under the reference replaces the
//!   suffix reading: its create fault, its query fault (lookups by
//!   reference, within its [`crate::FaultScope`]) and its duplicate
//!   webhook apply; the outcome still follows the account number.
//! - **Rate limit** (off by default, [`RateLimit`]): `429
//!   RATE_LIMIT_EXCEEDED` and the `Rate-Limit-*` headers.
//!
//! Nothing is stored for a request that is not authenticated or that is
//! refused; per-reference counters exist only for references that have a
//! payout ([`crate::SimHandle::xendit_footprint`]).
//!
//! [Xendit's Payouts v2 API]: https://docs.xendit.co/apidocs/create-payout

mod auth;
mod channels;
mod config;
mod error;
mod handle;
mod ledger;
mod lifecycle;
mod rate;
mod routes;
mod validate;
mod wire;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};

pub use channels::{channel, Channel, ChannelCategory, XenditRegion, CHANNELS, REGIONS};
pub use config::{
    RateLimit, WebhookForm, XenditConfig, XenditLifecycle, XENDIT_TEST_BUSINESS_ID,
    XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY,
};
pub use handle::{XenditFootprint, XenditPayout};
pub use ledger::XenditStatus;
pub(crate) use routes::handle;

use ledger::Book;
use rate::RateLimiter;

/// An endpoint of the Xendit API, for the request counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XenditEndpoint {
    /// `POST /v2/payouts`.
    Create,
    /// `GET /v2/payouts/{id}`.
    Get,
    /// `GET /v2/payouts?reference_id=`.
    List,
    /// `POST /v2/payouts/{id}/cancel`.
    Cancel,
    /// `GET /balance`.
    Balance,
    /// `GET /payouts_channels`.
    Channels,
}

impl XenditEndpoint {
    pub(crate) const COUNT: usize = 6;

    pub(crate) fn index(self) -> usize {
        match self {
            XenditEndpoint::Create => 0,
            XenditEndpoint::Get => 1,
            XenditEndpoint::List => 2,
            XenditEndpoint::Cancel => 3,
            XenditEndpoint::Balance => 4,
            XenditEndpoint::Channels => 5,
        }
    }
}

/// The Xendit side of the simulator's shared state.
pub(crate) struct XenditState {
    pub config: XenditConfig,
    webhook_url: RwLock<Option<String>>,
    book: Mutex<Book>,
    pub limiter: Option<RateLimiter>,
    totals: [AtomicU64; XenditEndpoint::COUNT],
    unauthenticated: AtomicU64,
    next_serial: AtomicU64,
}

impl std::fmt::Debug for XenditState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XenditState")
            .field("enabled", &self.config.enabled)
            .field("payouts", &self.footprint().payouts)
            .finish_non_exhaustive()
    }
}

impl XenditState {
    pub(crate) fn new(config: &XenditConfig) -> Result<Self, String> {
        config.validate()?;
        let opening: BTreeMap<String, payout_core::Decimal> =
            config.balances.iter().cloned().collect();
        Ok(Self {
            webhook_url: RwLock::new(config.webhook_url.clone()),
            book: Mutex::new(Book::new(opening)),
            limiter: config.rate_limit.map(RateLimiter::new),
            config: config.clone(),
            totals: Default::default(),
            unauthenticated: AtomicU64::new(0),
            next_serial: AtomicU64::new(1),
        })
    }

    /// Locks the ledger. A panic elsewhere never poisons the simulator.
    pub(crate) fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn webhook_url(&self) -> Option<String> {
        self.webhook_url
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set_webhook_url(&self, url: Option<String>) {
        *self
            .webhook_url
            .write()
            .unwrap_or_else(PoisonError::into_inner) = url;
    }

    /// The business id of a scope's payouts and webhooks.
    pub(crate) fn business_id<'a>(&'a self, for_user: Option<&'a str>) -> &'a str {
        for_user.unwrap_or(&self.config.business_id)
    }

    pub(crate) fn next_serial(&self) -> u64 {
        self.next_serial.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn count_total(&self, endpoint: XenditEndpoint) {
        self.totals[endpoint.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn total(&self, endpoint: XenditEndpoint) -> u64 {
        self.totals[endpoint.index()].load(Ordering::Relaxed)
    }

    pub(crate) fn count_unauthenticated(&self) {
        self.unauthenticated.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn unauthenticated(&self) -> u64 {
        self.unauthenticated.load(Ordering::Relaxed)
    }

    /// What the simulator holds.
    pub(crate) fn footprint(&self) -> XenditFootprint {
        let book = self.book();
        let mut f = XenditFootprint::default();
        for (_, scope) in book.scopes() {
            f.scopes += 1;
            f.payouts += scope.payouts.len();
            f.idempotency_keys += scope.keys.len();
            f.references += scope.references.len();
        }
        drop(book);
        f.rate_limit_entries = self.limiter.as_ref().map_or(0, RateLimiter::held);
        f
    }
}
