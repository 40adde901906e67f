//! The Xendit ledger: per scope (the account itself, or a sub-account
//! named by `for-user-id`) the cash balances, the payouts in creation
//! order, the idempotency keys and the per-reference request counters.
//! Balances move with the payouts: debited at create, credited back on
//! `FAILED`, `CANCELLED` and `REVERSED`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use payout_core::Decimal;
use serde_json::{Map, Value};

use super::channels::Channel;

/// A payout's status (spec §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XenditStatus {
    /// Received, not yet sent to the channel; cancellable.
    Accepted,
    /// Sent to the channel.
    Requested,
    /// Paid out (final unless reversed).
    Succeeded,
    /// Not paid; see the failure code.
    Failed,
    /// Cancelled on the merchant's request.
    Cancelled,
    /// Paid out, then returned by the bank.
    Reversed,
}

impl XenditStatus {
    /// The wire name (`ACCEPTED`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            XenditStatus::Accepted => "ACCEPTED",
            XenditStatus::Requested => "REQUESTED",
            XenditStatus::Succeeded => "SUCCEEDED",
            XenditStatus::Failed => "FAILED",
            XenditStatus::Cancelled => "CANCELLED",
            XenditStatus::Reversed => "REVERSED",
        }
    }

    /// Whether the move `self` → `to` is one the simulator makes (spec §4).
    fn allows(self, to: XenditStatus) -> bool {
        use XenditStatus::*;
        matches!(
            (self, to),
            (Accepted, Requested | Failed | Cancelled)
                | (Requested, Succeeded | Failed)
                | (Succeeded, Reversed)
        )
    }

    /// The webhook event of reaching this status, if any.
    pub(crate) fn event(&self) -> Option<&'static str> {
        match self {
            XenditStatus::Succeeded => Some("payout.succeeded"),
            XenditStatus::Failed => Some("payout.failed"),
            XenditStatus::Reversed => Some("payout.reversed"),
            _ => None,
        }
    }
}

/// What a payout's account number makes of it (spec §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeed,
    StayAccepted,
    Fail(&'static str),
}

impl Outcome {
    /// The documented test account numbers.
    pub(crate) fn of(account_number: &str) -> Self {
        match account_number {
            "131313" => Outcome::StayAccepted,
            "98018521" => Outcome::Fail("TRANSFER_ERROR"),
            "123456" => Outcome::Fail("TEMPORARY_TRANSFER_ERROR"),
            "999999" => Outcome::Fail("REJECTED_BY_CHANNEL"),
            "121212" => Outcome::Fail("INVALID_DESTINATION"),
            _ => Outcome::Succeed,
        }
    }
}

/// The failure code of a payout the balance could not cover.
pub(crate) const INSUFFICIENT_BALANCE: &str = "INSUFFICIENT_BALANCE";

/// A payout as held. Never printed (it holds account data).
pub(crate) struct Payout {
    pub id: String,
    /// Creation order across every scope.
    pub seq: u64,
    pub reference_id: String,
    pub channel: &'static Channel,
    pub account_number: String,
    pub account_holder_name: String,
    pub account_type: Option<String>,
    pub amount: Decimal,
    pub description: Option<String>,
    /// Raw JSON text of the echoed objects.
    pub receipt_notification: Option<String>,
    pub metadata: Option<String>,
    pub idempotency_key: String,
    pub status: XenditStatus,
    pub failure_code: Option<&'static str>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub estimated_arrival: DateTime<Utc>,
    /// The amount has left the balance (and goes back on failure).
    pub debited: bool,
    pub outcome: Outcome,
    /// Not covered by the balance: fails instead of being requested.
    pub uncovered: bool,
    pub reverse: bool,
    pub duplicate_webhook: bool,
    pub connector_reference: Option<String>,
}

/// Requests naming one reference, and its payouts.
#[derive(Debug, Default)]
pub(crate) struct Reference {
    pub payouts: Vec<usize>,
    pub creates: u32,
    pub lists: u32,
}

/// An idempotency key's request and payout (none when a refused request
/// used it up).
pub(crate) struct KeyEntry {
    pub body: Map<String, Value>,
    pub payout: Option<usize>,
}

/// One account or sub-account.
pub(crate) struct Scope {
    pub balances: BTreeMap<String, Decimal>,
    pub payouts: Vec<Payout>,
    pub by_id: HashMap<String, usize>,
    pub references: HashMap<String, Reference>,
    pub keys: HashMap<String, KeyEntry>,
}

impl Scope {
    fn open(balances: &BTreeMap<String, Decimal>) -> Self {
        Self {
            balances: balances.clone(),
            payouts: Vec::new(),
            by_id: HashMap::new(),
            references: HashMap::new(),
            keys: HashMap::new(),
        }
    }

    /// The cash balance of `currency`.
    pub(crate) fn balance(&self, currency: &str) -> Decimal {
        self.balances.get(currency).copied().unwrap_or_default()
    }

    /// Debits `amount` when the balance covers it; says whether it did.
    pub(crate) fn debit(&mut self, currency: &str, amount: Decimal) -> bool {
        let balance = self.balances.entry(currency.to_owned()).or_default();
        if *balance < amount {
            return false;
        }
        *balance -= amount;
        true
    }

    /// Adds a payout; returns its index.
    pub(crate) fn insert(&mut self, payout: Payout, body: Map<String, Value>) -> usize {
        let index = self.payouts.len();
        self.by_id.insert(payout.id.clone(), index);
        let reference = self
            .references
            .entry(payout.reference_id.clone())
            .or_default();
        reference.payouts.push(index);
        self.keys.insert(
            payout.idempotency_key.clone(),
            KeyEntry {
                body,
                payout: Some(index),
            },
        );
        self.payouts.push(payout);
        index
    }

    /// Moves payout `index` to `to` (with `failure` for `FAILED`), crediting
    /// the balance back on `FAILED`, `CANCELLED` and `REVERSED`. False when
    /// the move is not allowed from its status (nothing changes).
    pub(crate) fn transition(
        &mut self,
        index: usize,
        to: XenditStatus,
        failure: Option<&'static str>,
    ) -> bool {
        let Some(p) = self.payouts.get_mut(index) else {
            return false;
        };
        if !p.status.allows(to) {
            return false;
        }
        p.status = to;
        p.failure_code = failure.filter(|_| to == XenditStatus::Failed);
        p.updated = Utc::now();
        if matches!(
            to,
            XenditStatus::Failed | XenditStatus::Cancelled | XenditStatus::Reversed
        ) && p.debited
        {
            p.debited = false;
            *self
                .balances
                .entry(p.channel.currency.to_owned())
                .or_default() += p.amount;
        }
        true
    }
}

/// Every scope of the account.
pub(crate) struct Book {
    opening: BTreeMap<String, Decimal>,
    pub main: Scope,
    pub subs: HashMap<String, Scope>,
    next_seq: u64,
}

impl Book {
    pub(crate) fn new(opening: BTreeMap<String, Decimal>) -> Self {
        Self {
            main: Scope::open(&opening),
            opening,
            subs: HashMap::new(),
            next_seq: 0,
        }
    }

    /// The scope of `for_user`, if it exists (a sub-account exists once it
    /// created a payout).
    pub(crate) fn scope(&self, for_user: Option<&str>) -> Option<&Scope> {
        match for_user {
            None => Some(&self.main),
            Some(u) => self.subs.get(u),
        }
    }

    /// As [`Book::scope`], mutable.
    pub(crate) fn scope_mut(&mut self, for_user: Option<&str>) -> Option<&mut Scope> {
        match for_user {
            None => Some(&mut self.main),
            Some(u) => self.subs.get_mut(u),
        }
    }

    /// The scope of `for_user`, opened with the opening balances if new.
    pub(crate) fn open(&mut self, for_user: Option<&str>) -> &mut Scope {
        match for_user {
            None => &mut self.main,
            Some(u) => {
                let opening = &self.opening;
                self.subs
                    .entry(u.to_owned())
                    .or_insert_with(|| Scope::open(opening))
            }
        }
    }

    /// The opening balance of `currency` (a sub-account not yet opened has it).
    pub(crate) fn opening(&self, currency: &str) -> Decimal {
        self.opening.get(currency).copied().unwrap_or_default()
    }

    /// The next creation number.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Every scope with its `for-user-id`.
    pub(crate) fn scopes(&self) -> impl Iterator<Item = (Option<&str>, &Scope)> {
        std::iter::once((None, &self.main))
            .chain(self.subs.iter().map(|(k, s)| (Some(k.as_str()), s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payout(amount: i64) -> Payout {
        let now = Utc::now();
        Payout {
            id: "disb-1".into(),
            seq: 1,
            reference_id: "R".into(),
            channel: super::super::channels::channel("ID_BCA").unwrap(),
            account_number: "1".into(),
            account_holder_name: "A".into(),
            account_type: None,
            amount: Decimal::from(amount),
            description: None,
            receipt_notification: None,
            metadata: None,
            idempotency_key: "K".into(),
            status: XenditStatus::Accepted,
            failure_code: None,
            created: now,
            updated: now,
            estimated_arrival: now,
            debited: true,
            outcome: Outcome::Succeed,
            uncovered: false,
            reverse: false,
            duplicate_webhook: false,
            connector_reference: None,
        }
    }

    #[test]
    fn transitions_follow_the_spec_and_credit_once() {
        let mut book = Book::new([("IDR".to_owned(), Decimal::from(100))].into());
        let s = book.open(None);
        assert!(s.debit("IDR", Decimal::from(30)));
        let i = s.insert(payout(30), Map::new());
        assert!(
            !s.transition(i, XenditStatus::Succeeded, None),
            "not from ACCEPTED"
        );
        assert!(s.transition(i, XenditStatus::Requested, None));
        assert!(!s.transition(i, XenditStatus::Cancelled, None));
        assert!(s.transition(i, XenditStatus::Succeeded, None));
        assert_eq!(s.balance("IDR"), Decimal::from(70));
        assert!(s.transition(i, XenditStatus::Reversed, None));
        assert_eq!(s.balance("IDR"), Decimal::from(100));
        assert!(!s.transition(i, XenditStatus::Reversed, None));
        assert_eq!(s.balance("IDR"), Decimal::from(100));
    }

    #[test]
    fn undebited_payouts_credit_nothing() {
        let mut book = Book::new([("IDR".to_owned(), Decimal::from(10))].into());
        let s = book.open(Some("sub"));
        assert!(!s.debit("IDR", Decimal::from(30)));
        let mut p = payout(30);
        p.debited = false;
        let i = s.insert(p, Map::new());
        assert!(s.transition(i, XenditStatus::Failed, Some(INSUFFICIENT_BALANCE)));
        assert_eq!(s.balance("IDR"), Decimal::from(10));
        assert_eq!(s.payouts[i].failure_code, Some(INSUFFICIENT_BALANCE));
        assert!(book.scope(Some("other")).is_none());
        assert_eq!(book.opening("IDR"), Decimal::from(10));
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(Outcome::of("131313"), Outcome::StayAccepted);
        assert_eq!(Outcome::of("121212"), Outcome::Fail("INVALID_DESTINATION"));
        assert_eq!(Outcome::of("000000000099"), Outcome::Succeed);
    }
}
