//! The simulator, run in the test process on its own runtime while the
//! test drives the `payout` binary, and orders files for `payout batch`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use payout_sim::{
    BackgroundSimulator, CallbackConfig, Lifecycle, MerchantConfig, SimConfig, SimHandle,
};
use payout_transport::Secret;
use serde_json::{json, Value};

use super::{env, MERCHANT, SECRET};

/// A running simulator (merchant [`MERCHANT`] with secret [`SECRET`]), on
/// a runtime of its own; it shuts down when dropped.
pub struct Sim(BackgroundSimulator);

impl Sim {
    /// Starts one: final on the first query (no timer), no callbacks, and
    /// the test merchant; `tune` adjusts the configuration further.
    pub fn start(tune: impl FnOnce(SimConfig) -> SimConfig) -> Self {
        let config = SimConfig::default()
            .merchant(MerchantConfig::new(MERCHANT, Secret::new(SECRET)))
            .lifecycle(Lifecycle::on_query(1))
            .callbacks(CallbackConfig::default().enabled(false))
            .slow_delay(Duration::from_secs(3));
        Self(BackgroundSimulator::start(tune(config)).expect("the simulator starts"))
    }

    /// The running simulator.
    pub fn handle(&self) -> &SimHandle {
        self.0.handle()
    }

    /// The environment of the test merchant at a platform region, with a
    /// 1.5 s timeout (below the 3 s `_SLOW` delay).
    pub fn platform_env(&self, brand: &str, region: &str) -> Vec<(String, String)> {
        env(&[
            ("PAYOUT_BASE_URL", &self.handle().base_url(brand, region)),
            ("PAYOUT_MERCHANT_NO", MERCHANT),
            ("PAYOUT_SECRET", SECRET),
            ("PAYOUT_TIMEOUT_MS", "1500"),
        ])
    }

    /// The environment of the simulated Xendit account (its test key).
    pub fn xendit_env(&self) -> Vec<(String, String)> {
        env(&[
            ("PAYOUT_BASE_URL", &self.handle().xendit_base_url()),
            ("PAYOUT_SECRET", payout_sim::XENDIT_TEST_SECRET_KEY),
            ("PAYOUT_TIMEOUT_MS", "1500"),
        ])
    }
}

/// A PayPro Indonesia order line, personal data included.
pub fn platform_line(trade_no: &str, amount: &str) -> Value {
    json!({
        "trade_no": trade_no,
        "amount": amount,
        "bank_code": "014",
        "account_no": "5464438554636",
        "name": "Budi Santoso",
        "mobile": "081234567890",
        "email": "budi@example.co.id",
        "notify_url": "http://127.0.0.1:9/notify",
        "remark": "July payout",
    })
}

/// A Xendit Indonesia order line (bank transfer to BCA).
pub fn xendit_line(trade_no: &str, amount: &str) -> Value {
    json!({
        "trade_no": trade_no,
        "amount": amount,
        "bank_code": "ID_BCA",
        "account_no": "5464438554636",
        "name": "Budi Santoso",
        "description": "July payout",
    })
}

/// Writes an orders file of these lines (a `Value` is written as JSON, a
/// string as it is).
pub fn write_orders(dir: &Path, name: &str, lines: &[Value]) -> PathBuf {
    let path = dir.join(name);
    let text: String = lines
        .iter()
        .map(|l| match l {
            Value::String(raw) => format!("{raw}\n"),
            other => format!("{other}\n"),
        })
        .collect();
    std::fs::write(&path, text).expect("write the orders file");
    path
}
