//! # payout-core
//!
//! The provider trait and the domain of the payout SDK: validated trade
//! numbers, exact money, payout states and statuses, errors by phase,
//! callbacks and capabilities. There is no HTTP in this crate; adapters
//! build and parse requests, `payout-transport` sends them.
//!
//! ```
//! use payout_core::{PayoutState, TradeNo};
//! let trade_no = TradeNo::new("test_00000002")?;
//! assert!(!PayoutState::Processing.is_final());
//! # Ok::<(), payout_core::Error>(())
//! ```

pub mod balance;
pub mod callback;
pub mod capabilities;
pub mod clock;
pub mod deadline;
pub mod error;
pub mod money;
mod names;
pub mod provider;
pub mod redact;
pub mod request;
pub mod resolve;
pub mod retry;
pub mod secret;
pub mod settings;
pub mod sink;
pub mod status;
pub mod trade_no;
pub mod wait;

pub use balance::Balance;
pub use callback::{
    decide_update, log_decision, ApplyDecision, CallbackError, CallbackReply, PayoutUpdate,
};
pub use capabilities::{CallbackSigning, Capabilities, CreateDedup, RegionCapability};
pub use clock::{Clock, FixedClock, SystemClock};
pub use deadline::PayoutDeadlineExt;
pub use error::{BoxError, Error, Operation, RejectReason, RetryAdvice};
pub use money::{parse_amount, Currency, Decimal, Money};
pub use provider::{PayoutProvider, PayoutRef};
pub use redact::{mask_account, mask_email, mask_phone, mask_text, redact_json};
pub use request::{Beneficiary, Contact, CreatePayout};
pub use resolve::{PayoutResolveExt, Resolution, ResolveOptions};
pub use retry::{Idempotency, RetryPolicy};
pub use secret::Secret;
pub use settings::{Credentials, Endpoint, ProviderSettings};
pub use sink::{CallbackSink, SinkError, VerifiedCallback};
pub use status::{LocalTime, PayoutState, PayoutStatus};
pub use trade_no::{TradeNo, TradeNoRule};
pub use wait::{PayoutProviderExt, WaitOptions, WaitOutcome};

// Foreign types of this crate's public signatures (`http::HeaderMap` in
// callbacks, `chrono` times in `LocalTime`, `serde_json::Value` in
// `PayoutStatus::extra`), so that users need no version-matched
// dependency of their own.
pub use async_trait::async_trait;
pub use chrono;
pub use chrono_tz;
pub use chrono_tz::Tz;
pub use http;
pub use serde_json;
