//! Where web push may connect. A push endpoint is a URL a browser hands us, so anyone signed in
//! chooses where our servers send requests: only public unicast addresses are allowed (never
//! loopback, private, link-local, CGNAT, unique-local, the metadata addresses, multicast or
//! reserved ranges; IPv4-mapped and NAT64 IPv6 are judged by the IPv4 inside), plus loopback
//! where the local stack allows it. `Guard` is the push client's DNS resolver, so a connection
//! only ever uses addresses that passed the check: a name that resolves differently later (DNS
//! rebinding) is checked again at the moment of connecting.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};

/// IPv4 ranges that are not the public internet (IANA's special-purpose registry).
const FORBIDDEN_V4: [Ipv4Net; 15] = [
    v4(0, 0, 0, 0, 8),       // "this network"
    v4(10, 0, 0, 0, 8),      // private
    v4(100, 64, 0, 0, 10),   // carrier-grade NAT (shared address space)
    v4(127, 0, 0, 0, 8),     // loopback
    v4(169, 254, 0, 0, 16),  // link-local, with the cloud metadata address 169.254.169.254
    v4(172, 16, 0, 0, 12),   // private
    v4(192, 0, 0, 0, 24),    // IETF protocol assignments
    v4(192, 0, 2, 0, 24),    // documentation
    v4(192, 88, 99, 0, 24),  // 6to4 relays
    v4(192, 168, 0, 0, 16),  // private
    v4(198, 18, 0, 0, 15),   // benchmarking
    v4(198, 51, 100, 0, 24), // documentation
    v4(203, 0, 113, 0, 24),  // documentation
    v4(224, 0, 0, 0, 4),     // multicast
    v4(240, 0, 0, 0, 4),     // reserved, with the broadcast address
];

/// The only IPv6 addresses that can be public: global unicast.
const GLOBAL_UNICAST: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Special ranges inside global unicast. (Unique-local `fc00::/7` with the metadata address
/// `fd00:ec2::254`, link-local `fe80::/10`, multicast and loopback lie outside it.)
const FORBIDDEN_V6: [Ipv6Net; 4] = [
    v6(0x2001, 0, 23),     // IETF protocol assignments, Teredo among them
    v6(0x2001, 0xdb8, 32), // documentation
    v6(0x2002, 0, 16),     // 6to4
    v6(0x3fff, 0, 20),     // documentation
];

/// NAT64's well-known prefix: the IPv4 address in its last 32 bits is the real destination.
const NAT64: Ipv6Net = v6(0x64, 0xff9b, 96);

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix)
}

const fn v6(first: u16, second: u16, prefix: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::new(first, second, 0, 0, 0, 0, 0, 0), prefix)
}

/// The IPv4 address an IPv6 address stands for, if it carries one (mapped or NAT64).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    ip.to_ipv4_mapped().or_else(|| {
        NAT64
            .contains(&ip)
            .then(|| Ipv4Addr::from_bits(ip.to_bits() as u32))
    })
}

/// Whether `ip` is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => !FORBIDDEN_V4.iter().any(|range| range.contains(&ip)),
        IpAddr::V6(ip) => match embedded_v4(ip) {
            Some(inner) => is_public(IpAddr::V4(inner)),
            None => GLOBAL_UNICAST.contains(&ip) && !FORBIDDEN_V6.iter().any(|r| r.contains(&ip)),
        },
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip.is_loopback() || embedded_v4(ip).is_some_and(|v4| v4.is_loopback()),
    }
}

/// Why a destination is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{host} is at {address}, which is not on the public internet")]
    Forbidden { host: String, address: IpAddr },
    #[error("{host} cannot be resolved: {reason}")]
    Unresolved { host: String, reason: String },
}

pub type Lookup<'a> = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Finds a host's addresses: the system's resolver when deployed; tests give a table, to make
/// names resolve to each forbidden range.
pub trait Resolver: Send + Sync {
    fn lookup<'a>(&'a self, host: &'a str) -> Lookup<'a>;
}

/// The system's resolver (`getaddrinfo`), as reqwest's own default uses.
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> Lookup<'a> {
        Box::pin(async move {
            let found = tokio::net::lookup_host((host, 0)).await?;
            Ok(found.map(|address| address.ip()).collect())
        })
    }
}

/// Decides which destinations web push may reach, and resolves names for the push client.
#[derive(Clone)]
pub struct Guard {
    resolver: Arc<dyn Resolver>,
    allow_loopback: bool,
}

impl Guard {
    pub fn new(resolver: Arc<dyn Resolver>, allow_loopback: bool) -> Self {
        Self {
            resolver,
            allow_loopback,
        }
    }

    pub fn allows(&self, ip: IpAddr) -> bool {
        is_public(ip) || (self.allow_loopback && is_loopback(ip))
    }

    /// The addresses of `host` (a name or an IP literal, IPv6 in brackets as in a URL): all of
    /// them, when every one is allowed. One forbidden address refuses the whole name.
    pub async fn addresses(&self, host: &str) -> Result<Vec<IpAddr>, Refusal> {
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let addresses = match literal.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => self
                .resolver
                .lookup(host)
                .await
                .map_err(|err| Refusal::Unresolved {
                    host: host.to_owned(),
                    reason: err.to_string(),
                })?,
        };
        if addresses.is_empty() {
            return Err(Refusal::Unresolved {
                host: host.to_owned(),
                reason: "no address".into(),
            });
        }
        match addresses.iter().find(|ip| !self.allows(**ip)) {
            Some(address) => Err(Refusal::Forbidden {
                host: host.to_owned(),
                address: *address,
            }),
            None => Ok(addresses),
        }
    }
}

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.clone();
        Box::pin(async move {
            let addresses = guard.addresses(name.as_str()).await?;
            // Port 0: reqwest puts in the URL's port.
            let addrs: reqwest::dns::Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn public_unicast_is_allowed() {
        for public in [
            "142.250.185.10",
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "2a00:1450:4001:82b::200a",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn every_forbidden_range_is_refused() {
        for forbidden in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "169.254.1.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.192",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "100::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001::1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "3fff::1",
        ] {
            assert!(!is_public(ip(forbidden)), "{forbidden}");
        }
    }

    struct Table(HashMap<&'static str, Vec<IpAddr>>);

    impl Resolver for Table {
        fn lookup<'a>(&'a self, host: &'a str) -> Lookup<'a> {
            let found = self.0.get(host).cloned();
            Box::pin(async move {
                found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "unknown"))
            })
        }
    }

    fn guard(allow_loopback: bool) -> Guard {
        let table = Table(HashMap::from([
            (
                "push.example",
                vec![ip("142.250.185.10"), ip("2a00:1450::1")],
            ),
            ("mixed.example", vec![ip("142.250.185.10"), ip("10.0.0.1")]),
            ("local.example", vec![ip("127.0.0.1"), ip("::1")]),
            ("metadata.example", vec![ip("169.254.169.254")]),
            ("empty.example", vec![]),
        ]));
        Guard::new(Arc::new(table), allow_loopback)
    }

    #[tokio::test]
    async fn names_pass_only_when_every_address_is_allowed() {
        let strict = guard(false);
        assert_eq!(strict.addresses("push.example").await.unwrap().len(), 2);
        for refused in ["mixed.example", "local.example", "metadata.example"] {
            assert!(
                matches!(
                    strict.addresses(refused).await,
                    Err(Refusal::Forbidden { .. })
                ),
                "{refused}"
            );
        }
        for unknown in ["empty.example", "nowhere.example"] {
            assert!(matches!(
                strict.addresses(unknown).await,
                Err(Refusal::Unresolved { .. })
            ));
        }
        assert!(strict.addresses("[::1]").await.is_err());
        assert!(strict.addresses("[fd00:ec2::254]").await.is_err());
        assert!(strict.addresses("[2a00:1450::1]").await.is_ok());
    }

    #[tokio::test]
    async fn the_local_stack_may_reach_loopback_and_nothing_else_private() {
        let local = guard(true);
        assert!(local.addresses("local.example").await.is_ok());
        assert!(local.addresses("127.0.0.1").await.is_ok());
        assert!(local.addresses("[::ffff:127.0.0.1]").await.is_ok());
        assert!(local.addresses("metadata.example").await.is_err());
        assert!(local.addresses("mixed.example").await.is_err());
        assert!(local.addresses("10.0.0.1").await.is_err());
    }
}
