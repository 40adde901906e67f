//! The workspace's one fake HTTP server for tests (feature `fake-server`):
//! a real HTTP/1.1 server on 127.0.0.1 whose reply to each request a
//! closure chooses — status, headers and body, or a fault (no answer at
//! all, a connection closed before answering or reset in the middle of the
//! body, a late answer, raw bytes that no real server would send) — and
//! that records every request (method, path and query, headers, body) for
//! assertions. It runs on its own thread until dropped, so the same server
//! serves synchronous tests (a spawned binary) and async ones alike.
//!
//! Every answer carries `connection: close` and the connection is closed
//! after it: one request per connection, so that no test depends on how a
//! client reuses connections.
//!
//! Not for production: enable it in a test crate's dev-dependencies,
//! `payout-transport = { version = "…", features = ["fake-server"] }`.
//! Protocol checks (a signature, a merchant header) belong to the test: in
//! the reply closure, or on the recorded requests.
//!
//! ```
//! use payout_transport::fake_server::{FakeServer, Reply};
//! use std::io::{Read, Write};
//!
//! let server = FakeServer::start(|req| match req.path() {
//!     "/balance" => Reply::json(r#"{"balance":1}"#),
//!     _ => Reply::status(404),
//! });
//! let mut s = std::net::TcpStream::connect(server.addr())?;
//! s.write_all(b"GET /balance?currency=IDR HTTP/1.1\r\nhost: x\r\n\r\n")?;
//! let mut answer = String::new();
//! s.read_to_string(&mut answer)?;
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
//! assert!(answer.ends_with(r#"{"balance":1}"#), "{answer}");
//!
//! let seen = server.requests();
//! assert_eq!(seen.len(), 1);
//! assert_eq!((seen[0].method.as_str(), seen[0].target.as_str()), ("GET", "/balance?currency=IDR"));
//! assert_eq!(seen[0].query(), Some("currency=IDR"));
//! # Ok::<(), std::io::Error>(())
//! ```

mod reply;
mod request;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

pub use reply::Reply;
pub use request::Request;

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// What the server has received.
struct Log {
    requests: Mutex<Vec<Request>>,
    /// How many requests have arrived, for [`FakeServer::wait_for`].
    count: watch::Sender<usize>,
}

impl Log {
    /// Records `req` (numbering it) and returns the numbered copy.
    fn record(&self, mut req: Request) -> Request {
        let mut all = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        req.index = all.len();
        all.push(req.clone());
        let n = all.len();
        drop(all);
        self.count.send_replace(n);
        req
    }
}

/// A running fake server on 127.0.0.1; stops (and closes every connection
/// it holds) when dropped. See the [module documentation](self).
pub struct FakeServer {
    addr: SocketAddr,
    log: Arc<Log>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .field("requests", &self.count())
            .finish()
    }
}

impl FakeServer {
    /// Starts a server on a free port of 127.0.0.1 that answers each
    /// request with `reply(&request)`. The request is recorded before the
    /// closure is called; a panic in the closure closes that connection
    /// without an answer.
    ///
    /// # Panics
    /// When no port or thread can be had (see [`try_start`](Self::try_start)).
    pub fn start(reply: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::try_start(reply)
            .unwrap_or_else(|e| panic!("fake server: cannot listen on 127.0.0.1: {e}"))
    }

    /// As [`start`](Self::start), returning the error.
    ///
    /// # Errors
    /// When binding 127.0.0.1, building the server's runtime or spawning
    /// its thread fails.
    pub fn try_start(
        reply: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let log = Arc::new(Log {
            requests: Mutex::new(Vec::new()),
            count: watch::Sender::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let handler: Arc<Handler> = Arc::new(reply);
        let served = Arc::clone(&log);
        let thread = std::thread::Builder::new()
            .name(format!("fake-server-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    if let Ok(listener) = TcpListener::from_std(listener) {
                        serve(listener, handler, served, stopped).await;
                    }
                });
                // Dropping the runtime here cancels every connection task:
                // held connections close.
            })?;
        Ok(Self {
            addr,
            log,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// A server giving the same reply to every request.
    pub fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone())
    }

    /// A server giving `replies` in order, one per request, then
    /// `500` (`fake server: no reply scripted for request N`) to any
    /// request beyond them.
    ///
    /// ```
    /// use payout_transport::fake_server::{FakeServer, Reply};
    /// use std::time::Duration;
    ///
    /// let server = FakeServer::script([
    ///     Reply::status(503).header("retry-after", "1"),
    ///     Reply::json(r#"{"ok":true}"#).after(Duration::from_millis(10)),
    /// ]);
    /// # drop(server);
    /// ```
    pub fn script(replies: impl IntoIterator<Item = Reply>) -> Self {
        let replies: Vec<Reply> = replies.into_iter().collect();
        Self::start(move |req| {
            replies.get(req.index).cloned().unwrap_or_else(|| {
                Reply::status(500).body(
                    "text/plain",
                    format!("fake server: no reply scripted for request {}", req.index),
                )
            })
        })
    }

    /// The address the server listens on (127.0.0.1 and a free port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path` (a `/` is put between
    /// them when `path` does not start with one; an empty path gives the
    /// bare origin).
    ///
    /// ```
    /// # use payout_transport::fake_server::{FakeServer, Reply};
    /// let server = FakeServer::always(Reply::status(204));
    /// let port = server.addr().port();
    /// assert_eq!(server.url("indonesia-pay"), format!("http://127.0.0.1:{port}/indonesia-pay"));
    /// assert_eq!(server.url("/v2/payouts"), format!("http://127.0.0.1:{port}/v2/payouts"));
    /// assert_eq!(server.url(""), format!("http://127.0.0.1:{port}"));
    /// ```
    pub fn url(&self, path: &str) -> String {
        let slash = if path.is_empty() || path.starts_with('/') {
            ""
        } else {
            "/"
        };
        format!("http://{}{slash}{path}", self.addr)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.log
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests have arrived so far.
    pub fn count(&self) -> usize {
        *self.log.count.borrow()
    }

    /// Waits until at least `n` requests have arrived or `limit` has
    /// passed (a guard against hanging, not a timing assertion), and
    /// returns how many have arrived.
    pub async fn wait_for(&self, n: usize, limit: Duration) -> usize {
        let mut count = self.log.count.subscribe();
        let _ = tokio::time::timeout(limit, count.wait_for(|c| *c >= n)).await;
        self.count()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread ends as soon as its accept loop sees the signal.
            let _ = thread.join();
        }
    }
}

/// Accepts connections until `stopped`, each served by its own task.
async fn serve(
    listener: TcpListener,
    handler: Arc<Handler>,
    log: Arc<Log>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, Arc::clone(&handler), Arc::clone(&log)));
                }
                // Out of file descriptors, a connection reset while
                // queued: try again shortly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

/// Reads one request, records it and answers as the handler says.
async fn connection(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Log>) {
    let Some(req) = request::read(&mut stream).await else {
        return;
    };
    let req = log.record(req);
    let reply = handler(&req);
    reply.send(stream).await;
}

#[cfg(test)]
mod tests;
