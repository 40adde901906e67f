//! # payout-transport
//!
//! What every provider adapter shares below its dialect: request
//! [`sign`]ers (MD5 sorted-concat, HMAC-SHA256) and the [`client`] transport
//! (one pooled rustls client, timeouts, a response-size cap and retries
//! that never repeat a request that could move money twice), and the
//! workspace's one [`json`] writer. With the `fake-server` feature (for
//! tests only), `fake_server`: the workspace's one scripted HTTP server.

pub mod client;
pub mod connector;
#[cfg(feature = "fake-server")]
pub mod fake_server;
pub mod json;
pub mod metrics;
pub mod sign;

pub use client::{
    AuditEvent, AuditHook, HeaderList, HttpTransport, Idempotency, RequestUrl, RetryPolicy,
    TransportConfig, WireRequest, WireResponse,
};
pub use connector::{Connector, PayoutProtocol};
pub use payout_core::Secret;

// Foreign types of this crate's public signatures, so that users need no
// version-matched dependency of their own.
pub use bytes;
pub use payout_core::http;
pub use reqwest;
pub use sign::{HmacSha256Signer, Md5SortedSigner, Signature, Signer};
