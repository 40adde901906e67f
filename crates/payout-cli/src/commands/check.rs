//! `payout check`: one harmless authenticated call (balance) that proves the
//! base URL, the credentials and the region work.

use serde::Serialize;

use super::Report;
use crate::cli::CheckArgs;
use crate::config;
use crate::exit::Failure;

/// What `payout check` prints on success.
#[derive(Debug, Serialize)]
struct CheckOut<'a> {
    provider: &'a str,
    region: &'a str,
    ok: bool,
    currency: &'a str,
}

/// Asks for the balance; exit 0 when it is answered, else the usual codes
/// (2 configuration, 3 refused — e.g. bad credentials —, 4 transport, 5
/// invalid answer).
///
/// # Errors
/// As `payout balance`.
pub async fn run(args: &CheckArgs) -> Result<Report, Failure> {
    let provider = config::provider(&args.common)?;
    let balance = provider.balance().await?;
    Report::ok(&CheckOut {
        provider: provider.id(),
        region: provider.region(),
        ok: true,
        currency: balance.currency.as_str(),
    })
}
