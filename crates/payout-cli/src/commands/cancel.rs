//! `payout cancel`: cancel a payout not yet handed to the bank.

use payout::{Operation, PayoutRef, TradeNo};

use super::Report;
use crate::cli::CancelArgs;
use crate::config;
use crate::exit::Failure;
use crate::output::StatusOut;

/// Cancels the payout and reports its status (`cancelled`).
///
/// # Errors
/// A provider without cancel (2, nothing sent), a refusal (3: code and
/// message on stderr), a transport failure (4), an invalid response (5).
pub async fn run(args: &CancelArgs) -> Result<Report, Failure> {
    let provider = config::provider(&args.common)?;
    if !provider
        .capabilities()
        .supports(provider.region(), Operation::CancelPayout)
    {
        return Err(Failure::usage(format!(
            "{} does not offer cancelling payouts in region {}; nothing was sent",
            provider.id(),
            provider.region()
        )));
    }
    let target = match (&args.trade_no, &args.payout_id) {
        (Some(t), _) => PayoutRef::TradeNo(TradeNo::new(t.as_str())?),
        (None, Some(id)) => PayoutRef::ProviderId(id.clone()),
        (None, None) => return Err(Failure::usage("give --trade-no T or --payout-id ID")),
    };
    let status = provider.cancel_payout(&target).await?;
    Report::ok(&StatusOut::new(provider.as_ref(), &status))
}
