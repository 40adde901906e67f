//! `payout sim` and `payout demo` as built binaries: the contract of the
//! first stdout line, the simulator answering the other commands, and the
//! demo's summary and reconciliation.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const MERCHANT: &str = "1234567890";
const SECRET: &str = "sim-secret-never-printed-71c2";

fn payout() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_payout"));
    cmd.env_clear();
    cmd
}

/// A `payout sim` child; killed when dropped if still running.
struct Sim {
    child: Child,
    base: String,
    lines: Vec<String>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start_sim() -> Sim {
    let mut child = payout()
        .args([
            "sim",
            "--addr",
            "127.0.0.1:0",
            "--final-after",
            "20ms",
            "--callback-time-divisor",
            "1000",
        ])
        .env("PAYOUT_MERCHANT_NO", MERCHANT)
        .env("PAYOUT_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payout sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).expect("first line");
    let base = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line is {first:?}"))
        .to_owned();
    let mut lines = Vec::new();
    // The region list follows at once; read until the last Xendit line.
    for _ in 0..200 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let done = line.starts_with("xendit  philippines");
        lines.push(line.trim_end().to_owned());
        if done {
            break;
        }
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
    });
    Sim { child, base, lines }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run payout");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(SECRET), "the secret leaked: {all}");
    out
}

fn account<'a>(cmd: &'a mut Command, base: &str) -> &'a mut Command {
    cmd.env("PAYOUT_MERCHANT_NO", MERCHANT)
        .env("PAYOUT_SECRET", SECRET)
        .env("PAYOUT_PROVIDER", "paypro")
        .env("PAYOUT_REGION", "indonesia")
        .env("PAYOUT_BASE_URL", format!("{base}/indonesia-pay"))
        .env("PAYOUT_TIMEOUT_MS", "5000")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sim_prints_its_address_first_and_serves_the_other_commands() {
    let mut sim = start_sim();
    let port: u16 = sim
        .base
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("not http://127.0.0.1:<port>: {}", sim.base));
    assert_ne!(port, 0);
    let indonesia = format!("{}/indonesia-pay", sim.base);
    assert!(
        sim.lines
            .iter()
            .any(|l| l.starts_with("paypro") && l.contains("indonesia") && l.ends_with(&indonesia)),
        "{:?}",
        sim.lines
    );
    // One line per Xendit country, in the same columns, after the platform's.
    let xendit: Vec<&String> = sim
        .lines
        .iter()
        .filter(|l| l.starts_with("xendit"))
        .collect();
    assert_eq!(
        xendit,
        [
            &format!("xendit  indonesia     {}/xendit", sim.base),
            &format!("xendit  philippines   {}/xendit", sim.base),
        ],
        "{:?}",
        sim.lines
    );
    assert!(!sim
        .lines
        .iter()
        .any(|l| l.contains(payout_sim::XENDIT_TEST_SECRET_KEY)
            || l.contains(payout_sim::XENDIT_TEST_CALLBACK_TOKEN)));

    // A payout the simulator never saw: its documented 8000 rejection.
    let out = run(account(&mut payout(), &sim.base).args(["query", "--trade-no", "NEVER-1"]));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(text(&out.stderr).contains("order not found"), "{out:?}");

    // Signed with the merchant pair from the environment: a create, then a
    // wait until the simulator makes it final.
    let out = run(account(&mut payout(), &sim.base).args([
        "create",
        "--trade-no",
        "E2E-SIM-1",
        "--amount",
        "15000",
        "--notify-url",
        "http://127.0.0.1:9/notify",
        "--bank-code",
        "014",
        "--account-no",
        "5464438554636",
        "--name",
        "Budi Santoso",
        "--mobile",
        "081234567890",
        "--email",
        "budi@example.co.id",
    ]));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        text(&out.stdout).contains(r#""state":"processing""#),
        "{out:?}"
    );

    let out = run(account(&mut payout(), &sim.base).args([
        "wait",
        "--trade-no",
        "E2E-SIM-1",
        "--timeout",
        "30s",
        "--interval",
        "50ms",
    ]));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains(r#""state":"succeeded""#), "{stdout}");
    assert!(stdout.contains(r#""final":true"#), "{stdout}");

    // A wrong secret is refused like the platform does.
    let out = run(account(&mut payout(), &sim.base)
        .env("PAYOUT_SECRET", "wrong")
        .args(["query", "--trade-no", "E2E-SIM-1"]));
    assert_eq!(out.status.code(), Some(3), "{out:?}");

    stop(&mut sim);
}

/// SIGTERM ends the simulator cleanly (exit 0); never a broad kill.
#[cfg(unix)]
fn stop(sim: &mut Sim) {
    let pid = sim.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
    let guard = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = sim.child.try_wait().expect("try_wait") {
            break status;
        }
        assert!(Instant::now() < guard, "payout sim ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
    let mut stderr = String::new();
    if let Some(mut e) = sim.child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(stderr.contains(MERCHANT), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    assert!(
        !stderr.contains(payout_sim::XENDIT_TEST_SECRET_KEY),
        "{stderr}"
    );
    assert!(
        !stderr.contains(payout_sim::XENDIT_TEST_CALLBACK_TOKEN),
        "{stderr}"
    );
}

#[cfg(not(unix))]
fn stop(sim: &mut Sim) {
    let _ = sim.child.kill();
}

#[test]
fn sim_refuses_a_taken_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = run(payout().args(["sim", "--addr", &addr]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains(&addr), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[test]
fn demo_runs_a_batch_survives_a_crash_and_reconciles_every_balance() {
    let out = run(payout().args(["demo", "--count", "66", "--concurrency", "8"]));
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.starts_with("payout demo: 66 payouts over 11 provider/regions"),
        "{stdout}"
    );
    let lanes = [
        "paypro/indonesia",
        "paypro/pakistan",
        "paypro/brazil",
        "paypro/mexico",
        "paypro/kenya",
        "vexora/nigeria",
        "vexora/indonesia",
        "vexora/south-korea",
        "vexora/australia",
        "xendit/indonesia",
        "xendit/philippines",
    ];
    for lane in lanes {
        let rows: Vec<_> = stdout.lines().filter(|l| l.starts_with(lane)).collect();
        assert_eq!(
            rows.len(),
            2,
            "{lane}: a summary row and a reconciliation row\n{stdout}"
        );
        assert!(rows[1].ends_with("  OK"), "{lane}: {}", rows[1]);
        let payouts = rows[0].split_whitespace().nth(1);
        assert_eq!(payouts, Some("6"), "{lane}: {}", rows[0]);
    }
    let total = stdout
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap_or_else(|| panic!("no total row\n{stdout}"));
    assert_eq!(total.split_whitespace().nth(1), Some("66"), "{total}");
    let kenya = stdout
        .lines()
        .find(|l| l.starts_with("paypro/kenya"))
        .unwrap_or_default();
    assert!(
        kenya.contains('*'),
        "Kenya's unsigned callbacks are marked: {kenya}"
    );
    // The crash: part of the batch journaled by the first process, the
    // rest by the second, nothing placed twice.
    let crash = stdout
        .lines()
        .find(|l| l.starts_with("crash: process 1 died after journaling "))
        .unwrap_or_else(|| panic!("no crash line\n{stdout}"));
    let journaled: usize = crash
        .split_whitespace()
        .nth(6)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{crash}"));
    assert!((1..66).contains(&journaled), "{crash}");
    assert!(stdout.contains("recovery: "), "{stdout}");
    assert!(
        stdout.contains("placed exactly once: 54/54 platform trade numbers (one create request each), 12/12 Xendit references"),
        "{stdout}"
    );
    assert!(
        stdout.contains("scenarios: all 66 payouts ended as planned"),
        "{stdout}"
    );
    assert!(
        stdout.contains("reconciliation OK: 11/11 provider/regions"),
        "{stdout}"
    );
    assert!(!stdout.contains("MISMATCH"), "{stdout}");
    for secret in [
        payout_sim::TEST_SECRET,
        payout_sim::XENDIT_TEST_SECRET_KEY,
        payout_sim::XENDIT_TEST_CALLBACK_TOKEN,
    ] {
        assert!(!stdout.contains(secret) && !text(&out.stderr).contains(secret));
    }
}
