//! The inner `data.status` table (spec §3) and its reading as a
//! [`PayoutState`].

use payout_core::PayoutState;

/// Success.
pub const SUCCESS: &str = "0000";
/// Processing (`PAYING`, `CREDIT_INPROGRESS`).
pub const PROCESSING: &str = "0015";
/// Partial payment: collections only, never a payout.
pub const PARTIAL: &str = "0001";
/// Failed (`REJECTED_TRANSACTION`).
pub const FAILED: &str = "00029";

/// Every documented status code, its meaning and the state the SDK reads.
///
/// A code that is not here maps to [`PayoutState::Unknown`], never to
/// failed: a payout wrongly reported failed may be re-sent and pay twice.
pub const STATUS_TABLE: &[(&str, &str, PayoutState)] = &[
    (SUCCESS, "success", PayoutState::Succeeded),
    (PROCESSING, "processing", PayoutState::Processing),
    (
        PARTIAL,
        "partial payment (collections only)",
        PayoutState::Unknown,
    ),
    (FAILED, "failed", PayoutState::Failed),
    ("00032", "unknown error (failed)", PayoutState::Failed),
    (
        "0100019",
        "payee daily amount limit reached",
        PayoutState::Failed,
    ),
    (
        "0100007",
        "payee daily count limit reached",
        PayoutState::Failed,
    ),
    (
        "0100023",
        "payee monthly count limit reached",
        PayoutState::Failed,
    ),
    ("0100024", "duplicate reference number", PayoutState::Failed),
    (
        "60030",
        "payee maximum balance exceeded",
        PayoutState::Failed,
    ),
    ("60019", "insufficient funds", PayoutState::Failed),
    ("00028", "amount not numeric", PayoutState::Failed),
    ("8000", "system error", PayoutState::Failed),
];

/// Reads a status code.
///
/// ```
/// use payout_platform::status_code::state_of;
/// use payout_core::PayoutState;
/// assert_eq!(state_of("0015"), PayoutState::Processing);
/// assert_eq!(state_of("60019"), PayoutState::Failed);
/// assert_eq!(state_of("12345"), PayoutState::Unknown);
/// ```
pub fn state_of(code: &str) -> PayoutState {
    STATUS_TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(PayoutState::Unknown, |(_, _, s)| *s)
}
