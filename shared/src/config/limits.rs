//! The rate limits the service enforces, as configuration: rules and which limit has which.
//! `ratelimit` counts hits against them.

use std::fmt;

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
