//! The Xendit account the simulator serves ([`XenditConfig`]): its keys,
//! opening balances, webhook, lifecycle timing and optional knobs.

use std::time::Duration;

use payout_core::{Decimal, Secret};

use crate::config::CallbackConfig;

/// The simulator's Xendit test secret key (public on purpose: it opens
/// nothing real). Send it as `Authorization: Basic base64("<key>:")`.
pub const XENDIT_TEST_SECRET_KEY: &str = "xnd_development_sim_Q7vKp2mX9cRt4LwZ8bNe3HyJ6dFs0aGu";

/// The simulator's Xendit webhook verification token, sent in the
/// `x-callback-token` header of every webhook (public on purpose).
pub const XENDIT_TEST_CALLBACK_TOKEN: &str = "sim_cb_token_5Fh8Kq2Wz7Ld4Rn9Tx3Vb6Mc1Pj0Sg";

/// The business id of the simulated Xendit account (24 hex characters,
/// like Xendit's).
pub const XENDIT_TEST_BUSINESS_ID: &str = "65f1d2c3b4a5968778695a4b";

/// Which body the simulator's webhooks carry (spec §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookForm {
    /// As observed in the sandbox: `data` flattened (`account_number`,
    /// `account_holder_name`, `channel_category`, `idempotency_key`,
    /// `connector_reference` on success) and a top-level `"api_version":"v2"`.
    #[default]
    Observed,
    /// As documented: `data` with a nested `channel_properties`.
    Documented,
}

/// When a payout moves: `ACCEPTED` at create, `REQUESTED` after
/// `requested_after`, its final status `final_after` later, and, for a
/// payout bound to be reversed, `REVERSED` `reversed_after` after success.
/// `None` stops the payout where it is (a timer-free, deterministic test).
///
/// ```
/// use std::time::Duration;
/// use payout_sim::xendit::XenditLifecycle;
/// let sandbox = XenditLifecycle::sandbox();
/// assert_eq!(sandbox.final_after, Some(Duration::from_secs(79)));
/// let fast = sandbox.scaled(1000);
/// assert_eq!(fast.requested_after, Some(Duration::from_millis(1)));
/// assert_eq!(fast.final_after, Some(Duration::from_millis(79)));
/// let held = XenditLifecycle::default().final_after(None);
/// assert_eq!(held.final_after, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct XenditLifecycle {
    /// From `ACCEPTED` to `REQUESTED` (or to `FAILED` for insufficient
    /// balance).
    pub requested_after: Option<Duration>,
    /// From `REQUESTED` to `SUCCEEDED` or `FAILED`.
    pub final_after: Option<Duration>,
    /// From `SUCCEEDED` to `REVERSED`, for payouts bound to be reversed.
    pub reversed_after: Duration,
}

impl Default for XenditLifecycle {
    /// Short, for tests: `REQUESTED` after 100 ms, final 150 ms later
    /// (250 ms in all, like the platform's default timer), reversed
    /// 100 ms after success.
    fn default() -> Self {
        Self {
            requested_after: Some(Duration::from_millis(100)),
            final_after: Some(Duration::from_millis(150)),
            reversed_after: Duration::from_millis(100),
        }
    }
}

impl XenditLifecycle {
    /// The sandbox's observed pace (spec §4): `REQUESTED` after 1 s, final
    /// 80 s after create; reversal one minute after success (not observed,
    /// our choice).
    pub fn sandbox() -> Self {
        Self {
            requested_after: Some(Duration::from_secs(1)),
            final_after: Some(Duration::from_secs(79)),
            reversed_after: Duration::from_secs(60),
        }
    }

    /// Every delay divided by `divisor` (0 is read as 1).
    pub fn scaled(self, divisor: u32) -> Self {
        let d = divisor.max(1);
        Self {
            requested_after: self.requested_after.map(|t| t / d),
            final_after: self.final_after.map(|t| t / d),
            reversed_after: self.reversed_after / d,
        }
    }

    /// Sets the `ACCEPTED` → `REQUESTED` delay.
    pub fn requested_after(mut self, after: Option<Duration>) -> Self {
        self.requested_after = after;
        self
    }

    /// Sets the `REQUESTED` → final delay.
    pub fn final_after(mut self, after: Option<Duration>) -> Self {
        self.final_after = after;
        self
    }

    /// Sets the `SUCCEEDED` → `REVERSED` delay.
    pub fn reversed_after(mut self, after: Duration) -> Self {
        self.reversed_after = after;
        self
    }
}

/// A sliding-window rate limit per endpoint (spec §9).
///
/// ```
/// use std::time::Duration;
/// use payout_sim::xendit::RateLimit;
/// assert_eq!(RateLimit::test_mode().limit, 60);
/// assert_eq!(RateLimit::live().limit, 600);
/// let tiny = RateLimit::new(3, Duration::from_secs(60));
/// assert_eq!(tiny.window, Duration::from_secs(60));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed per endpoint within one window.
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
}

impl RateLimit {
    /// `limit` requests per `window`, per endpoint.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window }
    }

    /// Test mode: 60 requests per minute per endpoint.
    pub fn test_mode() -> Self {
        Self::new(60, Duration::from_secs(60))
    }

    /// Live mode: 600 requests per minute per endpoint.
    pub fn live() -> Self {
        Self::new(600, Duration::from_secs(60))
    }
}

/// The simulated Xendit account.
///
/// ```
/// use payout_core::{Decimal, Secret};
/// use payout_sim::xendit::{WebhookForm, XenditConfig};
/// let c = XenditConfig::default()
///     .balance("PHP", Decimal::from(500))
///     .webhook_url("http://127.0.0.1:8080/xendit")
///     .webhook_form(WebhookForm::Documented)
///     .synchronous_insufficient_balance(true);
/// assert_eq!(c.opening_balance("PHP"), Decimal::from(500));
/// assert_eq!(c.opening_balance("IDR"), Decimal::from(1_000_000_000));
/// assert_eq!(c.opening_balance("USD"), Decimal::ZERO);
/// assert!(!format!("{c:?}").contains(payout_sim::XENDIT_TEST_SECRET_KEY));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct XenditConfig {
    /// Whether `/xendit` is served at all.
    pub enabled: bool,
    /// The secret API key requests authenticate with.
    pub secret_key: Secret,
    /// The webhook verification token sent as `x-callback-token`.
    pub callback_token: Secret,
    /// The account's business id (`business_id` of its payouts and
    /// webhooks; a sub-account's payouts carry its `for-user-id` instead).
    pub business_id: String,
    /// Where webhooks go (one URL for the account, as in Xendit's
    /// dashboard); `None` sends none. [`crate::SimHandle::set_xendit_webhook_url`]
    /// changes it at run time.
    pub webhook_url: Option<String>,
    /// The webhook body.
    pub webhook_form: WebhookForm,
    /// Webhook delivery: schedule, divisor, answer limit ([`CallbackConfig::xendit`]).
    pub webhooks: CallbackConfig,
    /// Opening cash balance per currency (every sub-account opens with the
    /// same); a currency not listed opens at 0.
    pub balances: Vec<(String, Decimal)>,
    /// When payouts move.
    pub lifecycle: XenditLifecycle,
    /// Refuse a create the balance cannot cover with `400
    /// INSUFFICIENT_BALANCE` (nothing created), instead of creating it and
    /// failing it with `failure_code: INSUFFICIENT_BALANCE`.
    pub synchronous_insufficient_balance: bool,
    /// A rate limit per endpoint; `None` (the default) for none.
    pub rate_limit: Option<RateLimit>,
    /// A refused create (400) still uses up its `Idempotency-key`: the same
    /// key with another body then answers `409 DUPLICATE_ERROR` although no
    /// payout exists. Off by default (nothing is stored for a refused
    /// request).
    pub consume_key_on_rejection: bool,
}

impl Default for XenditConfig {
    /// The test key and token, IDR 1,000,000,000 and PHP 10,000,000, no
    /// webhook URL, the observed webhook form with Xendit's schedule in real
    /// time, the short [`XenditLifecycle::default`], no rate limit.
    fn default() -> Self {
        Self {
            enabled: true,
            secret_key: Secret::new(XENDIT_TEST_SECRET_KEY),
            callback_token: Secret::new(XENDIT_TEST_CALLBACK_TOKEN),
            business_id: XENDIT_TEST_BUSINESS_ID.to_owned(),
            webhook_url: None,
            webhook_form: WebhookForm::default(),
            webhooks: CallbackConfig::xendit(),
            balances: vec![
                ("IDR".to_owned(), Decimal::from(1_000_000_000_i64)),
                ("PHP".to_owned(), Decimal::from(10_000_000_i64)),
            ],
            lifecycle: XenditLifecycle::default(),
            synchronous_insufficient_balance: false,
            rate_limit: None,
            consume_key_on_rejection: false,
        }
    }
}

impl XenditConfig {
    /// Serves `/xendit` or not.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Sets the secret API key.
    pub fn secret_key(mut self, key: Secret) -> Self {
        self.secret_key = key;
        self
    }

    /// Sets the webhook verification token.
    pub fn callback_token(mut self, token: Secret) -> Self {
        self.callback_token = token;
        self
    }

    /// Sets the business id.
    pub fn business_id(mut self, id: impl Into<String>) -> Self {
        self.business_id = id.into();
        self
    }

    /// Sends webhooks to `url`.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Chooses the webhook body.
    pub fn webhook_form(mut self, form: WebhookForm) -> Self {
        self.webhook_form = form;
        self
    }

    /// Sets webhook delivery.
    pub fn webhooks(mut self, webhooks: CallbackConfig) -> Self {
        self.webhooks = webhooks;
        self
    }

    /// Sets the opening balance of `currency` (replacing an earlier one).
    pub fn balance(mut self, currency: impl Into<String>, amount: Decimal) -> Self {
        let currency = currency.into();
        self.balances.retain(|(c, _)| *c != currency);
        self.balances.push((currency, amount));
        self
    }

    /// Sets the lifecycle timing.
    pub fn lifecycle(mut self, lifecycle: XenditLifecycle) -> Self {
        self.lifecycle = lifecycle;
        self
    }

    /// Refuses uncovered creates synchronously (`400 INSUFFICIENT_BALANCE`).
    pub fn synchronous_insufficient_balance(mut self, on: bool) -> Self {
        self.synchronous_insufficient_balance = on;
        self
    }

    /// Sets the rate limit.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Makes a refused create use up its idempotency key.
    pub fn consume_key_on_rejection(mut self, on: bool) -> Self {
        self.consume_key_on_rejection = on;
        self
    }

    /// The opening balance of `currency`.
    pub fn opening_balance(&self, currency: &str) -> Decimal {
        self.balances
            .iter()
            .rev()
            .find(|(c, _)| c == currency)
            .map_or(Decimal::ZERO, |(_, a)| *a)
    }

    /// Checks the settings.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        if self.secret_key.is_empty() {
            return Err("the Xendit secret key is empty".into());
        }
        if self.callback_token.is_empty() {
            return Err("the Xendit webhook token is empty".into());
        }
        if self.business_id.is_empty() {
            return Err("the Xendit business id is empty".into());
        }
        if let Some(url) = &self.webhook_url {
            check_webhook_url(url)?;
        }
        for (currency, amount) in &self.balances {
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "Xendit balance currency {currency:?} must be a three-letter upper-case ISO 4217 code"
                ));
            }
            if amount.is_sign_negative() {
                return Err(format!(
                    "Xendit opening balance of {currency} must not be negative (got {amount})"
                ));
            }
        }
        if self
            .rate_limit
            .is_some_and(|r| r.limit == 0 || r.window.is_zero())
        {
            return Err("the Xendit rate limit needs a limit and a window above zero".into());
        }
        Ok(())
    }
}

/// A webhook URL must be `http://` or `https://`.
pub(crate) fn check_webhook_url(url: &str) -> Result<(), String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(format!(
            "Xendit webhook URL {url:?} must start with http:// or https://"
        ))
    }
}
