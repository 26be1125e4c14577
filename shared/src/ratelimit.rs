//! Rate limits kept in DynamoDB with atomic counters (fixed windows): one `ADD` per rule, so
//! they hold under any concurrency and across every Lambda instance (F3).

use std::fmt;

use futures_util::future::try_join_all;
use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::store::Store;

/// At most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub max: u32,
    pub window_secs: u32,
}

impl Rule {
    pub const fn new(max: u32, window_secs: u32) -> Self {
        Self { max, window_secs }
    }

    /// `3/600,10/86400`: hits per seconds, comma-separated.
    pub fn parse_list(text: &str) -> Result<Vec<Rule>, String> {
        text.split(',')
            .map(|rule| {
                let (max, window) = rule
                    .trim()
                    .split_once('/')
                    .ok_or("write rules as hits/seconds, e.g. 3/600")?;
                let max = max.trim().parse().map_err(|_| "hits must be a number")?;
                let window_secs: u32 = window
                    .trim()
                    .parse()
                    .map_err(|_| "seconds must be a number")?;
                if window_secs == 0 {
                    return Err("a window must last at least a second".to_owned());
                }
                Ok(Rule { max, window_secs })
            })
            .collect()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.max, self.window_secs)
    }
}

/// The limits the service enforces; each is a list of rules that must all hold.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Codes sent to one phone.
    pub otp_send_per_phone: Vec<Rule>,
    /// Codes requested from one client IP.
    pub otp_send_per_ip: Vec<Rule>,
    /// Codes tried for one phone.
    pub otp_verify_per_phone: Vec<Rule>,
    /// Password logins per client IP and email.
    pub password_login: Vec<Rule>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            otp_send_per_phone: vec![Rule::new(3, 600), Rule::new(10, 86_400)],
            otp_send_per_ip: vec![Rule::new(20, 3600)],
            otp_verify_per_phone: vec![Rule::new(10, 600)],
            password_login: vec![Rule::new(10, 900)],
        }
    }
}

/// Counts one hit of `subject` against every rule of `limit`; refuses with 429 (and how long
/// to wait) when any rule is exceeded. Every attempt counts, refused ones included.
pub async fn hit(
    store: &dyn Store,
    now: Timestamp,
    limit: &str,
    rules: &[Rule],
    subject: &str,
) -> Result<()> {
    let now_secs = now.as_second();
    let hits = rules.iter().map(|rule| async move {
        let window = i64::from(rule.window_secs);
        let start = now_secs.div_euclid(window) * window;
        let end = start + window;
        let counter = format!("{limit}#{rule}#{subject}");
        // Kept a little past the window, then DynamoDB's TTL removes it.
        let count = store.increment_counter(&counter, start, end + 60).await?;
        Ok::<_, Error>((count, rule, end - now_secs))
    });
    let counted = try_join_all(hits).await?;
    let retry_after = counted
        .iter()
        .filter(|(count, rule, _)| *count > u64::from(rule.max))
        .map(|(_, _, remaining)| (*remaining).max(1))
        .max();
    match retry_after {
        Some(seconds) => Err(Error::RateLimited {
            retry_after_secs: u64::try_from(seconds).unwrap_or(1),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_from_configuration() {
        assert_eq!(
            Rule::parse_list("3/600, 10/86400").unwrap(),
            vec![Rule::new(3, 600), Rule::new(10, 86_400)]
        );
        for bad in ["", "3", "3/0", "x/60", "3/60,"] {
            assert!(Rule::parse_list(bad).is_err(), "{bad}");
        }
    }
}
