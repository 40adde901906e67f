//! The crash harness: the real `payout` binary as a child process, the
//! simulator in this process, SIGKILL at chosen or random points, and the
//! checks that hold after every restart.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

use payout_core::{Decimal, PayoutState};
use payout_sim::{
    BackgroundSimulator, CallbackConfig, Endpoint, Fault, Lifecycle, SimConfig, SimHandle,
    TEST_MERCHANT_NO, TEST_SECRET,
};
use serde_json::{json, Map, Value};

/// Orders per seed.
pub const ORDERS: usize = 500;
/// Create requests in flight at once.
pub const CONCURRENCY: usize = 32;

/// The `payout` binary of this workspace, built for this test's profile
/// (a no-op when `cargo test --workspace` built it already).
pub fn payout_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        // target/<profile>/deps/crash-<hash>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps");
        let target_dir = profile_dir.parent().expect("the target directory");
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--quiet", "-p", "payout-cli", "--bin", "payout"])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cargo.arg("--release");
        }
        let status = cargo
            .status()
            .expect("run cargo build for the payout binary");
        assert!(status.success(), "cargo build -p payout-cli failed");
        let bin = profile_dir.join("payout");
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

/// The simulator on its own runtime: every create answer is already final
/// (no timers), so the journal can be compared with its records as soon as
/// a batch ends; callbacks off.
pub struct Sim(BackgroundSimulator);

impl Sim {
    pub fn start() -> Self {
        let config = SimConfig::default()
            .lifecycle(Lifecycle::on_query(0))
            .callbacks(CallbackConfig::default().enabled(false));
        Self(BackgroundSimulator::start(config).expect("the simulator starts"))
    }

    pub fn handle(&self) -> &SimHandle {
        self.0.handle()
    }

    /// The environment of the test merchant at PayPro Indonesia.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "PAYOUT_BASE_URL",
                self.handle().base_url("paypro", "indonesia"),
            ),
            ("PAYOUT_MERCHANT_NO", TEST_MERCHANT_NO.to_owned()),
            ("PAYOUT_SECRET", TEST_SECRET.to_owned()),
            ("PAYOUT_TIMEOUT_MS", "2000".to_owned()),
        ]
    }

    pub fn available(&self) -> Decimal {
        self.handle()
            .ledger("paypro", "indonesia", TEST_MERCHANT_NO)
            .expect("the test merchant's ledger")
            .available
    }
}

/// One order of a seed's batch.
pub struct Order {
    pub trade_no: String,
    pub amount: Decimal,
}

/// Writes the batch of a seed: plain payouts, some bound to fail (`_FAIL`),
/// some whose every create answer is lost (a 502 after the payout is
/// placed: outcome unknown, found by query), and some answered late (a
/// 200 ms delay, so that a kill lands between the request and its answer).
pub fn write_batch(sim: &Sim, dir: &Path, tag: &str) -> (PathBuf, Vec<Order>) {
    let mut orders = Vec::with_capacity(ORDERS);
    let mut text = String::new();
    for i in 0..ORDERS {
        let suffix = if matches!(i % 25, 7 | 19) {
            "_FAIL"
        } else {
            ""
        };
        let trade_no = format!("{tag}-{i:03}{suffix}");
        // Registered rather than by suffix: the queries of these are never
        // faulted (a `_502` suffix also fails the queries of a payout that
        // was never placed, which no query could then resolve).
        let fault = match i % 25 {
            13 => Some(Fault::BadGateway),
            _ if i % 10 == 3 => Some(Fault::Delay(Duration::from_millis(200))),
            _ => None,
        };
        if let Some(fault) = fault {
            sim.handle().set_scenario(
                trade_no.as_str(),
                payout_sim::Scenario::succeed().create_fault(fault),
            );
        }
        let amount = Decimal::from(10_000 + 7 * i as i64);
        let line = json!({
            "trade_no": trade_no,
            "amount": amount.to_string(),
            "bank_code": "014",
            "account_no": "5464438554636",
            "name": "Budi Santoso",
            "mobile": "081234567890",
            "email": "budi@example.co.id",
            "notify_url": "http://127.0.0.1:9/notify",
        });
        text.push_str(&format!("{line}\n"));
        orders.push(Order { trade_no, amount });
    }
    let path = dir.join(format!("{tag}.jsonl"));
    std::fs::write(&path, text).expect("write the batch");
    (path, orders)
}

/// Where a run is killed.
#[derive(Clone, Copy, Debug)]
pub enum Kill {
    /// At the test hook (`after-journal:N`, `after-send:N`).
    Hook(&'static str, u32),
    /// After this long, wherever it is.
    After(Duration),
}

impl Kill {
    /// A kill point drawn from `rng`.
    pub fn draw(rng: &mut fastrand::Rng) -> Self {
        match rng.u8(0..3) {
            0 => Kill::Hook("after-journal", rng.u32(1..=400)),
            1 => Kill::Hook("after-send", rng.u32(1..=400)),
            _ => Kill::After(Duration::from_millis(rng.u64(30..=1500))),
        }
    }
}

fn batch_command(sim: &Sim, file: &Path, journal: &str) -> Command {
    let mut cmd = Command::new(payout_bin());
    cmd.args([
        "batch",
        "--provider",
        "paypro",
        "--file",
        file.to_str().expect("UTF-8 path"),
        "--journal",
        journal,
        "--concurrency",
        &CONCURRENCY.to_string(),
    ])
    .env_clear()
    .envs(sim.env());
    cmd
}

/// Runs the batch and kills it with SIGKILL at `kill`. Returns whether it
/// was killed (a run may finish before its kill point).
pub fn run_killed(sim: &Sim, file: &Path, journal: &str, kill: Kill) -> bool {
    let mut cmd = batch_command(sim, file, journal);
    if let Kill::Hook(point, n) = kill {
        cmd.env("PAYOUT_TEST_CRASH_AT", format!("{point}:{n}"));
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payout batch");
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("payout: test hook: stopped at") {
                let _ = tx.send(());
            }
        }
    });
    let wait = match kill {
        Kill::Hook(..) => wait_for(&mut child, &rx, Duration::from_secs(60)),
        Kill::After(delay) => {
            std::thread::sleep(delay);
            true
        }
    };
    let killed = wait && matches!(child.try_wait(), Ok(None));
    if killed {
        child.kill().expect("SIGKILL");
    }
    let _ = child.wait();
    killed
}

/// Waits for the hook's line (true) or the child's end (false), on the
/// wall clock. When the child closes its stderr without the hook's line,
/// it is ending: wait for its exit.
fn wait_for(child: &mut Child, rx: &mpsc::Receiver<()>, limit: Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        match rx.recv_timeout(Duration::from_millis(5)) {
            Ok(()) => return true,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                while start.elapsed() < limit {
                    if let Ok(Some(_)) = child.try_wait() {
                        return false;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
    }
    panic!("the batch neither reached its hook nor ended within {limit:?}");
}

/// Runs the batch to its end: exit code, stdout and stderr.
pub fn run_to_end(sim: &Sim, file: &Path, journal: &str) -> (i32, String, String) {
    let out = batch_command(sim, file, journal)
        .stdin(Stdio::null())
        .output()
        .expect("run payout batch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The journal's export, by trade number.
pub fn export(journal: &str) -> Vec<Map<String, Value>> {
    let out = Command::new(payout_bin())
        .args(["journal", "--journal", journal, "export"])
        .env_clear()
        .output()
        .expect("run payout journal export");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(row)) => row,
            other => panic!("not an exported row: {l} ({other:?})"),
        })
        .collect()
}

/// One seed: the batch is killed `kills` times at points drawn from the
/// seed, then run to its end; then every check.
pub fn seed(sim: &Sim, dir: &Path, journal: &str, tag: &str, seed: u64, kills: usize) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (file, orders) = write_batch(sim, dir, tag);
    let available_before = sim.available();
    let mut points = Vec::new();
    for _ in 0..kills {
        let kill = Kill::draw(&mut rng);
        let killed = run_killed(sim, &file, journal, kill);
        points.push((kill, killed));
    }
    let (code, stdout, stderr) = run_to_end(sim, &file, journal);
    let context = format!("seed {seed} ({tag}), kills {points:?}");
    if code != 0 {
        let open: Vec<String> = export(journal)
            .into_iter()
            .filter(|r| {
                ["intent", "sending", "unknown"].contains(&r["state"].as_str().unwrap_or(""))
            })
            .map(|r| {
                format!(
                    "{} {} (attempts {})",
                    r["trade_no"], r["state"], r["attempts"]
                )
            })
            .collect();
        panic!("{context}: exit {code}; not placed: {open:?}\n{stdout}\n{stderr}");
    }
    let summary: Value = serde_json::from_str(stdout.trim()).expect("a summary line");
    assert_eq!(
        summary,
        json!({"orders": ORDERS, "placed": ORDERS, "rejected": 0, "duplicates": 0, "unknown": 0, "invalid": 0}),
        "{context}"
    );
    check(sim, journal, tag, &orders, kills, &context);
    assert_eq!(
        available_before - sim.available(),
        orders
            .iter()
            .filter(|o| !o.trade_no.ends_with("_FAIL"))
            .map(|o| o.amount)
            .sum::<Decimal>(),
        "{context}: the ledger paid each payout once"
    );
    // A clean rerun sends nothing.
    let creates = sim.handle().total_requests(Endpoint::Create);
    let (code, again, _) = run_to_end(sim, &file, journal);
    assert_eq!(code, 0, "{context}");
    assert_eq!(again, stdout, "{context}: the same summary");
    assert_eq!(
        sim.handle().total_requests(Endpoint::Create),
        creates,
        "{context}: a rerun after a clean finish sends nothing"
    );
}

/// Every trade number placed exactly once, none lost, and the journal
/// equal to the simulator's records.
pub fn check(sim: &Sim, journal: &str, tag: &str, orders: &[Order], kills: usize, context: &str) {
    let prefix = format!("{tag}-");
    let rows: Vec<Map<String, Value>> = export(journal)
        .into_iter()
        .filter(|r| {
            r["trade_no"]
                .as_str()
                .is_some_and(|t| t.starts_with(&prefix))
        })
        .collect();
    let max_sends = 1 + kills as u64;
    let mut resent = 0;
    for order in orders {
        let t = order.trade_no.as_str();
        let row = rows
            .iter()
            .find(|r| r["trade_no"] == t)
            .unwrap_or_else(|| panic!("{context}: {t} lost from the journal"));
        let payout = sim
            .handle()
            .payout(t)
            .unwrap_or_else(|| panic!("{context}: {t} never placed"));
        let expected = if t.ends_with("_FAIL") {
            PayoutState::Failed
        } else {
            PayoutState::Succeeded
        };
        assert_eq!(payout.state, expected, "{context}: {t}");
        assert_eq!(row["state"], expected.as_str(), "{context}: {t}: {row:?}");
        assert_eq!(
            row["platform_trade_no"], payout.platform_trade_no,
            "{context}: {t}"
        );
        let amount: Decimal = row["amount"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .expect("an exact amount");
        assert_eq!(amount, payout.amount, "{context}: {t}");
        assert_eq!(amount, order.amount, "{context}: {t}");
        // Requests that reached the simulator: at least one, never more
        // than the journal recorded as sent, and a re-send only after a
        // kill (and a query that found nothing).
        let creates = u64::from(sim.handle().request_count(t, Endpoint::Create));
        let attempts = row["attempts"].as_u64().expect("attempts");
        assert!(
            (1..=attempts).contains(&creates) && attempts <= max_sends,
            "{context}: {t}: {creates} creates, {attempts} attempts"
        );
        resent += creates - 1;
    }
    assert_eq!(rows.len(), orders.len(), "{context}: no other row");
    assert!(
        resent <= (kills * CONCURRENCY) as u64,
        "{context}: {resent} re-sends for {kills} kills"
    );
}
