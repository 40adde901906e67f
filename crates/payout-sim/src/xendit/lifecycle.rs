//! Moving payouts along `ACCEPTED → REQUESTED → SUCCEEDED | FAILED
//! (→ REVERSED)` on timers ([`super::XenditLifecycle`]), and the webhook of
//! each move that has one.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::ledger::{Outcome, Payout, XenditStatus, INSUFFICIENT_BALANCE};
use super::{wire, XenditState};
use crate::callbacks::{CallbackJob, DeliveryKind, Outgoing};
use crate::protocol::Protocol;
use crate::shared::Shared;

/// A step of the timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Request,
    Final,
    Reverse,
}

/// The webhook of `p` having reached its current status, or `None` when
/// the status has no event, no URL is set or webhooks are off.
pub(crate) fn webhook_job(
    x: &XenditState,
    p: &Payout,
    for_user: Option<&str>,
) -> Option<CallbackJob> {
    if !x.config.webhooks.enabled {
        return None;
    }
    let event = p.status.event()?;
    let url = x.webhook_url()?;
    let body = wire::webhook(
        p,
        x.business_id(for_user),
        event,
        x.config.webhook_form,
        Utc::now(),
    );
    let event_id = wire::uuid_like(x.next_serial());
    let out = Outgoing::new(
        body,
        vec![
            (
                "x-callback-token",
                x.config.callback_token.expose().to_owned(),
            ),
            ("webhook-id", event_id.clone()),
        ],
    );
    let status = p.status.as_str();
    let mut job = CallbackJob::new(Protocol::Xendit, url, p.reference_id.clone());
    if p.duplicate_webhook {
        job.push(
            DeliveryKind::Final,
            status,
            out.clone(),
            Some(event_id.clone()),
        );
        job.push(DeliveryKind::Duplicate, status, out, Some(event_id));
    } else {
        job.push(DeliveryKind::Final, status, out, Some(event_id));
    }
    Some(job)
}

/// Starts the timer of payout `index` in the scope of `for_user`.
pub(crate) fn schedule(shared: &Arc<Shared>, for_user: Option<String>, index: usize) {
    let life = shared.xendit.config.lifecycle;
    let task_shared = Arc::clone(shared);
    shared.spawn(async move {
        let shared = task_shared;
        let steps: [(Option<Duration>, Phase); 3] = [
            (life.requested_after, Phase::Request),
            (life.final_after, Phase::Final),
            (Some(life.reversed_after), Phase::Reverse),
        ];
        for (delay, phase) in steps {
            let Some(delay) = delay else { return };
            tokio::time::sleep(delay).await;
            let (go_on, job) = advance(&shared.xendit, for_user.as_deref(), index, phase);
            shared.spawn_callbacks(job);
            if !go_on {
                return;
            }
        }
    });
}

/// Makes one timed move; returns whether the timer goes on, and the
/// webhook of the move.
fn advance(
    x: &XenditState,
    for_user: Option<&str>,
    index: usize,
    phase: Phase,
) -> (bool, Option<CallbackJob>) {
    let mut book = x.book();
    let Some(scope) = book.scope_mut(for_user) else {
        return (false, None);
    };
    let Some(p) = scope.payouts.get(index) else {
        return (false, None);
    };
    let (to, failure, go_on) = match (phase, p.status) {
        (Phase::Request, XenditStatus::Accepted) if p.uncovered => {
            (XenditStatus::Failed, Some(INSUFFICIENT_BALANCE), false)
        }
        (Phase::Request, XenditStatus::Accepted) => match p.outcome {
            Outcome::StayAccepted => return (false, None),
            _ => (XenditStatus::Requested, None, true),
        },
        (Phase::Final, XenditStatus::Requested) => match p.outcome {
            Outcome::Fail(code) => (XenditStatus::Failed, Some(code), false),
            _ => (XenditStatus::Succeeded, None, p.reverse),
        },
        (Phase::Reverse, XenditStatus::Succeeded) => (XenditStatus::Reversed, None, false),
        // Cancelled, reversed by hand, or otherwise moved on: stop.
        _ => return (false, None),
    };
    if !scope.transition(index, to, failure) {
        return (false, None);
    }
    let serial = (to == XenditStatus::Succeeded).then(|| x.next_serial());
    let p = &mut scope.payouts[index];
    if let Some(n) = serial {
        p.connector_reference = Some(format!(
            "SIMULATED_CONNECTOR_REFERENCE_{}_{n}",
            Utc::now().timestamp_millis()
        ));
    }
    tracing::debug!(id = %p.id, status = p.status.as_str(), "xendit payout moved");
    let job = webhook_job(x, p, for_user);
    (go_on, job)
}

/// Reverses the succeeded payout `id` now (in whatever scope holds it);
/// false when no such payout is `SUCCEEDED`.
pub(crate) fn reverse_now(shared: &Arc<Shared>, id: &str) -> bool {
    let x = &shared.xendit;
    let job = {
        let mut book = x.book();
        let found = book
            .scopes()
            .find_map(|(u, s)| s.by_id.get(id).map(|i| (u.map(str::to_owned), *i)));
        let Some((for_user, index)) = found else {
            return false;
        };
        let Some(scope) = book.scope_mut(for_user.as_deref()) else {
            return false;
        };
        if scope.payouts[index].status != XenditStatus::Succeeded
            || !scope.transition(index, XenditStatus::Reversed, None)
        {
            return false;
        }
        webhook_job(x, &scope.payouts[index], for_user.as_deref())
    };
    shared.spawn_callbacks(job);
    true
}
