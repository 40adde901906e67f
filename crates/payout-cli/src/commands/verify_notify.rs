//! `payout verify-notify`: verify and read a notify callback body.
//!
//! Nothing is sent: only the provider, region and secret are needed.
//!
//! Exit 0 with `"verified": true` for a callback whose signature matches.
//! Exit 5 for a bad or missing signature or a malformed body (nothing on
//! stdout). *Decision:* a callback of a region that does not sign callbacks
//! (Kenya) also exits 5 — it cannot be trusted — but its content is
//! printed with `"verified": false`, and stderr names the `payout query`
//! that confirms it.

use std::io::Read;
use std::path::Path;

use http::{HeaderMap, HeaderName, HeaderValue};
use payout::CallbackError;

use super::Report;
use crate::cli::VerifyNotifyArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::output::{NotifyOut, StatusOut};

/// Largest callback body read; callbacks are a few hundred bytes.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Verifies the callback and reports its content.
///
/// # Errors
/// Bad flags or configuration, an unreadable file (2); a callback that
/// cannot be trusted (5).
pub fn run(args: &VerifyNotifyArgs) -> Result<Report, Failure> {
    let headers = headers(&args.headers)?;
    let provider = config::offline_provider(&args.common)?;
    let body = match args.file.as_deref() {
        Some(path) if path != Path::new("-") => read_limited(
            std::fs::File::open(path).map_err(|e| {
                Failure::usage(format!("cannot read callback file {}: {e}", path.display()))
            })?,
            &format!("callback file {}", path.display()),
        )?,
        _ => read_limited(std::io::stdin().lock(), "stdin")?,
    };
    match provider.verify_callback(&headers, &body) {
        Ok(update) => Report::ok(&NotifyOut {
            status: StatusOut::new(provider.as_ref(), &update.status),
            verified: true,
            event: update.event.as_deref(),
            sent_at_ms: update.sent_at_ms,
        }),
        // Authentic, but nothing the SDK acts on: acknowledge, change nothing.
        Err(CallbackError::Ignored(why)) => Report::with(
            &serde_json::json!({
                "provider": provider.id(),
                "region": provider.region(),
                "verified": true,
                "ignored": true,
            }),
            Exit::Ok,
            Some(format!("{why}; acknowledge it and change nothing")),
        ),
        Err(CallbackError::Unsigned(update)) => {
            let trade_no = update.status.trade_no.clone();
            let note = format!(
                "callback for {trade_no} is unsigned ({} {} does not sign callbacks): do not act on it; confirm with `payout query --provider {} --region {} --trade-no {trade_no}`",
                provider.id(),
                provider.region(),
                provider.id(),
                provider.region(),
            );
            Report::with(
                &NotifyOut {
                    status: StatusOut::new(provider.as_ref(), &update.status),
                    verified: false,
                    event: update.event.as_deref(),
                    sent_at_ms: update.sent_at_ms,
                },
                Exit::InvalidResponse,
                Some(note),
            )
        }
        Err(e) => Err(Failure::new(Exit::of_callback(&e), e.to_string())),
    }
}

/// Reads at most [`MAX_BODY_BYTES`]; a larger body is not a callback.
fn read_limited(source: impl Read, what: &str) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    source
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| Failure::usage(format!("cannot read the callback from {what}: {e}")))?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Failure::new(
            Exit::InvalidResponse,
            format!("malformed callback: {what} holds more than {MAX_BODY_BYTES} bytes"),
        ));
    }
    Ok(body)
}

/// Parses repeated `--header 'name: value'`.
fn headers(raw: &[String]) -> Result<HeaderMap, Failure> {
    let mut map = HeaderMap::new();
    for item in raw {
        let parsed = item.split_once(':').and_then(|(name, value)| {
            let name = HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
            let value = HeaderValue::from_str(value.trim()).ok()?;
            Some((name, value))
        });
        let (name, value) = parsed.ok_or_else(|| {
            Failure::usage(format!(
                "--header {item:?} must be NAME:VALUE, e.g. --header 'sign: 5f2b...'"
            ))
        })?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_refuse() {
        let map = headers(&["sign: abc".to_owned(), "X-Other:1".to_owned()]).unwrap();
        assert_eq!(map["sign"], "abc");
        assert_eq!(map["x-other"], "1");
        assert_eq!(headers(&["nocolon".to_owned()]).unwrap_err().exit.code(), 2);
        assert_eq!(
            headers(&["bad name: 1".to_owned()])
                .unwrap_err()
                .exit
                .code(),
            2
        );
    }

    #[test]
    fn oversized_bodies_are_refused() {
        let big = vec![b' '; usize::try_from(MAX_BODY_BYTES).unwrap() + 1];
        let err = read_limited(&big[..], "test").unwrap_err();
        assert_eq!(err.exit.code(), 5);
    }
}
