//! The text printed at the end: a summary table per provider and region,
//! the balance reconciliation, and a verdict line.

use std::fmt::Write as _;
use std::time::Duration;

use payout::{CallbackSigning, Decimal, PayoutState};

use super::book::{Entry, Placement};
use super::metrics::{Metrics, Samples};
use super::run::Outcome;
use super::Lane;

/// Milliseconds with one decimal (`1.3`), from a duration; `-` for none.
pub fn ms(d: Option<Duration>) -> String {
    match d {
        Some(d) => {
            let us = d.as_micros();
            format!("{}.{}", us / 1000, us % 1000 / 100)
        }
        None => "-".to_owned(),
    }
}

/// An exact amount with at least `scale` decimal places (`3231.30`);
/// more only if the value has them.
pub fn money(d: Decimal, scale: u32) -> String {
    let mut n = d.normalize();
    if n.scale() < scale {
        n.rescale(scale);
    }
    n.to_string()
}

/// `12.34s`.
fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    format!("{}.{:02}s", ms / 1000, ms % 1000 / 10)
}

/// `p50/p99` of samples.
fn p50_99(s: &Samples) -> String {
    format!("{}/{}", ms(s.percentile(50)), ms(s.percentile(99)))
}

fn name(lane: &Lane) -> String {
    format!("{}/{}", lane.sample.provider, lane.sample.region)
}

fn unsigned(lane: &Lane) -> bool {
    lane.provider
        .capabilities()
        .region(lane.sample.region)
        .is_some_and(|r| r.callback_signing == CallbackSigning::Unsigned)
}

/// Counts of one lane's payouts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Planned.
    pub payouts: usize,
    /// Seen succeeded.
    pub succeeded: usize,
    /// Seen failed.
    pub failed: usize,
    /// Placed, still processing or unknown.
    pub open: usize,
    /// Creates whose outcome was unknown at first.
    pub unknown_creates: usize,
    /// ... of which a query found placed or not placed.
    pub resolved: usize,
    /// Never placed (refused, or not found after an unknown outcome).
    pub not_placed: usize,
}

/// Counts the entries of lane `lane`.
pub fn counts(lane: usize, entries: &[(String, Entry)]) -> Counts {
    let mut c = Counts::default();
    for (_, e) in entries.iter().filter(|(_, e)| e.lane == lane) {
        c.payouts += 1;
        if e.was_unknown {
            c.unknown_creates += 1;
            if matches!(e.placement, Placement::Resolved | Placement::NotPlaced) {
                c.resolved += 1;
            }
        }
        if !e.placement.placed() {
            c.not_placed += 1;
            continue;
        }
        match e.state {
            Some(PayoutState::Succeeded) => c.succeeded += 1,
            Some(PayoutState::Failed) => c.failed += 1,
            _ => c.open += 1,
        }
    }
    c
}

/// Payouts that ended otherwise than their scenario says (open ones are
/// fine only if they were meant to stay open).
fn surprises(entries: &[(String, Entry)]) -> Vec<String> {
    entries
        .iter()
        .filter(|(_, e)| {
            let seen = if e.placement.placed() { e.state } else { None };
            seen != Some(e.kind.expected())
        })
        .map(|(t, e)| {
            let seen = match (e.placement.placed(), e.state) {
                (true, Some(s)) => s.to_string(),
                (true, None) => "no state".to_owned(),
                (false, _) => format!("{:?}", e.placement).to_lowercase(),
            };
            format!("{t} (expected {}, saw {seen})", e.kind.expected())
        })
        .collect()
}

const RULE: &str = "-------------------------------------------------------------------------------------------------------------";

/// Renders the whole report. `elapsed` is the wall time of the run.
pub fn render(o: &Outcome, elapsed: Duration) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut out, o, elapsed);
    out
}

fn render_into(out: &mut String, o: &Outcome, elapsed: Duration) -> std::fmt::Result {
    writeln!(
        out,
        "payout demo: {} payouts over {} provider/regions, concurrency {}",
        o.count,
        o.lanes.len(),
        o.concurrency
    )?;
    writeln!(
        out,
        "simulator {} (in-process), callbacks to {}/<provider>/<region>",
        o.sim_url, o.receiver_url
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<19} {:>7} {:>9} {:>6} {:>5} {:>8} {:>9} {:>4} {:>4}  {:>17}  {:>17}",
        "provider/region",
        "payouts",
        "succeeded",
        "failed",
        "open",
        "unknown",
        "callbacks",
        "dup",
        "late",
        "create ms p50/p99",
        "query ms p50/p99"
    )?;
    writeln!(out, "{RULE}")?;
    let mut total = Counts::default();
    let (mut cb, mut dup, mut late, mut checked, mut disagree) = (0, 0, 0, 0, 0);
    for (i, lane) in o.lanes.iter().enumerate() {
        let c = counts(i, &o.entries);
        let m = &lane.metrics;
        let callbacks = Metrics::get(&m.verified) + Metrics::get(&m.confirmed);
        let mark = if unsigned(lane) { "*" } else { "" };
        writeln!(
            out,
            "{:<19} {:>7} {:>9} {:>6} {:>5} {:>8} {:>9} {:>4} {:>4}  {:>17}  {:>17}",
            name(lane),
            c.payouts,
            c.succeeded,
            c.failed,
            c.open,
            format!("{}/{}", c.resolved, c.unknown_creates),
            format!("{callbacks}{mark}"),
            Metrics::get(&m.duplicates),
            Metrics::get(&m.late_ignored),
            p50_99(&m.creates()),
            p50_99(&m.queries()),
        )?;
        cb += callbacks;
        dup += Metrics::get(&m.duplicates);
        late += Metrics::get(&m.late_ignored);
        checked += Metrics::get(&m.cross_checked);
        disagree += Metrics::get(&m.cross_check_mismatch);
        total.payouts += c.payouts;
        total.succeeded += c.succeeded;
        total.failed += c.failed;
        total.open += c.open;
        total.unknown_creates += c.unknown_creates;
        total.resolved += c.resolved;
        total.not_placed += c.not_placed;
    }
    writeln!(out, "{RULE}")?;
    writeln!(
        out,
        "{:<19} {:>7} {:>9} {:>6} {:>5} {:>8} {:>9} {:>4} {:>4}",
        "total",
        total.payouts,
        total.succeeded,
        total.failed,
        total.open,
        format!("{}/{}", total.resolved, total.unknown_creates),
        cb,
        dup,
        late
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "open: still processing or unknown at the end: NOT failed, their amounts stay frozen"
    )?;
    writeln!(
        out,
        "unknown: creates whose outcome was unknown (timeout, 502), resolved by a query / in all"
    )?;
    writeln!(out, "callbacks: signatures verified (* unsigned region: each confirmed by a query); dup and late: re-deliveries and late 0015 after a final state, acknowledged and ignored")?;
    writeln!(out, "latency: answered calls only (timed-out creates excluded); a query's includes its transport retries")?;
    writeln!(
        out,
        "queries: {} through the SDK, {} HTTP requests ({} transport retries after transient faults); {} callback-final payouts double-checked by query, {} disagreeing",
        o.sdk_queries,
        o.http_queries,
        o.http_queries.saturating_sub(o.sdk_queries),
        checked,
        disagree
    )?;
    if total.not_placed > 0 {
        writeln!(out, "not placed: {}", total.not_placed)?;
    }
    let odd = surprises(&o.entries);
    if odd.is_empty() {
        writeln!(
            out,
            "scenarios: all {} payouts ended as planned",
            o.entries.len()
        )?;
    } else {
        writeln!(
            out,
            "scenarios: {} payouts ended otherwise than planned: {}",
            odd.len(),
            odd.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        )?;
    }
    writeln!(out)?;
    render_reconciliation(out, o)?;
    writeln!(out, "done in {}", secs(elapsed))
}

fn render_reconciliation(out: &mut String, o: &Outcome) -> std::fmt::Result {
    writeln!(
        out,
        "balance reconciliation: the simulator's ledger must equal what the SDK saw"
    )?;
    writeln!(out, "(available = opening - paid - held, frozen = held; balance() through the SDK must report the ledger)")?;
    writeln!(
        out,
        "{:<19} {:<4} {:>14} {:>14} {:>12} {:>16} {:>12} {:>9}  result",
        "provider/region", "ccy", "opening", "paid", "held", "available", "frozen", "balance()"
    )?;
    writeln!(out, "{RULE}")?;
    let mut bad = 0;
    for row in &o.rows {
        let Some(lane) = o.lanes.get(row.lane) else {
            continue;
        };
        let ledger = row.ledger.unwrap_or(row.expected);
        let same = row.ledger.is_some() && row.reported == row.ledger;
        let ok = row.ok();
        if !ok {
            bad += 1;
        }
        let scale = lane.sample.scale();
        writeln!(
            out,
            "{:<19} {:<4} {:>14} {:>14} {:>12} {:>16} {:>12} {:>9}  {}",
            name(lane),
            row.currency,
            money(row.opening.available, scale),
            money(row.paid, scale),
            money(row.held, scale),
            money(ledger.available, scale),
            money(ledger.frozen, scale),
            if same { "same" } else { "DIFFERS" },
            if ok { "OK" } else { "MISMATCH" }
        )?;
        for p in row.problems() {
            writeln!(out, "    {p}")?;
        }
    }
    writeln!(out, "{RULE}")?;
    if bad == 0 {
        writeln!(
            out,
            "reconciliation OK: {}/{} provider/regions, the simulator's ledger equals what the SDK saw",
            o.rows.len(),
            o.rows.len()
        )
    } else {
        writeln!(
            out,
            "reconciliation MISMATCH in {bad}/{} provider/regions (exit 1)",
            o.rows.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::demo::plan::Kind;

    #[test]
    fn milliseconds_without_floats() {
        assert_eq!(ms(Some(Duration::from_micros(1_349))), "1.3");
        assert_eq!(ms(Some(Duration::from_micros(250))), "0.2");
        assert_eq!(ms(Some(Duration::from_secs(2))), "2000.0");
        assert_eq!(ms(None), "-");
        assert_eq!(secs(Duration::from_millis(3_417)), "3.41s");
    }

    #[test]
    fn money_keeps_every_digit() {
        let d = |s: &str| payout::parse_amount(s).unwrap();
        assert_eq!(money(d("3231.3"), 2), "3231.30");
        assert_eq!(money(d("100000000.0000"), 0), "100000000");
        assert_eq!(money(d("875.2549"), 2), "875.2549");
    }

    fn e(
        kind: Kind,
        placement: Placement,
        state: Option<PayoutState>,
        was_unknown: bool,
    ) -> (String, Entry) {
        (
            format!("{kind:?}"),
            Entry {
                lane: 0,
                kind,
                amount: Decimal::ONE,
                state,
                placement,
                was_unknown,
                note: None,
            },
        )
    }

    #[test]
    fn counts_and_surprises() {
        use PayoutState::*;
        let entries = vec![
            e(Kind::Succeed, Placement::Accepted, Some(Succeeded), false),
            e(Kind::Fail, Placement::Accepted, Some(Failed), false),
            e(
                Kind::Processing,
                Placement::Accepted,
                Some(Processing),
                false,
            ),
            e(
                Kind::Undocumented,
                Placement::Accepted,
                Some(Unknown),
                false,
            ),
            e(Kind::SlowCreate, Placement::Resolved, Some(Succeeded), true),
            e(Kind::GatewayCreate, Placement::Unresolved, None, true),
        ];
        let c = counts(0, &entries);
        assert_eq!(
            c,
            Counts {
                payouts: 6,
                succeeded: 2,
                failed: 1,
                open: 2,
                unknown_creates: 2,
                resolved: 1,
                not_placed: 1,
            }
        );
        assert_eq!(counts(1, &entries), Counts::default());
        let odd = surprises(&entries);
        assert_eq!(odd.len(), 1, "{odd:?}");
        assert!(
            odd[0].contains("GatewayCreate") && odd[0].contains("unresolved"),
            "{odd:?}"
        );
    }
}
