//! The HTTP transport: one pooled reqwest client (rustls), connect and total
//! timeouts, a response-size cap, `Retry-After`, and the one executor loop
//! that retries only what the retry table ([`payout_core::retry`]) allows.

mod config;
mod url;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use payout_core::error::excerpt;
use payout_core::{Error, Operation};
use tracing::Instrument;

pub use config::TransportConfig;
pub use payout_core::retry::{Idempotency, RetryPolicy};
pub use url::RequestUrl;

/// The content type of every request.
const APPLICATION_JSON: http::HeaderValue = http::HeaderValue::from_static("application/json");

/// Longest body excerpt quoted in an [`Error::HttpStatus`].
pub const EXCERPT_CHARS: usize = 160;

/// Request headers (name, value), in order, shared between requests: a
/// provider whose requests all carry the same headers builds the list once.
pub type HeaderList = Arc<[(&'static str, http::HeaderValue)]>;

/// A request ready to send: method, URL, headers and every body byte
/// decided (signatures and authentication included).
///
/// The URL (parsed) and the header values are shared, not copied: a
/// provider builds them once and every request clones a reference (no
/// allocation or parsing per request for them).
///
/// ```
/// use payout_transport::{RequestUrl, WireRequest};
/// let req = WireRequest::post(
///     RequestUrl::parse("http://127.0.0.1:9000/indonesia-pay/v1/paypro/queryPayOutResult")?,
///     [("merchantNo", http::HeaderValue::from_static("3060414594"))].into(),
///     r#"{"tradeNo":"PO-1"}"#,
/// );
/// assert_eq!(req.header("merchantNo"), Some("3060414594"));
/// # Ok::<(), payout_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The HTTP method (`GET` or `POST`).
    pub method: http::Method,
    /// Full URL.
    pub url: RequestUrl,
    /// Headers besides `content-type: application/json` (sent with every
    /// non-empty body), in order.
    pub headers: HeaderList,
    /// The exact body bytes (empty for a `GET`).
    pub body: Bytes,
}

/// Shows the method, URL, header names and the body's length: header values
/// (signatures, credentials) and the body (account numbers, names) never
/// reach a log through `Debug`.
///
/// ```
/// use payout_transport::{RequestUrl, WireRequest};
/// let req = WireRequest::post(RequestUrl::parse("http://127.0.0.1:9/x")?, [].into(), r#"{"accountNo":"5464438554636"}"#);
/// assert!(!format!("{req:?}").contains("5464438554636"));
/// # Ok::<(), payout_core::Error>(())
/// ```
impl std::fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl WireRequest {
    /// A `POST` with a JSON body.
    pub fn post(url: RequestUrl, headers: HeaderList, body: impl Into<Bytes>) -> Self {
        Self {
            method: http::Method::POST,
            url,
            headers,
            body: body.into(),
        }
    }

    /// A `GET` without a body.
    pub fn get(url: RequestUrl, headers: HeaderList) -> Self {
        Self {
            method: http::Method::GET,
            url,
            headers,
            body: Bytes::new(),
        }
    }

    /// The text of the first header named `name` (ASCII case-insensitive),
    /// `None` when absent or not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.to_str().ok())
    }
}

/// A complete answer, whatever its status: the provider's parser decides
/// what a status means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireResponse {
    /// HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The body, at most [`TransportConfig::max_response_bytes`] long.
    pub body: Bytes,
}

impl WireResponse {
    /// A response with no headers (tests, parsers fed from elsewhere).
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: http::HeaderMap::new(),
            body: body.into(),
        }
    }

    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The [`Error::HttpStatus`] for this answer (a short, control-free
    /// excerpt of the body is kept).
    pub fn status_error(&self, operation: Operation) -> Error {
        Error::HttpStatus {
            operation,
            status: self.status,
            body_excerpt: excerpt(&self.body, EXCERPT_CHARS),
        }
    }

    /// `Ok(self)` for a 2xx answer, else [`WireResponse::status_error`].
    ///
    /// # Errors
    /// [`Error::HttpStatus`] for any other status.
    pub fn success(&self, operation: Operation) -> Result<&Self, Error> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.status_error(operation))
        }
    }

    /// The pause a `Retry-After` header asks for (seconds, possibly
    /// fractional), on a 429 or 503; else, on a 429, the seconds a
    /// `Rate-Limit-Reset` header gives until the window resets.
    ///
    /// ```
    /// use payout_transport::WireResponse;
    /// let mut r = WireResponse::new(429, "");
    /// r.headers.insert("rate-limit-reset", http::HeaderValue::from_static("1.5"));
    /// assert_eq!(r.retry_after(), Some(std::time::Duration::from_millis(1500)));
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        if self.status != 429 && self.status != 503 {
            return None;
        }
        let header = self
            .headers
            .get("retry-after")
            .or_else(|| (self.status == 429).then(|| self.headers.get("rate-limit-reset"))?)?;
        let text = header.to_str().ok()?.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let secs: u64 = whole.parse().ok()?;
        let millis: u64 = frac
            .chars()
            .chain("000".chars())
            .take(3)
            .collect::<String>()
            .parse()
            .ok()?;
        Some(Duration::from_secs(secs.min(3600)) + Duration::from_millis(millis))
    }
}

/// Sends [`WireRequest`]s. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// use payout_transport::{HttpTransport, Idempotency, RequestUrl, TransportConfig, WireRequest};
/// use payout_core::Operation;
/// # async fn run() -> Result<(), payout_core::Error> {
/// let transport = HttpTransport::new(TransportConfig::default())?;
/// let req = WireRequest::post(RequestUrl::parse("http://127.0.0.1:9000/x")?, [].into(), "{}");
/// let resp = transport.send(Operation::QueryPayout, &req, Idempotency::Idempotent).await?;
/// assert_eq!(resp.status, 200);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: reqwest::Client,
    config: TransportConfig,
}

impl HttpTransport {
    /// Builds the pooled client.
    ///
    /// # Errors
    /// [`Error::Config`] when the TLS backend cannot be initialised.
    pub fn new(config: TransportConfig) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .user_agent(concat!("payout-sdk/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { client, config })
    }

    /// A transport on a client the caller built (proxy, custom CA, mTLS,
    /// default headers stay the caller's); the SDK still applies its
    /// per-request timeout, retries and size cap from `config`. The
    /// client's own connect timeout and pool settings are kept.
    ///
    /// ```
    /// use payout_transport::{HttpTransport, TransportConfig};
    /// let client = reqwest::Client::builder().build().unwrap();
    /// let transport = HttpTransport::from_client(client, TransportConfig::default());
    /// assert_eq!(transport.config().max_response_bytes, 1024 * 1024);
    /// ```
    pub fn from_client(client: reqwest::Client, config: TransportConfig) -> Self {
        Self { client, config }
    }

    /// The same connection pool with other settings (per-request timeout,
    /// retries, size cap; the connect timeout is the pool's).
    pub fn with_config(&self, config: TransportConfig) -> Self {
        Self {
            client: self.client.clone(),
            config,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// The underlying client, for callers that send their own requests on the
    /// same pool (benchmarks, health checks).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends `request`, retrying within the policy when safe for
    /// `idempotency`, and returns the 2xx answer.
    ///
    /// # Errors
    /// [`Error::NotSent`] (never left), [`Error::NoAnswer`] (sent, no
    /// complete answer), [`Error::HttpStatus`] (non-2xx),
    /// [`Error::InvalidResponse`] (body over the size cap).
    pub async fn send(
        &self,
        operation: Operation,
        request: &WireRequest,
        idempotency: Idempotency,
    ) -> Result<WireResponse, Error> {
        self.execute(operation, request, idempotency, |resp| {
            resp.success(operation).cloned()
        })
        .await
    }

    /// The executor: sends `request` and reads each complete answer (any
    /// status) with `read`, the provider's pure parser; repeats the request
    /// while the retry table ([`payout_core::retry::may_retry`]) allows it
    /// for `idempotency`, within the policy's attempts and time budget,
    /// pausing with jittered backoff or as long as a `Retry-After` asks.
    /// The same request (same bytes, same idempotency key) is repeated.
    ///
    /// # Errors
    /// The last failure: a transport error or what `read` returned.
    pub async fn execute<T>(
        &self,
        operation: Operation,
        request: &WireRequest,
        idempotency: Idempotency,
        read: impl Fn(&WireResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let policy = &self.config.retry;
        let started = Instant::now();
        let mut attempt = 1u32;
        loop {
            // The span and the attempt's timing exist only for debug logs:
            // without a debug subscriber the attempt reads no clock.
            let result = if tracing::enabled!(tracing::Level::DEBUG) {
                let span = tracing::debug_span!("http", op = %operation, method = %request.method, attempt, url = %request.url);
                let t0 = Instant::now();
                let result = self.send_once(operation, request).instrument(span).await;
                let elapsed = t0.elapsed();
                match &result {
                    Ok(resp) => {
                        tracing::debug!(op = %operation, attempt, status = resp.status, ?elapsed, "answered")
                    }
                    Err(e) => {
                        tracing::debug!(op = %operation, attempt, error = %e, ?elapsed, "attempt failed")
                    }
                }
                result
            } else {
                self.send_once(operation, request).await
            };
            let (err, asked_pause) = match result {
                Ok(resp) => match read(&resp) {
                    Ok(value) => return Ok(value),
                    Err(e) => (e, resp.retry_after()),
                },
                Err(e) => (e, None),
            };
            let pause = policy.pause(attempt).max(asked_pause.unwrap_or_default());
            if !payout_core::retry::may_retry(idempotency, &err)
                || attempt >= policy.max_attempts
                || started.elapsed() + pause > policy.max_elapsed
            {
                return Err(err);
            }
            tracing::info!(op = %operation, attempt, error = %err, ?pause, "retrying");
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        operation: Operation,
        request: &WireRequest,
    ) -> Result<WireResponse, Error> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.to_url())
            .timeout(self.config.timeout);
        if !request.body.is_empty() {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, APPLICATION_JSON)
                .body(request.body.clone());
        }
        for (name, value) in request.headers.iter() {
            builder = builder.header(*name, value.clone());
        }
        let mut response = builder.send().await.map_err(|e| classify(operation, &e))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.config.max_response_bytes;
        if let Some(len) = response.content_length() {
            if len > cap as u64 {
                return Err(too_large(operation, cap));
            }
        }
        // A body that arrives in one chunk (the usual case for small
        // answers) is kept as it is; more chunks are gathered, within the cap.
        let mut first: Option<Bytes> = None;
        let mut gathered: Option<BytesMut> = None;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| classify(operation, &e))?
        {
            let so_far =
                first.as_ref().map_or(0, Bytes::len) + gathered.as_ref().map_or(0, BytesMut::len);
            if so_far + chunk.len() > cap {
                return Err(too_large(operation, cap));
            }
            match (&mut gathered, first.take()) {
                (Some(all), _) => all.extend_from_slice(&chunk),
                (None, None) => first = Some(chunk),
                (None, Some(head)) => {
                    let mut all = BytesMut::with_capacity(head.len() + chunk.len());
                    all.extend_from_slice(&head);
                    all.extend_from_slice(&chunk);
                    gathered = Some(all);
                }
            }
        }
        let body = match (gathered, first) {
            (Some(all), _) => all.freeze(),
            (None, Some(one)) => one,
            (None, None) => Bytes::new(),
        };
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }
}

fn too_large(operation: Operation, cap: usize) -> Error {
    Error::InvalidResponse {
        operation,
        message: format!("response body exceeds the {cap}-byte limit (max_response_bytes)"),
    }
}

/// Sorts a reqwest error into "never left" or "sent without answer".
fn classify(operation: Operation, e: &reqwest::Error) -> Error {
    let message = describe(e);
    if e.is_connect() || e.is_builder() {
        Error::NotSent { operation, message }
    } else {
        Error::NoAnswer { operation, message }
    }
}

/// A one-line description of the error and its causes, without the URL's
/// query (none is used) and without any header.
fn describe(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    if e.is_timeout() {
        parts.push("timed out".to_owned());
    }
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.dedup();
    parts.join(": ")
}

#[cfg(test)]
mod tests;
