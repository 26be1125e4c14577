//! One error type for every handler, job and store call.
//!
//! Each variant knows its HTTP status and a stable machine-readable code, and becomes the JSON
//! error shape `{"error": {"code", "message", "fields"?}}`. Internal failures are logged with
//! their cause and answered with an opaque message.

use std::collections::BTreeMap;
use std::fmt;

use http::StatusCode;
use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Field name → what is wrong with it, phrased for the person who typed it.
pub type FieldErrors = BTreeMap<String, String>;

/// A value that must be unique among users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    Email,
    Phone,
}

impl Unique {
    pub fn field(self) -> &'static str {
        match self {
            Unique::Email => "email",
            Unique::Phone => "phone",
        }
    }
}

/// How a request conflicts with the current state. Callers match on these (a retry loop on
/// `RequestChanged`, a job skipping on `TimerGone`); the API gives each as its `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A colleague acknowledged the request first.
    AlreadyAcknowledged,
    /// Someone changed the thing since it was read.
    ConcurrentUpdate,
    /// A department with this slug exists in the hotel.
    DepartmentExists,
    /// The hotel's digest of that day went out already.
    DigestSent,
    /// An experience with this id exists.
    ExperienceExists,
    /// Another worker holds a code's SMS fallback.
    FallbackBusy,
    /// The phone or email belongs to a guest account.
    GuestAccount,
    /// A hotel with this slug exists.
    HotelExists,
    /// A request with the same Idempotency-Key is still running.
    IdempotencyInFlight,
    /// An idempotency claim went stale and was taken over.
    IdempotencyLost,
    /// The Idempotency-Key is claimed already.
    IdempotencyTaken,
    /// The request's state machine does not allow the move.
    InvalidTransition,
    /// The change would leave the hotel without an active superadmin.
    LastSuperadmin,
    /// The person is a member of the hotel already.
    MemberExists,
    /// Another worker holds a notification's push.
    PushBusy,
    /// A user's push subscriptions changed since they were read.
    PushSubscriptionsChanged,
    /// A QR code with this code exists.
    QrCodeExists,
    /// The request changed since it was read (its version moved on).
    RequestChanged,
    /// The request is final and can no longer change.
    RequestClosed,
    /// The stay changed since it was read.
    StayChanged,
    /// The stay has ended already.
    StayEnded,
    /// Another run handled the timer (or record) first.
    TimerGone,
    /// A user with this id exists.
    UserExists,
}

impl Conflict {
    pub fn code(self) -> &'static str {
        match self {
            Conflict::AlreadyAcknowledged => "already_acknowledged",
            Conflict::ConcurrentUpdate => "concurrent_update",
            Conflict::DepartmentExists => "department_exists",
            Conflict::DigestSent => "digest_sent",
            Conflict::ExperienceExists => "experience_exists",
            Conflict::FallbackBusy => "fallback_busy",
            Conflict::GuestAccount => "guest_account",
            Conflict::HotelExists => "hotel_exists",
            Conflict::IdempotencyInFlight => "idempotency_in_flight",
            Conflict::IdempotencyLost => "idempotency_lost",
            Conflict::IdempotencyTaken => "idempotency_taken",
            Conflict::InvalidTransition => "invalid_transition",
            Conflict::LastSuperadmin => "last_superadmin",
            Conflict::MemberExists => "member_exists",
            Conflict::PushBusy => "push_busy",
            Conflict::PushSubscriptionsChanged => "push_subscriptions_changed",
            Conflict::QrCodeExists => "qr_code_exists",
            Conflict::RequestChanged => "request_changed",
            Conflict::RequestClosed => "request_closed",
            Conflict::StayChanged => "stay_changed",
            Conflict::StayEnded => "stay_ended",
            Conflict::TimerGone => "timer_gone",
            Conflict::UserExists => "user_exists",
        }
    }

    /// Whether the conflict is an insert finding its thing already there.
    pub fn is_existing(self) -> bool {
        matches!(
            self,
            Conflict::HotelExists
                | Conflict::DepartmentExists
                | Conflict::ExperienceExists
                | Conflict::QrCodeExists
                | Conflict::UserExists
                | Conflict::MemberExists
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that fails validation. `fields` names each offending field when there is one.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: FieldErrors,
    },
    /// A request that cannot be done as asked, with its own code (e.g. a wrong one-time code).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// A unique value (email, phone) already belongs to another user.
    #[error("This {} is already in use.", .0.field())]
    Taken(Unique),
    #[error("Authentication required.")]
    Unauthenticated,
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// A refusal with its own reason, e.g. a disabled account or a failed CSRF check.
    #[error("{message}")]
    Denied { code: &'static str, message: String },
    /// What was not found, e.g. "Hotel".
    #[error("{0} not found.")]
    NotFound(&'static str),
    /// Something that exists but is out of use (a deactivated QR code): not found, with words
    /// that say what to do instead.
    #[error("{0}")]
    Withdrawn(&'static str),
    #[error("Method not allowed.")]
    MethodNotAllowed { allow: Vec<&'static str> },
    /// The request conflicts with the current state: how, and the words a caller reads.
    #[error("{1}")]
    Conflict(Conflict, String),
    #[error("The request body is too large.")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    /// Well-formed but impossible to honour, e.g. an idempotency key reused for another body.
    #[error("{0}")]
    Unprocessable(&'static str),
    #[error("Too many requests. Try again later.")]
    RateLimited { retry_after_secs: u64 },
    /// A downstream service (WhatsApp, SMS, push) refused or failed.
    #[error("{0}")]
    BadGateway(&'static str),
    /// Our own dependencies are throttling or unreachable; the caller may retry.
    #[error("The service is busy. Try again shortly.")]
    Unavailable(#[source] BoxError),
    /// Anything unexpected. The cause is logged, never returned.
    #[error("Something went wrong on our side.")]
    Internal(#[source] BoxError),
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            fields: FieldErrors::new(),
        }
    }

    /// A validation failure of one named field.
    pub fn field(name: &str, problem: impl Into<String>) -> Self {
        let problem = problem.into();
        Error::Invalid {
            message: format!("Invalid {name}: {problem}"),
            fields: FieldErrors::from([(name.to_owned(), problem)]),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn denied(code: &'static str, message: impl Into<String>) -> Self {
        Error::Denied {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(conflict: Conflict, message: impl Into<String>) -> Self {
        Error::Conflict(conflict, message.into())
    }

    pub fn internal(source: impl Into<BoxError>) -> Self {
        Error::Internal(source.into())
    }

    /// An internal failure described by a message (no underlying error value).
    pub fn internal_msg(message: impl fmt::Display) -> Self {
        Error::Internal(message.to_string().into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Invalid { .. } | Error::BadRequest { .. } | Error::Taken(_) => {
                StatusCode::BAD_REQUEST
            }
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::Denied { .. } => StatusCode::FORBIDDEN,
            Error::NotFound(_) | Error::Withdrawn(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::Conflict(..) => StatusCode::CONFLICT,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::BadRequest { code, .. } => code,
            Error::Taken(_) => "taken",
            Error::Unauthenticated => "unauthenticated",
            Error::Forbidden => "forbidden",
            Error::Denied { code, .. } => code,
            Error::NotFound(_) | Error::Withdrawn(_) => "not_found",
            Error::MethodNotAllowed { .. } => "method_not_allowed",
            Error::Conflict(conflict, _) => conflict.code(),
            Error::PayloadTooLarge => "payload_too_large",
            Error::UnsupportedMediaType(_) => "unsupported_media_type",
            Error::Unprocessable(_) => "unprocessable",
            Error::RateLimited { .. } => "rate_limited",
            Error::BadGateway(_) => "bad_gateway",
            Error::Unavailable(_) => "unavailable",
            Error::Internal(_) => "internal",
        }
    }

    /// The body of the JSON error shape.
    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            Error::Invalid { fields, .. } if !fields.is_empty() => Some(fields.clone()),
            Error::Taken(which) => Some(FieldErrors::from([(
                which.field().to_owned(),
                self.to_string(),
            )])),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields,
            },
        }
    }

    /// Seconds the caller should wait before retrying, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Error::Unavailable(_) => Some(1),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_reveal_their_cause() {
        let err = Error::internal_msg("dynamodb: table concierge-prod missing");
        let body = serde_json::to_value(err.body()).unwrap();
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        assert!(!body.to_string().contains("dynamodb"));
    }

    #[test]
    fn field_errors_name_the_field() {
        let body =
            serde_json::to_value(Error::field("phone", "Use the +country format.").body()).unwrap();
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(body["error"]["fields"]["phone"], "Use the +country format.");
    }

    #[test]
    fn taken_values_are_a_bad_request_naming_the_field() {
        let err = Error::Taken(Unique::Email);
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        let body = serde_json::to_value(err.body()).unwrap();
        assert_eq!(
            body["error"]["fields"]["email"],
            "This email is already in use."
        );
    }
}
