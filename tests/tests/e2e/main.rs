//! The facade against the simulator, end to end over 127.0.0.1: what a
//! platform's own CI would run. One test binary; one module per topic.

mod balance;
mod callbacks;
mod common;
mod dropped;
mod faults;
mod lifecycle;
mod observability;
mod observed;
mod receiver;
