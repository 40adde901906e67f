//! Balance through the SDK against the simulator's ledger, and the freeze
//! a create makes.

use std::time::Duration;

use payout_sim::{Balances, TEST_MERCHANT_NO};

use super::check;
use crate::harness::{Harness, PATIENCE};

/// Waits until the region's ledger stops moving (time-based transitions
/// of earlier payouts done) and returns it.
async fn quiet_ledger(h: &Harness, region: &str) -> Result<Balances, String> {
    let read = || {
        h.sim
            .ledger(h.brand.id, region, TEST_MERCHANT_NO)
            .ok_or("no ledger for the test merchant")
    };
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut last = read()?;
    loop {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = read()?;
        if now == last || tokio::time::Instant::now() >= deadline {
            return Ok(now);
        }
        last = now;
    }
}

/// `balance()` equals the ledger, and a payout that stays processing
/// freezes exactly its amount.
pub async fn matches_ledger(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    let before = quiet_ledger(h, region).await?;
    let seen = p.balance().await.map_err(|e| e.to_string())?;
    check(
        seen.available == before.available
            && seen.frozen == Some(before.frozen)
            && seen.unsettled == Some(before.unsettled),
        || format!("balance() {seen:?} differs from the ledger {before:?}"),
    )?;
    let order = h.order(region, "_PROC")?;
    p.create_payout(&order).await.map_err(|e| e.to_string())?;
    let after = h
        .sim
        .ledger(h.brand.id, region, TEST_MERCHANT_NO)
        .ok_or("no ledger")?;
    check(
        after.frozen == before.frozen + order.amount
            && after.available == before.available - order.amount,
        || {
            format!(
                "creating {} should freeze exactly that: before {before:?}, after {after:?}",
                order.amount
            )
        },
    )?;
    let seen = p.balance().await.map_err(|e| e.to_string())?;
    check(
        seen.frozen == Some(after.frozen) && seen.available == after.available,
        || format!("balance() {seen:?} differs from the ledger {after:?}"),
    )
}
