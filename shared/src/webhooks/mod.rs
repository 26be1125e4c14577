//! Callbacks from third parties.

pub mod gupshup;
