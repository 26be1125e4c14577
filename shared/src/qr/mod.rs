//! QR codes: one per room or place, each with an unguessable code that starts a guest's stay.

pub mod admin;
pub mod create;
pub mod deactivate;
pub mod get;
pub mod image;
pub mod list;
pub mod update;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{HotelSlug, QrCode};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QrCodeRecord {
    pub hotel: HotelSlug,
    pub code: QrCode,
    /// What staff call it, e.g. "Room 101 door".
    pub label: String,
    /// The room or place a guest who scans it is in, e.g. "101".
    pub location: String,
    pub active: bool,
    pub scan_count: u64,
    pub created_at: Timestamp,
}

/// What a guest holding a deactivated room code reads.
pub fn withdrawn() -> crate::error::Error {
    crate::error::Error::Withdrawn(
        "This room code is no longer in use. Ask reception for a new one.",
    )
}
