//! Timers the jobs work through, the jobs' heartbeats, and the digests sent.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::error::Result;
use crate::ids::HotelSlug;
use crate::jobs::model::Heartbeat;
use crate::timers::{Timer, TimerKind};

#[async_trait]
pub trait TimerStore: Send + Sync {
    /// Every job's last heartbeat.
    async fn heartbeats(&self) -> Result<Vec<Heartbeat>>;

    /// Up to `limit` timers of a kind due by `now`, earliest first, after the timer at
    /// position `after` when given.
    async fn due_timers(
        &self,
        kind: TimerKind,
        now: Timestamp,
        limit: u16,
        after: Option<&str>,
    ) -> Result<Vec<Timer>>;

    /// One timer, by its position (what a one-time schedule names).
    async fn timer(&self, kind: TimerKind, position: &str) -> Result<Option<Timer>>;

    /// The local dates from `from` on whose digest a hotel was sent, oldest first.
    async fn digests_sent_since(
        &self,
        hotel: &HotelSlug,
        from: jiff::civil::Date,
    ) -> Result<Vec<jiff::civil::Date>>;
}
