//! The simulator driven by the real SDK: states, variants, authentication,
//! the ledger, every fault and the callbacks.

mod auth;
mod callbacks;
mod common;
mod create;
mod faults;
mod query;
mod scheme;
