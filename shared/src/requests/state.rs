//! The life of a service request (SPEC §4), as data: which moves exist and who makes them.
//!
//! NEW → ACKNOWLEDGED → IN_PROGRESS → COMPLETED. For experiences that need confirmation:
//! NEW or ACKNOWLEDGED → CONFIRMED or DECLINED (with a reason), then CONFIRMED → IN_PROGRESS →
//! COMPLETED. The guest may cancel while NEW, ACKNOWLEDGED or CONFIRMED; the expiry job moves
//! stale NEW requests to EXPIRED. COMPLETED, DECLINED, CANCELLED and EXPIRED are final.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Conflict, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    New,
    Acknowledged,
    InProgress,
    Completed,
    Confirmed,
    Declined,
    Cancelled,
    Expired,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::New,
        Status::Acknowledged,
        Status::InProgress,
        Status::Completed,
        Status::Confirmed,
        Status::Declined,
        Status::Cancelled,
        Status::Expired,
    ];

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Declined | Status::Cancelled | Status::Expired
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "NEW",
            Status::Acknowledged => "ACKNOWLEDGED",
            Status::InProgress => "IN_PROGRESS",
            Status::Completed => "COMPLETED",
            Status::Confirmed => "CONFIRMED",
            Status::Declined => "DECLINED",
            Status::Cancelled => "CANCELLED",
            Status::Expired => "EXPIRED",
        }
    }
}

impl Status {
    /// The status as a sentence says it: lower case, words apart ("in progress").
    pub fn in_prose(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in progress",
            Status::Completed => "completed",
            Status::Confirmed => "confirmed",
            Status::Declined => "declined",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }

    /// "A new request", "An acknowledged request", at the start of a sentence.
    pub fn a_request(self) -> String {
        let prose = self.in_prose();
        let article = if prose.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "An"
        } else {
            "A"
        };
        format!("{article} {prose} request")
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                Error::field("status", format!("use one of {}", names.join(", ")))
            })
    }
}

/// Who asks for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff,
    Guest,
    /// The expiry job.
    System,
}

/// Whether `actor` may move a request from `from` to `to`. `needs_confirmation` says whether
/// the request is for an experience that staff confirm or decline first.
pub fn allowed(from: Status, to: Status, needs_confirmation: bool, actor: Actor) -> bool {
    use Status::*;
    match actor {
        Actor::Guest => to == Cancelled && matches!(from, New | Acknowledged | Confirmed),
        Actor::System => from == New && to == Expired,
        Actor::Staff => match (from, to) {
            (New, Acknowledged) => true,
            (Acknowledged, InProgress) => !needs_confirmation,
            (New | Acknowledged, Confirmed | Declined) => needs_confirmation,
            (Confirmed, InProgress) => true,
            (InProgress, Completed) => true,
            _ => false,
        },
    }
}

/// Checks a move, saying why a refused one is refused: 409 when the request's state forbids it
/// (it may have changed meanwhile), 400 when the move never exists for this request.
pub fn check(
    from: Status,
    to: Status,
    needs_confirmation: bool,
    actor: Actor,
) -> Result<(), Error> {
    if allowed(from, to, needs_confirmation, actor) {
        return Ok(());
    }
    if from.is_final() {
        return Err(Error::conflict(
            Conflict::RequestClosed,
            format!(
                "This request is {} and can no longer change.",
                from.in_prose()
            ),
        ));
    }
    let exists_for_some_state = Status::ALL
        .into_iter()
        .any(|state| allowed(state, to, needs_confirmation, actor));
    if exists_for_some_state {
        Err(Error::conflict(
            Conflict::InvalidTransition,
            format!("{} cannot be marked {}.", from.a_request(), to.in_prose()),
        ))
    } else {
        Err(Error::field(
            "status",
            format!("{to} is not a status this request can be given"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    /// Every move the SPEC allows; anything else must be refused.
    fn spec_moves() -> Vec<(Status, Status, bool, Actor)> {
        let mut moves = vec![];
        for confirm in [false, true] {
            moves.push((New, Acknowledged, confirm, Actor::Staff));
            moves.push((Confirmed, InProgress, confirm, Actor::Staff));
            moves.push((InProgress, Completed, confirm, Actor::Staff));
            for from in [New, Acknowledged, Confirmed] {
                moves.push((from, Cancelled, confirm, Actor::Guest));
            }
            moves.push((New, Expired, confirm, Actor::System));
        }
        moves.push((Acknowledged, InProgress, false, Actor::Staff));
        for from in [New, Acknowledged] {
            moves.push((from, Confirmed, true, Actor::Staff));
            moves.push((from, Declined, true, Actor::Staff));
        }
        moves
    }

    #[test]
    fn exactly_the_spec_moves_are_allowed() {
        let allowed_moves = spec_moves();
        for from in Status::ALL {
            for to in Status::ALL {
                for confirm in [false, true] {
                    for actor in [Actor::Staff, Actor::Guest, Actor::System] {
                        let expected = allowed_moves.contains(&(from, to, confirm, actor));
                        assert_eq!(
                            allowed(from, to, confirm, actor),
                            expected,
                            "{from} → {to}, confirmation {confirm}, {actor:?}"
                        );
                        assert_eq!(check(from, to, confirm, actor).is_ok(), expected);
                    }
                }
            }
        }
    }

    #[test]
    fn final_states_are_final_for_everyone() {
        for from in [Completed, Declined, Cancelled, Expired] {
            for to in Status::ALL {
                let err = check(from, to, true, Actor::Staff).unwrap_err();
                assert_eq!(err.code(), "request_closed");
            }
        }
    }

    #[test]
    fn refusals_say_whether_the_state_or_the_move_is_wrong() {
        assert_eq!(
            check(New, InProgress, false, Actor::Staff)
                .unwrap_err()
                .code(),
            "invalid_transition"
        );
        assert_eq!(
            check(New, Confirmed, false, Actor::Staff)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            check(New, Expired, false, Actor::Staff)
                .unwrap_err()
                .status(),
            400
        );
    }

    #[test]
    fn refusals_name_statuses_in_prose_with_the_right_article() {
        let said = |from, to| {
            check(from, to, false, Actor::Staff)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            said(Acknowledged, Completed),
            "An acknowledged request cannot be marked completed."
        );
        assert_eq!(
            said(New, InProgress),
            "A new request cannot be marked in progress."
        );
        assert_eq!(
            said(Expired, Completed),
            "This request is expired and can no longer change."
        );
    }

    #[test]
    fn statuses_parse_from_their_names() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().unwrap(), status);
        }
        assert!("new".parse::<Status>().is_err());
    }
}
