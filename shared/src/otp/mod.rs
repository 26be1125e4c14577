//! One-time codes for login by phone: six digits, stored only as a keyed hash, valid five
//! minutes, used once, at most five wrong tries, and scoped to the hotel they were asked for.

pub mod fallback;
pub mod model;
pub mod send;
pub mod verify;

use rand::RngExt;

use crate::error::{Error, Result};
use crate::hotels;
use crate::hotels::Hotel;
use crate::ids::{HotelSlug, OtpId, QrCode};
use crate::qr::QrCodeRecord;
use crate::store::Store;
use crate::users::Phone;

pub use model::{Channel, DeliveryStatus, OtpCode, OtpScope, RETENTION, Tries, VALIDITY, hash};

/// Wrong tries after which a code is dead.
pub const MAX_ATTEMPTS: u32 = 5;

impl From<OtpScope> for String {
    fn from(scope: OtpScope) -> String {
        scope.to_string()
    }
}

/// A code's key read back from `OtpCode::key`.
pub fn parse_key(key: &str) -> Result<(Phone, OtpScope, OtpId)> {
    let mut parts = key.splitn(3, '|');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(phone), Some(scope), Some(id)) => {
            Ok((Phone::parse(phone)?, scope.parse()?, id.parse()?))
        }
        _ => Err(Error::invalid("not a code's key")),
    }
}

/// What a login is for, resolved from the request's optional hotel and QR code.
pub struct Target {
    pub scope: OtpScope,
    /// The hotel, active, when one was named (directly or by the QR code).
    pub hotel: Option<Hotel>,
    /// The QR code, active, for a guest login.
    pub qr: Option<QrCodeRecord>,
}

/// Resolves the hotel and QR code of a login: a QR code implies its hotel (and must agree with
/// a hotel also named); unknown or inactive ones are "not found". Nothing is written, so a
/// failure here never uses up a code (F23).
pub async fn resolve_target(
    store: &dyn Store,
    hotel: Option<&HotelSlug>,
    qr: Option<&QrCode>,
) -> Result<Target> {
    let qr = match qr {
        Some(code) => Some(match store.qr_code(code).await? {
            Some(qr) if qr.active => qr,
            Some(_) => return Err(crate::qr::withdrawn()),
            None => return Err(Error::NotFound("QR code")),
        }),
        None => None,
    };
    let slug = match (&qr, hotel) {
        (Some(qr), Some(named)) if &qr.hotel != named => {
            return Err(Error::field("hotel", "does not match the QR code"));
        }
        (Some(qr), _) => Some(&qr.hotel),
        (None, named) => named,
    };
    let Some(slug) = slug else {
        return Ok(Target {
            scope: OtpScope::Staff,
            hotel: None,
            qr: None,
        });
    };
    let hotel = hotels::active_hotel(store, slug).await?;
    Ok(Target {
        scope: OtpScope::Hotel(hotel.slug.clone()),
        hotel: Some(hotel),
        qr,
    })
}

/// Six digits, uniformly drawn from the thread's CSPRNG (ChaCha12, seeded and reseeded from the
/// operating system), never a plain PRNG (F32).
pub fn generate_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// A code as typed: exactly six ASCII digits (spaces around are forgiven).
pub fn parse_code(input: &str) -> Result<String, Error> {
    let code = input.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(Error::field("code", "enter the 6 digits we sent you"))
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::ids::UserId;
    use crate::secrets::Keys;

    fn keys() -> Keys {
        Keys::derive(&[1u8; 32]).unwrap()
    }

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..200).map(|_| generate_code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(
            codes.len() > 190,
            "200 draws from a million should rarely collide"
        );
    }

    #[test]
    fn a_code_matches_only_its_phone_and_scope() {
        let phone = Phone::parse("+447911123456").unwrap();
        let demo = OtpScope::Hotel("demo".parse().unwrap());
        let record = OtpCode::new(
            &keys(),
            phone.clone(),
            demo.clone(),
            "123456",
            Channel::Whatsapp,
            "203.0.113.7",
            Timestamp::UNIX_EPOCH,
        );
        assert!(record.matches(&keys(), "123456"));
        assert!(!record.matches(&keys(), "123457"));
        assert!(!record.code_hash.contains("123456"));
        let other_hotel = OtpScope::Hotel("demo-annex".parse().unwrap());
        assert_ne!(
            hash(&keys(), &phone, &other_hotel, "123456"),
            record.code_hash
        );
        assert_ne!(
            hash(&keys(), &phone, &OtpScope::Staff, "123456"),
            record.code_hash
        );
    }

    #[test]
    fn scopes_round_trip_and_codes_are_parsed_strictly() {
        for scope in [
            OtpScope::Staff,
            OtpScope::Hotel("demo".parse().unwrap()),
            OtpScope::PhoneOf(UserId::generate()),
        ] {
            assert_eq!(scope.to_string().parse::<OtpScope>().unwrap(), scope);
        }
        assert_eq!(parse_code(" 012345 ").unwrap(), "012345");
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
    }
}
