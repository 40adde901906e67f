//! The audit hook: one [`AuditEvent`] per HTTP attempt, in redacted form.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use payout_core::redact::redact_json;
use payout_core::Operation;

/// One HTTP attempt, as an audit log may keep it: what was asked, how it
/// ended, how long it took. It carries **no header** and no body in clear:
/// the bodies are offered only in redacted form ([`redact_json`]: values
/// under keys naming accounts, names, e-mails, phones, signatures and
/// secrets masked), and the URL without its query.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use payout_transport::{AuditEvent, TransportConfig};
/// let lines = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&lines);
/// let config = TransportConfig::default().observer(move |e: &AuditEvent<'_>| {
///     let line = format!(
///         "{} {} {} attempt={} status={:?} {:?} request={}",
///         e.operation, e.method, e.url, e.attempt, e.status, e.latency, e.redacted_request_body()
///     );
///     sink.lock().unwrap().push(line);
/// });
/// assert!(config.observer.is_some());
/// ```
#[non_exhaustive]
pub struct AuditEvent<'a> {
    /// The operation the request belongs to.
    pub operation: Operation,
    /// The HTTP method.
    pub method: &'a http::Method,
    /// The URL without its query or fragment.
    pub url: &'a str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// When no answer came (or it could not be read): the failure's phase
    /// ([`payout_core::Error::phase`]: `not_sent`, `no_answer`,
    /// `invalid_response`).
    pub failure: Option<&'static str>,
    /// From sending the request to the end of the answer's body (or the
    /// failure).
    pub latency: Duration,
    request_body: &'a [u8],
    response_body: &'a [u8],
}

impl<'a> AuditEvent<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        operation: Operation,
        method: &'a http::Method,
        url: &'a str,
        attempt: u32,
        status: Option<u16>,
        failure: Option<&'static str>,
        latency: Duration,
        request_body: &'a [u8],
        response_body: &'a [u8],
    ) -> Self {
        Self {
            operation,
            method,
            url: url.split(['?', '#']).next().unwrap_or_default(),
            attempt,
            status,
            failure,
            latency,
            request_body,
            response_body,
        }
    }

    /// The request body's length in bytes.
    pub fn request_body_len(&self) -> usize {
        self.request_body.len()
    }

    /// The response body's length in bytes (0 without an answer).
    pub fn response_body_len(&self) -> usize {
        self.response_body.len()
    }

    /// The request body with personal data and secrets masked
    /// ([`redact_json`]).
    pub fn redacted_request_body(&self) -> String {
        redact_json(self.request_body)
    }

    /// The response body with personal data and secrets masked
    /// ([`redact_json`]).
    pub fn redacted_response_body(&self) -> String {
        redact_json(self.response_body)
    }
}

/// Shows the bodies' lengths, never their bytes.
impl fmt::Debug for AuditEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditEvent")
            .field("operation", &self.operation)
            .field("method", self.method)
            .field("url", &self.url)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("failure", &self.failure)
            .field("latency", &self.latency)
            .field("request_body_len", &self.request_body.len())
            .field("response_body_len", &self.response_body.len())
            .finish()
    }
}

/// The function [`crate::TransportConfig::observer`] calls for each
/// attempt. Two hooks are equal when they are the same function object.
#[derive(Clone)]
pub struct AuditHook(Arc<dyn Fn(&AuditEvent<'_>) + Send + Sync>);

impl AuditHook {
    /// Wraps `f`.
    pub fn new(f: impl Fn(&AuditEvent<'_>) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Calls the hook.
    pub fn call(&self, event: &AuditEvent<'_>) {
        (self.0)(event);
    }
}

impl fmt::Debug for AuditHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditHook")
    }
}

impl PartialEq for AuditHook {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for AuditHook {}
