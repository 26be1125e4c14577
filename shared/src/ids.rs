//! Identifiers, validated on the way in: a value of one of these types is always well formed,
//! so a malformed id is refused with a 400 before any store call.

use std::fmt;
use std::str::FromStr;

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Longest slug we accept (hotel and department slugs appear in URLs and keys).
pub const SLUG_MAX: usize = 50;

fn is_slug(s: &str) -> bool {
    let bytes = s.as_bytes();
    (1..=SLUG_MAX).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $what:literal, $valid:expr, $rule:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The field name used in error messages.
            pub const WHAT: &'static str = $what;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                let valid: fn(&str) -> bool = $valid;
                if valid(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(Error::field($what, $rule))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;

            fn try_from(s: String) -> Result<Self, Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A hotel's slug, e.g. `grand-lisbon`: the hotel's identity in URLs and keys.
    HotelSlug,
    "hotel",
    is_slug,
    "use 1 to 50 lowercase letters, digits or inner hyphens"
);

string_id!(
    /// A department's slug within its hotel, e.g. `housekeeping`.
    DepartmentSlug,
    "department",
    is_slug,
    "use 1 to 50 lowercase letters, digits or inner hyphens"
);

/// Length of a QR code: 16 random bytes in lowercase base32.
pub const QR_CODE_LEN: usize = 26;

string_id!(
    /// The unguessable code printed in a room's QR code (128 random bits).
    QrCode,
    "code",
    |s| s.len() == QR_CODE_LEN && s.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
    "a QR code is 26 letters and digits"
);

impl QrCode {
    /// A fresh code from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let bytes: [u8; 16] = rand::rng().random();
        Self::from_bytes(bytes)
    }

    /// A code from 16 given bytes; used for deterministic demo data.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(
            data_encoding::BASE32_NOPAD
                .encode(&bytes)
                .to_ascii_lowercase(),
        )
    }
}

/// ULIDs in generation order: within a millisecond the random part counts up, so two things
/// made in one request (two history entries, say) keep their order.
fn monotonic_ulid() -> ulid::Ulid {
    static GENERATOR: std::sync::Mutex<ulid::Generator> =
        std::sync::Mutex::new(ulid::Generator::new());
    let mut generator = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    generator
        .generate()
        .unwrap_or_else(|overflow| overflow.commit_overflow_random())
}

macro_rules! ulid_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(ulid::Ulid);

        impl $name {
            /// The field name used in error messages.
            pub const WHAT: &'static str = $what;

            /// A new id, ordered by creation time (ULID), and after every id this process
            /// generated before, even within one millisecond.
            pub fn generate() -> Self {
                Self(monotonic_ulid())
            }

            /// A fixed id from 16 bytes; for deterministic demo data.
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(ulid::Ulid::from_bytes(bytes))
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                // 26 base32 digits hold 130 bits; a ULID's first digit keeps it within 128.
                if s.len() != ulid::ULID_LEN || !matches!(s.as_bytes()[0], b'0'..=b'7') {
                    return Err(Error::field($what, "not a valid id"));
                }
                ulid::Ulid::from_string(s)
                    .map(Self)
                    .map_err(|_| Error::field($what, "not a valid id"))
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;

            fn try_from(s: String) -> Result<Self, Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }

        /// Lowercase Crockford base32, 26 characters.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0.to_string().to_ascii_lowercase())
            }
        }
    };
}

ulid_id!(
    /// A user (guest or staff).
    UserId,
    "user"
);
ulid_id!(
    /// An experience offered by a hotel.
    ExperienceId,
    "experience"
);
ulid_id!(
    /// A guest's stay in a hotel.
    StayId,
    "stay"
);
ulid_id!(
    /// One one-time code that was sent.
    OtpId,
    "otp"
);
ulid_id!(
    /// A login session: the family of refresh tokens that rotate from one login.
    SessionId,
    "session"
);
ulid_id!(
    /// One token (its `jti`).
    TokenId,
    "token"
);
ulid_id!(
    /// A guest's service request.
    RequestId,
    "request"
);
ulid_id!(
    /// One entry of a hotel's audit log.
    AuditId,
    "audit entry"
);
ulid_id!(
    /// One entry of a request's history.
    ActivityId,
    "activity"
);
impl ActivityId {
    /// The first id of the millisecond `at`: every id generated from `at` on sorts after it.
    pub fn first_at(at: jiff::Timestamp) -> Self {
        Self(ulid::Ulid::from_parts(
            u64::try_from(at.as_millisecond()).unwrap_or(0),
            0,
        ))
    }

    /// When the id was generated, to the millisecond.
    pub fn time(self) -> jiff::Timestamp {
        i64::try_from(self.0.timestamp_ms())
            .ok()
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

ulid_id!(
    /// An in-app notification.
    NotificationId,
    "notification"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_lowercase_words_with_inner_hyphens() {
        for ok in ["demo", "demo-annex", "a", "h0tel-9", &"x".repeat(SLUG_MAX)] {
            assert!(ok.parse::<HotelSlug>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn slugs_refuse_odd_characters_and_lengths() {
        let too_long = "x".repeat(SLUG_MAX + 1);
        for bad in [
            "",
            "-demo",
            "demo-",
            "Demo",
            "de mo",
            "de/mo",
            "dé",
            "demo%20",
            "HOTEL#x",
            too_long.as_str(),
        ] {
            let err = bad.parse::<HotelSlug>().unwrap_err();
            assert_eq!(err.code(), "invalid", "{bad}");
        }
    }

    #[test]
    fn qr_codes_are_26_base32_characters_and_unique() {
        let a = QrCode::generate();
        let b = QrCode::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), QR_CODE_LEN);
        assert_eq!(a.as_str().parse::<QrCode>().unwrap(), a);
        assert!("0".repeat(QR_CODE_LEN).parse::<QrCode>().is_err());
        assert!(a.as_str()[..25].parse::<QrCode>().is_err());
    }

    #[test]
    fn ulid_ids_round_trip_in_lowercase_and_refuse_garbage() {
        let id = UserId::generate();
        let text = id.to_string();
        assert_eq!(text, text.to_ascii_lowercase());
        assert_eq!(text.parse::<UserId>().unwrap(), id);
        assert_eq!(text.to_ascii_uppercase().parse::<UserId>().unwrap(), id);
        for bad in ["", "123", "zzzzzzzzzzzzzzzzzzzzzzzzzz", &format!("{text}0")] {
            assert!(bad.parse::<UserId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn activity_ids_of_a_moment_sort_after_its_first_id() {
        let before = jiff::Timestamp::now();
        let id = ActivityId::generate();
        let first = ActivityId::first_at(before);
        assert!(first < id);
        assert!(id < ActivityId::first_at(before + jiff::SignedDuration::from_secs(5)));
        assert!(first.time() <= before);
        assert!(before.duration_since(first.time()) < jiff::SignedDuration::from_millis(1));
        assert!(id.time() >= first.time() && id.time() <= jiff::Timestamp::now());
    }
}
