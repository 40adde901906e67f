//! Callback verification vectors (spec §2.3, §7), run against a brand's
//! regions: the pinned vector, tampering, missing and misplaced
//! signatures, unsigned regions, duplicates and late deliveries.

use http::{HeaderMap, HeaderValue};
use payout_core::{
    decide_update, ApplyDecision, CallbackError, CallbackSigning, Decimal, PayoutProvider,
    PayoutState, PayoutUpdate, Secret,
};
use payout_transport::{Md5SortedSigner, Signer};
use serde_json::{Map, Value};

use super::{ensure, provider, region, Check, SECRET};
use payout_platform::region::Brand;
use payout_platform::scheme::SignPlacement;

/// The "notify callback" vector of the shared signing vectors, copied
/// here: computed with [`SECRET`] by the documented rule.
pub const NOTIFY_VECTOR: &str = r#"{"amount":"30000","message":"SUCCESS","platFormTradeNo":"5286e98841194687a95d25b5f3be346d","sign":"2fb06a6f1fad4b5ad550cc5ecf284e0f","status":"0000","successTime":"2024-07-01 18:34:31","timestamp":"1724740395968","tradeNo":"00000020"}"#;

/// A region both brands sign callbacks in.
pub const SIGNED_REGION: &str = "nigeria";
/// The region both brands do not sign callbacks in.
pub const UNSIGNED_REGION: &str = "kenya";
/// The region whose callbacks carry `amount` as a JSON number.
pub const NUMBER_AMOUNT_REGION: &str = "mexico";
/// The region whose signature travels in a header.
pub const HEADER_SIGN_REGION: &str = "brazil";

/// The signature of string `fields` with [`SECRET`].
///
/// # Errors
/// Never for string fields.
pub fn sign(fields: &[(&str, &str)]) -> Check<String> {
    Md5SortedSigner::new(Secret::new(SECRET))
        .sign_fields(fields)
        .map(|s| s.as_str().to_owned())
        .map_err(|e| e.to_string())
}

/// A callback body of string `fields` with its `sign`.
///
/// # Errors
/// Never for string fields.
pub fn signed_body(fields: &[(&str, &str)]) -> Check<String> {
    let mut map: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    map.insert("sign".into(), Value::String(sign(fields)?));
    serde_json::to_string(&map).map_err(|e| e.to_string())
}

/// The fields of a callback for `trade_no` in `status`.
pub fn callback_fields<'a>(trade_no: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("amount", "30000"),
        ("message", "callback"),
        ("platFormTradeNo", "5286e98841194687a95d25b5f3be346d"),
        ("status", status),
        ("timestamp", "1724740395968"),
        ("tradeNo", trade_no),
    ]
}

/// Verifies `body` with `headers` as `brand`'s region `id` would.
///
/// # Errors
/// When the provider cannot be built.
pub fn verify(
    brand: &'static Brand,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Check<Result<PayoutUpdate, CallbackError>> {
    Ok(provider(brand, id)?.verify_callback(headers, body))
}

/// The pinned vector verifies in every region and reads exactly; its
/// signature in upper case and its fields in another order and layout
/// verify too (the signature covers fields, not bytes).
///
/// # Errors
/// When it does not verify or reads wrongly.
pub fn good_vector(brand: &'static Brand) -> Check {
    let reordered = r#"{ "tradeNo": "00000020", "timestamp": "1724740395968",
        "successTime": "2024-07-01 18:34:31", "status": "0000",
        "sign": "2FB06A6F1FAD4B5AD550CC5ECF284E0F",
        "platFormTradeNo": "5286e98841194687a95d25b5f3be346d",
        "message": "SUCCESS", "amount": "30000" }"#;
    for row in brand.regions {
        for body in [NOTIFY_VECTOR, reordered] {
            let update = verify(brand, row.id, &HeaderMap::new(), body.as_bytes())?
                .map_err(|e| format!("{}: the signing vector does not verify: {e}", row.id))?;
            let s = &update.status;
            let utc = s.success_time.and_then(|t| t.to_utc());
            let want_utc = chrono::NaiveDate::from_ymd_opt(2024, 7, 1)
                .and_then(|d| d.and_hms_opt(18, 34, 31))
                .and_then(|local| local.and_local_timezone(row.zone).earliest())
                .map(|t| t.with_timezone(&chrono::Utc));
            ensure(
                s.trade_no.as_str() == "00000020"
                    && s.platform_trade_no.as_deref() == Some("5286e98841194687a95d25b5f3be346d")
                    && s.state == PayoutState::Succeeded
                    && s.provider_status == "0000"
                    && s.amount == Some(Decimal::from(30000))
                    && s.message.as_deref() == Some("SUCCESS")
                    && s.success_time.map(|t| t.local_string()).as_deref()
                        == Some("2024-07-01 18:34:31")
                    && utc.is_some()
                    && utc == want_utc
                    && update.sent_at_ms == Some(1_724_740_395_968)
                    && !s.extra.contains_key("sign"),
                || format!("{}: vector read wrongly: {update:?}", row.id),
            )?;
        }
    }
    Ok(())
}

/// Changing the amount of the signed vector (as a string or as a number
/// with the same digits plus one) never verifies, in any region.
///
/// # Errors
/// When a tampered callback is accepted.
pub fn tampered_amount(brand: &'static Brand) -> Check {
    let tampered = [
        NOTIFY_VECTOR.replace(r#""amount":"30000""#, r#""amount":"30001""#),
        NOTIFY_VECTOR.replace(r#""amount":"30000""#, r#""amount":"300000""#),
        NOTIFY_VECTOR.replace(r#""amount":"30000""#, r#""amount":30000.01"#),
        NOTIFY_VECTOR.replace(r#""status":"0000""#, r#""status":"00029""#),
    ];
    for row in brand.regions {
        for body in &tampered {
            ensure(body != NOTIFY_VECTOR, || "tampering changed nothing".into())?;
            match verify(brand, row.id, &HeaderMap::new(), body.as_bytes())? {
                Err(CallbackError::BadSignature) => {}
                other => return Err(format!("{}: tampered {body} gave {other:?}", row.id)),
            }
        }
    }
    Ok(())
}

/// Without a signature (no `sign`, an empty one, or `null`), a signed
/// region refuses with `MissingSignature` and an unsigned one reports
/// `Unsigned`; a non-string `sign` is malformed.
///
/// # Errors
/// When a callback without signature is accepted.
pub fn missing_signature(brand: &'static Brand) -> Check {
    let sign = r#""sign":"2fb06a6f1fad4b5ad550cc5ecf284e0f","#;
    let unsigned = [
        NOTIFY_VECTOR.replace(sign, ""),
        NOTIFY_VECTOR.replace(sign, r#""sign":"","#),
        NOTIFY_VECTOR.replace(sign, r#""sign":null,"#),
    ];
    for row in brand.regions {
        for body in &unsigned {
            match (
                row.callback,
                verify(brand, row.id, &HeaderMap::new(), body.as_bytes())?,
            ) {
                (CallbackSigning::Signed, Err(CallbackError::MissingSignature))
                | (CallbackSigning::Unsigned, Err(CallbackError::Unsigned(_))) => {}
                (_, other) => return Err(format!("{}: {body} gave {other:?}", row.id)),
            }
        }
        let numeric = NOTIFY_VECTOR.replace(sign, r#""sign":12345,"#);
        match verify(brand, row.id, &HeaderMap::new(), numeric.as_bytes())? {
            Err(CallbackError::Malformed(_)) => {}
            other => return Err(format!("{}: numeric sign gave {other:?}", row.id)),
        }
    }
    Ok(())
}

/// Kenya's callbacks carry no `sign` and no `timestamp`: they are reported
/// as [`CallbackError::Unsigned`] carrying the parsed update, to be
/// confirmed by a query; a badly signed one is still refused.
///
/// # Errors
/// When an unsigned Kenya callback is trusted, lost or misread.
pub fn unsigned_region(brand: &'static Brand) -> Check {
    let row = region(brand, UNSIGNED_REGION)?;
    ensure(row.callback == CallbackSigning::Unsigned, || {
        format!("{} {}: callbacks should be unsigned", brand.id, row.id)
    })?;
    let body = r#"{"amount":"500","message":"SUCCESS","platFormTradeNo":"KE123","status":"0000","tradeNo":"KE0001"}"#;
    let err = match verify(brand, row.id, &HeaderMap::new(), body.as_bytes())? {
        Err(e @ CallbackError::Unsigned(_)) => e,
        other => return Err(format!("kenya: unsigned callback gave {other:?}")),
    };
    let text = err.to_string();
    ensure(text.contains("KE0001") && text.contains("query"), || {
        format!("kenya: the error should name the payout and say to query it: {text}")
    })?;
    let CallbackError::Unsigned(update) = err else {
        return Err("kenya: not Unsigned".into());
    };
    let s = &update.status;
    ensure(
        s.trade_no.as_str() == "KE0001"
            && s.state == PayoutState::Succeeded
            && s.amount == Some(Decimal::from(500))
            && s.platform_trade_no.as_deref() == Some("KE123")
            && update.sent_at_ms.is_none(),
        || format!("kenya: update read wrongly: {update:?}"),
    )?;
    let forged = body.replace(
        r#""status""#,
        r#""sign":"00000000000000000000000000000000","status""#,
    );
    match verify(brand, row.id, &HeaderMap::new(), forged.as_bytes())? {
        Err(CallbackError::BadSignature) => Ok(()),
        other => Err(format!("kenya: a wrong sign gave {other:?}")),
    }
}

/// The same callback delivered twice verifies twice to the same update,
/// and [`decide_update`] calls the second one a duplicate.
///
/// # Errors
/// When a re-delivery is not recognised.
pub fn duplicate(brand: &'static Brand) -> Check {
    let headers = HeaderMap::new();
    let first = verify(brand, SIGNED_REGION, &headers, NOTIFY_VECTOR.as_bytes())?
        .map_err(|e| format!("first delivery: {e}"))?;
    let second = verify(brand, SIGNED_REGION, &headers, NOTIFY_VECTOR.as_bytes())?
        .map_err(|e| format!("second delivery: {e}"))?;
    ensure(first == second, || format!("{first:?} != {second:?}"))?;
    ensure(
        decide_update(None, first.status.state) == ApplyDecision::Apply
            && decide_update(Some(first.status.state), second.status.state)
                == ApplyDecision::Duplicate,
        || "a re-delivered callback is not a duplicate".into(),
    )
}

/// A correctly signed `0015` arriving after `0000` (or `00029`) verifies,
/// reads as processing, and [`decide_update`] keeps the final state.
///
/// # Errors
/// When a late update could move a final state.
pub fn late_processing_after_final(brand: &'static Brand) -> Check {
    let headers = HeaderMap::new();
    let mut known = Vec::new();
    for status in ["0000", "00029"] {
        let body = signed_body(&callback_fields("00000020", status))?;
        let final_update = verify(brand, SIGNED_REGION, &headers, body.as_bytes())?
            .map_err(|e| format!("{status}: {e}"))?;
        known.push(final_update.status.state);
    }
    ensure(
        known == [PayoutState::Succeeded, PayoutState::Failed],
        || format!("final callbacks read as {known:?}"),
    )?;
    let late = signed_body(&callback_fields("00000020", "0015"))?;
    let update = verify(brand, SIGNED_REGION, &headers, late.as_bytes())?
        .map_err(|e| format!("late 0015: {e}"))?;
    ensure(update.status.state == PayoutState::Processing, || {
        format!("0015 read as {}", update.status.state)
    })?;
    for k in known {
        ensure(
            decide_update(Some(k), update.status.state) == ApplyDecision::KeepFinal,
            || format!("a late 0015 may overwrite {k}"),
        )?;
    }
    ensure(
        decide_update(Some(PayoutState::Succeeded), PayoutState::Failed)
            == ApplyDecision::Conflict {
                known: PayoutState::Succeeded,
                reported: PayoutState::Failed,
            },
        || "a failure after a success must be a conflict, never kept silently".into(),
    )
}

/// Mexico sends `amount` as a JSON number: the signature covers its JSON
/// text (`100.50`, not `100.5`), and the amount is read exactly.
///
/// # Errors
/// When a number amount is verified over anything but its text.
pub fn number_amount(brand: &'static Brand) -> Check {
    let fields = |amount| {
        vec![
            ("amount", amount),
            ("message", "SUCCESS"),
            ("platFormTradeNo", "MX123"),
            ("status", "0000"),
            ("timestamp", "1724740395968"),
            ("tradeNo", "MX0001"),
        ]
    };
    let body = |sign: &str| {
        format!(
            r#"{{"amount":100.50,"message":"SUCCESS","platFormTradeNo":"MX123","sign":"{sign}","status":"0000","timestamp":"1724740395968","tradeNo":"MX0001"}}"#
        )
    };
    let headers = HeaderMap::new();
    let good = body(&sign(&fields("100.50"))?);
    let update = verify(brand, NUMBER_AMOUNT_REGION, &headers, good.as_bytes())?
        .map_err(|e| format!("mexico: number amount does not verify: {e}"))?;
    let amount = update.status.amount.map(|a| a.to_string());
    ensure(amount.as_deref() == Some("100.50"), || {
        format!("mexico: amount read as {amount:?}, not exactly 100.50")
    })?;
    let float_text = body(&sign(&fields("100.5"))?);
    match verify(brand, NUMBER_AMOUNT_REGION, &headers, float_text.as_bytes())? {
        Err(CallbackError::BadSignature) => Ok(()),
        other => Err(format!("mexico: sign over 100.5 gave {other:?}")),
    }
}

/// A correctly signed callback is read from exactly the text it was signed
/// over: an amount that is not plain decimal digits (a sign, separator,
/// space, stray point) or that a decimal could only hold rounded is
/// malformed, naming `amount`; a number in exponent form is verified over
/// its received text (`1E3`, not a re-rendered `1e+3`) and read exactly;
/// a repeated key is malformed.
///
/// # Errors
/// When a sloppy or rounded amount is accepted, or an exact one refused.
pub fn exact_amount(brand: &'static Brand) -> Check {
    let headers = HeaderMap::new();
    // `amount` is the JSON text of the amount (quoted: a string).
    let signed = |amount_json: &str, signed_text: &str| -> Check<String> {
        let mut fields = callback_fields("00000020", "0000");
        fields[0] = ("amount", signed_text);
        let sign = sign(&fields)?;
        Ok(format!(
            r#"{{"amount":{amount_json},"message":"callback","platFormTradeNo":"5286e98841194687a95d25b5f3be346d","sign":"{sign}","status":"0000","timestamp":"1724740395968","tradeNo":"00000020"}}"#
        ))
    };
    for row in [SIGNED_REGION, NUMBER_AMOUNT_REGION] {
        for text in [
            "1.2345678901234567890123456789012e3",
            "79228162514264337593543950336",
            "1_000",
            "+5",
            "5.",
            ".5",
            "-5",
            " 5",
            "5 ",
            "1,5",
        ] {
            let mut bodies = vec![signed(&format!("{text:?}"), text)?];
            // The texts that are JSON numbers are sent as numbers too.
            if text.trim() == text && serde_json::from_str::<serde_json::Number>(text).is_ok() {
                bodies.push(signed(text, text)?);
            }
            for body in bodies {
                match verify(brand, row, &headers, body.as_bytes())? {
                    Err(CallbackError::Malformed(m)) if m.contains("`amount`") => {}
                    other => return Err(format!("{row}: {body} gave {other:?}")),
                }
            }
        }
        let exponent = signed("1E3", "1E3")?;
        let update = verify(brand, row, &headers, exponent.as_bytes())?
            .map_err(|e| format!("{row}: amount 1E3 signed as received: {e}"))?;
        ensure(update.status.amount == Some(Decimal::from(1000)), || {
            format!("{row}: 1E3 read as {:?}", update.status.amount)
        })?;
        let rerendered = signed("1E3", "1e+3")?;
        match verify(brand, row, &headers, rerendered.as_bytes())? {
            Err(CallbackError::BadSignature) => {}
            other => return Err(format!("{row}: 1E3 verified over 1e+3: {other:?}")),
        }
        let twice =
            NOTIFY_VECTOR.replace(r#""amount":"30000","#, r#""amount":"30000","amount":"1","#);
        match verify(brand, row, &headers, twice.as_bytes())? {
            Err(CallbackError::Malformed(m)) if m.contains("amount") => {}
            other => return Err(format!("{row}: a repeated amount gave {other:?}")),
        }
    }
    Ok(())
}

/// Brazil's signature travels in the `sign` header: a body without `sign`
/// verifies with the right header, not with a wrong one, and is missing
/// without one.
///
/// # Errors
/// When the header signature is not honoured.
pub fn header_signature(brand: &'static Brand) -> Check {
    let row = region(brand, HEADER_SIGN_REGION)?;
    ensure(row.sign == SignPlacement::Header, || {
        format!("{} brazil should sign in the header", brand.id)
    })?;
    let fields = callback_fields("BR0001", "0000");
    let body: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    let with = |sign: &str| -> Check<HeaderMap> {
        let mut h = HeaderMap::new();
        h.insert(
            "sign",
            HeaderValue::from_str(sign).map_err(|e| e.to_string())?,
        );
        Ok(h)
    };
    let good = with(&sign(&fields)?)?;
    let update = verify(brand, row.id, &good, &body)?
        .map_err(|e| format!("brazil: header sign does not verify: {e}"))?;
    ensure(update.status.trade_no.as_str() == "BR0001", || {
        format!("brazil: read {update:?}")
    })?;
    match verify(
        brand,
        row.id,
        &with("0123456789abcdef0123456789abcdef")?,
        &body,
    )? {
        Err(CallbackError::BadSignature) => {}
        other => return Err(format!("brazil: wrong header sign gave {other:?}")),
    }
    match verify(brand, row.id, &HeaderMap::new(), &body)? {
        Err(CallbackError::MissingSignature) => Ok(()),
        other => Err(format!("brazil: no header sign gave {other:?}")),
    }
}
