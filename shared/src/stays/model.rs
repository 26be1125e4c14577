//! A guest's stay as stored.

use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hotels::model::Hotel;
use crate::ids::{HotelSlug, QrCode, StayId, UserId};

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

/// Local time of day a stay ends.
const CHECK_OUT_HOUR: i8 = 12;
