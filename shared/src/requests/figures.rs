//! Figures of a set of requests, counted one way for the dashboard and the daily digest: how
//! fast they were acknowledged, how many met their deadline, how many came after hours.

use jiff::{SignedDuration, Timestamp};

use super::{ServiceRequest, Status};
use crate::error::Result;
use crate::ids::HotelSlug;
use crate::store::{Position, RequestFilter, RequestListing, Store};

/// Requests asked of the store per call when adding up a period.
const PAGE: u16 = 1000;

/// A hotel's requests made from `from` on (until `to`, when given), newest first: at most
/// `at_most` of them, and whether that was all of them.
pub async fn made_between(
    store: &dyn Store,
    hotel: &HotelSlug,
    from: Timestamp,
    to: Option<Timestamp>,
    at_most: usize,
) -> Result<(Vec<ServiceRequest>, bool)> {
    let filter = RequestFilter {
        created_from: Some(from),
        created_to: to,
        ..RequestFilter::default()
    };
    let listing = RequestListing::Hotel(hotel.clone());
    let mut requests = Vec::new();
    let mut after: Option<Position> = None;
    loop {
        // One more than the bound, to know whether there were more.
        let wanted = (at_most + 1 - requests.len()).min(usize::from(PAGE));
        let limit = u16::try_from(wanted).unwrap_or(PAGE);
        let listed = store.requests(&listing, &filter, limit, after).await?;
        after = listed.items.last().map(Position::of).or(listed.frontier);
        requests.extend(listed.items);
        if requests.len() > at_most {
            requests.truncate(at_most);
            return Ok((requests, false));
        }
        if listed.frontier.is_none() {
            return Ok((requests, true));
        }
    }
}

/// How a request stands against its response deadline at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deadline {
    /// Not acknowledged, and its deadline has not passed (or it was withdrawn before it).
    Pending,
    /// Acknowledged by its deadline.
    Met,
    /// Acknowledged late, or not acknowledged and its deadline passed while it waited.
    Missed,
}

fn deadline(request: &ServiceRequest, at: Timestamp) -> Deadline {
    match request.acknowledged_at {
        Some(acknowledged) if acknowledged <= request.response_due_at => Deadline::Met,
        Some(_) => Deadline::Missed,
        None => {
            let withdrawn_in_time = request.status == Status::Cancelled
                && request.updated_at <= request.response_due_at;
            if request.response_due_at < at && !withdrawn_in_time {
                Deadline::Missed
            } else {
                Deadline::Pending
            }
        }
    }
}

/// Whether `request` missed its response deadline, as of `at`: the one rule of the
/// dashboard, the digest and the export.
pub fn breached(request: &ServiceRequest, at: Timestamp) -> bool {
    deadline(request, at) == Deadline::Missed
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub requests: usize,
    pub after_hours: usize,
    /// Times from creation to acknowledgement, shortest first.
    ack_times: Vec<SignedDuration>,
    /// Requests whose deadline counts by then: acknowledged ones, and unacknowledged ones past
    /// their deadline that were not withdrawn before it.
    pub sla_due: usize,
    /// Of those, the ones acknowledged by their deadline.
    pub sla_met: usize,
}

impl Figures {
    /// The figures of `requests` as they stand at `at`.
    pub fn of<'a>(requests: impl IntoIterator<Item = &'a ServiceRequest>, at: Timestamp) -> Self {
        let mut figures = Figures::default();
        for request in requests {
            figures.requests += 1;
            figures.after_hours += usize::from(request.after_hours);
            if let Some(acknowledged) = request.acknowledged_at {
                figures
                    .ack_times
                    .push(acknowledged.duration_since(request.created_at));
            }
            match deadline(request, at) {
                Deadline::Met => {
                    figures.sla_due += 1;
                    figures.sla_met += 1;
                }
                Deadline::Missed => figures.sla_due += 1,
                Deadline::Pending => {}
            }
        }
        figures.ack_times.sort();
        figures
    }

    pub fn acknowledged(&self) -> usize {
        self.ack_times.len()
    }

    pub fn breaches(&self) -> usize {
        self.sla_due - self.sla_met
    }

    pub fn median_ack(&self) -> Option<SignedDuration> {
        self.percentile(50)
    }

    pub fn p90_ack(&self) -> Option<SignedDuration> {
        self.percentile(90)
    }

    /// The nearest-rank percentile `p` of the times to acknowledge.
    fn percentile(&self, p: usize) -> Option<SignedDuration> {
        let last = self.ack_times.len().checked_sub(1)?;
        self.ack_times.get((last * p).div_ceil(100)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{RequestId, StayId, UserId};
    use crate::requests::Priority;

    /// A NEW request made at `created_at`, due at `response_due_at`.
    fn request(created_at: Timestamp, response_due_at: Timestamp) -> ServiceRequest {
        ServiceRequest {
            id: RequestId::generate(),
            hotel: "demo".parse().unwrap(),
            stay: StayId::generate(),
            guest: UserId::generate(),
            guest_name: "Ana".into(),
            location: "101".into(),
            department: "spa".parse().unwrap(),
            experience: None,
            experience_name: None,
            needs_confirmation: false,
            details: String::new(),
            requested_for: None,
            priority: Priority::Normal,
            status: Status::New,
            after_hours: false,
            response_due_at,
            acknowledged_at: None,
            acknowledged_by: None,
            acknowledged_by_name: None,
            assignee: None,
            assignee_name: None,
            confirmation_reason: None,
            escalation_level: 0,
            escalated_at: None,
            guest_left_at: None,
            version: 1,
            created_at,
            updated_at: created_at,
        }
    }

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minutes * 60).unwrap()
    }

    #[test]
    fn acknowledgement_times_and_deadlines_add_up() {
        // Made at 0, due at 10 (minutes).
        let acked = |minute: i64| {
            let mut r = request(at(0), at(10));
            r.status = Status::Acknowledged;
            r.acknowledged_at = Some(at(minute));
            r
        };
        let mut late_unacked = request(at(0), at(10));
        late_unacked.after_hours = true;
        let pending = request(at(0), at(30));
        let mut withdrawn = request(at(0), at(10));
        withdrawn.status = Status::Cancelled;
        withdrawn.updated_at = at(5);
        let requests = [
            acked(2),
            acked(4),
            acked(12),
            late_unacked,
            pending,
            withdrawn,
        ];
        let figures = Figures::of(&requests, at(20));
        assert_eq!(figures.requests, 6);
        assert_eq!(figures.after_hours, 1);
        assert_eq!(figures.acknowledged(), 3);
        assert_eq!(figures.sla_due, 4, "three acknowledged, one overdue");
        assert_eq!(figures.sla_met, 2);
        assert_eq!(figures.breaches(), 2);
        assert_eq!(figures.median_ack(), Some(SignedDuration::from_mins(4)));
        assert_eq!(figures.p90_ack(), Some(SignedDuration::from_mins(12)));
        // Later, the pending one is overdue too.
        assert_eq!(Figures::of(&requests, at(31)).sla_due, 5);
    }

    #[test]
    fn nothing_acknowledged_has_no_times() {
        let figures = Figures::of(&[], at(0));
        assert_eq!((figures.median_ack(), figures.p90_ack()), (None, None));
        assert_eq!(figures.breaches(), 0);
    }
}
