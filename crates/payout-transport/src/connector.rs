//! The sans-I/O seam: a provider is a [`PayoutProtocol`] (pure builders of
//! requests and pure parsers of answers); a [`Connector`] sends them on an
//! [`HttpTransport`] and implements [`PayoutProvider`] once for every
//! provider: the create-outcome rules, duplicate detection, cancel by trade
//! number, and one `tracing` span per operation.

use std::sync::Arc;
use std::time::Instant;

use payout_core::async_trait;
use payout_core::{
    Balance, CallbackError, CallbackReply, Capabilities, Clock, CreatePayout, Error, Idempotency,
    Operation, PayoutProvider, PayoutRef, PayoutStatus, PayoutUpdate, SystemClock, TradeNo,
};
use tracing::Instrument;

use crate::client::{HttpTransport, WireRequest, WireResponse};

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
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::CreatePayout,
        ))
    }
    /// The create request (validates first).
    ///
    /// # Errors
    /// [`Error::Validation`].
    fn build_create(&self, order: &CreatePayout, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (order, now_ms);
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::CreatePayout,
        ))
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
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::CreatePayout,
        ))
    }

    /// The status query by the provider's own id.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_query_by_id(&self, provider_id: &str, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (provider_id, now_ms);
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::QueryPayout,
        ))
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
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::QueryPayout,
        ))
    }

    /// The balance request.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_balance(&self, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = now_ms;
        Err(unsupported(self.id(), self.region(), Operation::Balance))
    }
    /// Reads a balance answer.
    ///
    /// # Errors
    /// As the provider's page says.
    fn parse_balance(&self, response: &WireResponse) -> Result<Balance, Error> {
        let _ = response;
        Err(unsupported(self.id(), self.region(), Operation::Balance))
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
        Err(unsupported(self.id(), self.region(), Operation::Balance))
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
        Err(unsupported(self.id(), self.region(), Operation::Balance))
    }

    /// The cancel request for the provider's id of a payout.
    ///
    /// # Errors
    /// [`Error::Unsupported`] unless the provider offers it.
    fn build_cancel(&self, provider_id: &str, now_ms: u64) -> Result<WireRequest, Error> {
        let _ = (provider_id, now_ms);
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::CancelPayout,
        ))
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
        Err(unsupported(
            self.id(),
            self.region(),
            Operation::CancelPayout,
        ))
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

/// The [`Error::Unsupported`] for `operation`.
pub fn unsupported(provider: &str, region: &str, operation: Operation) -> Error {
    Error::Unsupported {
        provider: provider.to_owned(),
        operation,
        hint: format!("region {region} does not offer it; see the provider's capabilities"),
    }
}

/// A [`PayoutProtocol`] on an [`HttpTransport`]: a complete
/// [`PayoutProvider`].
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
}

impl<P: PayoutProtocol> Connector<P> {
    /// Connects `protocol` to `transport`.
    pub fn new(protocol: P, transport: HttpTransport) -> Self {
        Self {
            protocol,
            transport,
            clock: Arc::new(SystemClock),
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

    fn span(&self, name: &'static str, trade_no: Option<&str>) -> tracing::Span {
        let p = &self.protocol;
        let trade_no = trade_no.unwrap_or("");
        match name {
            "payout.create" => {
                tracing::info_span!(
                    "payout.create",
                    provider = p.id(),
                    region = p.region(),
                    trade_no,
                    outcome = tracing::field::Empty,
                    latency_ms = tracing::field::Empty
                )
            }
            "payout.query" => {
                tracing::info_span!(
                    "payout.query",
                    provider = p.id(),
                    region = p.region(),
                    trade_no,
                    outcome = tracing::field::Empty,
                    latency_ms = tracing::field::Empty
                )
            }
            "payout.cancel" => {
                tracing::info_span!(
                    "payout.cancel",
                    provider = p.id(),
                    region = p.region(),
                    trade_no,
                    outcome = tracing::field::Empty,
                    latency_ms = tracing::field::Empty
                )
            }
            _ => {
                tracing::info_span!(
                    "payout.balance",
                    provider = p.id(),
                    region = p.region(),
                    outcome = tracing::field::Empty,
                    latency_ms = tracing::field::Empty
                )
            }
        }
    }

    /// Runs `work` inside the operation's span and records its outcome and
    /// latency on it.
    async fn observed<T>(
        &self,
        span: tracing::Span,
        work: impl std::future::Future<Output = Result<T, Error>>,
        outcome: impl Fn(&T) -> &'static str,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let result = work.instrument(span.clone()).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("latency_ms", latency_ms);
        let _enter = span.enter();
        match &result {
            Ok(v) => {
                span.record("outcome", outcome(v));
                tracing::info!(latency_ms, "done");
            }
            Err(e) if e.is_outcome_unknown() => {
                span.record("outcome", "unknown");
                tracing::warn!(error = %e, latency_ms, "outcome unknown: query before any retry");
            }
            Err(e) => {
                span.record("outcome", e.phase());
                tracing::info!(error = %e, latency_ms, "failed");
            }
        }
        result
    }

    async fn query_inner(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        self.protocol.capabilities().trade_no.check(trade_no)?;
        let req = self.protocol.build_query(trade_no, self.now())?;
        self.transport
            .execute(
                Operation::QueryPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_query(trade_no, resp),
            )
            .await
    }

    async fn query_id_inner(&self, provider_id: &str) -> Result<PayoutStatus, Error> {
        let req = self.protocol.build_query_by_id(provider_id, self.now())?;
        self.transport
            .execute(
                Operation::QueryPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_query_by_id(provider_id, resp),
            )
            .await
    }

    async fn create_inner(&self, order: &CreatePayout) -> Result<PayoutStatus, Error> {
        let caps = self.protocol.capabilities();
        caps.trade_no.check(&order.trade_no)?;
        let req = self.protocol.build_create(order, self.now())?;
        let unknown = |cause: Error| Error::OutcomeUnknown {
            trade_no: order.trade_no.clone(),
            cause: Box::new(cause),
        };
        let result = self
            .transport
            .execute(
                Operation::CreatePayout,
                &req,
                caps.create_dedup.idempotency(),
                |resp| self.protocol.parse_create(order, resp),
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
                match self.query_inner(&order.trade_no).await {
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

    async fn cancel_inner(&self, target: &PayoutRef) -> Result<PayoutStatus, Error> {
        let id = match target {
            PayoutRef::ProviderId(id) => id.clone(),
            PayoutRef::TradeNo(t) => {
                self.query_inner(t)
                    .await?
                    .platform_trade_no
                    .ok_or_else(|| Error::InvalidResponse {
                        operation: Operation::CancelPayout,
                        message: format!(
                            "the provider's answer for {t} carries no payout id to cancel"
                        ),
                    })?
            }
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
            .execute(
                Operation::CancelPayout,
                &req,
                Idempotency::Idempotent,
                |resp| self.protocol.parse_cancel(&id, resp),
            )
            .await;
        match result {
            // A refusal may answer a repeat of a cancel that already took
            // effect (its first answer lost): ask before saying "not
            // cancelled".
            Err(refused @ Error::Rejected { .. }) => match self.query_id_inner(&id).await {
                Ok(status) if status.state == payout_core::PayoutState::Cancelled => Ok(status),
                _ => Err(refused),
            },
            other => other,
        }
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

fn state_name(status: &PayoutStatus) -> &'static str {
    status.state.as_str()
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
        let span = self.span("payout.query", Some(trade_no.as_str()));
        self.observed(span, self.query_inner(trade_no), state_name)
            .await
    }

    async fn query_by_provider_id(&self, provider_id: &str) -> Result<PayoutStatus, Error> {
        let span = self.span("payout.query", None);
        self.observed(span, self.query_id_inner(provider_id), state_name)
            .await
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        self.protocol
            .capabilities()
            .trade_no
            .check(&request.trade_no)?;
        self.protocol.validate_create(request)
    }

    async fn create_payout(&self, order: &CreatePayout) -> Result<PayoutStatus, Error> {
        let span = self.span("payout.create", Some(order.trade_no.as_str()));
        self.observed(span, self.create_inner(order), state_name)
            .await
    }

    async fn balance(&self) -> Result<Balance, Error> {
        let span = self.span("payout.balance", None);
        let work = async {
            let req = self.protocol.build_balance(self.now())?;
            self.transport
                .execute(Operation::Balance, &req, Idempotency::Idempotent, |resp| {
                    self.protocol.parse_balance(resp)
                })
                .await
        };
        self.observed(span, work, |_| "ok").await
    }

    async fn balance_in(&self, currency: payout_core::Currency) -> Result<Balance, Error> {
        let own = self
            .protocol
            .capabilities()
            .region(self.protocol.region())
            .map(|r| r.currency);
        if own == Some(currency) {
            return self.balance().await;
        }
        let span = self.span("payout.balance", None);
        let work = async {
            let req = self.protocol.build_balance_in(currency, self.now())?;
            self.transport
                .execute(Operation::Balance, &req, Idempotency::Idempotent, |resp| {
                    self.protocol.parse_balance_in(currency, resp)
                })
                .await
        };
        self.observed(span, work, |_| "ok").await
    }

    async fn cancel_payout(&self, target: &PayoutRef) -> Result<PayoutStatus, Error> {
        let trade_no = match target {
            PayoutRef::TradeNo(t) => Some(t.as_str()),
            _ => None,
        };
        let span = self.span("payout.cancel", trade_no);
        self.observed(span, self.cancel_inner(target), state_name)
            .await
    }

    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        self.protocol.verify_callback(headers, body)
    }

    fn callback_ack(&self) -> CallbackReply {
        self.protocol.callback_ack()
    }

    fn callback_refusal(&self) -> CallbackReply {
        self.protocol.callback_refusal()
    }
}
