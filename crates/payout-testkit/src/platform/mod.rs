//! Test helpers of the white-label platform (`payout-platform`): the
//! protocol is written once, and so are its tests. Every brand runs the
//! functions below against its own region table (`&provider_paypro::BRAND`,
//! `&provider_vexora::BRAND`, a crate made by `cargo xtask new-provider`),
//! so that no test code is repeated between them; the platform family of
//! the conformance suite ([`crate::PlatformFamily`]) builds its orders with
//! [`orders`].
//!
//! They live here, outside `payout-platform`'s published `src/`. PayPro's
//! and Vexora's own checks run from the unpublished `payout-e2e` crate
//! (`tests/tests/brands/`), as the platform's do (`tests/tests/platform_*`):
//! `payout-sim` depends on those crates, so a dev-dependency of theirs on
//! this crate would be a cycle crates.io cannot publish.
//!
//! Every check returns [`Check`]: `Err` carries a message saying what was
//! expected and what came instead, so a test is just `check(&BRAND)`.
//! Nothing here panics.
//!
//! - [`orders`]: a valid payout order for any region, generated from its
//!   [`WireField`](payout_platform::WireField) list and
//!   [`AmountRule`](payout_platform::AmountRule);
//! - [`requests`]: the exact query, create and balance requests, rendered
//!   for snapshots;
//! - [`validation`]: one check per validation rule;
//! - [`callbacks`]: callback verification vectors;
//! - [`secrets`]: the secret never appears in `Debug`, errors or requests.

pub mod callbacks;
pub mod orders;
pub mod requests;
pub mod secrets;
pub mod validation;

use std::fmt::Write as _;
use std::sync::Arc;

use payout_core::{FixedClock, ProviderSettings, Secret};
use payout_transport::{HttpTransport, TransportConfig, WireRequest};

use payout_platform::region::{Brand, Region};
use payout_platform::PlatformProvider;

/// The merchant secret of every test: Vexora's published sandbox secret,
/// the one the signing vectors were computed with.
pub const SECRET: &str = "dbecac55466b4958a2d06069fcf49e18";
/// The merchant number of every test (Vexora's published sandbox merchant).
pub const MERCHANT_NO: &str = "3060414594";
/// The fixed clock reading of every built request (ms since the epoch).
pub const NOW_MS: u64 = 1_728_613_320_708;
/// Host used for regions without a published sandbox.
pub const GATEWAY: &str = "https://gateway.example";

/// The result of a check: `Err` says what went wrong.
pub type Check<T = ()> = Result<T, String>;

/// `Ok` when `cond` holds, else `Err` with the message.
///
/// # Errors
/// When `cond` is false.
pub fn ensure(cond: bool, message: impl FnOnce() -> String) -> Check {
    if cond {
        Ok(())
    } else {
        Err(message())
    }
}

/// The region row `id` of `brand`.
///
/// # Errors
/// When the brand has no such region.
pub fn region(brand: &'static Brand, id: &str) -> Check<&'static Region> {
    brand
        .region(id)
        .ok_or_else(|| format!("{} has no region {id:?}", brand.id))
}

/// The base URL the tests use for a region: its published sandbox, else
/// `https://gateway.example/<segment or id>`.
pub fn base_url_for(region: &Region) -> String {
    match region.sandbox_base_url {
        Some(url) => url.to_owned(),
        None => format!("{GATEWAY}/{}", region.segment.unwrap_or(region.id)),
    }
}

/// Settings for `region` at `base_url` with the test merchant and secret.
pub fn settings(region: &str, base_url: &str) -> ProviderSettings {
    ProviderSettings::new(region, base_url, MERCHANT_NO, Secret::new(SECRET))
}

/// A provider for `brand`'s region `id` at [`base_url_for`] (an empty base
/// URL when a sandbox is published, so that the fallback is exercised),
/// with the clock fixed at [`NOW_MS`].
///
/// # Errors
/// When the region is unknown or the provider cannot be built.
pub fn provider(brand: &'static Brand, id: &str) -> Check<PlatformProvider> {
    let row = region(brand, id)?;
    let base = if row.sandbox_base_url.is_some() {
        String::new()
    } else {
        base_url_for(row)
    };
    provider_at(brand, id, &base, TransportConfig::default())
}

/// A provider for `brand`'s region `id` at `base_url` on a transport with
/// `config`, clock fixed at [`NOW_MS`].
///
/// # Errors
/// When the provider cannot be built.
pub fn provider_at(
    brand: &'static Brand,
    id: &str,
    base_url: &str,
    config: TransportConfig,
) -> Check<PlatformProvider> {
    let transport = HttpTransport::new(config).map_err(|e| e.to_string())?;
    brand
        .provider(&settings(id, base_url), transport)
        .map(|p| p.with_clock(Arc::new(FixedClock(NOW_MS))))
        .map_err(|e| format!("cannot build {} {id}: {e}", brand.id))
}

/// The exact request as text: method and URL, headers (the transport's
/// fixed `content-type` first), a blank line, the body bytes.
pub fn render(request: &WireRequest) -> String {
    let mut out = format!(
        "{} {}\ncontent-type: application/json\n",
        request.method, request.url
    );
    for (name, value) in request.headers.iter() {
        let value = String::from_utf8_lossy(value.as_bytes());
        let _ = writeln!(out, "{name}: {value}");
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(&request.body));
    out
}

/// `Err` when `text` contains the test secret.
///
/// # Errors
/// When the secret appears in `text`.
pub fn ensure_secret_free(what: &str, text: &str) -> Check {
    ensure(!text.contains(SECRET), || {
        format!(
            "the secret leaks into {what}: {}",
            text.replace(SECRET, "<SECRET>")
        )
    })
}

/// Pins every `(name, text)` pair with `insta` in the calling crate (the
/// `snapshots/` folder beside the calling test file; the calling crate
/// dev-depends on `insta`), after checking that the secret is absent from
/// the text. For use in a test returning [`Check`]; a generated brand's
/// `tests/requests.rs` shows it in use:
/// `payout_testkit::assert_snapshots!(requests::query_requests(&BRAND, requests::REGIONS)?)`.
#[macro_export]
macro_rules! assert_snapshots {
    ($snapshots:expr) => {
        for (name, text) in $snapshots {
            $crate::platform::ensure_secret_free(&name, &text)?;
            ::insta::assert_snapshot!(name, text);
        }
    };
}

/// Generates the request snapshot tests of a brand crate (query and
/// balance for [`requests::REGIONS`], create for every region). Put it in
/// a test file of its own (a brand crate's `tests/requests.rs`: snapshots
/// named `requests__<name>.snap`).
#[macro_export]
macro_rules! request_snapshot_tests {
    ($brand:path) => {
        #[test]
        fn query_requests() -> $crate::platform::Check {
            let r = $crate::platform::requests::query_requests(
                &$brand,
                $crate::platform::requests::REGIONS,
            )?;
            $crate::assert_snapshots!(r);
            Ok(())
        }

        #[test]
        fn create_request_of_every_region() -> $crate::platform::Check {
            $crate::assert_snapshots!($crate::platform::requests::create_requests(&$brand)?);
            Ok(())
        }

        #[test]
        fn balance_requests() -> $crate::platform::Check {
            let r = $crate::platform::requests::balance_requests(
                &$brand,
                $crate::platform::requests::REGIONS,
            )?;
            $crate::assert_snapshots!(r);
            Ok(())
        }
    };
}

/// Generates one `#[test]` per named check of a testing module, each
/// called with the brand: `brand_checks!(BRAND, validation: required_fields, ...)`.
#[macro_export]
macro_rules! brand_checks {
    ($brand:path, $module:ident: $($check:ident),+ $(,)?) => {
        $(
            #[test]
            fn $check() -> $crate::platform::Check {
                $crate::platform::$module::$check(&$brand)
            }
        )+
    };
}

/// The validation checks every brand with integer and decimal regions,
/// bounds, each field rule, optional and required notify URLs and
/// required remarks runs (PayPro and Vexora both do).
#[macro_export]
macro_rules! validation_tests {
    ($brand:path) => {
        $crate::brand_checks!($brand, validation:
            required_fields, integer_amounts, decimal_amounts, amount_bounds, digits_rule,
            len_rule, one_of_rule, email_rule, notify_url_required, notify_url_optional,
            remark_required, reserved_extras, trade_no_length);
    };
}

/// The callback vectors every brand serving Kenya (unsigned), Mexico
/// (number amounts) and Brazil (header signature) runs, and the secret check.
#[macro_export]
macro_rules! callback_tests {
    ($brand:path) => {
        $crate::brand_checks!($brand, callbacks:
            good_vector, tampered_amount, missing_signature, unsigned_region, duplicate,
            late_processing_after_final, number_amount, exact_amount, header_signature);
        $crate::brand_checks!($brand, secrets: never_printed);
    };
}
