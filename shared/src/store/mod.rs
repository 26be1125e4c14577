//! The store: every read and write the domain needs, one trait per aggregate, and `Store`,
//! which is all of them.
//!
//! Domain code sees these traits and domain types only; `dynamo` is the one implementation
//! and the only module that knows DynamoDB (one file per aggregate, named as here). Invariants
//! live in the writes themselves: every `Write` carries a condition, and `transact` applies a
//! list of them atomically or not at all.

pub mod dynamo;
mod hotels;
pub mod keys;
mod limits;
mod notifications;
mod otp;
mod page;
mod requests;
mod retry;
mod sessions;
mod stays;
mod timers;
mod users;
mod write;

pub use hotels::HotelStore;
pub use limits::LimitStore;
pub use notifications::NotificationStore;
pub use otp::{KNOWN_NETWORK_DAYS, OtpDelivery, OtpStore};
pub use page::{Cursor, MAX_LIMIT, Page, PageRequest};
pub use requests::{Listed, Position, RequestFilter, RequestListing, RequestStore};
pub use retry::{REQUEST_MOVE, Retry};
pub use sessions::SessionStore;
pub use stays::StayStore;
pub use timers::TimerStore;
pub use users::UserStore;
pub use write::{Part, Transact, WRITES_PER_TRANSACTION, Write};

/// Every part of the store: what `App` holds. Handlers take `&dyn Store`, or only the part
/// they use.
pub trait Store:
    HotelStore
    + UserStore
    + RequestStore
    + StayStore
    + OtpStore
    + SessionStore
    + NotificationStore
    + TimerStore
    + LimitStore
    + Transact
{
}

impl<T> Store for T where
    T: HotelStore
        + UserStore
        + RequestStore
        + StayStore
        + OtpStore
        + SessionStore
        + NotificationStore
        + TimerStore
        + LimitStore
        + Transact
{
}
