//! Test support: real databases (a SQLite file in a temporary directory, a
//! fresh PostgreSQL database per test) and a scripted provider that records
//! every call.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use payout_core::error::Operation;
use payout_core::{
    async_trait, Beneficiary, Capabilities, CreatePayout, Currency, Error, PayoutProvider,
    PayoutState, PayoutStatus, TradeNo,
};
use payout_journal::{Journal, JournalState, PayoutKey};

/// The provider account used throughout.
pub const ACCOUNT: &str = "8729248847";
/// The fake provider's id.
pub const PROVIDER: &str = "fake";
/// The fake provider's region.
pub const REGION: &str = "indonesia";

/// Runs `body` against a journal file in a fresh temporary directory.
#[cfg(feature = "sqlite")]
pub async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("journal.db").display());
    body(url).await;
}

/// Runs `body` against a PostgreSQL database created for it (the testkit's
/// `ScratchDatabase` on the local test server; `PAYOUT_JOURNAL_TEST_PG`
/// overrides it) and dropped afterwards, even when the body panics.
#[cfg(feature = "postgres")]
pub async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    use payout_testkit::postgres::{admin_url, ScratchDatabase};
    let db = ScratchDatabase::create(&admin_url("PAYOUT_JOURNAL_TEST_PG"), "journal_test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    body(db.url.clone()).await;
}

/// What the fake provider does with a create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnCreate {
    /// Places it and answers processing.
    Accept,
    /// Refuses it (outer 8000): nothing placed.
    Reject,
    /// Fails before sending (connection refused).
    NotSent,
    /// Places it, then the answer is lost.
    UnknownPlaced,
    /// The answer is lost and nothing was placed.
    UnknownLost,
    /// Places it and never answers (the process will "crash").
    HangPlaced,
    /// Never answers and places nothing.
    HangLost,
}

/// One create call, with the journal row as it stood when the request left.
#[derive(Clone, Debug)]
pub struct CreateCall {
    pub trade_no: String,
    /// (state, attempts, lease owner) of the row, read through a separate
    /// connection pool at the moment create was called.
    pub row_seen: Option<(JournalState, u32, Option<String>)>,
}

#[derive(Debug, Default)]
struct FakeState {
    placed: HashMap<String, PayoutState>,
    queries: HashMap<String, u32>,
    in_flight: HashMap<String, u32>,
    in_flight_total: u32,
    max_in_flight_total: u32,
    max_in_flight_one_row: u32,
    creates: Vec<CreateCall>,
    on_create: HashMap<String, OnCreate>,
}

/// A scripted provider that records every call. Queries find what creates
/// placed; a query for anything else is refused like the platforms'
/// "order not found".
#[derive(Debug)]
pub struct FakeProvider {
    state: Mutex<FakeState>,
    /// Every placed payout succeeds on this query (1 = the first);
    /// `None`: queries report the placed state unchanged.
    pub succeed_on_query: Option<u32>,
    /// Each query takes this long.
    pub query_delay: Duration,
    /// Reads the row when create is called.
    probe: Option<Journal>,
    /// Told when a hanging create has been called.
    pub create_started: tokio::sync::Notify,
}

impl FakeProvider {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(FakeState::default()),
            succeed_on_query: None,
            query_delay: Duration::ZERO,
            probe: None,
            create_started: tokio::sync::Notify::new(),
        }
    }

    pub fn succeeding_on_query(mut self, n: u32) -> Self {
        self.succeed_on_query = Some(n);
        self
    }

    pub fn query_delay(mut self, delay: Duration) -> Self {
        self.query_delay = delay;
        self
    }

    pub fn probing(mut self, journal: Journal) -> Self {
        self.probe = Some(journal);
        self
    }

    pub fn arc(self) -> Arc<Self> {
        Arc::new(self)
    }

    pub fn on_create(&self, trade_no: &str, behaviour: OnCreate) {
        self.lock().on_create.insert(trade_no.to_owned(), behaviour);
    }

    /// Makes the provider hold a payout in `state` (as if placed elsewhere
    /// or changed later).
    pub fn set_placed(&self, trade_no: &str, state: PayoutState) {
        self.lock().placed.insert(trade_no.to_owned(), state);
    }

    pub fn creates(&self) -> Vec<CreateCall> {
        self.lock().creates.clone()
    }

    pub fn create_count(&self, trade_no: &str) -> usize {
        self.lock()
            .creates
            .iter()
            .filter(|c| c.trade_no == trade_no)
            .count()
    }

    pub fn query_count(&self, trade_no: &str) -> u32 {
        self.lock().queries.get(trade_no).copied().unwrap_or(0)
    }

    pub fn total_queries(&self) -> u32 {
        self.lock().queries.values().sum()
    }

    pub fn max_in_flight(&self) -> u32 {
        self.lock().max_in_flight_total
    }

    /// The most queries ever in flight at once for one trade number.
    pub fn max_in_flight_one_row(&self) -> u32 {
        self.lock().max_in_flight_one_row
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn status(trade_no: &TradeNo, state: PayoutState) -> PayoutStatus {
    let code = match state {
        PayoutState::Succeeded => "0000",
        PayoutState::Failed => "0002",
        _ => "0015",
    };
    let mut s = PayoutStatus::new(
        PROVIDER,
        trade_no.clone(),
        state,
        code,
        Currency::from_static("IDR"),
    );
    s.platform_trade_no = Some(format!("P-{trade_no}"));
    s
}

#[async_trait]
impl PayoutProvider for FakeProvider {
    fn id(&self) -> &'static str {
        PROVIDER
    }

    fn region(&self) -> &str {
        REGION
    }

    fn capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::new(PROVIDER, vec![]);
        caps.create_dedup = payout_core::CreateDedup::None;
        caps
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        if request.amount <= payout_core::Decimal::ZERO {
            return Err(Error::validation("amount", "must be positive"));
        }
        Ok(())
    }

    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        let key = trade_no.as_str().to_owned();
        {
            let mut s = self.lock();
            s.in_flight_total += 1;
            s.max_in_flight_total = s.max_in_flight_total.max(s.in_flight_total);
            let one = s.in_flight.entry(key.clone()).or_insert(0);
            *one += 1;
            let one = *one;
            s.max_in_flight_one_row = s.max_in_flight_one_row.max(one);
        }
        if !self.query_delay.is_zero() {
            tokio::time::sleep(self.query_delay).await;
        }
        let mut s = self.lock();
        s.in_flight_total -= 1;
        *s.in_flight.entry(key.clone()).or_insert(1) -= 1;
        let n = {
            let q = s.queries.entry(key.clone()).or_insert(0);
            *q += 1;
            *q
        };
        let succeed = self.succeed_on_query;
        match s.placed.get_mut(&key) {
            Some(state) => {
                if *state == PayoutState::Processing && succeed.is_some_and(|k| n >= k) {
                    *state = PayoutState::Succeeded;
                }
                Ok(status(trade_no, *state))
            }
            None => Err(Error::Rejected {
                operation: Operation::QueryPayout,
                code: "8000".into(),
                msg: "order not found".into(),
                reason: payout_core::RejectReason::Other,
            }),
        }
    }

    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        let trade = request.trade_no.as_str().to_owned();
        let row_seen = match &self.probe {
            Some(journal) => journal
                .get(&PayoutKey::new(PROVIDER, ACCOUNT, trade.as_str()))
                .await
                .expect("probe reads the journal")
                .map(|r| (r.state, r.attempts, r.lease_owner)),
            None => None,
        };
        let behaviour = {
            let mut s = self.lock();
            s.creates.push(CreateCall {
                trade_no: trade.clone(),
                row_seen,
            });
            s.on_create.get(&trade).copied().unwrap_or(OnCreate::Accept)
        };
        let unknown = || Error::OutcomeUnknown {
            trade_no: request.trade_no.clone(),
            cause: Box::new(Error::no_answer(Operation::CreatePayout, "timeout")),
        };
        match behaviour {
            OnCreate::Accept => {
                self.set_placed(&trade, PayoutState::Processing);
                Ok(status(&request.trade_no, PayoutState::Processing))
            }
            OnCreate::Reject => Err(Error::Rejected {
                operation: Operation::CreatePayout,
                code: "8000".into(),
                msg: "bank code not supported".into(),
                reason: payout_core::RejectReason::Other,
            }),
            OnCreate::NotSent => Err(Error::not_sent(
                Operation::CreatePayout,
                "connection refused",
            )),
            OnCreate::UnknownPlaced => {
                self.set_placed(&trade, PayoutState::Processing);
                Err(unknown())
            }
            OnCreate::UnknownLost => Err(unknown()),
            OnCreate::HangPlaced | OnCreate::HangLost => {
                if behaviour == OnCreate::HangPlaced {
                    self.set_placed(&trade, PayoutState::Processing);
                }
                self.create_started.notify_one();
                futures::future::pending().await
            }
        }
    }
}

/// An order with personal data in it.
pub fn order(trade_no: &str, amount: &str) -> CreatePayout {
    CreatePayout::new(
        TradeNo::new(trade_no).expect("trade number"),
        payout_core::parse_amount(amount).expect("amount"),
        Beneficiary::bank("0002", "5464438554636"),
    )
    .notify_url("https://merchant.example/notify")
    .contact(payout_core::Contact {
        name: Some("kevin".into()),
        email: Some("kevin@example.com".into()),
        ..payout_core::Contact::default()
    })
}
