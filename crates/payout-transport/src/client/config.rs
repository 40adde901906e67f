//! Transport settings ([`TransportConfig`], [`RetryPolicy`]).

use std::time::Duration;

use http::{HeaderName, HeaderValue};
use payout_core::retry::RetryPolicy;
use payout_core::Error;

use super::audit::{AuditEvent, AuditHook};

/// Headers the transport itself manages; an extra header may not set them.
const MANAGED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Parts of a header name that mark its value as a credential: such a
/// value is marked sensitive (`HeaderValue::set_sensitive`), so that HTTP
/// libraries never print it.
const CREDENTIAL_NAME_PARTS: &[&str] = &[
    "auth",
    "token",
    "secret",
    "key",
    "sign",
    "cookie",
    "password",
    "session",
    "credential",
];

/// Settings of the pooled HTTP transport.
///
/// ```
/// use std::time::Duration;
/// use payout_transport::TransportConfig;
/// let c = TransportConfig::default().timeout(Duration::from_secs(10));
/// assert_eq!(c.timeout, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Limit for establishing a connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Limit for one whole attempt, body included.
    pub timeout: Duration,
    /// Largest response body accepted; a larger one is an error, not an
    /// out-of-memory.
    pub max_response_bytes: usize,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Headers added to every request (an egress gateway's routing or
    /// credential header, a tenant tag), after the provider's own; a
    /// header the provider sets itself keeps the provider's value. Add them
    /// with [`TransportConfig::header`], which validates them.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Called once per HTTP attempt with a redacted [`AuditEvent`] (see
    /// [`TransportConfig::observer`]).
    pub observer: Option<AuditHook>,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_response_bytes: 1024 * 1024,
            pool_max_idle_per_host: 256,
            retry: RetryPolicy::default(),
            headers: Vec::new(),
            observer: None,
        }
    }
}

impl TransportConfig {
    /// Sets the per-attempt limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect limit.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the response-size cap.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets a header sent with every request (replacing one of the same
    /// name set before). A value whose name looks like a
    /// credential (it contains `auth`, `token`, `secret`, `key`, `sign`,
    /// `cookie`, `password`, `session` or `credential`) is marked
    /// sensitive, so that no HTTP library logs it; it never appears in
    /// this crate's logs or errors either.
    ///
    /// ```
    /// use payout_transport::TransportConfig;
    /// let c = TransportConfig::default()
    ///     .header("X-Egress-Route", "payouts-eu")?
    ///     .header("X-Gateway-Token", "t0ken")?;
    /// assert!(c.headers[1].1.is_sensitive());
    /// assert!(!format!("{c:?}").contains("t0ken"));
    /// assert!(TransportConfig::default().header("Content-Length", "1").is_err());
    /// assert!(TransportConfig::default().header("X-Bad", "line\nbreak").is_err());
    /// # Ok::<(), payout_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] naming the header: not a valid header name, a value
    /// that cannot be sent (control characters; the value is not quoted),
    /// or a header the transport manages (`Host`, `Content-Length`,
    /// `Content-Type`, `Transfer-Encoding`, `Connection` and the other
    /// hop-by-hop headers).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            Error::config(format!(
                "extra header name {:?} is not a valid HTTP header name",
                payout_core::error::excerpt(name.as_bytes(), 64)
            ))
        })?;
        if MANAGED_HEADERS.contains(&name.as_str()) {
            return Err(Error::config(format!(
                "extra header {name} is set by the transport itself; remove it from headers"
            )));
        }
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the value of extra header {name} cannot be sent (control characters or non-ASCII); value not shown"
            ))
        })?;
        if CREDENTIAL_NAME_PARTS
            .iter()
            .any(|part| name.as_str().contains(part))
        {
            value.set_sensitive(true);
        }
        self.headers.retain(|(set, _)| *set != name);
        self.headers.push((name, value));
        Ok(self)
    }

    /// Calls `observer` once per HTTP attempt (retries included) with a
    /// redacted [`AuditEvent`], for audit logs: method, URL without query,
    /// attempt, status or failure, latency, body lengths, and bodies with
    /// personal data and secrets masked. The call is synchronous, on the
    /// request's task: keep it quick (hand the event's parts to a channel
    /// for slow sinks).
    pub fn observer(mut self, observer: impl Fn(&AuditEvent<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(AuditHook::new(observer));
        self
    }
}
