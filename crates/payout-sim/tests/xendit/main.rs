//! The Xendit Payouts v2 simulator over real HTTP: authentication,
//! idempotency, validation, the lifecycle and its magic account numbers,
//! queries, cancellation, the ledger, webhooks, faults, the rate limiter
//! and the memory bound.

mod auth;
mod balance;
mod cancel;
mod common;
mod create;
mod faults;
mod lifecycle;
mod limits;
mod query;
mod validation;
mod webhooks;
