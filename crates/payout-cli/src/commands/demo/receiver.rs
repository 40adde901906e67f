//! The platform's callback endpoint: `POST /notify/<provider>/<region>`
//! on 127.0.0.1. Each callback is verified with the matching provider's
//! `verify_callback`; an unsigned one (Kenya) is never trusted and is
//! confirmed by a query instead. The verified state goes into the
//! [`Book`] through `decide_update`: duplicates and late `0015`s after a
//! final state are acknowledged and ignored.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use payout::{ApplyDecision, CallbackError, CallbackReply, PayoutUpdate};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::book::Book;
use super::metrics::Metrics;
use super::Lane;

struct Hook {
    lanes: Arc<[Lane]>,
    book: Arc<Book>,
}

/// A running receiver. Dropping it stops it.
#[derive(Debug)]
pub struct Receiver {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Receiver {
    /// Binds 127.0.0.1 on a free port and serves in the background.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(lanes: Arc<[Lane]>, book: Arc<Book>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let app = Router::new()
            .route("/notify/{provider}/{region}", post(receive))
            .with_state(Arc::new(Hook { lanes, book }));
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "callback receiver stopped");
            }
        });
        Ok(Self { addr, task })
    }

    /// The notify URL of a lane.
    pub fn notify_url(&self, lane: &Lane) -> String {
        format!(
            "http://{}/notify/{}/{}",
            self.addr, lane.sample.provider, lane.sample.region
        )
    }

    /// `http://ADDR/notify`.
    pub fn base(&self) -> String {
        format!("http://{}/notify", self.addr)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn reply(r: CallbackReply) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, r.body).into_response()
}

async fn receive(
    State(hook): State<Arc<Hook>>,
    Path((provider, region)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(lane) = hook
        .lanes
        .iter()
        .find(|l| l.sample.provider == provider && l.sample.region == region)
    else {
        return (StatusCode::NOT_FOUND, "no such provider/region").into_response();
    };
    let p = &lane.provider;
    let m = &lane.metrics;
    let update = match p.verify_callback(&headers, &body) {
        Ok(update) => {
            Metrics::bump(&m.verified);
            update
        }
        Err(CallbackError::Unsigned(untrusted)) => {
            match p.query_payout(&untrusted.status.trade_no).await {
                Ok(status) => {
                    Metrics::bump(&m.confirmed);
                    PayoutUpdate::new(status, untrusted.sent_at_ms)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot confirm an unsigned callback; refusing it");
                    Metrics::bump(&m.refused);
                    return reply(p.callback_refusal());
                }
            }
        }
        Err(e) => {
            tracing::warn!(provider, region, error = %e, "callback refused");
            Metrics::bump(&m.refused);
            return reply(p.callback_refusal());
        }
    };
    let s = &update.status;
    match hook.book.apply(s.trade_no.as_str(), s.state) {
        Some(ApplyDecision::Duplicate) => Metrics::bump(&m.duplicates),
        Some(ApplyDecision::KeepFinal) => Metrics::bump(&m.late_ignored),
        Some(_) => {}
        None => {
            tracing::warn!(trade_no = %s.trade_no, "callback about a payout the demo did not make")
        }
    }
    reply(p.callback_ack())
}
