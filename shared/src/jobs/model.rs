//! A job's heartbeat: when it last ran and how it went.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The last run of one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub job: String,
    pub last_run_at: Timestamp,
    /// "ok" or a short reason the run failed.
    pub last_outcome: String,
    /// How many things the run touched, by kind.
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
}
