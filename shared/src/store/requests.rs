//! Service requests and their history.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::error::Result;
use crate::ids::{ActivityId, DepartmentSlug, HotelSlug, RequestId, UserId};
use crate::requests::model::{Activity, Priority, ServiceRequest};
use crate::requests::state::Status;

#[async_trait]
pub trait RequestStore: Send + Sync {
    async fn request(&self, id: RequestId) -> Result<Option<ServiceRequest>>;

    /// A request with its history, oldest entry first, in one read.
    async fn request_with_activity(
        &self,
        id: RequestId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>>;

    /// A request with its history entries after `after`, oldest first, in one strongly
    /// consistent read (what the guest's live stream polls).
    async fn request_since(
        &self,
        id: RequestId,
        after: ActivityId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>>;

    /// Up to `limit` history entries of a hotel's requests after `after`, oldest first (what
    /// the staff's live stream polls). The hotel's activity index is eventually consistent: an
    /// entry may show up a moment after newer ones.
    async fn hotel_activity_since(
        &self,
        hotel: &HotelSlug,
        after: ActivityId,
        limit: u16,
    ) -> Result<Vec<Activity>>;

    /// Up to `limit` of a hotel's requests that are not final, oldest first.
    async fn open_requests(&self, hotel: &HotelSlug, limit: u16) -> Result<Vec<ServiceRequest>>;

    /// Up to `limit` requests of a listing, newest first, after `after` when given, that match
    /// `filter`. Reads a bounded number of pages: the result says where it stopped.
    async fn requests(
        &self,
        listing: &RequestListing,
        filter: &RequestFilter,
        limit: u16,
        after: Option<Position>,
    ) -> Result<Listed>;
}

/// Which requests a listing reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestListing {
    Hotel(HotelSlug),
    Department(HotelSlug, DepartmentSlug),
    Guest(UserId),
}

/// What listed requests must match (all given conditions).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    /// Any of these statuses (any status when empty).
    pub statuses: Vec<Status>,
    pub priority: Option<Priority>,
    pub after_hours: Option<bool>,
    /// Only requests still NEW past their deadline at this time.
    pub overdue_at: Option<Timestamp>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    /// Lowercase text the request's details, guest, room or experience contain.
    pub text: Option<String>,
}

/// A place in a request listing: listings run newest first by (creation time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub created_ms: i64,
    pub id: RequestId,
}

impl Position {
    pub fn of(request: &ServiceRequest) -> Self {
        Self {
            created_ms: request.created_at.as_millisecond(),
            id: request.id,
        }
    }
}

/// Requests read from one listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub items: Vec<ServiceRequest>,
    /// Where reading stopped: everything newer than it was examined. `None` when the listing
    /// was read to its end.
    pub frontier: Option<Position>,
}
