//! The text printed at the end: the crash and the recovery, a summary per
//! provider and region, placements, and the balance reconciliation.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use payout::{CallbackSigning, Decimal};
use payout_journal::JournalState;

use super::ledger::Pair;
use super::run::Outcome;
use super::samples::Sample;
use crate::latency;

/// Milliseconds with one decimal (`1.3`); `-` for none.
pub fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "-".to_owned(),
        |d| format!("{}.{}", d.as_micros() / 1000, d.as_micros() % 1000 / 100),
    )
}

/// An exact amount with at least `scale` decimal places; more only if the
/// value has them.
pub fn money(d: Decimal, scale: u32) -> String {
    let mut n = d.normalize();
    if n.scale() < scale {
        n.rescale(scale);
    }
    n.to_string()
}

fn scale(s: &Sample) -> u32 {
    (0..s.amounts.len())
        .filter_map(|n| s.amount(n).ok())
        .map(|d| d.scale())
        .max()
        .unwrap_or(0)
}

/// `p50/p99` of the SDK's `operation` spans in a lane.
fn p50_99(operation: &'static str, s: &Sample) -> String {
    let v = latency::sorted(operation, s.provider, s.region);
    format!(
        "{}/{}",
        ms(latency::percentile(&v, 50)),
        ms(latency::percentile(&v, 99))
    )
}

fn get(c: &AtomicU32) -> u32 {
    c.load(Ordering::Relaxed)
}

const RULE: &str = "-----------------------------------------------------------------------------------------------------------------";
const SUMMARY: [usize; 11] = [21, 7, 9, 6, 8, 5, 9, 4, 4, 18, 17];
const LEDGER: [usize; 9] = [21, 4, 14, 14, 12, 16, 12, 9, 8];

/// One table line: the first cell left-aligned, the others right-aligned.
fn line(out: &mut String, widths: &[usize], cells: &[String]) -> std::fmt::Result {
    for (i, (w, c)) in widths.iter().zip(cells).enumerate() {
        match i {
            0 => write!(out, "{c:<w$}")?,
            _ => write!(out, " {c:>w$}")?,
        }
    }
    writeln!(out)
}

macro_rules! cells {
    ($($c:expr),* $(,)?) => { [$($c.to_string()),*] };
}

/// Renders the whole report; `elapsed` is the wall time of the run.
pub fn render(o: &Outcome, count: u32, concurrency: u32, elapsed: Duration) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut out, o, count, concurrency, elapsed);
    out
}

fn render_into(
    out: &mut String,
    o: &Outcome,
    count: u32,
    concurrency: u32,
    elapsed: Duration,
) -> std::fmt::Result {
    let (k, lanes) = (&o.crash, o.lanes.len());
    writeln!(out, "payout demo: {count} payouts over {lanes} provider/regions (PayPro, Vexora, Xendit), concurrency {concurrency}")?;
    writeln!(out, "simulator {} (in-process); callbacks and webhooks to the SDK's receiver at {}/<account>; journal: SQLite in a temporary directory", o.sim_url, o.receiver_url)?;
    writeln!(out, "crash: process 1 died after journaling {} payouts, {} creates in flight; process 2 reopened the journal once their send leases ran out", k.journaled, k.in_flight)?;
    writeln!(out, "recovery: {} of those found placed by query, {} proven never placed; process 2 sent {} creates and found {} payouts already journaled\n", k.found, k.never_left, k.sent_after, k.already)?;
    let header = cells![
        "provider/region",
        "payouts",
        "succeeded",
        "failed",
        "reversed",
        "open",
        "callbacks",
        "dup",
        "late",
        "create ms p50/p99",
        "query ms p50/p99"
    ];
    line(out, &SUMMARY, &header)?;
    writeln!(out, "{RULE}")?;
    let mut total = [0u32; 8];
    for (i, lane) in o.lanes.iter().enumerate() {
        let states: Vec<JournalState> = o
            .payouts
            .iter()
            .filter(|(p, _)| p.lane == i)
            .filter_map(|(_, s)| *s)
            .collect();
        let n = |f: fn(&JournalState) -> bool| states.iter().filter(|s| f(s)).count() as u32;
        let t = &lane.tally;
        let row = [
            o.payouts.iter().filter(|(p, _)| p.lane == i).count() as u32,
            n(|s| *s == JournalState::Succeeded),
            n(|s| {
                matches!(
                    s,
                    JournalState::Failed | JournalState::Cancelled | JournalState::Rejected
                )
            }),
            n(|s| *s == JournalState::Reversed),
            n(|s| !s.is_final()),
            get(&t.verified) + get(&t.confirmed),
            get(&t.duplicates),
            get(&t.late),
        ];
        let signing = lane
            .provider
            .capabilities()
            .region(lane.sample.region)
            .map(|r| r.callback_signing);
        let mark = if signing == Some(CallbackSigning::Unsigned) {
            "*"
        } else {
            ""
        };
        let s = lane.sample;
        let [a, b, c, d, e, f, g, h] = row;
        let cells = cells![
            s.name(),
            a,
            b,
            c,
            d,
            e,
            format!("{f}{mark}"),
            g,
            h,
            p50_99("payout.create", s),
            p50_99("payout.query", s)
        ];
        line(out, &SUMMARY, &cells)?;
        for (sum, v) in total.iter_mut().zip(row) {
            *sum += v;
        }
    }
    writeln!(out, "{RULE}")?;
    let [a, b, c, d, e, f, g, h] = total;
    line(out, &SUMMARY, &cells!["total", a, b, c, d, e, f, g, h])?;
    writeln!(out)?;
    writeln!(
        out,
        "open: still in progress at the end: NOT failed, their amounts stay held"
    )?;
    writeln!(out, "callbacks: verified by signature or token (* unsigned region: each confirmed by a query); dup and late: re-deliveries and late updates after a final state, acknowledged and changing nothing")?;
    writeln!(out, "latency: the SDK's own create and query spans, to their outcome (transport retries and timeouts included)")?;
    let p = &o.placements;
    writeln!(out, "placed exactly once: {}/{} platform trade numbers (one create request each), {}/{} Xendit references (one payout each; {} create requests with idempotent retries)", p.platform_once, p.platform, p.xendit_once, p.xendit, p.xendit_requests)?;
    let odd: Vec<String> = o
        .payouts
        .iter()
        .filter(|(p, s)| {
            !s.is_some_and(|s| {
                p.kind
                    .ended_as_planned(o.lanes[p.lane].sample.is_xendit(), s)
            })
        })
        .map(|(p, s)| {
            format!(
                "{} ({:?}, saw {})",
                p.trade_no,
                p.kind,
                s.map_or("nothing".into(), |s| s.to_string())
            )
        })
        .collect();
    match odd.len() {
        0 => writeln!(
            out,
            "scenarios: all {} payouts ended as planned",
            o.payouts.len()
        )?,
        n => writeln!(
            out,
            "scenarios: {n} payouts ended otherwise than planned: {}",
            odd[..n.min(5)].join(", ")
        )?,
    }
    let (checked, disagree) = o.cross_checked;
    writeln!(out, "cross-check: {checked} callback-final payouts queried with wait_until_final, {disagree} disagreeing with the journal\n")?;
    render_reconciliation(out, o)?;
    let t = elapsed.as_millis();
    writeln!(out, "done in {}.{:02}s", t / 1000, t % 1000 / 10)
}

fn render_reconciliation(out: &mut String, o: &Outcome) -> std::fmt::Result {
    writeln!(
        out,
        "balance reconciliation: the simulator's ledgers must equal what the journal holds"
    )?;
    writeln!(out, "(available = opening - paid - held; platform frozen = opening + held; Xendit holds nothing frozen; balance() through the SDK must report the ledger)")?;
    let header = cells![
        "provider/region",
        "ccy",
        "opening",
        "paid",
        "held",
        "available",
        "frozen",
        "balance()",
        "result"
    ];
    line(out, &LEDGER, &header)?;
    writeln!(out, "{RULE}")?;
    let mut bad = 0;
    for (lane, row) in o.lanes.iter().zip(&o.rows) {
        let sc = scale(lane.sample);
        let ledger = row.ledger.unwrap_or(row.expected);
        let frozen = |p: Pair| p.frozen.map_or("-".to_owned(), |f| money(f, sc));
        bad += usize::from(!row.ok());
        let same = if row.ledger == Some(row.reported) {
            "same"
        } else {
            "DIFFERS"
        };
        let result = if row.ok() { "OK" } else { "MISMATCH" };
        let cells = cells![
            lane.sample.name(),
            row.currency,
            money(row.opening.available, sc),
            money(row.paid, sc),
            money(row.held, sc),
            money(ledger.available, sc),
            frozen(ledger),
            same,
            result
        ];
        line(out, &LEDGER, &cells)?;
        if row.unresolved > 0 {
            writeln!(
                out,
                "    {} payouts the journal could not resolve",
                row.unresolved
            )?;
        }
        if row.ledger.is_some_and(|l| l != row.expected) {
            writeln!(
                out,
                "    expected available {} frozen {}",
                money(row.expected.available, sc),
                frozen(row.expected)
            )?;
        }
    }
    writeln!(out, "{RULE}")?;
    let n = o.rows.len();
    match (bad, o.placements.ok()) {
        (0, true) => writeln!(out, "reconciliation OK: {n}/{n} provider/regions, the ledgers equal the journal; every trade number placed once"),
        (0, false) => writeln!(out, "reconciliation MISMATCH: a trade number was placed more than once or never (exit 1)"),
        _ => writeln!(out, "reconciliation MISMATCH in {bad}/{n} provider/regions (exit 1)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_formatting() {
        assert_eq!(ms(Some(Duration::from_micros(1_349))), "1.3");
        assert_eq!(ms(None), "-");
        let d = |s: &str| payout::parse_amount(s).unwrap();
        assert_eq!(money(d("3231.3"), 2), "3231.30");
        assert_eq!(money(d("100000000.0000"), 0), "100000000");
        assert_eq!(money(d("875.2549"), 2), "875.2549");
    }
}
