//! `PAYOUT_TEST_CRASH_AT`: the test hook of the crash tests
//! (`tests/tests/crash/`). Unset — always, outside those tests — it changes
//! nothing: [`wrap`] returns the provider as it is.
//!
//! - `PAYOUT_TEST_CRASH_AT=after-journal:N`: the N-th create request of the
//!   run stops just after its row was durably journaled as `sending`, before
//!   the request leaves;
//! - `PAYOUT_TEST_CRASH_AT=after-send:N`: the N-th create answered by the
//!   provider stops before its answer is journaled.
//!
//! Stopped, it prints `payout: test hook: stopped at after-send:N` on
//! stderr and waits to be killed (the tests send SIGKILL); after 60 s it
//! aborts the process itself. The other requests in flight go on meanwhile,
//! as they would when a real process dies.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use payout::{
    async_trait, Balance, CallbackError, CallbackReply, Capabilities, CreatePayout, Error,
    PayoutProvider, PayoutRef, PayoutStatus, PayoutUpdate, TradeNo,
};

use crate::exit::Failure;

/// The variable that arms the hook.
pub const VAR: &str = "PAYOUT_TEST_CRASH_AT";

/// Where the hook stops a create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Point {
    AfterJournal,
    AfterSend,
}

/// `provider`, wrapped in the hook when [`VAR`] is set.
///
/// # Errors
/// A usage failure for a malformed value.
pub fn wrap(provider: Arc<dyn PayoutProvider>) -> Result<Arc<dyn PayoutProvider>, Failure> {
    let Ok(value) = std::env::var(VAR) else {
        return Ok(provider);
    };
    let (point, nth) = parse(&value).ok_or_else(|| {
        Failure::usage(format!(
            "{VAR} must be after-journal:N or after-send:N (a test hook; unset it)"
        ))
    })?;
    Ok(Arc::new(CrashAt {
        inner: provider,
        point,
        nth,
        started: AtomicU32::new(0),
        answered: AtomicU32::new(0),
    }))
}

fn parse(value: &str) -> Option<(Point, u32)> {
    let (point, nth) = value.split_once(':')?;
    let point = match point {
        "after-journal" => Point::AfterJournal,
        "after-send" => Point::AfterSend,
        _ => return None,
    };
    Some((point, nth.parse().ok().filter(|n| *n > 0)?))
}

#[derive(Debug)]
struct CrashAt {
    inner: Arc<dyn PayoutProvider>,
    point: Point,
    nth: u32,
    started: AtomicU32,
    answered: AtomicU32,
}

impl CrashAt {
    async fn stop_if(&self, point: Point, counter: &AtomicU32) {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        if point == self.point && n == self.nth {
            let name = match point {
                Point::AfterJournal => "after-journal",
                Point::AfterSend => "after-send",
            };
            #[allow(clippy::print_stderr)]
            {
                eprintln!("payout: test hook: stopped at {name}:{n}");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
            std::process::abort();
        }
    }
}

#[async_trait]
impl PayoutProvider for CrashAt {
    fn id(&self) -> &'static str {
        self.inner.id()
    }

    fn region(&self) -> &str {
        self.inner.region()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        self.inner.query_payout(trade_no).await
    }

    async fn query_by_provider_id(&self, provider_id: &str) -> Result<PayoutStatus, Error> {
        self.inner.query_by_provider_id(provider_id).await
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        self.inner.validate_payout(request)
    }

    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        self.stop_if(Point::AfterJournal, &self.started).await;
        let result = self.inner.create_payout(request).await;
        self.stop_if(Point::AfterSend, &self.answered).await;
        result
    }

    async fn balance(&self) -> Result<Balance, Error> {
        self.inner.balance().await
    }

    async fn cancel_payout(&self, target: &PayoutRef) -> Result<PayoutStatus, Error> {
        self.inner.cancel_payout(target).await
    }

    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        self.inner.verify_callback(headers, body)
    }

    fn callback_ack(&self) -> CallbackReply {
        self.inner.callback_ack()
    }

    fn callback_refusal(&self) -> CallbackReply {
        self.inner.callback_refusal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse("after-journal:3"), Some((Point::AfterJournal, 3)));
        assert_eq!(parse("after-send:1"), Some((Point::AfterSend, 1)));
        for bad in ["after-send", "after-send:0", "before:1", "after-send:x"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
