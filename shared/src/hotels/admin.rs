//! What superadmins and operators change on a hotel, checked.

use serde::Deserialize;

use super::{Contact, Hotel, TimeZoneName};
use crate::audit::model::{Change, Subject};
use crate::error::{Error, Result};
use crate::store::{Store, Write};
use crate::text;
use crate::users::{CountryCode, Email, Phone};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotelChanges {
    pub name: Option<String>,
    /// An IANA zone the bundled database knows, e.g. `Europe/Lisbon`.
    pub timezone: Option<TimeZoneName>,
    /// Replaces the whole contact block.
    pub contact: Option<Contact>,
    /// A CSS hex colour, `#rrggbb`; `""` clears it.
    pub accent_color: Option<String>,
    pub default_stay_nights: Option<u16>,
    /// Replaces the countries whose phones may get a guest's login code, beside the hotel's own.
    pub accepted_countries: Option<Vec<CountryCode>>,
    /// Opening and closing a hotel is the operator's.
    pub active: Option<bool>,
}

impl Contact {
    /// The contact block checked, as the public pages will show it: the phone in E.164, the
    /// email an address, the website an http(s) address on a host; blank fields left out.
    pub fn checked(self) -> Result<Self> {
        let phone = text::optional("contact.phone", self.phone, 50, text::Form::Line)?
            .map(|phone| {
                Phone::parse(&phone)
                    .map(|phone| phone.as_str().to_owned())
                    .map_err(|_| {
                        Error::field(
                            "contact.phone",
                            "use an international number such as +351 210 000 000",
                        )
                    })
            })
            .transpose()?;
        let email = text::optional("contact.email", self.email, 254, text::Form::Line)?
            .map(|email| {
                Email::parse(&email)
                    .map(|email| email.as_str().to_owned())
                    .map_err(|_| {
                        Error::field(
                            "contact.email",
                            "use an email address such as frontdesk@example.com",
                        )
                    })
            })
            .transpose()?;
        let website = text::optional("contact.website", self.website, 300, text::Form::Line)?
            .map(|website| checked_website(&website).map(|()| website))
            .transpose()?;
        Ok(Contact {
            phone,
            email,
            address: text::optional("contact.address", self.address, 300, text::Form::Lines)?,
            website,
        })
    }
}

/// A website a guest's browser may open from the hotel's page: http or https, a host, no
/// credentials, nothing a browser would run (`javascript:`, `data:`).
fn checked_website(website: &str) -> Result<()> {
    let refused = || {
        Error::field(
            "contact.website",
            "use a web address such as https://example.com",
        )
    };
    let uri: http::Uri = website.parse().map_err(|_| refused())?;
    let web = matches!(uri.scheme_str(), Some("http" | "https"));
    match uri.authority() {
        Some(authority)
            if web && !authority.host().is_empty() && !authority.as_str().contains('@') =>
        {
            Ok(())
        }
        _ => Err(refused()),
    }
}

impl HotelChanges {
    pub fn checked(self) -> Result<Self> {
        let name = self.name.map(|name| text::name("name", name)).transpose()?;
        let contact = self.contact.map(Contact::checked).transpose()?;
        let accent_color = self
            .accent_color
            .map(|color| {
                let color = color.trim().to_ascii_lowercase();
                let hex = color.len() == 7
                    && color.starts_with('#')
                    && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
                if color.is_empty() || hex {
                    Ok(color)
                } else {
                    Err(Error::field("accent_color", "use a colour such as #1f6f8b"))
                }
            })
            .transpose()?;
        if self
            .default_stay_nights
            .is_some_and(|nights| !(1..=365).contains(&nights))
        {
            return Err(Error::field("default_stay_nights", "use 1 to 365 nights"));
        }
        Ok(Self {
            name,
            timezone: self.timezone,
            contact,
            accent_color,
            default_stay_nights: self.default_stay_nights,
            accepted_countries: self.accepted_countries,
            active: self.active,
        })
    }

    pub fn apply(self, hotel: &mut Hotel) {
        if let Some(name) = self.name {
            hotel.name = name;
        }
        if let Some(timezone) = self.timezone {
            hotel.timezone = timezone;
        }
        if let Some(contact) = self.contact {
            hotel.contact = contact;
        }
        if let Some(color) = self.accent_color {
            hotel.branding.accent_color = (!color.is_empty()).then_some(color);
        }
        if let Some(nights) = self.default_stay_nights {
            hotel.default_stay_nights = nights;
        }
        if let Some(mut countries) = self.accepted_countries {
            countries.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            countries.dedup();
            hotel.accepted_countries = countries;
        }
        if let Some(active) = self.active {
            hotel.active = active;
        }
    }
}

/// Applies `change` to the hotel as stored now, conditional on it being unchanged since read,
/// with the audit entry of what `actor` changed in the same transaction (nothing is written when
/// nothing moved).
pub async fn update(
    store: &dyn Store,
    slug: &super::HotelSlug,
    actor: crate::ids::UserId,
    now: jiff::Timestamp,
    change: impl FnOnce(&mut Hotel),
) -> Result<Hotel> {
    let previous = store.hotel(slug).await?.ok_or(Error::NotFound("Hotel"))?;
    let mut next = previous.clone();
    change(&mut next);
    let entry = Change {
        subject: Subject::Hotel,
        subject_id: slug.to_string(),
        subject_label: next.name.clone(),
        before: Some(&previous),
        after: &next,
        ignore: &["slug", "created_at", "updated_at"],
    }
    .entry(slug, actor, now)?;
    let Some(entry) = entry else {
        return Ok(previous);
    };
    next.updated_at = now;
    store
        .transact(&[
            Write::ReplaceHotel {
                hotel: &next,
                previous: &previous,
            },
            Write::InsertAudit(&entry),
        ])
        .await?;
    Ok(next)
}
