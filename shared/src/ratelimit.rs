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

/// The limits the service enforces; each is a list of rules that must all hold. Who is limited
/// by what, and why, is in `docs/security.md`.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Codes sent to one phone from one network: a stranger's network exhausts only its own
    /// share, never the owner's.
    pub otp_send_per_phone: Vec<Rule>,
    /// Codes sent to one phone from networks it has never logged in from.
    pub otp_send_phone_ceiling: Vec<Rule>,
    /// Codes requested from one network without a room's QR code.
    pub otp_send_per_ip: Vec<Rule>,
    /// Codes requested from one network with a valid room QR code: a hotel's guests share the
    /// hotel's one public address, and the code vouches that they are in the hotel.
    pub otp_send_per_ip_with_qr: Vec<Rule>,
    /// Codes sent for one hotel: the budget against SMS pumping.
    pub otp_send_per_hotel: Vec<Rule>,
    /// Codes sent in all.
    pub otp_send_global: Vec<Rule>,
    /// Codes a signed-in user asks for to prove a new phone.
    pub otp_send_new_phone: Vec<Rule>,
    /// Codes tried for one phone from one network.
    pub otp_verify_per_phone: Vec<Rule>,
    /// Password logins per network and email.
    pub password_login: Vec<Rule>,
    /// Password logins per network, whatever the email.
    pub password_login_per_ip: Vec<Rule>,
    /// Password logins per account from anywhere: slows guessing spread over many networks,
    /// and locks the owner out of password login for minutes at most (OTP login stays open).
    pub password_login_per_account: Vec<Rule>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            otp_send_per_phone: vec![Rule::new(3, 600), Rule::new(10, 86_400)],
            otp_send_phone_ceiling: vec![Rule::new(30, 86_400)],
            otp_send_per_ip: vec![Rule::new(20, 3600)],
            otp_send_per_ip_with_qr: vec![Rule::new(600, 3600)],
            otp_send_per_hotel: vec![Rule::new(1000, 3600), Rule::new(5000, 86_400)],
            otp_send_global: vec![Rule::new(10_000, 3600), Rule::new(50_000, 86_400)],
            otp_send_new_phone: vec![Rule::new(5, 3600), Rule::new(10, 86_400)],
            otp_verify_per_phone: vec![Rule::new(10, 600)],
            password_login: vec![Rule::new(10, 900)],
            password_login_per_ip: vec![Rule::new(50, 900)],
            password_login_per_account: vec![Rule::new(5, 60), Rule::new(20, 900)],
        }
    }
}

/// The network a client address stands for in the limits: an IPv4 address, or an IPv6
/// address's /64 (one subscriber's whole allocation, which they can rotate through freely).
pub fn network(client_ip: &str) -> String {
    match client_ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => client_ip.to_owned(),
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
    let counted = count(store, now, limit, rules, subject).await?;
    refusal(&counted)
}

/// Spends one unit of the budget `limit` of `subject`, as `hit` does, and says so in the logs
/// (which the deployment's alarms watch) when a rule passes 80 % or runs out: a budget spent is
/// either a busy day or an attack, and someone should look.
pub async fn spend(
    store: &dyn Store,
    now: Timestamp,
    limit: &str,
    rules: &[Rule],
    subject: &str,
) -> Result<()> {
    let counted = count(store, now, limit, rules, subject).await?;
    for (count, rule, _) in &counted {
        let warning_at = (u64::from(rule.max) * 4).div_ceil(5);
        if *count == warning_at {
            tracing::warn!(limit, subject, %rule, "budget_warning: 80 % of a budget is spent");
        } else if *count == u64::from(rule.max) + 1 {
            tracing::error!(limit, subject, %rule, "budget_exhausted: a budget is spent");
        }
    }
    refusal(&counted)
}

/// Each rule's count after this hit, with the rule and the seconds left in its window.
async fn count<'r>(
    store: &dyn Store,
    now: Timestamp,
    limit: &str,
    rules: &'r [Rule],
    subject: &str,
) -> Result<Vec<(u64, &'r Rule, i64)>> {
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
    try_join_all(hits).await
}

fn refusal(counted: &[(u64, &Rule, i64)]) -> Result<()> {
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
    fn an_ipv6_client_counts_by_its_64_and_a_mapped_ipv4_as_itself() {
        assert_eq!(network("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
        assert_eq!(network("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(network("203.0.113.7"), "203.0.113.7");
        assert_eq!(network("unknown"), "unknown");
    }

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
