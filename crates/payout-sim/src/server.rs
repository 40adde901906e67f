//! The HTTP/1.1 server: an accept loop serving the axum router on each
//! connection with hyper, so that a `_DROP` answer can close a connection
//! without a word, and so that shutdown ends every connection at once.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::faults::DropConnection;

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (simulated fault _DROP)")
    }
}

impl std::error::Error for Dropped {}

/// The router as a hyper service that turns a [`DropConnection`] answer
/// into a closed connection.
#[derive(Clone)]
struct SimService {
    inner: TowerToHyperService<Router>,
}

type ServiceFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<Body>, Dropped>> + Send + 'static>>;

impl hyper::service::Service<http::Request<Incoming>> for SimService {
    type Response = http::Response<Body>;
    type Error = Dropped;
    type Future = ServiceFuture;

    fn call(&self, req: http::Request<Incoming>) -> Self::Future {
        let answer = self.inner.call(req);
        Box::pin(async move {
            let resp = match answer.await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                Err(Dropped)
            } else {
                Ok(resp)
            }
        })
    }
}

/// Resolves when `rx` turns true (or its sender is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Accepts connections until `shutdown` turns true.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = SimService {
        inner: TowerToHyperService::new(router),
    };
    loop {
        let stream = tokio::select! {
            biased;
            () = stopped(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pause, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                r = conn => if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended");
                },
                () = stopped(&mut stop) => {}
            }
        });
    }
}
