//! Balance through the SDK against the simulator's ledger, and what a
//! create takes from it.

use super::check;
use super::support::quiet_ledger;
use crate::family::{Script, SimFamily};

/// `balance()` equals the ledger (frozen and unsettled amounts only where
/// the provider has them), and a payout that stays processing takes
/// exactly its amount from the available balance (and freezes it, where
/// the provider freezes).
pub async fn matches_ledger(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let before = quiet_ledger(f, region).await?;
    let seen = p.balance().await.map_err(|e| e.to_string())?;
    check(
        seen.available == before.available
            && seen.frozen == before.frozen
            && seen.unsettled == before.unsettled,
        || format!("balance() {seen:?} differs from the ledger {before:?}"),
    )?;
    let order = f.order(region, &[Script::StayProcessing])?;
    p.create_payout(&order).await.map_err(|e| e.to_string())?;
    let after = f.ledger(region)?;
    check(
        after.available == before.available - order.amount
            && after.frozen == before.frozen.map(|fr| fr + order.amount),
        || {
            format!(
                "creating {} should take exactly that: before {before:?}, after {after:?}",
                order.amount
            )
        },
    )?;
    let seen = p.balance().await.map_err(|e| e.to_string())?;
    check(
        seen.available == after.available && seen.frozen == after.frozen,
        || format!("balance() {seen:?} differs from the ledger {after:?}"),
    )
}
