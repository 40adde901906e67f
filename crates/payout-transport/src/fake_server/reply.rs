//! What the fake server does with a request, and doing it.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// The fake server's answer to one request: an HTTP answer (status,
/// headers, body) or a fault, optionally after a pause.
///
/// ```
/// use payout_transport::fake_server::Reply;
/// use std::time::Duration;
///
/// let ok = Reply::json(r#"{"code":"0000"}"#);
/// let html = Reply::status(502).body("text/html", "<html>Bad Gateway</html>");
/// let limited = Reply::status(429).header("retry-after", "0.01");
/// let late = Reply::json("{}").after(Duration::from_secs(5));
/// let silent = Reply::hang();
/// let cut = Reply::json(r#"{"code":"0000","data":{}}"#).reset_after(10);
/// let broken = Reply::raw("HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{");
/// # drop((ok, html, limited, late, silent, cut, broken));
/// ```
#[derive(Clone)]
pub struct Reply {
    action: Action,
    delay: Duration,
}

#[derive(Clone)]
enum Action {
    /// An HTTP answer; with `reset_after`, only the head and that many
    /// bytes of the body are sent before the connection is reset.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
        reset_after: Option<usize>,
    },
    /// These exact bytes, then close.
    Raw(Bytes),
    /// Never answer; the connection stays open until the server is dropped.
    Hang,
    /// Close the connection without a word.
    Close,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Reply");
        match &self.action {
            Action::Answer {
                status,
                headers,
                body,
                reset_after,
            } => d
                .field("status", status)
                .field("headers", &headers.iter().map(|h| &h.0).collect::<Vec<_>>())
                .field("body_len", &body.len())
                .field("reset_after", reset_after),
            Action::Raw(bytes) => d.field("raw_len", &bytes.len()),
            Action::Hang => d.field("hang", &true),
            Action::Close => d.field("close", &true),
        };
        d.field("delay", &self.delay).finish()
    }
}

impl Reply {
    fn new(action: Action) -> Self {
        Self {
            action,
            delay: Duration::ZERO,
        }
    }

    /// `200 OK` with `content-type: application/json` and `body`.
    pub fn json(body: impl Into<Bytes>) -> Self {
        Self::status(200).body("application/json", body)
    }

    /// An answer with `status` and an empty body (set one with
    /// [`body`](Self::body)).
    pub fn status(status: u16) -> Self {
        Self::new(Action::Answer {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            reset_after: None,
        })
    }

    /// The body and its `content-type` (replacing any set before).
    /// `content-length` is always written from the body.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        if let Action::Answer {
            headers, body: b, ..
        } = &mut self.action
        {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            headers.insert(0, ("content-type".to_owned(), content_type.to_owned()));
            *b = body.into();
        }
        self
    }

    /// One more header (no effect on [`raw`](Self::raw), [`hang`](Self::hang)
    /// or [`close`](Self::close)).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Action::Answer { headers, .. } = &mut self.action {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Sends the head and the first `body_bytes` bytes of the body, then
    /// resets the connection (TCP RST): an answer cut in the middle.
    pub fn reset_after(mut self, body_bytes: usize) -> Self {
        if let Action::Answer { reset_after, .. } = &mut self.action {
            *reset_after = Some(body_bytes);
        }
        self
    }

    /// These exact bytes (head and body, as malformed as wanted), then the
    /// connection is closed.
    pub fn raw(bytes: impl Into<Bytes>) -> Self {
        Self::new(Action::Raw(bytes.into()))
    }

    /// No answer at all: the connection stays open, silent, until the
    /// server is dropped (the client runs into its timeout).
    pub fn hang() -> Self {
        Self::new(Action::Hang)
    }

    /// The connection is closed without a word.
    pub fn close() -> Self {
        Self::new(Action::Close)
    }

    /// Waits `delay` before doing what the reply says: a slow answer, or
    /// (with [`close`](Self::close)) a connection that stays silent for a
    /// while and then closes.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Does it on `stream`. Write errors are ignored: a client may hang
    /// up early (a size cap, a timeout), which is not the server's
    /// failure.
    pub(super) async fn send(self, mut stream: TcpStream) {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        match self.action {
            Action::Answer {
                status,
                headers,
                body,
                reset_after,
            } => {
                let head = head(status, &headers, body.len());
                let _ = stream.write_all(&head).await;
                match reset_after {
                    None => {
                        let _ = stream.write_all(&body).await;
                        let _ = stream.shutdown().await;
                    }
                    Some(n) => {
                        let _ = stream.write_all(&body[..n.min(body.len())]).await;
                        let _ = stream.flush().await;
                        reset(stream);
                    }
                }
            }
            Action::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            }
            Action::Hang => std::future::pending::<()>().await,
            Action::Close => drop(stream),
        }
    }
}

/// The status line and headers, with `content-length` and
/// `connection: close`.
fn head(status: u16, headers: &[(String, String)], body_len: usize) -> Vec<u8> {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-length: {body_len}\r\nconnection: close\r\n\r\n"
    ));
    out.into_bytes()
}

/// Closes `stream` with a TCP reset instead of an orderly close.
fn reset(stream: TcpStream) {
    // A zero linger makes the close send RST and never blocks (the
    // deprecation warns about non-zero lingers blocking the thread).
    #[allow(deprecated)]
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}
