//! Balance reconciliation, per lane, in exact decimals: from what the SDK
//! saw, the balance the simulator's ledger must show, and whether the
//! SDK's own `balance()` reports the ledger.
//!
//! - paid = the amounts of payouts the SDK saw succeed;
//! - held = the amounts of placed payouts the SDK saw still processing or
//!   unknown (the platform keeps them frozen);
//! - expected available = opening available − paid − held;
//! - expected frozen = opening frozen + held.
//!
//! Failed payouts released their amount: they change neither.

use payout::{Balance, Decimal, PayoutState};

use super::book::{Entry, Placement};

/// Available and frozen amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// Money that can be paid out.
    pub available: Decimal,
    /// Money held by payouts in flight.
    pub frozen: Decimal,
}

impl Pair {
    /// A pair.
    pub fn new(available: Decimal, frozen: Decimal) -> Self {
        Self { available, frozen }
    }
}

/// One lane's reconciliation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Lane index.
    pub lane: usize,
    /// The lane's currency.
    pub currency: String,
    /// Opening balance, as the SDK read it.
    pub opening: Pair,
    /// Sum of succeeded amounts.
    pub paid: Decimal,
    /// Sum of amounts still processing or unknown.
    pub held: Decimal,
    /// Payouts whose create outcome stayed unknown (cannot be reconciled).
    pub unresolved: usize,
    /// What the ledger must show.
    pub expected: Pair,
    /// What the simulator's ledger shows.
    pub ledger: Option<Pair>,
    /// What the SDK's `balance()` reported at the end.
    pub reported: Option<Pair>,
}

impl Row {
    /// Whether the ledger equals the SDK's view and `balance()` equals the ledger.
    pub fn ok(&self) -> bool {
        self.problems().is_empty()
    }

    /// What does not hold, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.unresolved > 0 {
            out.push(format!(
                "{} payouts with an unresolved create outcome",
                self.unresolved
            ));
        }
        match self.ledger {
            None => out.push("the simulator has no ledger for this lane".into()),
            Some(l) => {
                if l.available != self.expected.available {
                    out.push(format!(
                        "ledger available {} != expected {}",
                        l.available, self.expected.available
                    ));
                }
                if l.frozen != self.expected.frozen {
                    out.push(format!(
                        "ledger frozen {} != expected {}",
                        l.frozen, self.expected.frozen
                    ));
                }
                match self.reported {
                    None => out.push("balance() was not read".into()),
                    Some(r) if r != l => out.push(format!(
                        "balance() says {}/{} but the ledger {}/{}",
                        r.available, r.frozen, l.available, l.frozen
                    )),
                    Some(_) => {}
                }
            }
        }
        out
    }
}

/// Reconciles lane `lane` from its `opening` balance, the SDK's closing
/// `reported` balance, the simulator's `ledger` and the book's `entries`.
pub fn row(
    lane: usize,
    opening: &Balance,
    reported: Option<Pair>,
    ledger: Option<Pair>,
    entries: &[(String, Entry)],
) -> Row {
    let mut paid = Decimal::ZERO;
    let mut held = Decimal::ZERO;
    let mut unresolved = 0;
    for (_, e) in entries.iter().filter(|(_, e)| e.lane == lane) {
        if matches!(
            e.placement,
            Placement::Unresolved | Placement::OutcomeUnknown
        ) {
            unresolved += 1;
            continue;
        }
        if !e.placement.placed() {
            continue;
        }
        match e.state {
            Some(PayoutState::Succeeded) => paid += e.amount,
            Some(PayoutState::Failed) => {}
            _ => held += e.amount,
        }
    }
    let opening_pair = Pair::new(opening.available, opening.frozen.unwrap_or_default());
    Row {
        lane,
        currency: opening.currency.as_str().to_owned(),
        opening: opening_pair,
        paid,
        held,
        unresolved,
        expected: Pair::new(
            opening_pair.available - paid - held,
            opening_pair.frozen + held,
        ),
        ledger,
        reported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::demo::plan::Kind;
    use payout::Currency;

    fn d(s: &str) -> Decimal {
        payout::parse_amount(s).unwrap()
    }

    fn entry(
        lane: usize,
        amount: &str,
        placement: Placement,
        state: Option<PayoutState>,
    ) -> (String, Entry) {
        (
            format!("T{amount}"),
            Entry {
                lane,
                kind: Kind::Succeed,
                amount: d(amount),
                state,
                placement,
                was_unknown: false,
                note: None,
            },
        )
    }

    fn entries() -> Vec<(String, Entry)> {
        use PayoutState::*;
        vec![
            entry(0, "100.50", Placement::Accepted, Some(Succeeded)),
            entry(0, "20", Placement::Resolved, Some(Succeeded)),
            entry(0, "7", Placement::Accepted, Some(Failed)),
            entry(0, "3.25", Placement::Accepted, Some(Processing)),
            entry(0, "1", Placement::Accepted, Some(Unknown)),
            entry(0, "900", Placement::NotPlaced, None),
            entry(0, "800", Placement::Refused, None),
            entry(1, "5000", Placement::Accepted, Some(Succeeded)),
        ]
    }

    fn opening() -> Balance {
        Balance::new(
            "paypro",
            Currency::from_static("IDR"),
            d("1000"),
            d("0"),
            d("0"),
        )
    }

    #[test]
    fn expected_balances_are_exact() {
        let r = row(0, &opening(), None, None, &entries());
        assert_eq!(r.paid, d("120.50"));
        assert_eq!(r.held, d("4.25"));
        assert_eq!(r.expected, Pair::new(d("875.25"), d("4.25")));
        assert_eq!(r.currency, "IDR");
    }

    #[test]
    fn ok_only_when_ledger_and_balance_agree() {
        let good = Pair::new(d("875.2500"), d("4.25"));
        let r = row(0, &opening(), Some(good), Some(good), &entries());
        assert!(r.ok(), "{:?}", r.problems());

        let off = Pair::new(d("875.24"), d("4.25"));
        let r = row(0, &opening(), Some(good), Some(off), &entries());
        assert!(!r.ok());
        assert!(
            r.problems()[0].contains("ledger available"),
            "{:?}",
            r.problems()
        );

        let r = row(0, &opening(), Some(off), Some(good), &entries());
        assert!(r.problems()[0].contains("balance()"), "{:?}", r.problems());

        assert!(!row(0, &opening(), Some(good), None, &entries()).ok());
    }

    #[test]
    fn an_unresolved_create_cannot_reconcile() {
        let mut e = entries();
        e.push(entry(0, "2", Placement::Unresolved, None));
        let good = Pair::new(d("875.25"), d("4.25"));
        let r = row(0, &opening(), Some(good), Some(good), &e);
        assert!(!r.ok());
    }
}
