//! The SDK's callback receiver served by [axum] (feature `axum`).
//!
//! [`callback_router`] serves a [`CallbackReceiver`] as
//! `POST {prefix}/{account}`: one route for every provider account, each
//! selected by its registered name. Everything else (verification,
//! confirmation of unsigned callbacks, de-duplication, the decision, the
//! logs, the exact reply) is the receiver's; see [`crate::receiver`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use payout_core::CallbackReply;

use crate::receiver::CallbackReceiver;

/// The prefix the SDK's own tools use: `POST /callbacks/{account}`.
pub const DEFAULT_PREFIX: &str = "/callbacks";

/// A router serving `receiver` at `POST {prefix}/{account}` (`prefix`
/// with or without its slashes; empty for `/{account}`). An account that
/// is not registered is answered `404`.
///
/// ```
/// use std::sync::Arc;
/// use payout::axum_handler::{callback_router, DEFAULT_PREFIX};
/// use payout::receiver::CallbackReceiver;
///
/// let receiver = Arc::new(CallbackReceiver::new());
/// // receiver.register("paypro-id", provider, sink)?; ...
/// let app: axum::Router = callback_router(DEFAULT_PREFIX, Arc::clone(&receiver));
/// # let _ = app;
/// ```
pub fn callback_router(prefix: &str, receiver: Arc<CallbackReceiver>) -> Router {
    Router::new()
        .route(&route(prefix), post(handle))
        .with_state(receiver)
}

/// `{prefix}/{account}` with exactly one slash between the parts.
fn route(prefix: &str) -> String {
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        "/{account}".to_owned()
    } else {
        format!("/{prefix}/{{account}}")
    }
}

async fn handle(
    State(receiver): State<Arc<CallbackReceiver>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(receiver.receive(&account, &headers, &body).await.reply)
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

#[cfg(test)]
mod tests {
    use super::route;

    #[test]
    fn routes_have_one_slash_between_parts() {
        assert_eq!(route("/callbacks"), "/callbacks/{account}");
        assert_eq!(route("callbacks/"), "/callbacks/{account}");
        assert_eq!(route("/a/b/"), "/a/b/{account}");
        assert_eq!(route(""), "/{account}");
        assert_eq!(route("/"), "/{account}");
    }
}
