//! The simulator's settings: address, brands, merchants, lifecycle,
//! callbacks, fault parameters and the Xendit account ([`SimConfig`]).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use payout_core::{Decimal, Secret};
use payout_platform::Brand;

use crate::xendit::XenditConfig;

/// The documented test merchant number (Vexora's published sandbox pair).
pub const TEST_MERCHANT_NO: &str = "3060414594";

/// The documented test merchant secret (Vexora's published sandbox secret,
/// public on purpose: it signs nothing real).
pub const TEST_SECRET: &str = "dbecac55466b4958a2d06069fcf49e18";

/// The platform's documented callback retry schedule (spec §7): the pauses
/// before each re-delivery after the first attempt.
pub const SPEC_CALLBACK_SCHEDULE: [Duration; 8] = [
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(3 * 3600),
];

/// Xendit's documented webhook retry schedule (spec §6), as pauses between
/// attempts: re-deliveries land 15 min, 1 h, 3 h, 6 h, 12 h and 24 h after
/// the first attempt.
pub const SPEC_XENDIT_WEBHOOK_SCHEDULE: [Duration; 6] = [
    Duration::from_secs(15 * 60),
    Duration::from_secs(45 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(12 * 3600),
];

/// Every brand the simulator serves by default: PayPro and Vexora, straight
/// from their crates' region tables.
pub fn default_brands() -> Vec<&'static Brand> {
    vec![&provider_paypro::BRAND, &provider_vexora::BRAND]
}

/// One merchant account: its number, secret and opening balances.
///
/// ```
/// use payout_sim::MerchantConfig;
/// use payout_core::{Decimal, Secret};
/// let m = MerchantConfig::new("1234567890", Secret::new("s3cret"))
///     .balance(Decimal::from(1_000))
///     .region_balance("paypro", "indonesia", Decimal::from(50_000));
/// assert_eq!(m.opening_balance("paypro", "indonesia"), Decimal::from(50_000));
/// assert_eq!(m.opening_balance("vexora", "nigeria"), Decimal::from(1_000));
/// assert!(!format!("{m:?}").contains("s3cret"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MerchantConfig {
    /// The merchant number expected in the `merchantNo` header.
    pub merchant_no: String,
    /// The secret its requests are signed with (and callbacks signed by).
    pub secret: Secret,
    /// Opening available balance in every region without an override.
    pub balance: Decimal,
    /// Opening available balance per `(brand, region)`.
    pub region_balances: Vec<(String, String, Decimal)>,
    /// Opening unsettled amount (same-day collections) in every region.
    pub unsettled: Decimal,
}

impl MerchantConfig {
    /// A merchant with a generous opening balance (10^12 in every region).
    pub fn new(merchant_no: impl Into<String>, secret: Secret) -> Self {
        Self {
            merchant_no: merchant_no.into(),
            secret,
            balance: Decimal::from(1_000_000_000_000_i64),
            region_balances: Vec::new(),
            unsettled: Decimal::ZERO,
        }
    }

    /// The documented test pair ([`TEST_MERCHANT_NO`], [`TEST_SECRET`]).
    pub fn test_pair() -> Self {
        Self::new(TEST_MERCHANT_NO, Secret::new(TEST_SECRET))
    }

    /// Sets the opening available balance of every region.
    pub fn balance(mut self, amount: Decimal) -> Self {
        self.balance = amount;
        self
    }

    /// Sets the opening available balance of one region.
    pub fn region_balance(
        mut self,
        brand: impl Into<String>,
        region: impl Into<String>,
        amount: Decimal,
    ) -> Self {
        self.region_balances
            .push((brand.into(), region.into(), amount));
        self
    }

    /// Sets the opening unsettled amount of every region.
    pub fn unsettled(mut self, amount: Decimal) -> Self {
        self.unsettled = amount;
        self
    }

    /// The opening available balance in `(brand, region)`.
    pub fn opening_balance(&self, brand: &str, region: &str) -> Decimal {
        self.region_balances
            .iter()
            .rev()
            .find(|(b, r, _)| b == brand && r == region)
            .map_or(self.balance, |(_, _, amount)| *amount)
    }
}

/// When a payout leaves `0015` for its final status (whichever comes first).
///
/// A payout whose scenario keeps it processing (`_PROC`) never moves.
///
/// ```
/// use std::time::Duration;
/// use payout_sim::Lifecycle;
/// let manual = Lifecycle::on_query(1);
/// assert_eq!(manual.after_queries, Some(1));
/// assert_eq!(manual.after, None);
/// let timed = Lifecycle::default().after(Some(Duration::from_millis(10)));
/// assert_eq!(timed.after, Some(Duration::from_millis(10)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lifecycle {
    /// The n-th query of a payout answers its final status (`Some(1)`: the
    /// first query already does; `Some(0)`: the create answer already does).
    pub after_queries: Option<u32>,
    /// The payout becomes final this long after it was placed.
    pub after: Option<Duration>,
}

impl Default for Lifecycle {
    /// Final on the second query or 250 ms after creation.
    fn default() -> Self {
        Self {
            after_queries: Some(2),
            after: Some(Duration::from_millis(250)),
        }
    }
}

impl Lifecycle {
    /// Final on the `n`-th query only (no timer): fully deterministic.
    pub fn on_query(n: u32) -> Self {
        Self {
            after_queries: Some(n),
            after: None,
        }
    }

    /// Sets the query rule.
    pub fn after_queries(mut self, n: Option<u32>) -> Self {
        self.after_queries = n;
        self
    }

    /// Sets the timer rule.
    pub fn after(mut self, after: Option<Duration>) -> Self {
        self.after = after;
        self
    }
}

/// How notify callbacks are delivered.
///
/// The first delivery is immediate; each re-delivery waits the next pause of
/// `schedule`, divided by `time_divisor` (the spec's 2 s, 5 s, ... 3 h by
/// default; a divisor of 1000 turns them into 2 ms, 5 ms, ... 10.8 s).
///
/// ```
/// use std::time::Duration;
/// use payout_sim::CallbackConfig;
/// let c = CallbackConfig::default().time_divisor(1000);
/// assert_eq!(c.pause(0), Some(Duration::from_millis(2)));
/// assert_eq!(c.pause(8), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackConfig {
    /// Whether callbacks are sent at all.
    pub enabled: bool,
    /// Pauses before each re-delivery.
    pub schedule: Vec<Duration>,
    /// Divides every pause (1 = real time; 0 is read as 1).
    pub time_divisor: u32,
    /// How long the merchant has to answer one delivery.
    pub ack_timeout: Duration,
    /// Also send a `0015` callback when a payout is accepted (platform
    /// only: Xendit sends no event on accept).
    pub on_accept: bool,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            schedule: SPEC_CALLBACK_SCHEDULE.to_vec(),
            time_divisor: 1,
            ack_timeout: Duration::from_secs(10),
            on_accept: false,
        }
    }
}

impl CallbackConfig {
    /// Xendit's webhook delivery: the documented schedule
    /// ([`SPEC_XENDIT_WEBHOOK_SCHEDULE`]) and 30 s to answer, in real time.
    ///
    /// ```
    /// use std::time::Duration;
    /// use payout_sim::CallbackConfig;
    /// let c = CallbackConfig::xendit().time_divisor(1000);
    /// assert_eq!(c.pause(0), Some(Duration::from_millis(900)));
    /// assert_eq!(c.pause(6), None);
    /// assert_eq!(c.ack_timeout, Duration::from_secs(30));
    /// ```
    pub fn xendit() -> Self {
        Self {
            enabled: true,
            schedule: SPEC_XENDIT_WEBHOOK_SCHEDULE.to_vec(),
            time_divisor: 1,
            ack_timeout: Duration::from_secs(30),
            on_accept: false,
        }
    }

    /// Sets the divisor of every pause.
    pub fn time_divisor(mut self, divisor: u32) -> Self {
        self.time_divisor = divisor;
        self
    }

    /// Replaces the pauses.
    pub fn schedule(mut self, schedule: Vec<Duration>) -> Self {
        self.schedule = schedule;
        self
    }

    /// Sets the per-delivery answer limit.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// Turns callbacks on or off.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Sends a `0015` callback on accept too.
    pub fn on_accept(mut self, on: bool) -> Self {
        self.on_accept = on;
        self
    }

    /// The pause before re-delivery `retry` (0-based), scaled; `None` when
    /// the schedule is exhausted.
    pub fn pause(&self, retry: usize) -> Option<Duration> {
        self.schedule
            .get(retry)
            .map(|d| *d / self.time_divisor.max(1))
    }
}

/// Everything the simulator needs to start.
///
/// ```
/// use std::time::Duration;
/// use payout_sim::{SimConfig, Lifecycle};
/// let config = SimConfig::default()
///     .lifecycle(Lifecycle::on_query(1))
///     .slow_delay(Duration::from_secs(2));
/// assert_eq!(config.merchants[0].merchant_no, payout_sim::TEST_MERCHANT_NO);
/// assert_eq!(config.addr.port(), 0);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SimConfig {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// The brands served (every region of each).
    pub brands: Vec<&'static Brand>,
    /// The merchant accounts.
    pub merchants: Vec<MerchantConfig>,
    /// When payouts become final.
    pub lifecycle: Lifecycle,
    /// Callback delivery.
    pub callbacks: CallbackConfig,
    /// How late a `_SLOW` answer comes. The default (35 s) exceeds the
    /// SDK's default 30 s timeout; tests set it just above their own.
    pub slow_delay: Duration,
    /// Size of a `_HUGE` answer, streamed.
    pub huge_body_bytes: usize,
    /// The Xendit account served below `/xendit` ([`crate::xendit`]).
    pub xendit: XenditConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            brands: default_brands(),
            merchants: vec![MerchantConfig::test_pair()],
            lifecycle: Lifecycle::default(),
            callbacks: CallbackConfig::default(),
            slow_delay: Duration::from_secs(35),
            huge_body_bytes: 8 * 1024 * 1024,
            xendit: XenditConfig::default(),
        }
    }
}

impl SimConfig {
    /// Sets the listen address.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Replaces the brands served.
    pub fn brands(mut self, brands: Vec<&'static Brand>) -> Self {
        self.brands = brands;
        self
    }

    /// Replaces the merchants with this one.
    pub fn merchant(mut self, merchant: MerchantConfig) -> Self {
        self.merchants = vec![merchant];
        self
    }

    /// Adds a merchant.
    pub fn add_merchant(mut self, merchant: MerchantConfig) -> Self {
        self.merchants.push(merchant);
        self
    }

    /// Sets the lifecycle rules.
    pub fn lifecycle(mut self, lifecycle: Lifecycle) -> Self {
        self.lifecycle = lifecycle;
        self
    }

    /// Sets the callback settings.
    pub fn callbacks(mut self, callbacks: CallbackConfig) -> Self {
        self.callbacks = callbacks;
        self
    }

    /// Sets the `_SLOW` delay.
    pub fn slow_delay(mut self, delay: Duration) -> Self {
        self.slow_delay = delay;
        self
    }

    /// Sets the `_HUGE` body size.
    pub fn huge_body_bytes(mut self, bytes: usize) -> Self {
        self.huge_body_bytes = bytes;
        self
    }

    /// Sets the Xendit account.
    pub fn xendit(mut self, xendit: XenditConfig) -> Self {
        self.xendit = xendit;
        self
    }

    /// Checks the settings.
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.xendit.validate()?;
        if self.merchants.is_empty() {
            return Err("no merchant configured; add one with SimConfig::merchant".into());
        }
        for (i, m) in self.merchants.iter().enumerate() {
            if m.merchant_no.is_empty() || !m.merchant_no.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "merchant number {:?} must be digits (PAYOUT_MERCHANT_NO)",
                    m.merchant_no
                ));
            }
            if m.secret.is_empty() {
                return Err(format!(
                    "merchant {} has an empty secret (PAYOUT_SECRET)",
                    m.merchant_no
                ));
            }
            if self.merchants[..i]
                .iter()
                .any(|o| o.merchant_no == m.merchant_no)
            {
                return Err(format!("merchant {} is configured twice", m.merchant_no));
            }
        }
        if self.brands.is_empty() {
            return Err("no brand configured".into());
        }
        Ok(())
    }
}
