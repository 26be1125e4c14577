//! Guest stays: a guest in a room of a hotel, from check-in to check-out. A guest acts only
//! within an active stay.

pub mod departure;
pub mod list;
pub mod mine;
pub mod update;

use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hotels::Hotel;
use crate::ids::{HotelSlug, QrCode, StayId, UserId};
use crate::members::Role;

/// Local time of day a stay ends.
const CHECK_OUT_HOUR: i8 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuestStay {
    pub id: StayId,
    pub guest: UserId,
    pub hotel: HotelSlug,
    /// The room or place, from the QR code the guest logged in with.
    pub location: String,
    pub qr_code: QrCode,
    pub check_in: Timestamp,
    pub check_out: Timestamp,
    pub active: bool,
}

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

impl GuestStay {
    /// Active and not past check-out.
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.active && now < self.check_out
    }

    /// A stay starting now in the room of `qr_code`, ending at noon (hotel time) after the
    /// hotel's default number of nights.
    pub fn begin(
        guest: UserId,
        hotel: &Hotel,
        location: &str,
        qr_code: &QrCode,
        now: Timestamp,
    ) -> Result<Self> {
        let zone = hotel.timezone.zone();
        let check_out = now
            .to_zoned_datetime(zone.clone())
            .date()
            .checked_add(i64::from(hotel.default_stay_nights).days())
            .and_then(|date| date.at(CHECK_OUT_HOUR, 0, 0, 0).to_zoned_datetime(zone))
            .map_err(Error::internal)?
            .timestamp();
        Ok(Self {
            id: StayId::generate(),
            guest,
            hotel: hotel.slug.clone(),
            location: location.to_owned(),
            qr_code: qr_code.clone(),
            check_in: now,
            check_out,
            active: true,
        })
    }
}
