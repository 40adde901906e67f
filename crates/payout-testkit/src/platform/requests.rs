//! The exact requests of a brand, rendered for snapshots and checked for
//! the invariants a snapshot alone would not state: URL layout, the
//! `merchantNo` header, sorted string-only body, a signature that verifies
//! where the region puts it, and no secret anywhere.

use payout_core::{Secret, TradeNo};

use payout_platform::scheme::SignPlacement;
use payout_transport::WireRequest;
use serde_json::{Map, Value};

use super::{
    base_url_for, ensure, ensure_secret_free, orders, provider, region, render, Check, MERCHANT_NO,
    NOW_MS, SECRET,
};
use payout_platform::region::{Brand, Region};
use payout_platform::wire::{MERCHANT_HEADER, SIGN_KEY};
use payout_platform::Scheme;

/// Regions both brands serve, whose query and balance requests are pinned.
pub const REGIONS: &[&str] = &["indonesia", "pakistan", "brazil", "nigeria"];
/// Trade number of the pinned query requests (the seeds' example).
pub const QUERY_TRADE_NO: &str = "test_00000002";

/// A snapshot: its name and the rendered request.
pub type Snapshot = (String, String);

/// The query request of each region in `ids`, named `query_<id>`.
///
/// # Errors
/// When a request cannot be built or breaks an invariant.
pub fn query_requests(brand: &'static Brand, ids: &[&str]) -> Check<Vec<Snapshot>> {
    let trade_no = TradeNo::new(QUERY_TRADE_NO).map_err(|e| e.to_string())?;
    ids.iter()
        .map(|id| {
            let row = region(brand, id)?;
            let req = provider(brand, id)?
                .protocol()
                .build_query(&trade_no, NOW_MS)
                .map_err(|e| e.to_string())?;
            let body = check_request(brand, row, &req, row.paths.query)?;
            ensure(
                body.get("tradeNo").and_then(Value::as_str) == Some(QUERY_TRADE_NO),
                || format!("{id}: query body lacks tradeNo: {body:?}"),
            )?;
            Ok((format!("query_{id}"), render(&req)))
        })
        .collect()
}

/// The create request of every region of `brand` for its
/// [`orders::valid_order`], named `create_<id>`.
///
/// # Errors
/// When an order is refused, or a request breaks an invariant or leaves a
/// generated value out.
pub fn create_requests(brand: &'static Brand) -> Check<Vec<Snapshot>> {
    brand
        .regions
        .iter()
        .map(|row| {
            let order = orders::valid_order(row)?;
            let req = provider(brand, row.id)?
                .protocol()
                .build_create(&order, NOW_MS)
                .map_err(|e| format!("{} {}: valid order refused: {e}", brand.id, row.id))?;
            let body = check_request(brand, row, &req, row.paths.create)?;
            for field in row.payout_fields.iter().filter(|f| f.required) {
                ensure(body.contains_key(field.wire), || {
                    format!("{}: required {} missing from {body:?}", row.id, field.wire)
                })?;
            }
            for key in ["amount", "tradeNo", "notifyUrl", "remark"] {
                ensure(body.contains_key(key), || {
                    format!("{}: {key} missing from {body:?}", row.id)
                })?;
            }
            Ok((format!("create_{}", row.id), render(&req)))
        })
        .collect()
}

/// The balance request of each region in `ids`, named `balance_<id>`.
///
/// # Errors
/// When a request cannot be built or breaks an invariant.
pub fn balance_requests(brand: &'static Brand, ids: &[&str]) -> Check<Vec<Snapshot>> {
    ids.iter()
        .map(|id| {
            let row = region(brand, id)?;
            let req = provider(brand, id)?
                .protocol()
                .build_balance(NOW_MS)
                .map_err(|e| e.to_string())?;
            let body = check_request(brand, row, &req, row.paths.balance)?;
            ensure(body.len() <= 2, || {
                format!("{id}: balance body has more than timestamp and sign: {body:?}")
            })?;
            Ok((format!("balance_{id}"), render(&req)))
        })
        .collect()
}

/// Checks one built request of `row` for `endpoint` and returns its body
/// without the `sign` field.
///
/// # Errors
/// When an invariant does not hold.
pub fn check_request(
    brand: &Brand,
    row: &Region,
    req: &WireRequest,
    endpoint: &str,
) -> Check<Map<String, Value>> {
    let id = row.id;
    let url = format!("{}{}{endpoint}", base_url_for(row), row.paths.family);
    ensure(*req.url == *url, || {
        format!("{id}: URL {} != {url}", req.url)
    })?;
    ensure(
        req.headers
            .first()
            .is_some_and(|(k, v)| *k == MERCHANT_HEADER && v == MERCHANT_NO),
        || format!("{id}: first header is not merchantNo: {:?}", req.headers),
    )?;
    ensure_secret_free(&format!("the {id} request"), &render(req))?;

    let mut body: Map<String, Value> = serde_json::from_slice(&req.body)
        .map_err(|e| format!("{id}: body is not a JSON object: {e}"))?;
    let text = String::from_utf8_lossy(&req.body).into_owned();
    // A `Map` iterates in byte order of its keys: re-serialising gives the
    // canonical form, which the request must be byte for byte.
    let canonical = serde_json::to_string(&body).map_err(|e| e.to_string())?;
    ensure(canonical == text, || {
        format!("{id}: body is not compact JSON with keys in byte order: {text}")
    })?;
    ensure(body.values().all(Value::is_string), || {
        format!("{id}: every value must be sent as a JSON string: {text}")
    })?;
    ensure(
        body.get("timestamp").and_then(Value::as_str) == Some(&NOW_MS.to_string()),
        || format!("{id}: timestamp is not the clock reading: {text}"),
    )?;

    let scheme = brand.scheme;
    let header_sign = req
        .headers
        .iter()
        .find(|(k, _)| *k == scheme.header())
        .map(|(_, v)| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body_sign = body
        .remove(SIGN_KEY)
        .and_then(|v| v.as_str().map(str::to_owned));
    let sign = match (scheme.placement(row.sign), body_sign, header_sign) {
        (SignPlacement::Body, Some(s), None) | (SignPlacement::Header, None, Some(s)) => s,
        (placement, b, h) => {
            return Err(format!(
                "{id}: sign placement {placement:?} but body sign {b:?}, header sign {h:?}"
            ))
        }
    };
    let signer = scheme.signer(&Secret::new(SECRET));
    let expected = match scheme {
        Scheme::Md5Sorted => signer.sign_json(&body),
        _ => signer.sign_bytes(&req.body),
    }
    .map_err(|e| e.to_string())?;
    ensure(expected.matches(&sign), || {
        format!("{id}: sign {sign} does not verify over {text}")
    })?;
    Ok(body)
}
