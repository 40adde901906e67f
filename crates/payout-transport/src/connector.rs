//! The sans-I/O seam: a provider is a [`PayoutProtocol`] (pure builders of
//! requests and pure parsers of answers); a [`Connector`] sends them on an
//! [`HttpTransport`] and implements [`PayoutProvider`] once for every
//! provider: the create-outcome rules, duplicate detection, cancel by trade
//! number, and one `tracing` span per operation.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use payout_core::async_trait;
use payout_core::{
    mask_account, Balance, CallbackError, CallbackReply, Capabilities, Clock, CreatePayout, Error,
    Idempotency, Operation, PayoutProvider, PayoutRef, PayoutStatus, PayoutUpdate, SystemClock,
    TradeNo,
};
use tracing::Instrument;

use crate::client::{HttpTransport, Tally, WireRequest, WireResponse};
use crate::metrics;

/// One provider's protocol for one account and region: **pure** functions
/// from domain values to exact HTTP requests, and from HTTP answers to
/// domain results (no I/O, no clock: `now_ms` is passed in). Failures are
/// classified by the variant returned ([`Error::Rejected`] only for a
/// documented refusal; [`Error::ProviderUnavailable`] / [`Error::HttpStatus`]
/// 5xx for temporary trouble; [`Error::InvalidResponse`] for anything
/// unreadable); the retry table decides what is repeated.
///
/// Operations a provider does not offer keep the default, which answers
/// [`Error::Unsupported`].
pub trait PayoutProtocol: Send + Sync + std::fmt::Debug + 'static {
    /// The provider's id (`paypro`, `xendit`, ...).
    fn id(&self) -> &'static str;
    /// The region configured.
    fn region(&self) -> &str;
    /// The account the calls act for (the platform's merchant number,
    /// Xendit's sub-account), where there is one. The connector logs it
    /// masked ([`payout_core::mask_account`]) on every operation's span.
    fn account(&self) -> Option<&str> {
        None
    }
    /// What the provider declares.
    fn capabilities(&self) -> Capabilities;

    /// The status query by trade number.
    ///
    /// # Errors
    /// As the provider's page says.
    fn build_query(&self, trade_no: &TradeNo, now_ms: u64) -> Result<WireRequest, Error>;
    /// Reads a query answer.
    ///
    /// # Errors
    /// As the provider's page says; [`Error::NotFound`] only where the
    /// protocol proves absence.
    fn parse_query(
        &self,
        trade_no: &TradeNo,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error>;

    /// Checks an order against the provider's rules (nothing sent).
    ///
    /// # Errors
    /// [`Error::Validation`] naming the field and the rule.
    fn validate_create(&self, order: &CreatePayout) -> Result<(), Error> {
        let _ = order;
        Err(unsupported(self, Operation::CreatePayout))
    }
    /// The create request (validates first).
    ///
    /// # Errors
    /// [`Error::Validation`].
    fn build_create(&self, order: &CreatePayout, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (order, now_ms);
        Err(unsupported(self, Operation::CreatePayout))
    }
    /// Reads a create answer: `Ok` = placed; [`Error::Rejected`] = a
    /// documented refusal (this request placed nothing); anything else is
    /// turned into [`Error::OutcomeUnknown`] by the connector.
    ///
    /// # Errors
    /// As above.
    fn parse_create(
        &self,
        order: &CreatePayout,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let _ = (order, response);
        Err(unsupported(self, Operation::CreatePayout))
    }

    /// The status query by the provider's own id.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_query_by_id(&self, provider_id: &str, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (provider_id, now_ms);
        Err(unsupported(self, Operation::QueryPayout))
    }
    /// Reads an answer to [`PayoutProtocol::build_query_by_id`].
    ///
    /// # Errors
    /// As the provider's page says.
    fn parse_query_by_id(
        &self,
        provider_id: &str,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let _ = (provider_id, response);
        Err(unsupported(self, Operation::QueryPayout))
    }

    /// The balance request.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_balance(&self, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = now_ms;
        Err(unsupported(self, Operation::Balance))
    }
    /// Reads a balance answer.
    ///
    /// # Errors
    /// As the provider's page says.
    fn parse_balance(&self, response: &WireResponse) -> Result<Balance, Error> {
        let _ = response;
        Err(unsupported(self, Operation::Balance))
    }

    /// The balance request in `currency` (another currency of the same
    /// account); the default offers none.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_balance_in(
        &self,
        currency: payout_core::Currency,
        now_ms: u64,
    ) -> Result<WireRequest, Error> {
        let _ = (currency, now_ms);
        Err(unsupported(self, Operation::Balance))
    }
    /// Reads an answer to [`PayoutProtocol::build_balance_in`].
    ///
    /// # Errors
    /// As the provider's page says.
    fn parse_balance_in(
        &self,
        currency: payout_core::Currency,
        response: &WireResponse,
    ) -> Result<Balance, Error> {
        let _ = (currency, response);
        Err(unsupported(self, Operation::Balance))
    }

    /// The cancel request for the provider's id of a payout.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_cancel(&self, provider_id: &str, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (provider_id, now_ms);
        Err(unsupported(self, Operation::CancelPayout))
    }
    /// Reads a cancel answer: `Ok` = cancelled; [`Error::Rejected`] = not
    /// cancelled.
    ///
    /// # Errors
    /// As above.
    fn parse_cancel(
        &self,
        provider_id: &str,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let _ = (provider_id, response);
        Err(unsupported(self, Operation::CancelPayout))
    }

    /// Verifies and reads a callback (pure).
    ///
    /// # Errors
    /// See [`CallbackError`].
    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        let _ = (headers, body);
        Err(CallbackError::Unsupported(self.id().to_owned()))
    }
    /// The acknowledgement of a callback.
    fn callback_ack(&self) -> CallbackReply {
        CallbackReply::ok_empty()
    }
    /// The refusal of a callback.
    fn callback_refusal(&self) -> CallbackReply {
        CallbackReply::unauthorized()
    }
}

/// The [`Error::Unsupported`] a protocol's default method answers for
/// `operation`.
fn unsupported<P: PayoutProtocol + ?Sized>(protocol: &P, operation: Operation) -> Error {
    Error::unsupported(protocol.id(), protocol.region(), operation)
}

/// A [`PayoutProtocol`] on an [`HttpTransport`]: a complete
/// [`PayoutProvider`].
///
/// Every operation runs in one `INFO` span, `payout.create`,
/// `payout.query`, `payout.balance`, `payout.cancel` or `payout.callback`,
/// with the fields `provider`, `region`, `account` (masked), `trade_no`
/// (where known), `attempts` (HTTP attempts, retries and a duplicate
/// check included), `outcome` (the state reached, `ok`, the error's phase,
/// `unknown`; for callbacks the verdict) and `latency_ms`. An unknown
/// create outcome is logged at `WARN`. With the `metrics` feature, the same
/// is counted ([`crate::metrics`]).
///
/// ```no_run
/// # fn run<P: payout_transport::PayoutProtocol>(protocol: P) -> Result<(), payout_core::Error> {
/// use payout_transport::{Connector, HttpTransport, TransportConfig};
/// let provider = Connector::new(protocol, HttpTransport::new(TransportConfig::default())?);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Connector<P> {
    protocol: P,
    transport: HttpTransport,
    clock: Arc<dyn Clock>,
    /// The protocol's account, masked once.
    account: String,
    /// What the calls need from the declared capabilities, read once (a
    /// declaration is built anew on each `capabilities()` call).
    trade_no_rule: payout_core::TradeNoRule,
    create_idempotency: Idempotency,
    own_currency: Option<payout_core::Currency>,
}

/// Declares an operation's span (span names must be literals).
macro_rules! operation_span {
    ($name:literal, $protocol:expr, $account:expr) => {
        tracing::info_span!(
            $name,
            provider = $protocol.id(),
            region = $protocol.region(),
            account = $account,
            trade_no = tracing::field::Empty,
            attempts = tracing::field::Empty,
            outcome = tracing::field::Empty,
            latency_ms = tracing::field::Empty
        )
    };
}

/// What an operation's result says for its span: the outcome, and the
/// trade number when the result names it.
trait Described {
    fn outcome(&self) -> &'static str;
    fn trade_no(&self) -> Option<&TradeNo> {
        None
    }
}

impl Described for PayoutStatus {
    fn outcome(&self) -> &'static str {
        self.state.as_str()
    }
    fn trade_no(&self) -> Option<&TradeNo> {
        Some(&self.trade_no)
    }
}

impl Described for Balance {
    fn outcome(&self) -> &'static str {
        "ok"
    }
}

impl<P: PayoutProtocol> Connector<P> {
    /// Connects `protocol` to `transport`.
    pub fn new(protocol: P, transport: HttpTransport) -> Self {
        let account = mask_account(protocol.account().unwrap_or_default());
        let caps = protocol.capabilities();
        let own_currency = caps.region(protocol.region()).map(|r| r.currency);
        Self {
            trade_no_rule: caps.trade_no,
            create_idempotency: caps.create_dedup.idempotency(),
            own_currency,
            protocol,
            transport,
            clock: Arc::new(SystemClock),
            account,
        }
    }

    /// Replaces the clock (tests, snapshots).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The protocol (for building and parsing by hand).
    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    /// The transport.
    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    fn now(&self) -> u64 {
        self.clock.now_millis()
    }

    fn span(&self, operation: Operation, trade_no: Option<&TradeNo>) -> tracing::Span {
        let (p, account) = (&self.protocol, self.account.as_str());
        let span = match operation {
            Operation::CreatePayout => operation_span!("payout.create", p, account),
            Operation::CancelPayout => operation_span!("payout.cancel", p, account),
            Operation::Balance => operation_span!("payout.balance", p, account),
            Operation::Callback => operation_span!("payout.callback", p, account),
            _ => operation_span!("payout.query", p, account),
        };
        if let Some(t) = trade_no {
            span.record("trade_no", t.as_str());
        }
        span
    }

    /// Runs `work` (given the operation's tally) inside the operation's
    /// span and records its attempts, outcome and latency on it (and in
    /// metrics).
    async fn observed<'a, T: Described, F>(
        &'a self,
        operation: Operation,
        trade_no: Option<&TradeNo>,
        work: impl FnOnce(&'a Tally) -> F,
        tally: &'a Tally,
    ) -> Result<T, Error>
    where
        F: std::future::Future<Output = Result<T, Error>> + 'a,
    {
        let span = self.span(operation, trade_no);
        let started = Instant::now();
        let result = work(tally).instrument(span.clone()).await;
        let elapsed = started.elapsed();
        let latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let attempts = tally.attempts.load(Ordering::Relaxed);
        span.record("latency_ms", latency_ms);
        span.record("attempts", attempts);
        let _enter = span.enter();
        let outcome = match &result {
            Ok(v) => {
                if let (None, Some(t)) = (trade_no, v.trade_no()) {
                    span.record("trade_no", t.as_str());
                }
                let outcome = v.outcome();
                span.record("outcome", outcome);
                tracing::info!(attempts, latency_ms, outcome, "done");
                outcome
            }
            Err(e) if e.is_outcome_unknown() => {
                span.record("outcome", "unknown");
                tracing::warn!(error = %e, attempts, latency_ms, "outcome unknown: query before any retry");
                "unknown"
            }
            Err(e) => {
                let outcome = e.phase();
                span.record("outcome", outcome);
                tracing::info!(error = %e, attempts, latency_ms, outcome, "failed");
                outcome
            }
        };
        metrics::operation(&metrics::Finished {
            provider: self.protocol.id(),
            region: self.protocol.region(),
            operation: operation.as_str(),
            outcome,
            retries: attempts.saturating_sub(tally.requests.load(Ordering::Relaxed)),
            elapsed,
        });
        result
    }

    async fn query_inner(&self, trade_no: &TradeNo, tally: &Tally) -> Result<PayoutStatus, Error> {
        self.trade_no_rule.check(trade_no)?;
        let req = self.protocol.build_query(trade_no, self.now())?;
        self.transport
            .execute_counted(
                Operation::QueryPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_query(trade_no, resp),
                tally,
            )
            .await
    }

    async fn query_id_inner(
        &self,
        provider_id: &str,
        tally: &Tally,
    ) -> Result<PayoutStatus, Error> {
        let req = self.protocol.build_query_by_id(provider_id, self.now())?;
        self.transport
            .execute_counted(
                Operation::QueryPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_query_by_id(provider_id, resp),
                tally,
            )
            .await
    }

    async fn create_inner(
        &self,
        order: &CreatePayout,
        tally: &Tally,
    ) -> Result<PayoutStatus, Error> {
        self.trade_no_rule.check(&order.trade_no)?;
        let req = self.protocol.build_create(order, self.now())?;
        let unknown = |cause: Error| Error::OutcomeUnknown {
            trade_no: order.trade_no.clone(),
            cause: Box::new(cause),
        };
        let result = self
            .transport
            .execute_counted(
                Operation::CreatePayout,
                &req,
                self.create_idempotency,
                |resp| self.protocol.parse_create(order, resp),
                tally,
            )
            .await;
        match result {
            Ok(status) => Ok(status),
            Err(e @ (Error::NotSent { .. } | Error::Config { .. } | Error::Validation { .. })) => {
                Err(e)
            }
            Err(e @ Error::Duplicate { .. }) => Err(e),
            Err(rejected @ Error::Rejected { .. }) => {
                // A refusal proves this request placed nothing, not that no
                // payout exists under the trade number: ask before answering.
                match self.query_inner(&order.trade_no, tally).await {
                    Ok(existing) => {
                        tracing::warn!(trade_no = %order.trade_no, state = %existing.state, "create refused: a payout already exists under this trade number");
                        Err(Error::Duplicate {
                            trade_no: order.trade_no.clone(),
                            existing: Box::new(existing),
                        })
                    }
                    Err(Error::NotFound { .. } | Error::Rejected { .. }) => Err(rejected),
                    Err(e) => {
                        tracing::warn!(trade_no = %order.trade_no, error = %e, "create refused, but whether a payout exists under the trade number could not be checked");
                        Err(unknown(rejected))
                    }
                }
            }
            Err(e) => Err(unknown(e)),
        }
    }

    async fn cancel_inner(&self, target: &PayoutRef, tally: &Tally) -> Result<PayoutStatus, Error> {
        let id = match target {
            PayoutRef::ProviderId(id) => id.clone(),
            PayoutRef::TradeNo(t) => self
                .query_inner(t, tally)
                .await?
                .platform_trade_no
                .ok_or_else(|| Error::InvalidResponse {
                    operation: Operation::CancelPayout,
                    message: format!(
                        "the provider's answer for {t} carries no payout id to cancel"
                    ),
                })?,
            other => {
                return Err(Error::validation(
                    "payout",
                    format!("cannot cancel {other}: give a trade number or the provider's id"),
                ))
            }
        };
        let req = self.protocol.build_cancel(&id, self.now())?;
        let result = self
            .transport
            .execute_counted(
                Operation::CancelPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_cancel(&id, resp),
                tally,
            )
            .await;
        match result {
            // A refusal may answer a repeat of a cancel that already took
            // effect (its first answer lost): ask before saying "not
            // cancelled".
            Err(refused @ Error::Rejected { .. }) => match self.query_id_inner(&id, tally).await {
                Ok(status) if status.state == payout_core::PayoutState::Cancelled => Ok(status),
                _ => Err(refused),
            },
            other => other,
        }
    }

    async fn balance_in_inner(
        &self,
        currency: payout_core::Currency,
        tally: &Tally,
    ) -> Result<Balance, Error> {
        let req = self.protocol.build_balance_in(currency, self.now())?;
        self.transport
            .execute_counted(
                Operation::Balance,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_balance_in(currency, resp),
                tally,
            )
            .await
    }

    async fn balance_inner(&self, tally: &Tally) -> Result<Balance, Error> {
        let req = self.protocol.build_balance(self.now())?;
        self.transport
            .execute_counted(
                Operation::Balance,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_balance(resp),
                tally,
            )
            .await
    }
}

/// A connector reads as its protocol, so a protocol's own building and
/// parsing methods are at hand on the provider.
impl<P> std::ops::Deref for Connector<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.protocol
    }
}

#[async_trait]
impl<P: PayoutProtocol> PayoutProvider for Connector<P> {
    fn id(&self) -> &'static str {
        self.protocol.id()
    }

    fn region(&self) -> &str {
        self.protocol.region()
    }

    fn capabilities(&self) -> Capabilities {
        self.protocol.capabilities()
    }

    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        let tally = Tally::default();
        self.observed(
            Operation::QueryPayout,
            Some(trade_no),
            |t| self.query_inner(trade_no, t),
            &tally,
        )
        .await
    }

    async fn query_by_provider_id(&self, provider_id: &str) -> Result<PayoutStatus, Error> {
        let tally = Tally::default();
        self.observed(
            Operation::QueryPayout,
            None,
            |t| self.query_id_inner(provider_id, t),
            &tally,
        )
        .await
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        self.trade_no_rule.check(&request.trade_no)?;
        self.protocol.validate_create(request)
    }

    async fn create_payout(&self, order: &CreatePayout) -> Result<PayoutStatus, Error> {
        let tally = Tally::default();
        self.observed(
            Operation::CreatePayout,
            Some(&order.trade_no),
            |t| self.create_inner(order, t),
            &tally,
        )
        .await
    }

    async fn balance(&self) -> Result<Balance, Error> {
        let tally = Tally::default();
        self.observed(Operation::Balance, None, |t| self.balance_inner(t), &tally)
            .await
    }

    async fn balance_in(&self, currency: payout_core::Currency) -> Result<Balance, Error> {
        if self.own_currency == Some(currency) {
            return self.balance().await;
        }
        let tally = Tally::default();
        self.observed(
            Operation::Balance,
            None,
            |t| self.balance_in_inner(currency, t),
            &tally,
        )
        .await
    }

    async fn cancel_payout(&self, target: &PayoutRef) -> Result<PayoutStatus, Error> {
        let trade_no = match target {
            PayoutRef::TradeNo(t) => Some(t),
            _ => None,
        };
        let tally = Tally::default();
        self.observed(
            Operation::CancelPayout,
            trade_no,
            |t| self.cancel_inner(target, t),
            &tally,
        )
        .await
    }

    /// Verifies in a `payout.callback` span whose `outcome` is the verdict
    /// (`verified`, or [`CallbackError::kind`]); a refused callback is
    /// logged at `WARN` (forged, tampered, or a secret out of date), an
    /// unsigned or ignored one at `INFO`.
    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        let span = self.span(Operation::Callback, None);
        let _enter = span.enter();
        let result = self.protocol.verify_callback(headers, body);
        let (verdict, update) = match &result {
            Ok(update) => ("verified", Some(update)),
            Err(CallbackError::Unsigned(update)) => ("unsigned", Some(&**update)),
            Err(e) => (e.kind(), None),
        };
        if let Some(u) = update {
            span.record("trade_no", u.status.trade_no.as_str());
        }
        span.record("outcome", verdict);
        match &result {
            Ok(update) => {
                tracing::info!(state = %update.status.state, verdict, "callback verified")
            }
            Err(e @ (CallbackError::Unsigned(_) | CallbackError::Ignored(_))) => {
                tracing::info!(verdict, error = %e, "callback not applied as is")
            }
            Err(e) => tracing::warn!(verdict, error = %e, "callback refused"),
        }
        metrics::callback(self.protocol.id(), self.protocol.region(), verdict);
        result
    }

    fn callback_ack(&self) -> CallbackReply {
        self.protocol.callback_ack()
    }

    fn callback_refusal(&self) -> CallbackReply {
        self.protocol.callback_refusal()
    }
}
