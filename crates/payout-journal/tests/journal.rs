//! One semantic suite, run against both backends: a SQLite file and a fresh
//! PostgreSQL database (feature `postgres`). Nothing is mocked but the
//! provider, which is a scripted test double that records its calls.

mod support;

/// Instantiates every suite function once per backend.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::support::on_sqlite(crate::suite::$name).await;
                }
            )*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::support::on_postgres(crate::suite::$name).await;
                }
            )*
        }
    };
}

on_every_backend!(
    row_is_durably_sending_before_create_leaves,
    a_trade_number_is_placed_once,
    different_contents_are_refused,
    invalid_orders_are_not_journaled,
    rejected_and_not_sent_creates,
    crashed_sends_are_resolved_by_query_never_resent,
    a_stable_owner_takes_its_own_leases_back,
    unknown_outcomes_are_resolved_by_query,
    callbacks_fold_in_idempotently,
    reconcile_queries_until_final,
    reconcile_deadline_leaves_rows_open,
    expired_lease_is_taken_over,
    two_reconcilers_never_share_a_row,
    many_rows_stream_in_batches,
    concurrent_writes_share_commits_and_keep_their_semantics,
    export_and_counts,
    schema_is_versioned,
    a_closed_journal_keeps_what_it_acknowledged_and_refuses_the_rest,
);

mod suite {
    use std::sync::Arc;
    use std::time::Duration;

    use futures::TryStreamExt;
    use payout_core::{PayoutState, PayoutUpdate, TradeNo};
    use payout_journal::{
        CallbackOutcome, Claim, Effect, Entry, Journal, JournalError, JournalState, Journaled,
        JournaledOptions, PayoutKey, ReconcileOptions, Scope, SubmitAction,
    };

    use crate::support::{order, FakeProvider, OnCreate, ACCOUNT, PROVIDER, REGION};

    fn journaled(provider: &Arc<FakeProvider>, journal: &Journal, owner: &str) -> Journaled {
        Journaled::with_options(
            provider.clone(),
            journal.clone(),
            ACCOUNT,
            JournaledOptions::default().owner(owner),
        )
    }

    fn key(trade_no: &str) -> PayoutKey {
        PayoutKey::new(PROVIDER, ACCOUNT, trade_no)
    }

    async fn state_of(journal: &Journal, trade_no: &str) -> JournalState {
        journal
            .get(&key(trade_no))
            .await
            .expect("read")
            .expect("journaled")
            .state
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite:{}/absent/journal.db", dir.path().display());
        let err = Journal::open(&url).await.expect_err("no directory");
        assert!(
            err.to_string().contains("does not exist; create it first"),
            "{err}"
        );
    }

    /// A submit's future is moved whole as it is built, up to 1,024 of
    /// them wait at once in `payout batch`, and every copy costs: it must
    /// not hold the row, or the write, once per layer. (It was 7.5 KB
    /// before the layers borrowed the row and reserved their queue place;
    /// it is about 3.5 KB now.)
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn a_submit_future_stays_small() {
        crate::support::on_sqlite(|url| async move {
            let journal = Journal::open(&url).await.expect("open");
            let provider = FakeProvider::new().arc();
            let payouts = journaled(&provider, &journal, "small");
            let order = order("T-SIZE", "100");
            let size = std::mem::size_of_val(&payouts.submit(&order));
            assert!(size <= 4096, "a submit's future takes {size} bytes");
        })
        .await;
    }

    fn fast(deadline: Duration) -> ReconcileOptions {
        ReconcileOptions::new(deadline)
            .intervals(Duration::from_millis(10), Duration::from_millis(40))
            .batch_size(10)
            .concurrency(4)
    }

    pub async fn row_is_durably_sending_before_create_leaves(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        // The probe reads through its own pool: only committed rows are seen.
        let probe = Journal::open(&url).await.expect("open probe");
        let provider = FakeProvider::new().probing(probe).arc();
        let payouts = journaled(&provider, &journal, "sender-1");

        let submitted = payouts
            .submit(&order("T-DURABLE", "100.50"))
            .await
            .expect("submit");

        let calls = provider.creates();
        assert_eq!(calls.len(), 1);
        let (state, attempts, lease) = calls[0].row_seen.clone().expect("row existed at create");
        assert_eq!(state, JournalState::Sending);
        assert_eq!(attempts, 1);
        assert_eq!(lease.as_deref(), Some("sender-1"));

        assert_eq!(submitted.action, SubmitAction::Sent);
        let row = submitted.record;
        assert_eq!(row.state, JournalState::Accepted);
        assert_eq!(row.provider_status.as_deref(), Some("0015"));
        assert_eq!(row.platform_trade_no.as_deref(), Some("P-T-DURABLE"));
        assert_eq!(row.lease_owner, None, "the send lease is released");
        assert_eq!(row.order.amount, "100.50");
        assert_eq!(row.region, REGION);
        assert_eq!(journal.get(&key("T-DURABLE")).await.unwrap().unwrap(), row);
    }

    pub async fn a_trade_number_is_placed_once(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let a = journaled(&provider, &journal, "a");
        let b = journaled(&provider, &Journal::open(&url).await.expect("open"), "b");
        let o = order("T-ONCE", "100");

        let first = a.submit(&o).await.expect("first");
        assert_eq!(first.action, SubmitAction::Sent);
        // Resubmitting (same or another process, same amount in another
        // spelling) returns the row and sends nothing.
        for (payouts, o) in [(&a, o.clone()), (&b, order("T-ONCE", "100.00"))] {
            let again = payouts.submit(&o).await.expect("again");
            assert_eq!(again.action, SubmitAction::AlreadyJournaled);
            assert_eq!(again.record.id, first.record.id);
            assert_eq!(again.record.state, JournalState::Accepted);
        }
        // Concurrent submissions of one new order: exactly one create.
        let o = order("T-RACE", "7");
        let results = futures::future::join_all((0..8).map(|i| {
            let p = if i % 2 == 0 { &a } else { &b };
            let o = o.clone();
            async move { p.submit(&o).await }
        }))
        .await;
        let sent = results
            .iter()
            .filter(|r| r.as_ref().expect("submit").action == SubmitAction::Sent)
            .count();
        assert_eq!(sent, 1);
        assert_eq!(provider.create_count("T-RACE"), 1);
        assert_eq!(provider.create_count("T-ONCE"), 1);
        assert_eq!(journal.counts().await.unwrap().total, 2);
    }

    pub async fn different_contents_are_refused(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        payouts
            .submit(&order("T-SAME", "100"))
            .await
            .expect("submit");

        let err = payouts
            .submit(&order("T-SAME", "100.01"))
            .await
            .expect_err("different amount");
        let text = err.to_string();
        assert!(
            matches!(
                err,
                JournalError::DifferentContents {
                    difference: "amount",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            text.contains("T-SAME") && text.contains("new trade number"),
            "{text}"
        );
        for personal in ["5464438554636", "kevin", "100.01"] {
            assert!(!text.contains(personal), "{text}");
        }
        let other_beneficiary = order("T-SAME", "100").extra("userId", "42");
        let err = payouts
            .submit(&other_beneficiary)
            .await
            .expect_err("different extra");
        assert!(matches!(
            err,
            JournalError::DifferentContents {
                difference: "extra",
                ..
            }
        ));
        // The same trade number in another region of the same account.
        let scope = Scope::new(PROVIDER, ACCOUNT, "philippines");
        let err = journal
            .record_intent(&scope, &order("T-SAME", "100"))
            .await
            .expect_err("different region");
        assert!(matches!(
            err,
            JournalError::DifferentContents {
                difference: "region",
                ..
            }
        ));
        // Another account may use the same trade number.
        let other = Scope::new(PROVIDER, "other-account", REGION);
        let entry = journal
            .record_intent(&other, &order("T-SAME", "5"))
            .await
            .unwrap();
        assert!(matches!(entry, Entry::Inserted(_)));
        assert_eq!(provider.create_count("T-SAME"), 1);
        assert_eq!(journal.counts().await.unwrap().total, 2);
    }

    pub async fn invalid_orders_are_not_journaled(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        let err = payouts
            .submit(&order("T-ZERO", "0"))
            .await
            .expect_err("invalid");
        assert!(matches!(err, JournalError::Invalid { .. }), "{err:?}");
        assert!(journal.get(&key("T-ZERO")).await.unwrap().is_none());
        assert!(provider.creates().is_empty());
    }

    pub async fn rejected_and_not_sent_creates(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");

        provider.on_create("T-REJ", OnCreate::Reject);
        let rejected = payouts.submit(&order("T-REJ", "1")).await.expect("submit");
        assert_eq!(rejected.record.state, JournalState::Rejected);
        assert_eq!(rejected.record.provider_status.as_deref(), Some("8000"));
        assert!(rejected.error.is_some());
        let last_error = rejected.record.last_error.clone().expect("error kept");
        assert!(last_error.starts_with("rejected:"), "{last_error}");
        // Final: resubmitting sends nothing.
        let again = payouts.submit(&order("T-REJ", "1")).await.expect("again");
        assert_eq!(again.action, SubmitAction::AlreadyJournaled);
        assert_eq!(provider.create_count("T-REJ"), 1);

        provider.on_create("T-NS", OnCreate::NotSent);
        let not_sent = payouts.submit(&order("T-NS", "1")).await.expect("submit");
        assert_eq!(not_sent.record.state, JournalState::Intent);
        assert_eq!(not_sent.record.lease_owner, None);
        // Provably never left: sending again is allowed, same trade number.
        provider.on_create("T-NS", OnCreate::Accept);
        let retried = payouts.submit(&order("T-NS", "1")).await.expect("retry");
        assert_eq!(retried.action, SubmitAction::Sent);
        assert_eq!(retried.record.state, JournalState::Accepted);
        assert_eq!(retried.record.attempts, 2);
        assert_eq!(provider.create_count("T-NS"), 2);
    }

    pub async fn crashed_sends_are_resolved_by_query_never_resent(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        // Long enough for the steps below to run while it holds, even on a
        // loaded machine.
        let lease = Duration::from_millis(1500);
        let crashing = Journaled::with_options(
            provider.clone(),
            journal.clone(),
            ACCOUNT,
            JournaledOptions::default()
                .owner("crashing")
                .send_lease(lease),
        );
        // Two sends die in flight: one reached the provider, one did not.
        for (trade_no, behaviour) in [
            ("T-PLACED", OnCreate::HangPlaced),
            ("T-LOST", OnCreate::HangLost),
        ] {
            provider.on_create(trade_no, behaviour);
            let p = crashing.clone();
            let task = tokio::spawn(async move { p.submit(&order(trade_no, "10")).await });
            provider.create_started.notified().await;
            task.abort(); // the process dies with the request in flight
            let _ = task.await;
            assert_eq!(state_of(&journal, trade_no).await, JournalState::Sending);
        }

        // A new process, while the dead sender's lease still runs: a resubmit
        // queries, and "not found" proves nothing while the lease holds.
        let reopened = Journal::open(&url).await.expect("reopen");
        let recovering = journaled(&provider, &reopened, "recovering");
        let early = recovering
            .submit(&order("T-LOST", "10"))
            .await
            .expect("submit");
        assert_eq!(early.action, SubmitAction::Resolved);
        assert_eq!(early.record.state, JournalState::Sending);
        let early_recovery = recovering.recover().await.expect("recover");
        assert_eq!(early_recovery.queried, 0, "leased rows are not claimed");

        tokio::time::sleep(lease + Duration::from_millis(50)).await;
        let report = recovering.recover().await.expect("recover");
        assert_eq!(report.queried, 2);
        assert_eq!(state_of(&reopened, "T-PLACED").await, JournalState::Pending);
        assert_eq!(state_of(&reopened, "T-LOST").await, JournalState::Unknown);

        // Resubmitting either never sends: the found one stands, the lost
        // one is queried again and stays unknown.
        for trade_no in ["T-PLACED", "T-LOST"] {
            let again = recovering
                .submit(&order(trade_no, "10"))
                .await
                .expect("submit");
            assert_ne!(again.action, SubmitAction::Sent, "{trade_no}");
            assert_eq!(provider.create_count(trade_no), 1, "{trade_no}");
        }
        assert_eq!(state_of(&reopened, "T-LOST").await, JournalState::Unknown);
        assert!(provider.query_count("T-LOST") >= 3);
        let lost = reopened.get(&key("T-LOST")).await.unwrap().unwrap();
        assert!(lost.last_error.unwrap().contains("order not found"));
        assert_eq!(lost.attempts, 1);
    }

    pub async fn a_stable_owner_takes_its_own_leases_back(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let stable = |journal: &Journal| {
            Journaled::with_options(
                provider.clone(),
                journal.clone(),
                ACCOUNT,
                JournaledOptions::default().stable_owner("batch host-1 /data/orders.jsonl"),
            )
        };
        // The first incarnation dies with two sends in flight, leased for
        // an hour: one reached the provider, one did not.
        let crashing = stable(&journal);
        for (trade_no, behaviour) in [
            ("T-OWN-PLACED", OnCreate::HangPlaced),
            ("T-OWN-LOST", OnCreate::HangLost),
        ] {
            provider.on_create(trade_no, behaviour);
            let p = crashing.clone();
            let task = tokio::spawn(async move { p.submit(&order(trade_no, "10")).await });
            provider.create_started.notified().await;
            task.abort();
            let _ = task.await;
        }
        let row = journal.get(&key("T-OWN-LOST")).await.unwrap().unwrap();
        assert_eq!(row.state, JournalState::Sending);
        assert_eq!(row.lease_owner.as_deref(), Some(crashing.owner()));

        // Another owner must wait for the lease; the same owner, restarted,
        // resolves both at once.
        let reopened = Journal::open(&url).await.expect("reopen");
        let other = journaled(&provider, &reopened, "someone-else");
        assert_eq!(other.recover().await.expect("recover").queried, 0);
        let restarted = stable(&reopened);
        let report = restarted.recover().await.expect("recover");
        assert_eq!(report.queried, 2);
        assert_eq!(
            state_of(&reopened, "T-OWN-PLACED").await,
            JournalState::Pending
        );
        // "Not found" from a provider without de-duplication: unknown,
        // never re-sent.
        assert_eq!(
            state_of(&reopened, "T-OWN-LOST").await,
            JournalState::Unknown
        );
        let row = reopened.get(&key("T-OWN-LOST")).await.unwrap().unwrap();
        assert_eq!(row.lease_owner, None, "the lease is released");
        assert_eq!(provider.create_count("T-OWN-LOST"), 1);
        // Reconcilers never take a running lease back, not even their own:
        // a send of the live process stays with it.
        provider.on_create("T-OWN-LIVE", OnCreate::HangLost);
        let p = restarted.clone();
        let live = tokio::spawn(async move { p.submit(&order("T-OWN-LIVE", "10")).await });
        provider.create_started.notified().await;
        let claimed = reopened
            .claim(
                restarted.scope(),
                restarted.owner(),
                Duration::from_secs(60),
                10,
                Claim::Due,
            )
            .await
            .expect("claim");
        assert!(claimed.is_empty(), "{claimed:?}");
        live.abort();
        let _ = live.await;

        // The next incarnation's recovery queries every unresolved row at
        // once, whatever backoff the last query set.
        let row = reopened.get(&key("T-OWN-LOST")).await.unwrap().unwrap();
        assert!(row.next_query_at > chrono::Utc::now(), "{row:?}");
        let queries = provider.query_count("T-OWN-LOST");
        let third = stable(&Journal::open(&url).await.expect("reopen"));
        let report = third.recover().await.expect("recover");
        assert_eq!(report.queried, 2, "T-OWN-LOST and T-OWN-LIVE, once each");
        assert_eq!(provider.query_count("T-OWN-LOST"), queries + 1);
    }

    pub async fn unknown_outcomes_are_resolved_by_query(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        provider.on_create("T-UNK", OnCreate::UnknownPlaced);
        let submitted = payouts.submit(&order("T-UNK", "10")).await.expect("submit");
        assert_eq!(submitted.record.state, JournalState::Unknown);
        assert!(submitted.error.expect("error").is_outcome_unknown());

        provider.set_placed("T-UNK", PayoutState::Succeeded);
        let resolved = payouts
            .resolve(&TradeNo::new("T-UNK").unwrap())
            .await
            .expect("resolve");
        assert_eq!(resolved.record.state, JournalState::Succeeded);
        assert_eq!(resolved.record.queries, 1);
        assert_eq!(resolved.record.provider_status.as_deref(), Some("0000"));
        assert_eq!(provider.create_count("T-UNK"), 1);

        let err = payouts
            .resolve(&TradeNo::new("T-NONE").unwrap())
            .await
            .expect_err("not journaled");
        assert!(matches!(err, JournalError::NotJournaled { .. }));
    }

    pub async fn callbacks_fold_in_idempotently(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        payouts.submit(&order("T-CB", "10")).await.expect("submit");

        let update = |state| {
            provider.set_placed("T-CB", state);
            let mut status = payout_core::PayoutStatus::new(
                PROVIDER,
                TradeNo::new("T-CB").unwrap(),
                state,
                if state == PayoutState::Failed {
                    "0002"
                } else {
                    "0000"
                },
                payout_core::Currency::from_static("IDR"),
            );
            status.platform_trade_no = Some("P-T-CB".into());
            PayoutUpdate::new(status, Some(1))
        };
        let effect = |outcome: CallbackOutcome| match outcome {
            CallbackOutcome::Recorded(applied) => (applied.record.state, applied.effect),
            other => panic!("{other:?}"),
        };
        let succeeded = update(PayoutState::Succeeded);
        assert_eq!(
            effect(payouts.apply_callback(&succeeded).await.unwrap()),
            (JournalState::Succeeded, Effect::Applied)
        );
        assert_eq!(
            effect(payouts.apply_callback(&succeeded).await.unwrap()),
            (JournalState::Succeeded, Effect::Duplicate)
        );
        assert_eq!(
            effect(
                payouts
                    .apply_callback(&update(PayoutState::Processing))
                    .await
                    .unwrap()
            ),
            (JournalState::Succeeded, Effect::Ignored)
        );
        assert_eq!(
            effect(
                payouts
                    .apply_callback(&update(PayoutState::Failed))
                    .await
                    .unwrap()
            ),
            (JournalState::Conflict, Effect::Conflict)
        );
        let row = journal.get(&key("T-CB")).await.unwrap().unwrap();
        let kept: Vec<_> = row.conflict.iter().map(|e| e.state).collect();
        assert_eq!(kept, [JournalState::Succeeded, JournalState::Failed]);

        let mut stranger = update(PayoutState::Succeeded);
        stranger.status.trade_no = TradeNo::new("T-STRANGER").unwrap();
        assert_eq!(
            payouts.apply_callback(&stranger).await.unwrap(),
            CallbackOutcome::NotJournaled
        );
        let mut foreign = update(PayoutState::Succeeded);
        foreign.status.provider = "other".into();
        assert!(matches!(
            payouts.apply_callback(&foreign).await,
            Err(JournalError::WrongProvider { .. })
        ));
    }

    pub async fn reconcile_queries_until_final(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().succeeding_on_query(3).arc();
        let payouts = journaled(&provider, &journal, "a");
        for i in 0..25 {
            payouts
                .submit(&order(&format!("T-R{i}"), "10"))
                .await
                .expect("submit");
        }
        let report = payouts
            .reconcile(fast(Duration::from_secs(30)))
            .await
            .expect("reconcile");
        assert!(report.all_final(), "{report:?}");
        assert!(!report.deadline_reached);
        assert_eq!(report.finalized, 25);
        assert_eq!(
            report.queried, 75,
            "three queries each: pending, pending, succeeded"
        );
        assert_eq!(report.counts.by_state["succeeded"], 25);
        let row = journal.get(&key("T-R0")).await.unwrap().unwrap();
        assert_eq!((row.queries, row.lease_owner), (3, None));
        assert!(provider.max_in_flight() <= 4);
    }

    pub async fn reconcile_deadline_leaves_rows_open(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        payouts
            .submit(&order("T-SLOW", "10"))
            .await
            .expect("submit");
        provider.on_create("T-NEVER", OnCreate::UnknownLost);
        payouts
            .submit(&order("T-NEVER", "10"))
            .await
            .expect("submit");

        let report = payouts
            .reconcile(fast(Duration::from_millis(400)))
            .await
            .expect("reconcile");
        assert!(!report.all_final());
        assert!(report.deadline_reached);
        assert!(report.queried >= 2);
        // Never reported failed: still in progress, still unknown.
        assert_eq!(state_of(&journal, "T-SLOW").await, JournalState::Pending);
        assert_eq!(state_of(&journal, "T-NEVER").await, JournalState::Unknown);
        assert_eq!(report.counts.not_final(), 2);
        assert_eq!(provider.create_count("T-NEVER"), 1);
    }

    pub async fn expired_lease_is_taken_over(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().succeeding_on_query(1).arc();
        let payouts = journaled(&provider, &journal, "b");
        for i in 0..5 {
            payouts
                .submit(&order(&format!("T-L{i}"), "10"))
                .await
                .expect("submit");
        }
        let scope = payouts.scope().clone();
        // A worker claims everything and dies.
        let lease = Duration::from_millis(1000);
        let dead = journal
            .claim(&scope, "dead-worker", lease, 100, Claim::Due)
            .await
            .expect("claim");
        assert_eq!(dead.len(), 5);
        assert!(dead
            .iter()
            .all(|r| r.lease_owner.as_deref() == Some("dead-worker")));
        // While the lease runs, nobody else gets the rows.
        let other = journal
            .claim(&scope, "b", lease, 100, Claim::Due)
            .await
            .expect("claim");
        assert!(other.is_empty());
        // After it runs out, a reconciler takes them over and finishes them.
        let report = payouts
            .reconcile(fast(Duration::from_secs(20)))
            .await
            .expect("reconcile");
        assert!(report.all_final(), "{report:?}");
        assert_eq!(report.counts.by_state["succeeded"], 5);
        assert_eq!(provider.total_queries(), 5);
    }

    pub async fn two_reconcilers_never_share_a_row(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new()
            .succeeding_on_query(1)
            .query_delay(Duration::from_millis(5))
            .arc();
        let a = journaled(&provider, &journal, "worker-a");
        for i in 0..120 {
            a.submit(&order(&format!("T-W{i:03}"), "10"))
                .await
                .expect("submit");
        }
        // A second worker with its own connections, as another process.
        let b = journaled(
            &provider,
            &Journal::open(&url).await.expect("open"),
            "worker-b",
        );
        let options = fast(Duration::from_secs(60));
        let (ra, rb) = tokio::join!(a.reconcile(options), b.reconcile(options));
        let (ra, rb) = (ra.expect("a"), rb.expect("b"));
        // Every row was queried exactly once, by one worker at a time.
        assert_eq!(provider.max_in_flight_one_row(), 1);
        assert_eq!(provider.total_queries(), 120);
        assert_eq!(ra.queried + rb.queried, 120, "{ra:?} {rb:?}");
        assert!(
            ra.queried > 0 && rb.queried > 0,
            "both workers shared the work: {ra:?} {rb:?}"
        );
        assert!(ra.all_final() && rb.all_final());
    }

    pub async fn many_rows_stream_in_batches(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().succeeding_on_query(1).arc();
        let payouts = journaled(&provider, &journal, "a");
        let scope = payouts.scope().clone();
        for i in 0..300 {
            let entry = journal
                .record_intent(&scope, &order(&format!("T-M{i:04}"), "1"))
                .await
                .expect("journal");
            assert!(matches!(entry, Entry::Inserted(_)));
        }
        // Mark them sent, as a batch that crashed with every request in
        // flight would have left them (the provider has them all).
        let mut rows = std::pin::pin!(journal.records(64));
        while let Some(row) = rows.try_next().await.expect("page") {
            provider.set_placed(&row.trade_no, PayoutState::Processing);
            journal
                .apply(&row.key(), &payout_journal::transition::Event::Send)
                .await
                .expect("send");
        }
        // Claims never exceed the batch size.
        let first = journal
            .claim(&scope, "probe", Duration::from_millis(1), 25, Claim::Due)
            .await
            .expect("claim");
        assert_eq!(first.len(), 25);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let report = payouts
            .reconcile(fast(Duration::from_secs(60)).batch_size(25))
            .await
            .expect("reconcile");
        assert!(report.all_final(), "{report:?}");
        assert_eq!(report.counts.by_state["succeeded"], 300);
        assert_eq!(provider.total_queries(), 300);
        assert!(provider.max_in_flight() <= 4);
        assert!(provider.creates().is_empty(), "reconciling never creates");
    }

    /// Hundreds of writes at once share commits (group commit); each still
    /// gets its own answer: one insert per key wins, an identical order is
    /// `Existing`, a different one is refused, and of concurrent changes
    /// of one row each is applied once, in some order, never lost.
    pub async fn concurrent_writes_share_commits_and_keep_their_semantics(url: String) {
        use payout_journal::transition::{Event, Observation, Observed, Source};

        let journal = Journal::open(&url).await.expect("open");
        let scope = Scope::new(PROVIDER, ACCOUNT, REGION);
        let other = Scope::new(PROVIDER, "other-account", REGION);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200 {
            // Each trade number three times in one scope (twice identical,
            // once with another amount) and once in another account.
            for (scope, amount) in [(&scope, "1"), (&scope, "1"), (&scope, "2"), (&other, "1")] {
                let (journal, scope) = (journal.clone(), scope.clone());
                tasks.spawn(async move {
                    let trade_no = format!("T-G{i:03}");
                    let entry = journal
                        .record_intent(&scope, &order(&trade_no, amount))
                        .await;
                    (scope.account, trade_no, amount, entry)
                });
            }
        }
        let mut inserted = std::collections::HashMap::new();
        let (mut existing, mut refused) = (0, 0);
        while let Some(joined) = tasks.join_next().await {
            let (account, trade_no, amount, entry) = joined.expect("task");
            match entry {
                Ok(Entry::Inserted(row)) => {
                    let stored = journal
                        .get(&PayoutKey::new(PROVIDER, &account, &trade_no))
                        .await
                        .expect("read")
                        .expect("stored");
                    assert_eq!(stored, row, "the answer is the row as stored");
                    let earlier = inserted.insert((account, trade_no), row.order.amount);
                    assert!(earlier.is_none(), "one insert per key");
                }
                Ok(Entry::Existing(row)) => {
                    assert_eq!(row.order.amount, amount);
                    existing += 1;
                }
                Err(JournalError::DifferentContents { .. }) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(inserted.len(), 400);
        assert_eq!(existing + refused, 400);
        assert_eq!(journal.counts().await.expect("counts").total, 400);

        // Concurrent changes of one row: every send is applied exactly once
        // (attempts counts them), whatever batches they share.
        let key = key("T-G000");
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (journal, key) = (journal.clone(), key.clone());
            tasks.spawn(async move { journal.apply(&key, &Event::Send).await });
        }
        let mut applied = 0;
        while let Some(joined) = tasks.join_next().await {
            let done = joined.expect("task").expect("apply");
            applied += usize::from(done.effect == Effect::Applied);
        }
        let row = journal.get(&key).await.expect("read").expect("row");
        assert_eq!(row.state, JournalState::Sending);
        assert_eq!(row.attempts as usize, applied);
        let done = journal
            .apply(
                &key,
                &Event::Observed(Observation {
                    state: Observed::Succeeded,
                    provider_status: Some("0000".into()),
                    platform_trade_no: None,
                    source: Source::Query,
                }),
            )
            .await
            .expect("apply");
        assert_eq!(done.record.state, JournalState::Succeeded);

        // Everything acknowledged is on disk for the next opener.
        journal.close().await;
        let reopened = Journal::open(&url).await.expect("reopen");
        assert_eq!(reopened.counts().await.expect("counts").total, 400);
        assert_eq!(
            reopened.get(&key).await.expect("read").expect("row").state,
            JournalState::Succeeded
        );
    }

    pub async fn export_and_counts(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        let provider = FakeProvider::new().arc();
        let payouts = journaled(&provider, &journal, "a");
        payouts
            .submit(&order("T-E1", "100.50"))
            .await
            .expect("submit");
        provider.on_create("T-E2", OnCreate::Reject);
        payouts.submit(&order("T-E2", "7")).await.expect("submit");
        journal
            .record_intent(payouts.scope(), &order("T-E3", "0.01"))
            .await
            .expect("intent");

        let counts = journal.counts().await.expect("counts");
        assert_eq!(counts.total, 3);
        assert_eq!(counts.by_state["accepted"], 1);
        assert_eq!(counts.by_state["rejected"], 1);
        assert_eq!(counts.by_state["intent"], 1);
        assert_eq!(counts.by_state["succeeded"], 0);
        assert_eq!(counts.by_state.len(), JournalState::ALL.len());
        assert_eq!(counts.not_final(), 2);
        let json = serde_json::to_value(&counts).unwrap();
        assert_eq!(json["total"], 3);
        assert_eq!(json["by_state"]["accepted"], 1);

        let rows: Vec<_> = journal.records(2).try_collect().await.expect("records");
        let exported: Vec<_> = rows.iter().map(|r| r.export()).collect();
        let trade_nos: Vec<_> = exported.iter().map(|r| r.trade_no.as_str()).collect();
        assert_eq!(trade_nos, ["T-E1", "T-E2", "T-E3"]);
        let first = &exported[0];
        assert_eq!(
            (
                first.provider.as_str(),
                first.region.as_str(),
                first.amount.as_str()
            ),
            (PROVIDER, REGION, "100.50")
        );
        assert_eq!(first.state, JournalState::Accepted);
        assert_eq!(first.platform_trade_no.as_deref(), Some("P-T-E1"));
        assert_eq!(first.attempts, 1);
        assert!(chrono::DateTime::parse_from_rfc3339(&first.created_at).is_ok());
        assert!(first.updated_at.ends_with('Z'));
        let line = serde_json::to_string(first).unwrap();
        let csv = first.csv_row();
        for personal in ["5464438554636", "kevin", ACCOUNT] {
            assert!(
                !line.contains(personal) && !csv.contains(personal),
                "{line} {csv}"
            );
        }
        assert!(
            csv.starts_with("fake,indonesia,T-E1,accepted,0015,P-T-E1,100.50,"),
            "{csv}"
        );
        assert_eq!(exported[2].attempts, 0);
        // Debug of a full row shows no personal data either.
        let debug = format!("{:?}", rows[0]);
        assert!(
            !debug.contains("5464438554636") && !debug.contains("kevin"),
            "{debug}"
        );
    }

    pub async fn schema_is_versioned(url: String) {
        let journal = Journal::open(&url).await.expect("open");
        assert_eq!(journal.schema_version().await.unwrap(), 1);
        journal.close().await;
        // Opening again applies nothing and keeps the data.
        let journal = Journal::open(&url).await.expect("reopen");
        assert_eq!(journal.schema_version().await.unwrap(), 1);
        journal.close().await;
        bump_schema_version(&url).await;
        let err = Journal::open(&url).await.expect_err("newer schema");
        assert!(
            matches!(
                err,
                JournalError::SchemaTooNew {
                    found: 99,
                    supported: 1
                }
            ),
            "{err:?}"
        );
    }

    /// Writes acknowledged before `close` are kept (a reopened journal
    /// reads them); a write or a claim after it fails as a closed
    /// database, and nothing of it is written.
    pub async fn a_closed_journal_keeps_what_it_acknowledged_and_refuses_the_rest(url: String) {
        let scope = Scope::new(PROVIDER, ACCOUNT, REGION);
        let journal = Journal::open(&url).await.expect("open");
        journal
            .record_intent(&scope, &order("PO-KEPT", "100"))
            .await
            .expect("journaled");
        journal.close().await;
        let err = journal
            .record_intent(&scope, &order("PO-AFTER", "100"))
            .await
            .expect_err("closed");
        assert!(matches!(err, JournalError::Database { .. }), "{err:?}");
        let err = journal
            .claim(&scope, "w", Duration::from_secs(60), 10, Claim::Due)
            .await
            .expect_err("closed");
        assert!(matches!(err, JournalError::Database { .. }), "{err:?}");
        let reopened = Journal::open(&url).await.expect("reopen");
        assert_eq!(state_of(&reopened, "PO-KEPT").await, JournalState::Intent);
        assert!(reopened.get(&key("PO-AFTER")).await.unwrap().is_none());
        reopened.close().await;
    }

    /// Records a schema version from the future, through a raw connection.
    async fn bump_schema_version(url: &str) {
        let statement = "INSERT INTO journal_schema_version (version, applied_at) VALUES (99, 0)";
        match url.strip_prefix("sqlite:") {
            Some(path) => bump_sqlite(path, statement).await,
            None => bump_postgres(url, statement).await,
        }
    }

    #[cfg(feature = "sqlite")]
    async fn bump_sqlite(path: &str, statement: &str) {
        use sqlx::{Connection, Executor};
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
            .await
            .expect("connect");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut c)
            .await
            .expect("journal mode");
        assert_eq!(mode, "wal");
        c.execute(statement).await.expect("bump");
        c.close().await.expect("close");
    }

    #[cfg(not(feature = "sqlite"))]
    async fn bump_sqlite(path: &str, _statement: &str) {
        panic!("no SQLite in this build: {path}");
    }

    #[cfg(feature = "postgres")]
    async fn bump_postgres(url: &str, statement: &str) {
        use sqlx::{Connection, Executor};
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        c.execute(statement).await.expect("bump");
        c.close().await.expect("close");
    }

    #[cfg(not(feature = "postgres"))]
    async fn bump_postgres(url: &str, _statement: &str) {
        panic!("no PostgreSQL in this build: {url}");
    }
}
