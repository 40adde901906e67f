//! The Xendit request handler: routes a path below `/xendit`,
//! authenticates, applies the rate limit, and answers create, get, list,
//! cancel, balance and channels.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use chrono::Utc;
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Map, Value};

use super::channels::{BALANCE_CURRENCIES, CHANNELS};
use super::error::ApiError;
use super::ledger::{Outcome, Payout, XenditStatus};
use super::validate::{self, NewPayout};
use super::{auth, lifecycle, wire, XenditEndpoint, XenditState};
use crate::faults::{self, Fault, Wire};
use crate::protocol::Protocol;
use crate::scenario::{read_suffixes, Scenario};
use crate::shared::Shared;
use payout_transport::json::JsonWriter;

/// The message of a `409 DUPLICATE_ERROR`, as observed.
const DUPLICATE_MESSAGE: &str = "A payout with this idempotency key already exists. If you meant to execute a different request, please use another idempotency key.";

/// How long after creation a payout is expected to arrive (local rails).
const ETA_MINUTES: i64 = 15;

/// A routed request.
#[derive(Debug)]
enum Route {
    Create,
    List,
    Get(String),
    Cancel(String),
    Balance,
    Channels,
}

impl Route {
    fn endpoint(&self) -> XenditEndpoint {
        match self {
            Route::Create => XenditEndpoint::Create,
            Route::List => XenditEndpoint::List,
            Route::Get(_) => XenditEndpoint::Get,
            Route::Cancel(_) => XenditEndpoint::Cancel,
            Route::Balance => XenditEndpoint::Balance,
            Route::Channels => XenditEndpoint::Channels,
        }
    }

    /// Routes `path` (below `/xendit`).
    fn parse(method: &Method, path: &str) -> Result<Self, ApiError> {
        let allowed = |want: Method, route: Route| {
            if *method == want {
                Ok(route)
            } else {
                Err(ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "METHOD_NOT_ALLOWED",
                    format!("{path} does not answer {method}; use {want}"),
                ))
            }
        };
        match path {
            "/v2/payouts" => match *method {
                Method::POST => Ok(Route::Create),
                Method::GET => Ok(Route::List),
                _ => Err(ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "METHOD_NOT_ALLOWED",
                    format!(
                        "/v2/payouts answers POST (create) and GET (by reference_id), not {method}"
                    ),
                )),
            },
            "/balance" => allowed(Method::GET, Route::Balance),
            "/payouts_channels" => allowed(Method::GET, Route::Channels),
            _ => {
                let rest = path.strip_prefix("/v2/payouts/").unwrap_or_default();
                let (id, cancel) = match rest.strip_suffix("/cancel") {
                    Some(id) => (id, true),
                    None => (rest, false),
                };
                if id.is_empty() || id.contains('/') {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        "NOT_FOUND",
                        format!("no Xendit endpoint at /xendit{path}; the simulator serves /xendit/v2/payouts, /xendit/v2/payouts/{{id}}, /xendit/v2/payouts/{{id}}/cancel, /xendit/balance and /xendit/payouts_channels"),
                    ));
                }
                let id = percent_encoding::percent_decode_str(id)
                    .decode_utf8_lossy()
                    .into_owned();
                if cancel {
                    allowed(Method::POST, Route::Cancel(id))
                } else {
                    allowed(Method::GET, Route::Get(id))
                }
            }
        }
    }
}

/// What a reference's suffixes ask for.
#[derive(Clone, Copy, Debug, Default)]
struct Marks {
    fault: Option<Fault>,
    duplicate: bool,
    reverse: bool,
}

impl Marks {
    /// Reads `_DUP`, `_REVERSE` and the Xendit faults from the right (the
    /// rightmost fault wins).
    fn of(reference: &str) -> Self {
        let mut m = Self::default();
        read_suffixes(reference, |token| {
            match token {
                "DUP" => m.duplicate = true,
                "REVERSE" => m.reverse = true,
                _ => match Fault::from_suffix_for(Protocol::Xendit, token) {
                    Some(f) => {
                        m.fault.get_or_insert(f);
                    }
                    None => return false,
                },
            }
            true
        });
        m
    }

    /// What a scenario registered with [`crate::SimHandle::set_scenario`]
    /// asks of a create: its create fault (one Xendit has) and a duplicate
    /// webhook. The outcome still follows the account number.
    fn of_scenario(scenario: &Scenario) -> Self {
        Self {
            fault: scenario
                .create_fault
                .filter(|f| f.applies_to(Protocol::Xendit)),
            duplicate: scenario.duplicate_callback,
            reverse: false,
        }
    }
}

/// Answers every request below `/xendit`.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let x = &shared.xendit;
    let path = uri.path().strip_prefix("/xendit").unwrap_or_default();
    let route = match Route::parse(&method, path) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = auth::authenticate(&headers, &x.config.secret_key) {
        x.count_unauthenticated();
        return e.into_response();
    }
    let endpoint = route.endpoint();
    x.count_total(endpoint);
    let verdict = x.limiter.as_ref().map(|l| l.check(endpoint));
    let mut response = if verdict.is_some_and(|v| !v.allowed) {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "too many requests to this endpoint; wait for Rate-Limit-Reset seconds, backing off exponentially",
        )
        .into_response()
    } else {
        match auth::for_user_id(&headers) {
            Err(e) => e.into_response(),
            Ok(for_user) => {
                let query = uri.query().unwrap_or_default();
                let f = for_user.as_deref();
                match route {
                    Route::Create => create(&shared, for_user.clone(), &headers, &body).await,
                    Route::List => list(&shared, f, query).await,
                    Route::Get(id) => get(x, f, &id),
                    Route::Cancel(id) => cancel(x, f, &id),
                    Route::Balance => balance(x, f, query),
                    Route::Channels => channel_list(query),
                }
            }
        }
    };
    if let Some(v) = verdict {
        v.stamp(&mut response);
    }
    response
}

/// A JSON `200`.
fn ok(body: Vec<u8>) -> Response {
    faults::json_with(StatusCode::OK, body)
}

/// The query parameters.
fn params(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The outcome of a create under the ledger lock.
struct Placed {
    status: StatusCode,
    body: Vec<u8>,
    /// The new payout's index, when its timer must start.
    timer: Option<usize>,
}

impl Placed {
    fn refused(e: &ApiError) -> Self {
        Self {
            status: e.status,
            body: e.body(),
            timer: None,
        }
    }
}

async fn create(
    shared: &Arc<Shared>,
    for_user: Option<String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let key = match validate::idempotency_key(headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let fields = match crate::auth::parse_body(headers, body) {
        Ok(f) => f,
        Err(msg) => return ApiError::validation(msg).into_response(),
    };
    let reference = fields
        .get("reference_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let marks = shared
        .registered_scenario(&reference)
        .map_or_else(|| Marks::of(&reference), |s| Marks::of_scenario(&s));
    let checked = validate::create(&fields);
    let placed = place(
        &shared.xendit,
        for_user.as_deref(),
        key,
        &reference,
        fields,
        checked,
        marks,
    );
    if let Some(index) = placed.timer {
        lifecycle::schedule(shared, for_user, index);
    }
    faults::answer(
        shared,
        Wire::Xendit,
        marks.fault,
        placed.status,
        placed.body,
        &reference,
    )
    .await
}

/// Replays, refuses or creates, under the ledger lock.
fn place(
    x: &XenditState,
    for_user: Option<&str>,
    key: String,
    reference: &str,
    fields: Map<String, Value>,
    checked: Result<NewPayout, ApiError>,
    marks: Marks,
) -> Placed {
    let business_id = x.business_id(for_user);
    let mut book = x.book();
    if let Some(scope) = book.scope_mut(for_user) {
        if let Some(r) = scope.references.get_mut(reference) {
            r.creates = r.creates.saturating_add(1);
        }
        if let Some(entry) = scope.keys.get(&key) {
            let same = validate::same_request(&entry.body, &fields);
            match (same, entry.payout) {
                (true, Some(i)) => {
                    return Placed {
                        status: StatusCode::OK,
                        body: wire::payout(&scope.payouts[i], business_id),
                        timer: None,
                    }
                }
                // A key used up by a refused request, the same body again:
                // processed afresh below.
                (true, None) => {}
                (false, _) => {
                    return Placed::refused(&ApiError::new(
                        StatusCode::CONFLICT,
                        "DUPLICATE_ERROR",
                        DUPLICATE_MESSAGE,
                    ))
                }
            }
        }
    }
    let consume = |book: &mut super::ledger::Book, fields: Map<String, Value>| {
        if x.config.consume_key_on_rejection {
            book.open(for_user).keys.insert(
                key.clone(),
                super::ledger::KeyEntry {
                    body: fields,
                    payout: None,
                },
            );
        }
    };
    let new = match checked {
        Ok(n) => n,
        Err(e) => {
            consume(&mut book, fields);
            return Placed::refused(&e);
        }
    };
    let currency = new.channel.currency;
    let balance = book
        .scope(for_user)
        .map_or_else(|| book.opening(currency), |s| s.balance(currency));
    let covered = balance >= new.amount;
    if !covered && x.config.synchronous_insufficient_balance {
        consume(&mut book, fields);
        return Placed::refused(&ApiError::bad_request(
            "INSUFFICIENT_BALANCE",
            format!(
                "the {currency} balance ({}) does not cover {} {currency}; top up, then create it again",
                wire::amount(balance),
                wire::amount(new.amount)
            ),
        ));
    }
    let seq = book.next_seq();
    let id = format!("disb-{}", wire::uuid_like(x.next_serial()));
    let now = Utc::now();
    let outcome = Outcome::of(&new.account_number);
    let scope = book.open(for_user);
    let debited = covered && scope.debit(currency, new.amount);
    let payout = Payout {
        id,
        seq,
        reference_id: new.reference_id,
        channel: new.channel,
        account_number: new.account_number,
        account_holder_name: new.account_holder_name,
        account_type: new.account_type,
        amount: new.amount,
        description: new.description,
        receipt_notification: new.receipt_notification,
        metadata: new.metadata,
        idempotency_key: key,
        status: XenditStatus::Accepted,
        failure_code: None,
        created: now,
        updated: now,
        estimated_arrival: now + chrono::Duration::minutes(ETA_MINUTES),
        debited,
        outcome,
        uncovered: !covered,
        reverse: marks.reverse,
        duplicate_webhook: marks.duplicate,
        connector_reference: None,
    };
    let index = scope.insert(payout, fields);
    let p = &scope.payouts[index];
    if let Some(r) = scope.references.get_mut(&p.reference_id) {
        r.creates = r.creates.saturating_add(1);
    }
    tracing::debug!(id = %p.id, amount = %p.amount, currency, "xendit payout created");
    let timer = (p.uncovered || p.outcome != Outcome::StayAccepted).then_some(index);
    Placed {
        status: StatusCode::OK,
        body: wire::payout(p, business_id),
        timer,
    }
}

fn get(x: &XenditState, for_user: Option<&str>, id: &str) -> Response {
    let book = x.book();
    match book
        .scope(for_user)
        .and_then(|s| s.by_id.get(id).map(|i| &s.payouts[*i]))
    {
        Some(p) => ok(wire::payout(p, x.business_id(for_user))),
        None => ApiError::not_found(format!("Payout {id} not found")).into_response(),
    }
}

async fn list(shared: &Arc<Shared>, for_user: Option<&str>, query: &str) -> Response {
    let x = &shared.xendit;
    let params = params(query);
    let Some(reference) = param(&params, "reference_id").filter(|r| !r.is_empty()) else {
        return ApiError::validation("the reference_id query parameter is required")
            .into_response();
    };
    let limit = match param(&params, "limit").map(str::parse::<usize>) {
        None => None,
        Some(Ok(n)) if n >= 1 => Some(n),
        Some(_) => {
            return ApiError::validation("limit must be a whole number of at least 1")
                .into_response()
        }
    };
    let result = {
        let mut book = x.book();
        let scope = book.scope_mut(for_user);
        match scope.and_then(|s| {
            let r = s.references.get_mut(reference)?;
            r.lists = r.lists.saturating_add(1);
            let (indices, nth) = (r.payouts.clone(), r.lists);
            Some((s, indices, nth))
        }) {
            None => Ok((wire::list(&[], false, ""), false, 1)),
            Some((scope, indices, nth)) => {
                page(&scope.payouts, &indices, &params, limit).map(|(items, more)| {
                    let body = wire::list(&items, more, x.business_id(for_user));
                    (body, !items.is_empty(), nth)
                })
            }
        }
    };
    let (body, held, nth) = match result {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let fault = match shared.registered_scenario(reference) {
        // A registered query fault hits the lookups its scope names
        // (lookups are counted once the reference has a payout; before,
        // each is the first).
        Some(s) => s
            .query_fault
            .filter(|(f, scope)| f.applies_to(Protocol::Xendit) && scope.hits(nth, held))
            .map(|(f, _)| f),
        // A reference's fault hits its lookups only while it has no payout.
        None => Marks::of(reference).fault.filter(|_| !held),
    };
    faults::answer(shared, Wire::Xendit, fault, StatusCode::OK, body, reference).await
}

/// The page of `indices` that `after_id`, `before_id` and `limit` select,
/// and whether more follow.
fn page<'a>(
    payouts: &'a [Payout],
    indices: &[usize],
    params: &[(String, String)],
    limit: Option<usize>,
) -> Result<(Vec<&'a Payout>, bool), ApiError> {
    let mut all: Vec<&Payout> = indices.iter().filter_map(|i| payouts.get(*i)).collect();
    let position = |key: &str, id: &str, all: &[&Payout]| {
        all.iter().position(|p| p.id == id).ok_or_else(|| {
            ApiError::validation(format!("{key} {id} is not a payout with this reference_id"))
        })
    };
    if let Some(id) = param(params, "before_id") {
        let at = position("before_id", id, &all)?;
        all.truncate(at);
    }
    if let Some(id) = param(params, "after_id") {
        let at = position("after_id", id, &all)?;
        all.drain(..=at);
    }
    let more = limit.is_some_and(|n| all.len() > n);
    if let Some(n) = limit {
        all.truncate(n);
    }
    Ok((all, more))
}

fn cancel(x: &XenditState, for_user: Option<&str>, id: &str) -> Response {
    let mut book = x.book();
    let Some((scope, index)) = book
        .scope_mut(for_user)
        .and_then(|s| s.by_id.get(id).copied().map(|i| (s, i)))
    else {
        return ApiError::not_found(format!("Payout {id} not found")).into_response();
    };
    let status = scope.payouts[index].status;
    if status != XenditStatus::Accepted || !scope.transition(index, XenditStatus::Cancelled, None) {
        return ApiError::bad_request(
            "CANCELLATION_NOT_ALLOWED",
            format!(
                "Payout {id} is {} and can no longer be cancelled: only an ACCEPTED payout (not yet sent to the channel) can be",
                status.as_str()
            ),
        )
        .into_response();
    }
    tracing::debug!(id, "xendit payout cancelled");
    ok(wire::payout(&scope.payouts[index], x.business_id(for_user)))
}

fn balance(x: &XenditState, for_user: Option<&str>, query: &str) -> Response {
    let params = params(query);
    if param(&params, "at_timestamp").is_some() {
        return ApiError::bad_request(
            "FEATURE_NOT_AVAILABLE",
            "the simulator keeps no balance history; ask without at_timestamp",
        )
        .into_response();
    }
    let holding = match param(&params, "account_type").unwrap_or("CASH") {
        "CASH" => false,
        "HOLDING" => true,
        other => {
            return ApiError::validation(format!("account_type {other:?} is not CASH or HOLDING"))
                .into_response()
        }
    };
    let default_currency = x.config.balances.first().map_or("IDR", |(c, _)| c.as_str());
    let currency = param(&params, "currency").unwrap_or(default_currency);
    if !BALANCE_CURRENCIES.contains(&currency) {
        return ApiError::validation(format!(
            "currency {currency:?} is not one of {}",
            BALANCE_CURRENCIES.join(", ")
        ))
        .into_response();
    }
    let amount = if holding {
        payout_core::Decimal::ZERO
    } else {
        let book = x.book();
        book.scope(for_user)
            .map_or_else(|| book.opening(currency), |s| s.balance(currency))
    };
    let mut w = JsonWriter::object(32);
    w.decimal("balance", amount.normalize());
    ok(w.finish())
}

fn channel_list(query: &str) -> Response {
    let params = params(query);
    let currency = param(&params, "currency");
    let categories: Option<Vec<&str>> =
        param(&params, "channel_category").map(|c| c.split(',').map(str::trim).collect());
    let code = param(&params, "channel_code");
    let mut w = JsonWriter::array(4096);
    for c in CHANNELS
        .iter()
        .filter(|c| currency.is_none_or(|x| x == c.currency))
        .filter(|c| code.is_none_or(|x| x == c.code))
        .filter(|c| {
            categories
                .as_ref()
                .is_none_or(|list| list.contains(&c.category.as_str()))
        })
    {
        w.item_object()
            .str("channel_code", c.code)
            .str("channel_category", c.category.as_str())
            .str("currency", c.currency)
            .str("channel_name", c.name)
            .begin_object("amount_limits")
            .decimal("minimum", c.minimum.normalize())
            .decimal("maximum", c.maximum.normalize())
            .decimal("minimum_increment", c.minimum_increment.normalize())
            .end()
            .end();
    }
    ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = |m: Method, p: &str| Route::parse(&m, p).map(|r| r.endpoint());
        assert_eq!(
            r(Method::POST, "/v2/payouts").unwrap(),
            XenditEndpoint::Create
        );
        assert_eq!(r(Method::GET, "/v2/payouts").unwrap(), XenditEndpoint::List);
        assert_eq!(
            r(Method::GET, "/v2/payouts/disb-1").unwrap(),
            XenditEndpoint::Get
        );
        assert_eq!(
            r(Method::POST, "/v2/payouts/disb-1/cancel").unwrap(),
            XenditEndpoint::Cancel
        );
        assert_eq!(r(Method::GET, "/balance").unwrap(), XenditEndpoint::Balance);
        assert_eq!(
            r(Method::GET, "/payouts_channels").unwrap(),
            XenditEndpoint::Channels
        );
        assert_eq!(
            r(Method::GET, "/v2/payouts/disb-1/cancel")
                .unwrap_err()
                .status,
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            r(Method::GET, "/payouts").unwrap_err().status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            r(Method::GET, "/v2/payouts/").unwrap_err().status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            r(Method::DELETE, "/v2/payouts").unwrap_err().status,
            StatusCode::METHOD_NOT_ALLOWED
        );
        match Route::parse(&Method::GET, "/v2/payouts/disb%2D1").unwrap() {
            Route::Get(id) => assert_eq!(id, "disb-1"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn marks() {
        let m = Marks::of("ref-1_REVERSE_DUP_DROP");
        assert!(m.reverse && m.duplicate);
        assert_eq!(m.fault, Some(Fault::Drop));
        let m = Marks::of("ref_5000");
        assert_eq!(m.fault, None, "a platform-only fault");
        let m = Marks::of("x_SLOW_502");
        assert_eq!(m.fault, Some(Fault::BadGateway), "the rightmost fault wins");
        assert!(!Marks::of("plain-ref").reverse);
    }
}
