//! The API key, its Basic form and the webhook token never appear in
//! `Debug` output, errors, or the snapshots; personal data of orders never
//! appears in errors or statuses.

mod common;

use std::path::Path;

use common::*;
use payout_core::{Error, PayoutProvider};
use payout_transport::{HttpTransport, PayoutProtocol, TransportConfig};
use provider_xendit::Xendit;

#[test]
fn debug_output_has_no_secret() {
    for for_user in [false, true] {
        let settings = settings("philippines", None, for_user);
        let protocol = Xendit::new(&settings).unwrap();
        let provider = provider_xendit::provider(
            &settings,
            HttpTransport::new(TransportConfig::default()).unwrap(),
        )
        .unwrap();
        let p = &*provider;
        let requests = [
            p.build_query(&trade_no(TRADE_NO), 0).unwrap(),
            p.build_query_by_id(PAYOUT_ID, 0).unwrap(),
            p.build_create(&bank_order("philippines"), 0).unwrap(),
            p.build_cancel(PAYOUT_ID, 0).unwrap(),
            p.build_balance(0).unwrap(),
        ];
        let mut texts = vec![
            format!("{settings:?}"),
            format!("{protocol:?}"),
            format!("{protocol:#?}"),
            format!("{provider:?}"),
            format!("{:?}", provider.capabilities()),
        ];
        texts.extend(requests.iter().map(|r| format!("{r:?}")));
        for text in &texts {
            assert_secret_free("Debug output", text);
        }
        assert!(
            texts[1].contains("philippines") && texts[1].contains("***"),
            "{}",
            texts[1]
        );
    }
}

#[test]
fn errors_have_no_secret_or_personal_data() {
    let p = xendit("indonesia");
    let order = bank_order("indonesia");
    let bodies = [
        r#"{"error_code":"API_VALIDATION_ERROR","message":"bad"}"#.to_owned(),
        format!("not json {KEY}"),
    ];
    for body in bodies {
        for status in [200, 400, 500] {
            let r = answer(status, &body);
            let errors: Vec<Error> = [
                p.parse_create(&order, &r).err(),
                p.parse_query(&order.trade_no, &r).err(),
                p.parse_balance(&r).err(),
            ]
            .into_iter()
            .flatten()
            .collect();
            for e in errors {
                // An answer that itself quotes the key is the provider's
                // doing; everything the SDK adds is clean.
                let text = format!("{e} {e:?}").replace(&format!("not json {KEY}"), "");
                assert_secret_free("an error", &text);
                assert_private_free("an error", &text);
            }
        }
    }
}

#[test]
fn snapshots_have_no_secret() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_secret_free(&path.display().to_string(), &text);
        seen += 1;
    }
    assert!(seen >= 13, "the request snapshots are in {}", dir.display());
}
