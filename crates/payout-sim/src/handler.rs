//! The one fallback handler: looks the path up in the route table, reads
//! and authenticates the request, and answers query, create or balance.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use payout_core::PayoutState;
use payout_platform::envelope::CODE_REQUEST_FAILED;
use payout_platform::status_code::{state_of, PROCESSING};
use payout_platform::QueryVariant;
use serde_json::{Map, Value};

use crate::auth::{authenticate, field, parse_body};
use crate::callbacks;
use crate::envelope::{self, now_ms};
use crate::faults::{self, Fault, Wire};
use crate::routes::{Endpoint, RegionCtx};
use crate::shared::Shared;
use crate::state::{amount_text, local_now, settle, status_message, Payout, PlaceError};
use crate::validate;
use payout_transport::json::JsonWriter;

/// Answers every request.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(route) = shared.routes.get(uri.path()) else {
        return not_found(uri.path());
    };
    shared.count_total(route.endpoint);
    let ctx = &shared.routes.regions[route.region];
    if method != Method::POST {
        return refuse(
            ctx,
            &format!("request method {method} is not supported; use POST"),
        );
    }
    let fields = match parse_body(&headers, &body) {
        Ok(f) => f,
        Err(msg) => return refuse(ctx, &msg),
    };
    let auth = authenticate(&shared, ctx, &headers, &body, &fields);
    match route.endpoint {
        Endpoint::Query => query(&shared, route.region, auth, &fields).await,
        Endpoint::Create => create(&shared, route.region, auth, &fields).await,
        Endpoint::Balance => match auth {
            Ok(merchant) => balance(&shared, route.region, merchant),
            Err(msg) => refuse(ctx, &msg),
        },
    }
}

fn not_found(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("no endpoint at {path}; paths are /<region segment><path family><endpoint>, e.g. /indonesia-pay/v1/paypro/queryPayOutResult"),
    )
        .into_response()
}

/// An outer `8000` with `msg`.
fn refuse(ctx: &RegionCtx, msg: &str) -> Response {
    tracing::debug!(
        brand = ctx.brand.id,
        region = ctx.region.id,
        msg,
        "request refused"
    );
    faults::json(envelope::error(ctx.drift, CODE_REQUEST_FAILED, msg))
}

/// Puts `body` on the wire through `fault`, if any.
async fn answer(
    shared: &Shared,
    ctx: &RegionCtx,
    fault: Option<Fault>,
    body: Vec<u8>,
    trade_no: &str,
) -> Response {
    faults::answer(
        shared,
        Wire::Platform(ctx.drift),
        fault,
        StatusCode::OK,
        body,
        trade_no,
    )
    .await
}

/// The query answer's `data` in the region's variant.
fn write_query(w: &mut JsonWriter, ctx: &RegionCtx, trade_no: &str, p: &Payout) {
    let succeeded = state_of(&p.status) == PayoutState::Succeeded;
    w.str("tradeNo", trade_no)
        .str("platFormTradeNo", &p.platform_trade_no);
    match ctx.region.query_variant {
        QueryVariant::A => {
            let a = amount_text(p.amount, 2);
            w.str("orderAmount", &a).str("payAmount", &a);
        }
        QueryVariant::C => {
            w.number("amount", &amount_text(p.amount, 4));
        }
        _ => {
            w.str("amount", &amount_text(p.amount, 2));
        }
    }
    w.str("status", &p.status)
        .str("message", status_message(&p.status));
    if succeeded || ctx.region.query_variant == QueryVariant::C {
        w.str("successTime", &p.status_time);
    }
    if succeeded && ctx.utr {
        w.str("utr", p.platform_trade_no.trim_start_matches("SIM"));
    }
}

async fn query(
    shared: &Arc<Shared>,
    region: usize,
    auth: Result<usize, String>,
    fields: &Map<String, Value>,
) -> Response {
    let ctx = &shared.routes.regions[region];
    let (merchant, trade_no) = match counted(auth, fields) {
        Ok(ok) => ok,
        Err(msg) => return refuse(ctx, &msg),
    };
    let query_fault = shared.scenario(&trade_no).query_fault;
    let (body, fault, job) = {
        let mut shard = shared.ledger.shard(region);
        let nth = shard.count(&trade_no, Endpoint::Query);
        let trade_no = trade_no.as_ref();
        let account = &mut shard.accounts[merchant];
        let held = account.payouts.get_mut(trade_no);
        let fault = match query_fault {
            Some((f, scope)) if scope.hits(nth, held.is_some()) => Some(f),
            _ => None,
        };
        match held {
            None => (
                envelope::error(ctx.drift, CODE_REQUEST_FAILED, "order not found"),
                fault,
                None,
            ),
            Some(p) => {
                p.queries = p.queries.saturating_add(1);
                let mut job = None;
                if shared
                    .lifecycle
                    .after_queries
                    .is_some_and(|n| p.queries >= n)
                    && settle(p, &mut account.balances, ctx.region.zone)
                {
                    job = callbacks::final_job(
                        shared.callbacks.config(),
                        ctx,
                        shared.merchants[merchant].signer(ctx.brand_index),
                        trade_no,
                        p,
                        now_ms(),
                    );
                }
                let body = envelope::ok(ctx.drift, |w| write_query(w, ctx, trade_no, p));
                (body, fault, job)
            }
        }
    };
    shared.spawn_callbacks(job);
    answer(shared, ctx, fault, body, &trade_no).await
}

/// The merchant and trade number of an authenticated request naming a
/// valid trade number, or the message to refuse it with. Only such
/// requests are counted (and so stored): refused traffic, whatever its
/// trade numbers, leaves no trace in the simulator's memory.
fn counted(
    auth: Result<usize, String>,
    fields: &Map<String, Value>,
) -> Result<(usize, Cow<'_, str>), String> {
    let merchant = auth?;
    let trade_no = field(fields, "tradeNo").ok_or("missing required field tradeNo")?;
    validate::trade_no(&trade_no)?;
    Ok((merchant, trade_no))
}

async fn create(
    shared: &Arc<Shared>,
    region: usize,
    auth: Result<usize, String>,
    fields: &Map<String, Value>,
) -> Response {
    let ctx = &shared.routes.regions[region];
    let (merchant, trade_no) = match counted(auth, fields) {
        Ok(ok) => ok,
        Err(msg) => return refuse(ctx, &msg),
    };
    shared
        .ledger
        .shard(region)
        .count(&trade_no, Endpoint::Create);
    let scenario = shared.scenario(&trade_no);
    let fault = scenario.create_fault;
    if fault.is_some_and(|f| !f.places_payout()) {
        let body = envelope::error(ctx.drift, CODE_REQUEST_FAILED, "not placed");
        return answer(shared, ctx, fault, body, &trade_no).await;
    }
    let body = match place(shared, region, merchant, &trade_no, fields, scenario) {
        Ok(body) => body,
        Err(msg) => {
            tracing::debug!(brand = ctx.brand.id, region = ctx.region.id, trade_no = %trade_no, msg, "create refused");
            envelope::error(ctx.drift, CODE_REQUEST_FAILED, &msg)
        }
    };
    answer(shared, ctx, fault, body, &trade_no).await
}

/// Validates and places a payout; returns the accepted answer.
fn place(
    shared: &Arc<Shared>,
    region: usize,
    merchant: usize,
    trade_no: &str,
    fields: &Map<String, Value>,
    scenario: crate::Scenario,
) -> Result<Vec<u8>, String> {
    let ctx = &shared.routes.regions[region];
    let order = validate::create(ctx.region, fields)?;
    let platform_trade_no = shared.next_platform_trade_no();
    let payout = Payout {
        platform_trade_no: platform_trade_no.clone(),
        amount: order.amount,
        notify_url: order.notify_url.map(Cow::into_owned),
        remark: order.remark.map(Cow::into_owned),
        scenario,
        status: Cow::Borrowed(PROCESSING),
        status_time: local_now(ctx.region.zone),
        queries: 0,
        settled: false,
    };
    let signer = shared.merchants[merchant].signer(ctx.brand_index);
    let config = shared.callbacks.config();
    let (status, accept_job, final_job, timer) = {
        let mut shard = shared.ledger.shard(region);
        let account = &mut shard.accounts[merchant];
        account.place(trade_no, payout).map_err(|e| match e {
            PlaceError::Duplicate => "duplicate tradeNo".to_owned(),
            PlaceError::Insufficient { available } => format!(
                "insufficient balance: available {available} {}, requested {}",
                ctx.region.currency, order.amount
            ),
        })?;
        let now = now_ms();
        let Some(p) = account.payouts.get_mut(trade_no) else {
            return Err("internal error: the payout vanished".into());
        };
        let accept = callbacks::accept_job(config, ctx, signer, trade_no, p, now);
        let mut fin = None;
        if shared.lifecycle.after_queries == Some(0)
            && settle(p, &mut account.balances, ctx.region.zone)
        {
            fin = callbacks::final_job(config, ctx, signer, trade_no, p, now);
        }
        let timer = (!p.settled && p.scenario.final_status != PROCESSING)
            .then_some(shared.lifecycle.after)
            .flatten();
        (p.status.clone(), accept, fin, timer)
    };
    tracing::debug!(brand = ctx.brand.id, region = ctx.region.id, trade_no, amount = %order.amount, "payout placed");
    shared.spawn_callbacks(accept_job);
    shared.spawn_callbacks(final_job);
    if let Some(after) = timer {
        shared.schedule_final(region, merchant, trade_no.to_owned(), after);
    }
    Ok(envelope::ok(ctx.drift, |w| {
        w.str("tradeNo", trade_no);
        if ctx.serial_number {
            w.str("serialNumber", &platform_trade_no);
        } else {
            w.str("platFormTradeNo", &platform_trade_no);
        }
        w.str("status", &status)
            .str("message", status_message(&status));
    }))
}

fn balance(shared: &Shared, region: usize, merchant: usize) -> Response {
    let ctx = &shared.routes.regions[region];
    let b = shared.ledger.shard(region).accounts[merchant].balances;
    let numbers = ctx.region.query_variant == QueryVariant::C;
    let available = if ctx.misspelt_available {
        "availablAmount"
    } else {
        "availableAmount"
    };
    faults::json(envelope::ok(ctx.drift, |w| {
        for (key, amount) in [
            (available, b.available),
            ("freezeAmount", b.frozen),
            ("unsettledAmount", b.unsettled),
        ] {
            let text = amount_text(amount, 4);
            if numbers {
                w.number(key, &text);
            } else {
                w.str(key, &text);
            }
        }
    }))
}
