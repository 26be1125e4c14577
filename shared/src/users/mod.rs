//! Users: guests (known by phone) and staff (phone always, email and password optionally).

pub mod password;

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{HotelSlug, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserKind {
    Guest,
    Staff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub kind: UserKind,
    pub name: String,
    /// The email the account logs in with and is found by: unique (claimed), and set only by
    /// someone entitled to (see `managed_by`), never by the user on their own say-so.
    pub email: Option<Email>,
    /// An email the user gave on their own profile: shown back to them, but never claimed,
    /// matched by onboarding or used to log in, since nobody proved it is theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified_email: Option<Email>,
    pub phone: Option<Phone>,
    /// An Argon2id PHC string; `None` means no usable password (OTP login only).
    pub password_hash: Option<String>,
    pub active: bool,
    /// Platform operators create hotels and their first superadmin.
    #[serde(default)]
    pub is_operator: bool,
    /// The hotel whose admins may still set this account's phone and email: the one that
    /// created it, until its owner first signs in or another hotel takes them on. `None`: the
    /// phone and email belong to the person alone (SPEC §11). Accounts stored before this field
    /// existed read as `None`, which is the safe side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<HotelSlug>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl User {
    /// Whether admins of `hotel` may set this account's phone and email: only while the account
    /// has no standing outside that hotel (no other hotel, not an operator, never signed in).
    pub fn identity_managed_by(&self, hotel: &HotelSlug) -> bool {
        !self.is_operator && self.managed_by.as_ref() == Some(hotel)
    }

    /// The account once its owner signs in: theirs alone from then on. `None` when nothing
    /// changes, so a login writes the user only the first time.
    pub fn signed_in(&self, now: Timestamp) -> Option<User> {
        self.managed_by.as_ref()?;
        let mut next = self.clone();
        next.managed_by = None;
        next.updated_at = now;
        Some(next)
    }
}

/// What a user sees of themselves.
#[derive(Debug, Serialize)]
pub struct Profile<'a> {
    pub id: UserId,
    pub kind: UserKind,
    pub name: &'a str,
    /// The email the account logs in with.
    pub email: Option<&'a Email>,
    /// The email the user gave themselves, not yet proven theirs (no login, no matching).
    pub unverified_email: Option<&'a Email>,
    pub phone: Option<&'a Phone>,
    pub is_operator: bool,
    pub has_password: bool,
}

impl<'a> From<&'a User> for Profile<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            id: user.id,
            kind: user.kind,
            name: &user.name,
            email: user.email.as_ref(),
            unverified_email: user.unverified_email.as_ref(),
            phone: user.phone.as_ref(),
            is_operator: user.is_operator,
            has_password: user.password_hash.is_some(),
        }
    }
}

/// An email address, trimmed and lowercased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self> {
        let email = input.trim().to_lowercase();
        let invalid = || Error::field("email", "enter an email address such as name@example.com");
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number in E.164 form (`+447911123456`), the identity of a guest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts international format with spaces, dashes or brackets and normalises to E.164.
    pub fn parse(input: &str) -> Result<Self> {
        let invalid = || {
            Error::field(
                "phone",
                "enter the number in international format, starting with + and the country code",
            )
        };
        let input = input.trim();
        if !input.starts_with('+') || input.len() > 32 {
            return Err(invalid());
        }
        let number = phonenumber::parse(None, input).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the leading `+`, as WhatsApp providers want them.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// The country the number belongs to, when its numbering plan tells one.
    pub fn country(&self) -> Option<CountryCode> {
        let number = phonenumber::parse(None, &self.0).ok()?;
        Some(CountryCode(number.country().id()?))
    }
}

/// A country, by its ISO 3166 alpha-2 code (`PT`), as phone numbering plans know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(phonenumber::country::Id);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self> {
        input
            .trim()
            .to_ascii_uppercase()
            .parse()
            .map(Self)
            .map_err(|_| Error::field("country", "use a two-letter country code such as PT"))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }
}

impl TryFrom<String> for CountryCode {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> String {
        code.as_str().to_owned()
    }
}

impl TryFrom<String> for Phone {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_e164() {
        assert_eq!(
            Phone::parse("+44 7911 123456").unwrap().as_str(),
            "+447911123456"
        );
        assert_eq!(
            Phone::parse(" +1 (415) 555-2671 ").unwrap().as_str(),
            "+14155552671"
        );
        assert_eq!(
            Phone::parse("+351 912 345 678").unwrap().digits(),
            "351912345678"
        );
    }

    #[test]
    fn phones_without_country_or_valid_digits_are_refused() {
        for bad in [
            "",
            "07700900123",
            "+",
            "+1",
            "+44 12",
            "+999 123456789",
            "phone",
            "+44 7911 123456 ext 5 5 5 5 5 5 5 5 5",
        ] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Invalid { .. }), "{bad}");
        }
    }

    #[test]
    fn phones_tell_their_country_and_countries_parse_strictly() {
        let lisbon = Phone::parse("+351 210 000 000").unwrap();
        assert_eq!(lisbon.country().unwrap().as_str(), "PT");
        assert_eq!(
            Phone::parse("+1 212 555 0100")
                .unwrap()
                .country()
                .unwrap()
                .as_str(),
            "US"
        );
        assert_eq!(CountryCode::parse(" gb ").unwrap().as_str(), "GB");
        for bad in ["", "G", "GBR", "ZZ", "12"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Admin@Demo.Test ").unwrap().as_str(),
            "admin@demo.test"
        );
        for bad in [
            "",
            "admin",
            "admin@",
            "@demo.test",
            "a b@demo.test",
            "a@demo",
            "a@.test",
            "a@demo..test",
            "a@b@demo.test",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
