//! Hotels: the tenant of everything else, identified by slug.

pub mod admin;
pub mod get;
pub mod logo;
pub mod model;
pub mod settings;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::HotelSlug;
use crate::store::Store;

pub use model::{Branding, Contact, Hotel, TimeZoneName};

/// A hotel that exists and is active; anything else is "Hotel not found."
pub async fn active_hotel(store: &dyn Store, slug: &HotelSlug) -> Result<Hotel> {
    require_active(store.hotel(slug).await?)
}

/// The hotel if it is there and active.
pub fn require_active(hotel: Option<Hotel>) -> Result<Hotel> {
    hotel
        .filter(|hotel| hotel.active)
        .ok_or(Error::NotFound("Hotel"))
}

/// What anyone may see of a hotel.
#[derive(Debug, Serialize)]
pub struct PublicHotel<'a> {
    pub slug: &'a HotelSlug,
    pub name: &'a str,
    pub timezone: &'a str,
    pub contact: &'a Contact,
    pub branding: &'a Branding,
}

impl<'a> From<&'a Hotel> for PublicHotel<'a> {
    fn from(hotel: &'a Hotel) -> Self {
        Self {
            slug: &hotel.slug,
            name: &hotel.name,
            timezone: hotel.timezone.as_str(),
            contact: &hotel.contact,
            branding: &hotel.branding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_old_zone_name_tells_the_time_of_its_current_one() {
        let lines = include_str!("zone_links.txt").lines();
        let links: Vec<(&str, &str)> = lines
            .filter(|line| !line.starts_with('#'))
            .map(|line| line.split_once(' ').unwrap())
            .collect();
        assert!(links.len() > 100);
        let instants: Vec<jiff::Timestamp> = (1990..2030)
            .flat_map(|year| {
                [
                    format!("{year}-01-15T12:00:00Z"),
                    format!("{year}-07-15T12:00:00Z"),
                ]
            })
            .map(|at| at.parse().unwrap())
            .collect();
        for (old, current) in links {
            let (Ok(old_zone), Ok(current_zone)) = (
                jiff::tz::TimeZone::get(old),
                jiff::tz::TimeZone::get(current),
            ) else {
                panic!("{old} or {current} is not in the bundled database");
            };
            for at in &instants {
                assert_eq!(
                    old_zone.to_offset(*at),
                    current_zone.to_offset(*at),
                    "{old} → {current} at {at}"
                );
            }
            assert_eq!(TimeZoneName::parse(old).unwrap().as_str(), current);
        }
    }

    #[test]
    fn time_zones_must_be_real_iana_names() {
        assert!(TimeZoneName::parse("Europe/Lisbon").is_ok());
        assert!(TimeZoneName::parse("America/Argentina/Buenos_Aires").is_ok());
        assert!(TimeZoneName::parse("UTC").is_ok());
        assert_eq!(
            TimeZoneName::parse("europe/lisbon").unwrap().as_str(),
            "Europe/Lisbon"
        );
        assert_eq!(
            TimeZoneName::parse("  Asia/Calcutta \n").unwrap().as_str(),
            "Asia/Kolkata"
        );
        assert_eq!(
            TimeZoneName::parse("portugal").unwrap().as_str(),
            "Europe/Lisbon"
        );
        assert_eq!(TimeZoneName::parse("Etc/UTC").unwrap().as_str(), "Etc/UTC");
        assert_eq!(TimeZoneName::parse("UTC").unwrap().as_str(), "Etc/UTC");
        for bad in [
            "",
            "Mars/Olympus",
            "Europe/Lisbon/x",
            "+01:00",
            "EST5EDT,M3.2.0,M11.1.0",
        ] {
            assert!(TimeZoneName::parse(bad).is_err(), "{bad}");
        }
    }
}
