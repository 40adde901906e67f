//! Payout webhooks (spec §6, D7-D10): the `x-callback-token` check in
//! constant time, both body shapes (documented nested
//! `channel_properties`, observed flattened `data` with `api_version`),
//! the three payout events, and the de-duplication key.

use payout_core::{CallbackError, PayoutState, PayoutUpdate, Secret};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::payout::{instant, object, status_of, str_field, Object};
use crate::region::Region;

/// The header carrying the account's webhook verification token.
pub const TOKEN_HEADER: &str = "x-callback-token";
/// The optional per-event id header used for de-duplication (D9).
pub const WEBHOOK_ID_HEADER: &str = "webhook-id";

/// The payout events Xendit documents and the status each announces.
pub const EVENTS: &[(&str, &str)] = &[
    ("payout.succeeded", "SUCCEEDED"),
    ("payout.failed", "FAILED"),
    ("payout.reversed", "REVERSED"),
];

/// A verified webhook.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Webhook {
    /// A payout event: the payout's status as the event carries it.
    Update(PayoutUpdate),
    /// An authenticated event this SDK does not read (D8: acknowledge it
    /// and change nothing). `update` is the payout's own status when the
    /// event's `data` reads as a payout object.
    Ignored {
        /// The event's name.
        event: String,
        /// The payout in `data`, when it reads as one.
        update: Option<PayoutUpdate>,
    },
}

/// Verifies the token and reads the body.
///
/// # Errors
/// [`CallbackError::Unsupported`] when no token is configured,
/// [`CallbackError::MissingSignature`] / [`CallbackError::BadSignature`]
/// for a missing or wrong token, [`CallbackError::Malformed`] for a body
/// that is not a Xendit v2 webhook.
pub(crate) fn read(
    region: &Region,
    token: Option<&Secret>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<Webhook, CallbackError> {
    let Some(token) = token else {
        return Err(CallbackError::Unsupported(
            "xendit (no webhook verification token is configured: set PAYOUT_CALLBACK_TOKEN or --callback-token-file to the token of the Xendit dashboard)"
                .into(),
        ));
    };
    let received = headers
        .get(TOKEN_HEADER)
        .map(http::HeaderValue::as_bytes)
        .filter(|t| !t.is_empty())
        .ok_or(CallbackError::MissingSignature)?;
    if !bool::from(received.ct_eq(token.expose().as_bytes())) {
        return Err(CallbackError::BadSignature);
    }

    let envelope = object(body).map_err(CallbackError::Malformed)?;
    let field = |key: &str| str_field(&envelope, key).map_err(CallbackError::Malformed);
    if let Some(version) = field("api_version")? {
        if version != "v2" {
            return Err(CallbackError::Malformed(format!(
                "api_version {version:?}: this adapter reads Payouts v2 webhooks only"
            )));
        }
    }
    let event = field("event")?
        .ok_or_else(|| CallbackError::Malformed("no `event`".into()))?
        .to_owned();
    let sent_at_ms = field("created")?
        .and_then(instant)
        .and_then(|t| u64::try_from(t.timestamp_millis()).ok());
    let data = match envelope.get("data") {
        Some(Value::Object(d)) => d,
        _ => return Err(CallbackError::Malformed("no `data` object".into())),
    };
    let update = |announced: Option<&str>| -> Result<PayoutUpdate, String> {
        let mut status = status_of(region, data, None, announced)?;
        status
            .extra
            .insert("event".into(), Value::String(event.clone()));
        Ok(PayoutUpdate::new(status, sent_at_ms))
    };

    let Some((_, announced)) = EVENTS.iter().find(|(e, _)| *e == event) else {
        return Ok(Webhook::Ignored {
            update: update(None).ok(),
            event,
        });
    };
    let update = update(Some(announced)).map_err(CallbackError::Malformed)?;
    let (expected, _) = crate::payout::state_of(announced);
    if update.status.state != expected {
        return Err(CallbackError::Malformed(format!(
            "event {event} announces {announced} but data.status is {:?}; confirm by querying the payout",
            update.status.provider_status
        )));
    }
    Ok(Webhook::Update(update))
}

/// The de-duplication key of a webhook (D9): its `webhook-id` header when
/// present, else `<data.id>|<event>|<data.updated>`; `None` when the body
/// carries none of them. Use it only on a webhook that verified.
///
/// ```
/// let body = br#"{"event":"payout.succeeded","data":{"id":"disb-1","updated":"2024-12-31T23:53:59Z"}}"#;
/// let key = provider_xendit::dedup_key(&http::HeaderMap::new(), body);
/// assert_eq!(key.as_deref(), Some("disb-1|payout.succeeded|2024-12-31T23:53:59Z"));
/// ```
pub fn dedup_key(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(id) = headers
        .get(WEBHOOK_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        return Some(id.to_owned());
    }
    let envelope = object(body).ok()?;
    let event = envelope.get("event")?.as_str()?;
    let data: &Object = envelope.get("data")?.as_object()?;
    let id = data.get("id")?.as_str()?;
    let updated = data.get("updated")?.as_str()?;
    Some(format!("{id}|{event}|{updated}"))
}

/// The state each documented event announces.
///
/// ```
/// use payout_core::PayoutState;
/// assert_eq!(provider_xendit::event_state("payout.reversed"), Some(PayoutState::Reversed));
/// assert_eq!(provider_xendit::event_state("payout.requested"), None);
/// ```
pub fn event_state(event: &str) -> Option<PayoutState> {
    EVENTS
        .iter()
        .find(|(e, _)| *e == event)
        .map(|(_, s)| crate::payout::state_of(s).0)
}
