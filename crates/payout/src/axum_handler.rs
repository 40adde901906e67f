//! A ready [axum] handler for provider callbacks (feature `axum`).
//!
//! Verification stays framework-free ([`PayoutProvider::verify_callback`]);
//! this module only wires it into a route: verify, hand the update to your
//! [`CallbackSink`], and reply with the exact acknowledgement or refusal the
//! provider expects.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use payout_core::{async_trait, CallbackError, CallbackReply, PayoutProvider, PayoutUpdate};

/// Where verified updates go (your database, queue, ...).
#[async_trait]
pub trait CallbackSink: Send + Sync + 'static {
    /// Records a verified update. Return `Err` when it could not be stored:
    /// the provider is then asked to re-deliver. Use
    /// [`payout_core::decide_update`] to stay idempotent.
    async fn on_update(&self, update: PayoutUpdate) -> Result<(), String>;
}

/// State of the callback route.
#[derive(Clone)]
struct Hook {
    provider: Arc<dyn PayoutProvider>,
    sink: Arc<dyn CallbackSink>,
}

/// A router with `POST {path}` verifying callbacks of `provider`.
///
/// Unsigned callbacks (regions that do not sign, e.g. Kenya) are never
/// trusted: the handler queries the payout and hands the **queried** status
/// to the sink instead.
///
/// ```
/// use std::sync::Arc;
/// use payout::axum_handler::{callback_router, CallbackSink};
/// use payout::{async_trait, PayoutUpdate};
///
/// struct Log;
/// #[async_trait]
/// impl CallbackSink for Log {
///     async fn on_update(&self, u: PayoutUpdate) -> Result<(), String> {
///         tracing::info!(trade_no = %u.status.trade_no, state = %u.status.state, "update");
///         Ok(())
///     }
/// }
/// # fn make(provider: Arc<dyn payout::PayoutProvider>) -> axum::Router {
/// callback_router("/payout/notify", provider, Arc::new(Log))
/// # }
/// ```
pub fn callback_router(
    path: &str,
    provider: Arc<dyn PayoutProvider>,
    sink: Arc<dyn CallbackSink>,
) -> Router {
    Router::new()
        .route(path, post(handle))
        .with_state(Hook { provider, sink })
}

async fn handle(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> Response {
    let provider = &hook.provider;
    let update = match provider.verify_callback(&headers, &body) {
        Ok(update) => update,
        Err(CallbackError::Unsigned(untrusted)) => {
            match provider.query_payout(&untrusted.status.trade_no).await {
                Ok(status) => PayoutUpdate::new(status, untrusted.sent_at_ms),
                Err(e) => {
                    tracing::warn!(error = %e, "could not confirm an unsigned callback by query; refusing it");
                    return reply(provider.callback_refusal());
                }
            }
        }
        Err(e) => {
            tracing::warn!(provider = provider.id(), error = %e, "callback refused");
            return reply(provider.callback_refusal());
        }
    };
    match hook.sink.on_update(update).await {
        Ok(()) => reply(provider.callback_ack()),
        Err(e) => {
            tracing::warn!(error = %e, "callback sink failed; asking the provider to re-deliver");
            reply(CallbackReply {
                status: 500,
                ..provider.callback_refusal()
            })
        }
    }
}

fn reply(r: CallbackReply) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "text/plain")],
        r.body,
    )
        .into_response()
}
