//! A hotel as stored: its settings, contact, branding and time zone.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::HotelSlug;
use crate::users::{CountryCode, Phone};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotel {
    pub slug: HotelSlug,
    pub name: String,
    pub timezone: TimeZoneName,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub branding: Branding,
    /// Nights a guest stay lasts when the guest logs in from a room's QR code.
    pub default_stay_nights: u16,
    /// The countries whose phones may get a guest's login code, beside the hotel's own (its
    /// contact phone's); empty means the deployment's default list (`OTP_COUNTRIES`). Codes to
    /// anywhere else are how SMS pumping makes money.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_countries: Vec<CountryCode>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    pub logo_url: Option<String>,
    /// A CSS colour such as `#1f6f8b`.
    pub accent_color: Option<String>,
}

/// An IANA time zone name that the bundled time zone database knows, e.g. `Europe/Lisbon`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(name: &str) -> Result<Self> {
        // Real zones only (POSIX TZ strings and offsets are not zone names); the lookup ignores
        // case, so keep the database's own spelling, and an old name becomes its current one
        // (`Asia/Calcutta` → `Asia/Kolkata`), so one zone has one stored name.
        let name = name.trim();
        let zone = jiff::tz::TimeZone::get(name).ok();
        match zone.as_ref().and_then(|zone| zone.iana_name()) {
            Some(spelled) if name.len() <= 64 => Ok(Self(current_name(spelled).to_owned())),
            _ => Err(Error::field(
                "timezone",
                "use an IANA time zone name such as Europe/Lisbon",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The zone itself. Every stored name was validated, so the lookup cannot fail unless the
    /// bundled database dropped a zone; UTC is then the least surprising answer.
    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// `at` as people at the hotel read it, the zone named: "Sun 6 Dec 2026, 19:54
    /// (Asia/Kolkata)".
    pub fn local_text(&self, at: jiff::Timestamp) -> String {
        let local = at.to_zoned_datetime(self.zone());
        format!("{} ({})", local.strftime("%a %-d %b %Y, %H:%M"), self.0)
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = Error;

    fn try_from(name: String) -> Result<Self> {
        Self::parse(&name)
    }
}

impl Hotel {
    /// Whether a guest's login code may go to `phone`: its country is the hotel's own, or one
    /// the hotel accepts, or (when the hotel names none) one of `default_countries`.
    pub fn accepts_phone_of(&self, phone: &Phone, default_countries: &[CountryCode]) -> bool {
        let Some(country) = phone.country() else {
            return false;
        };
        let own = self
            .contact
            .phone
            .as_deref()
            .and_then(|phone| Phone::parse(phone).ok())
            .and_then(|phone| phone.country());
        let accepted = if self.accepted_countries.is_empty() {
            default_countries
        } else {
            &self.accepted_countries
        };
        own == Some(country) || accepted.contains(&country)
    }
}

impl From<TimeZoneName> for String {
    fn from(name: TimeZoneName) -> String {
        name.0
    }
}

/// The tz database's current name for `name` (itself unless it is an old one).
fn current_name(name: &str) -> &str {
    include_str!("zone_links.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, current)| current)
}
