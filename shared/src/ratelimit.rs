//! Rate limits kept in DynamoDB with atomic counters (fixed windows): one `ADD` per rule, so
//! they hold under any concurrency and across every Lambda instance (F3).

use futures_util::future::try_join_all;
use jiff::Timestamp;

use crate::config::Rule;
use crate::error::{Error, Result};
use crate::store::Store;

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
