//! The inner `data.status` table (spec §3) and its reading as a
//! [`PayoutState`].

use std::borrow::Cow;

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
    read(code).1
}

/// Reads a status code, and gives it back as the table's own text when
/// the table lists it (no allocation for documented codes).
///
/// ```
/// use payout_platform::status_code::read;
/// use payout_core::PayoutState;
/// let (code, state) = read("0015");
/// assert!(matches!(code, std::borrow::Cow::Borrowed("0015")));
/// assert_eq!(state, PayoutState::Processing);
/// assert_eq!(read("12345").1, PayoutState::Unknown);
/// ```
pub fn read(code: &str) -> (Cow<'static, str>, PayoutState) {
    match STATUS_TABLE.iter().find(|(c, _, _)| *c == code) {
        Some((c, _, s)) => (Cow::Borrowed(*c), *s),
        None => (Cow::Owned(code.to_owned()), PayoutState::Unknown),
    }
}
