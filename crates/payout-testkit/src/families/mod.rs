//! The simulator's protocol families, each a [`crate::SimFamily`].

pub mod platform;
pub mod xendit;
