//! The secret never shows: not in `Debug` of providers, settings or
//! signers, not in errors, not in requests.

use http::HeaderMap;
use payout_core::{Endpoint, PayoutProvider, Secret, TradeNo};

use super::{callbacks, ensure_secret_free, orders, provider, render, settings, Check, NOW_MS};
use payout_platform::region::Brand;
use payout_platform::Platform;

/// Formats everything a region's provider can print, and every error it
/// can produce without a network, and checks the secret is in none.
///
/// # Errors
/// Naming what leaked.
pub fn never_printed(brand: &'static Brand) -> Check {
    for row in brand.regions {
        let p = provider(brand, row.id)?;
        let s = settings(row.id, "https://gateway.example/x");
        let mut texts = vec![
            ("provider", format!("{p:?} {p:#?}")),
            ("settings", format!("{s:?} {s:#?}")),
            ("capabilities", format!("{:?}", p.capabilities())),
        ];

        let mut bad = s.clone();
        bad.credentials.account = Some("not-digits".into());
        bad.endpoint = Endpoint::Url("ftp://x".into());
        let config_err = Platform::new(brand, &bad)
            .err()
            .ok_or("a bad base URL was accepted")?;
        bad.endpoint = Endpoint::Url("https://gateway.example/x".into());
        let merchant_err = Platform::new(brand, &bad)
            .err()
            .ok_or("a bad merchant number was accepted")?;
        let mut empty = s.clone();
        empty.credentials.api_secret = Secret::new("");
        let secret_err = Platform::new(brand, &empty)
            .err()
            .ok_or("an empty secret was accepted")?;
        for e in [config_err, merchant_err, secret_err] {
            texts.push(("config error", format!("{e} {e:?}")));
        }

        let mut order = orders::valid_order(row)?;
        order.amount = -order.amount;
        let invalid = p
            .validate_payout(&order)
            .err()
            .ok_or("negative amount accepted")?;
        texts.push(("validation error", format!("{invalid} {invalid:?}")));

        let trade_no = TradeNo::new("T1").map_err(|e| e.to_string())?;
        for body in [
            &br#"{"code":"8000","msg":"sign error"}"#[..],
            br#"{"code":"5000","msg":"system"}"#,
            b"<html>502</html>",
        ] {
            let e = p
                .parse_query(&trade_no, body)
                .err()
                .ok_or("bad answer accepted")?;
            texts.push(("answer error", format!("{e} {e:?}")));
        }
        let tampered = callbacks::NOTIFY_VECTOR.replace("30000", "30001");
        for body in [callbacks::NOTIFY_VECTOR, tampered.as_str(), "{}"] {
            let r = p.verify_callback(&HeaderMap::new(), body.as_bytes());
            texts.push(("callback", format!("{r:?}")));
        }

        let requests = [
            p.build_query(&trade_no, NOW_MS),
            p.build_balance(NOW_MS),
            p.build_create(&orders::valid_order(row)?, NOW_MS),
        ];
        for r in requests {
            let r = r.map_err(|e| e.to_string())?;
            texts.push(("request", format!("{r:?}\n{}", render(&r))));
        }
        for (what, text) in texts {
            ensure_secret_free(&format!("{} {} {what}", brand.id, row.id), &text)?;
        }
    }
    Ok(())
}
