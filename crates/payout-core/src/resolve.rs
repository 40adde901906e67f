//! Taking an unknown outcome to a certain one ([`PayoutResolveExt`]),
//! written once for every provider.
//!
//! The rule: after [`Error::OutcomeUnknown`] (or a dropped create future),
//! **query the same trade number** until the payout is found (in any state)
//! or proven absent. Re-send only under the **same** trade number, and only
//! where the provider's protocol makes a repeat harmless
//! ([`CreateDedup::resend_is_safe`]). Never mint a new trade number to get
//! around an unknown outcome: that is how payouts are paid twice.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::capabilities::CreateDedup;
use crate::error::{Error, RetryAdvice};
use crate::provider::PayoutProvider;
use crate::request::CreatePayout;
use crate::retry::RetryPolicy;
use crate::status::PayoutStatus;

/// The certain outcome [`PayoutResolveExt::resolve_unknown`] reached.
#[derive(Debug)]
#[non_exhaustive]
pub enum Resolution {
    /// A payout exists under the trade number (its status, any state).
    Found(PayoutStatus),
    /// It did not exist; the order was re-sent under the same trade number
    /// and accepted now.
    Placed(PayoutStatus),
    /// The provider proves no payout exists, and the order was not re-sent
    /// (re-sending was switched off, or the provider cannot make it safe).
    Absent,
    /// Still unknown when the deadline came; keep the trade number and try
    /// again later.
    StillUnknown {
        /// The last error seen.
        last_error: Option<Error>,
    },
}

/// How long and how [`PayoutResolveExt::resolve_unknown`] may work.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Give up (with [`Resolution::StillUnknown`]) after this long.
    pub deadline: Duration,
    /// Re-send under the same trade number when that is safe.
    pub resend: bool,
    /// Pauses between queries.
    pub backoff: RetryPolicy,
}

impl ResolveOptions {
    /// Resolve within `deadline`, re-sending when safe.
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            resend: true,
            backoff: RetryPolicy::default()
                .backoff(Duration::from_millis(250), Duration::from_secs(10)),
        }
    }

    /// Never re-send; only find out.
    pub fn without_resend(mut self) -> Self {
        self.resend = false;
        self
    }
}

/// [`PayoutResolveExt::resolve_unknown`] for every [`PayoutProvider`].
#[async_trait]
pub trait PayoutResolveExt: PayoutProvider {
    /// Takes the unknown outcome of `order` to a certain one.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use payout_core::{CreatePayout, Error, PayoutProvider};
    /// use payout_core::resolve::{PayoutResolveExt, Resolution, ResolveOptions};
    ///
    /// async fn place(provider: &dyn PayoutProvider, order: &CreatePayout) -> Result<(), Error> {
    ///     match provider.create_payout(order).await {
    ///         Ok(status) => println!("accepted: {}", status.state),
    ///         Err(e) if e.is_outcome_unknown() => {
    ///             match provider.resolve_unknown(order, ResolveOptions::new(Duration::from_secs(60))).await? {
    ///                 Resolution::Found(s) | Resolution::Placed(s) => println!("{}", s.state),
    ///                 Resolution::Absent => println!("never placed"),
    ///                 Resolution::StillUnknown { .. } => println!("still unknown: keep the trade number, retry later"),
    ///                 _ => {}
    ///             }
    ///         }
    ///         Err(e) => return Err(e),
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    /// A certain refusal of the re-sent order ([`Error::Rejected`]: nothing
    /// placed), or an error no retry can mend (configuration,
    /// authentication).
    async fn resolve_unknown(
        &self,
        order: &CreatePayout,
        options: ResolveOptions,
    ) -> Result<Resolution, Error> {
        let trade_no = &order.trade_no;
        let dedup = self.capabilities().create_dedup;
        let started = Instant::now();
        let deadline = started + options.deadline;
        let mut attempt = 0u32;
        let mut last_error = None;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let query = tokio::time::timeout(remaining, self.query_payout(trade_no)).await;
            let resend = match query {
                Err(_) => {
                    return Ok(Resolution::StillUnknown { last_error });
                }
                Ok(Ok(status)) => return Ok(Resolution::Found(status)),
                Ok(Err(Error::NotFound { .. })) if !(options.resend && dedup.resend_is_safe()) => {
                    return Ok(Resolution::Absent);
                }
                // Proven absent: a re-send under the same trade number is
                // safe for any de-duplicating provider.
                Ok(Err(e @ Error::NotFound { .. })) => {
                    last_error = Some(e);
                    true
                }
                // Not proof (the platform answers an unknown trade number
                // and a bad signature alike), but a provider that refuses a
                // known trade number makes the re-send harmless.
                Ok(Err(e @ Error::Rejected { .. })) => {
                    let ok = options.resend && dedup == CreateDedup::UniqueTradeNo;
                    if !ok {
                        return Err(e);
                    }
                    last_error = Some(e);
                    true
                }
                Ok(Err(e)) if e.retry_advice() == RetryAdvice::Safe => {
                    tracing::debug!(trade_no = %trade_no, error = %e, attempt, "resolve: query failed; will retry");
                    last_error = Some(e);
                    false
                }
                Ok(Err(e)) => return Err(e),
            };
            if resend {
                tracing::info!(trade_no = %trade_no, attempt, "resolve: re-sending under the same trade number");
                let remaining = deadline.saturating_duration_since(Instant::now());
                match tokio::time::timeout(remaining, self.create_payout(order)).await {
                    Err(_) => return Ok(Resolution::StillUnknown { last_error }),
                    Ok(Ok(status)) => return Ok(Resolution::Placed(status)),
                    Ok(Err(Error::Duplicate { existing, .. })) => {
                        return Ok(Resolution::Found(*existing))
                    }
                    Ok(Err(e))
                        if e.is_outcome_unknown() || e.retry_advice() == RetryAdvice::Safe =>
                    {
                        last_error = Some(e);
                    }
                    Ok(Err(e)) => return Err(e),
                }
            }
            let pause = options.backoff.pause(attempt);
            let now = Instant::now();
            if now + pause >= deadline {
                tracing::warn!(trade_no = %trade_no, attempt, "resolve: outcome still unknown at the deadline");
                return Ok(Resolution::StillUnknown { last_error });
            }
            tokio::time::sleep(pause).await;
        }
    }
}

impl<P: PayoutProvider + ?Sized> PayoutResolveExt for P {}
