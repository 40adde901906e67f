//! `payout balance`: the merchant's float.

use super::Report;
use crate::cli::BalanceArgs;
use crate::config;
use crate::exit::Failure;
use crate::output::BalanceOut;

/// Asks for the balance and reports it.
///
/// # Errors
/// As `payout query`.
pub async fn run(args: &BalanceArgs) -> Result<Report, Failure> {
    let provider = config::provider(&args.common)?;
    let balance = match &args.currency {
        Some(c) => {
            let currency: payout::Currency = c.parse()?;
            provider.balance_in(currency).await?
        }
        None => provider.balance().await?,
    };
    Report::ok(&BalanceOut::new(provider.as_ref(), &balance))
}
