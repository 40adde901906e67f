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
pub mod sign;

pub use client::{
    HeaderList, HttpTransport, Idempotency, RequestUrl, RetryPolicy, TransportConfig, WireRequest,
    WireResponse,
};
pub use connector::{unsupported, Connector, PayoutProtocol};
pub use payout_core::Secret;
pub use sign::{HmacSha256Signer, Md5SortedSigner, Signature, Signer};
