//! `payout query`: a payout's current status.

use payout::TradeNo;

use super::Report;
use crate::cli::QueryArgs;
use crate::config;
use crate::exit::Failure;
use crate::output::StatusOut;

/// Queries the payout and reports its status.
///
/// # Errors
/// A bad trade number or configuration (2), a rejection (3), a transport
/// failure (4), an invalid response (5).
pub async fn run(args: &QueryArgs) -> Result<Report, Failure> {
    let trade_no = TradeNo::new(args.trade_no.as_str())?;
    let provider = config::provider(&args.common)?;
    let status = provider.query_payout(&trade_no).await?;
    Report::ok(&StatusOut::new(provider.as_ref(), &status))
}
