//! Timers: "do this at that time" items the jobs read. Each kind has its own partition sorted
//! by due time, so a job reads exactly what is due (no Scan, however many requests are open).
//!
//! A timer is written in the same transaction as the thing it is about, and removed with a
//! conditional delete in the same transaction as the work it triggered: two runs of a job that
//! pick up the same timer cannot both act on it. A timer whose work no longer applies (a request
//! acknowledged before its deadline) is simply deleted when it comes due.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::RequestId;

/// How long a timer is kept past its due time if nothing deletes it (TTL).
const KEEP_AFTER_DUE: SignedDuration = SignedDuration::from_hours(7 * 24);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TimerKind {
    /// A request still NEW at this time escalates one level.
    Escalate,
    /// A request still NEW at this time expires.
    Expire,
    /// Staff are reminded of a request shortly before its requested-for time.
    Remind,
    /// A code sent by WhatsApp and not delivered by now falls back to SMS.
    SmsFallback,
    /// A code's record is past its retention and is deleted.
    OtpCleanup,
}

impl TimerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::Escalate => "ESCALATE",
            TimerKind::Expire => "EXPIRE",
            TimerKind::Remind => "REMIND",
            TimerKind::SmsFallback => "SMS_FALLBACK",
            TimerKind::OtpCleanup => "OTP_CLEANUP",
        }
    }
}

impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub kind: TimerKind,
    pub due_at: Timestamp,
    /// What the timer is about: a request id, or a code's key.
    pub target: String,
    /// DynamoDB's TTL attribute (epoch seconds): a forgotten timer does not stay forever.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
}

impl Timer {
    pub fn new(kind: TimerKind, due_at: Timestamp, target: impl Into<String>) -> Self {
        Self {
            kind,
            due_at,
            target: target.into(),
            expires_at: due_at.saturating_add(KEEP_AFTER_DUE).unwrap_or(due_at),
        }
    }

    /// The request a request timer is about.
    pub fn request(&self) -> Result<RequestId> {
        self.target.parse().map_err(|_| {
            Error::internal_msg(format!("{} timer with target {}", self.kind, self.target))
        })
    }

    /// The timer's sort key in its partition: due time, then target. A one-time schedule names
    /// its timer by this.
    pub fn position(&self) -> String {
        format!("{:015}#{}", self.due_at.as_millisecond(), self.target)
    }
}
