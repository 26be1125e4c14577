//! Guest stays: a guest in a room of a hotel, from check-in to check-out. A guest acts only
//! within an active stay.

pub mod departure;
pub mod list;
pub mod mine;
pub mod model;
pub mod update;

use jiff::Timestamp;
use serde::Serialize;

use crate::ids::{HotelSlug, QrCode, StayId, UserId};
use crate::members::Role;

pub use model::GuestStay;

/// What a guest sees of a stay.
#[derive(Debug, Serialize)]
pub struct StayView<'a> {
    pub id: StayId,
    pub hotel: &'a HotelSlug,
    pub location: &'a str,
    pub check_in: Timestamp,
    pub check_out: Timestamp,
    pub active: bool,
}

impl<'a> From<&'a GuestStay> for StayView<'a> {
    fn from(stay: &'a GuestStay) -> Self {
        Self {
            id: stay.id,
            hotel: &stay.hotel,
            location: &stay.location,
            check_in: stay.check_in,
            check_out: stay.check_out,
            active: stay.active,
        }
    }
}

/// What staff see of a stay: its guest too, and whether it is current.
#[derive(Debug, Serialize)]
pub struct StaffStayView<'a> {
    pub id: StayId,
    pub guest: UserId,
    pub location: &'a str,
    /// The room's QR code logs anyone into that room, so only those who manage the codes
    /// (ADMIN and above) see it.
    pub qr_code: Option<&'a QrCode>,
    pub check_in: Timestamp,
    pub check_out: Timestamp,
    /// Active and not past check-out.
    pub active: bool,
}

impl<'a> StaffStayView<'a> {
    pub fn new(stay: &'a GuestStay, now: Timestamp, viewer: Role) -> Self {
        Self {
            id: stay.id,
            guest: stay.guest,
            location: &stay.location,
            qr_code: (viewer >= Role::Admin).then_some(&stay.qr_code),
            check_in: stay.check_in,
            check_out: stay.check_out,
            active: stay.is_current(now),
        }
    }
}
