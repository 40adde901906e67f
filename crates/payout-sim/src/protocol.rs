//! Which API a request, fault or callback belongs to ([`Protocol`]).

/// The two APIs the simulator serves on one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// The PayPro/Vexora platform (every region of both brands).
    Platform,
    /// Xendit Payouts v2, below `/xendit` ([`crate::xendit`]).
    Xendit,
}
