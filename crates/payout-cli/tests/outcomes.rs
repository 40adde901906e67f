//! Certain outcomes through the CLI against the simulator's platform:
//! a second create under a placed trade number exits 9 with the existing
//! payout (never "rejected, not placed"), and sending without a base URL
//! needs `--sandbox`.

mod support;

use payout_sim::{BackgroundSimulator, SimConfig, SimHandle, TEST_MERCHANT_NO, TEST_SECRET};
use support::{env, payout, Run};

fn start() -> BackgroundSimulator {
    BackgroundSimulator::start(SimConfig::default()).expect("the simulator starts")
}

fn create(sim: &SimHandle, trade_no: &str) -> Run {
    payout(
        &[
            "create",
            "--provider",
            "paypro",
            "--trade-no",
            trade_no,
            "--amount",
            "10000",
            "--notify-url",
            "http://127.0.0.1:9/notify",
            "--bank-code",
            "014",
            "--account-no",
            "5464438554636",
            "--name",
            "kevin",
            "--mobile",
            "081234567890",
            "--email",
            "kevin@example.com",
        ],
        &env(&[
            ("PAYOUT_BASE_URL", &sim.base_url("paypro", "indonesia")),
            ("PAYOUT_MERCHANT_NO", TEST_MERCHANT_NO),
            ("PAYOUT_SECRET", TEST_SECRET),
        ]),
        None,
    )
}

#[test]
fn a_second_create_under_a_placed_trade_number_exits_9_with_the_existing_payout() {
    let sim = start();
    let first = create(&sim, "CLI-DUP-1");
    assert_eq!(first.code, 0, "{first:?}");
    let id = first.json()["platform_trade_no"].clone();
    let second = create(&sim, "CLI-DUP-1");
    assert_eq!(second.code, 9, "{second:?}");
    let out = second.json();
    assert_eq!(out["duplicate"], true);
    assert_eq!(out["platform_trade_no"], id);
    assert_eq!(out["trade_no"], "CLI-DUP-1");
    assert!(
        second.stderr.contains("nothing new was placed"),
        "{second:?}"
    );
}

#[test]
fn a_sending_command_without_a_base_url_exits_2_unless_sandbox() {
    let e = env(&[("PAYOUT_MERCHANT_NO", "1"), ("PAYOUT_SECRET", "s")]);
    let r = payout(&["balance", "--provider", "paypro"], &e, None);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("--base-url") && r.stderr.contains("--sandbox"),
        "{r:?}"
    );
    // With --sandbox the command runs (against the region's published
    // sandbox, unreachable from here: a transport failure, not a usage one).
    let r = payout(
        &[
            "balance",
            "--provider",
            "paypro",
            "--sandbox",
            "--timeout-ms",
            "300",
            "--max-attempts",
            "1",
        ],
        &e,
        None,
    );
    assert_ne!(r.code, 2, "{r:?}");
}
