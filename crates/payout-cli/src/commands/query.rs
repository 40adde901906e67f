//! `payout query`: a payout's current status.

use payout::{Error, TradeNo};

use super::Report;
use crate::cli::QueryArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::output::{NotFoundOut, StatusOut};

/// Queries the payout (by trade number, or by the provider's id with
/// `--payout-id`) and reports its status.
///
/// # Errors
/// A bad trade number or configuration (2), a rejection (3), a transport
/// failure (4), an invalid response (5). A provider that proves no payout
/// exists under the trade number is reported with exit 8.
pub async fn run(args: &QueryArgs) -> Result<Report, Failure> {
    let provider = config::provider(&args.common)?;
    let result = match (&args.trade_no, &args.payout_id) {
        (Some(t), _) => {
            let trade_no = TradeNo::new(t.as_str())?;
            provider.query_payout(&trade_no).await
        }
        (None, Some(id)) => provider.query_by_provider_id(id).await,
        (None, None) => return Err(Failure::usage("give --trade-no T or --payout-id ID")),
    };
    match result {
        Ok(status) => Report::ok(&StatusOut::new(provider.as_ref(), &status)),
        Err(Error::NotFound { trade_no, .. }) => not_found(provider.id(), &trade_no),
        Err(e) => Err(e.into()),
    }
}

/// The exit-8 report: the provider proves no payout exists under `trade_no`.
///
/// # Errors
/// Only if the output cannot be written.
pub fn not_found(provider: &str, trade_no: &TradeNo) -> Result<Report, Failure> {
    Report::with(
        &NotFoundOut::new(provider, trade_no),
        Exit::NotFound,
        Some(format!(
            "{provider} has no payout under trade number {trade_no}"
        )),
    )
}
