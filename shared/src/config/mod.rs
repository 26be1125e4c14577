//! Configuration, read once per cold start from the environment the deployment sets.

use std::env;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{BoxError, Result as ServiceResult};
use crate::secrets::{Keys, Secret, SecretStore, Secrets};
use crate::users::CountryCode;

mod limits;

pub use limits::{RateLimits, Rule};

#[derive(Debug)]
pub struct Config {
    /// The single DynamoDB table (`TABLE_NAME`).
    pub table_name: String,
    /// Browser origins trusted for CORS and for cookie-authenticated unsafe requests
    /// (`ALLOWED_ORIGINS`, comma-separated).
    pub allowed_origins: Vec<String>,
    /// Largest JSON request body accepted, in bytes (`MAX_JSON_BODY_BYTES`).
    pub max_json_body_bytes: usize,
    /// Most rows a CSV export of requests holds (`EXPORT_MAX_ROWS`); past it the file ends with
    /// a line saying it was cut.
    pub export_max_rows: usize,
    /// The secrets (`SECRETS_ID`: a Secrets Manager secret, fetched on first need), with the
    /// keys derived from the master secret.
    pub secrets: SecretStore,
    pub cookies: CookieSettings,
    pub sessions: SessionSettings,
    /// Accept `Authorization: Bearer` access tokens (`ALLOW_BEARER`; development only).
    pub allow_bearer: bool,
    pub rate_limits: RateLimits,
    /// `OTP_COUNTRIES`: the countries (ISO codes, comma-separated) whose phones may get a guest's
    /// login code at hotels that name none of their own, beside each hotel's own country.
    pub otp_countries: Vec<CountryCode>,
    /// WhatsApp delivery through Gupshup; without it every code goes by SMS.
    pub gupshup: Option<GupshupSettings>,
    /// `SMS_SENDER_ID`: the alphanumeric sender SNS shows, where the country allows one.
    pub sms_sender_id: Option<String>,
    pub delivery: DeliverySettings,
    pub requests: RequestSettings,
    /// One-time EventBridge schedules at a request's deadline and reminder time; without them
    /// the every-minute jobs alone do the work (a minute later at most).
    pub scheduler: Option<SchedulerSettings>,
    /// Web push (VAPID); without it notifications stay in the app.
    pub push: Option<PushSettings>,
    pub images: ImageSettings,
    pub streams: StreamSettings,
    /// `GUEST_ENTRY_URL`: the guest app's page a room's QR code opens; the code is appended as
    /// the last path segment.
    pub guest_entry_url: String,
}

#[derive(Debug, Clone)]
pub struct ImageSettings {
    /// `IMAGES_BUCKET`: the S3 bucket of uploaded images; each hotel's under `hotels/<slug>/`.
    pub bucket: String,
    /// `IMAGES_PUBLIC_URL`: where the bucket's objects are served from (a CDN in front of it);
    /// `https://<bucket>.s3.amazonaws.com` when unset.
    pub public_url: Option<String>,
    /// `S3_PATH_STYLE`: address the bucket in the path, as emulators want.
    pub path_style: bool,
    /// `MAX_IMAGE_BYTES`: the largest upload accepted (10 MB).
    pub max_bytes: usize,
}

impl ImageSettings {
    /// The public URL of the object at `key`.
    pub fn url_of(&self, key: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{}/{key}", base.trim_end_matches('/')),
            None => format!("https://{}.s3.amazonaws.com/{key}", self.bucket),
        }
    }
}

/// The live streams (SSE): how often they read, how they keep the line open, how long one lasts.
#[derive(Debug, Clone)]
pub struct StreamSettings {
    /// `STREAM_POLL_MS`: the pause between two reads of the activity (1000).
    pub poll_interval: Duration,
    /// `STREAM_HEARTBEAT_SECS`: the longest silence before a keep-alive comment (15).
    pub heartbeat_interval: Duration,
    /// `STREAM_MAX_SECS`: how long one stream lasts before the client reconnects (300); never
    /// past the access token's expiry.
    pub max_duration: Duration,
    /// How far behind its newest entry a stream reads again, so that an entry the index shows
    /// late (index reads are eventually consistent) is still delivered (5 s).
    pub lookback: Duration,
    /// How long the client waits before reconnecting (the SSE `retry`, 2 s).
    pub retry: Duration,
}

#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// How long WhatsApp gets to deliver a code before it goes by SMS
    /// (`SMS_FALLBACK_DELAY_SECS`, 30).
    pub sms_fallback_delay: Duration,
    /// `SMS_FALLBACK_QUEUE_URL`: the SQS queue of delayed fallbacks.
    pub sms_fallback_queue_url: Option<String>,
    /// `PUSH_QUEUE_URL`: the SQS queue of web pushes (required with `VAPID_SUBJECT`).
    pub push_queue_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RequestSettings {
    /// A request still NEW this long after it was made (or after its requested-for time)
    /// expires (`REQUEST_STALE_HOURS`, 24).
    pub stale_after: Duration,
    /// Staff are reminded this long before a request's requested-for time
    /// (`REMINDER_LEAD_MINUTES`, 30).
    pub reminder_lead: Duration,
}

#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    /// `SCHEDULE_GROUP`.
    pub group: String,
    /// `SCHEDULER_ROLE_ARN`: the role EventBridge Scheduler assumes to invoke the jobs.
    pub role_arn: String,
    /// `ESCALATION_FUNCTION_ARN`, `REMINDER_FUNCTION_ARN`.
    pub escalation_function_arn: String,
    pub reminder_function_arn: String,
}

#[derive(Debug, Clone)]
pub struct PushSettings {
    /// `VAPID_SUBJECT`: a `mailto:` or `https:` contact for push services.
    pub subject: String,
    /// `PUSH_TIMEOUT_MS` for one push (default 3000).
    pub timeout: Duration,
    /// Accept `http://` push endpoints on loopback (the local stack's stand-in); never deployed.
    pub allow_loopback_endpoints: bool,
}

#[derive(Debug, Clone)]
pub struct CookieSettings {
    /// `COOKIE_DOMAIN`, e.g. `.concierge.example.com`; host-only cookies when unset.
    pub domain: Option<String>,
    /// `COOKIE_SECURE` (default true). Only the plain-http local stack turns it off.
    pub secure: bool,
}

#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Access token lifetime (`ACCESS_TOKEN_MINUTES`, at most 15).
    pub access_ttl: Duration,
    /// Refresh token lifetime (`REFRESH_TOKEN_DAYS`).
    pub refresh_ttl: Duration,
    /// A rotated refresh token presented again within this window is refused without revoking
    /// its family: two tabs refreshing at once are not a theft.
    pub reuse_grace: Duration,
}

#[derive(Debug, Clone)]
pub struct GupshupSettings {
    /// `GUPSHUP_API_URL`, default `https://api.gupshup.io`.
    pub api_url: String,
    /// `GUPSHUP_SOURCE`: the WhatsApp business number, digits only.
    pub source: String,
    /// `GUPSHUP_APP_NAME`.
    pub app_name: String,
    /// `GUPSHUP_OTP_TEMPLATE_ID`: the approved template whose one parameter is the code.
    pub otp_template_id: String,
    /// `GUPSHUP_TIMEOUT_MS` for the whole call (default 5000).
    pub timeout: Duration,
}

pub const MAX_ACCESS_TTL: Duration = Duration::from_secs(15 * 60);

impl Config {
    /// The site's address (scheme and host), where the apps live: the origin of
    /// `guest_entry_url`, which is the site's `/scan`.
    pub fn site_url(&self) -> &str {
        let url = self.guest_entry_url.as_str();
        let host = url.find("://").map_or(0, |at| at + 3);
        url[host..]
            .find('/')
            .map_or(url, |path| &url[..host + path])
    }

    /// The keys derived from the master secret (resolved before any handler runs).
    pub fn keys(&self) -> ServiceResult<&Keys> {
        Ok(&self.secrets.get()?.keys)
    }

    /// The origin secret, when configured (see `http::client_ip`).
    pub fn origin_secret(&self) -> Option<&Secret> {
        self.secrets.get().ok()?.origin_secret.as_ref()
    }

    /// Defaults for everything but the table and the master secret.
    pub fn new(table_name: impl Into<String>, secret_key: &[u8]) -> Result<Self, BoxError> {
        Ok(Self::with_secrets(
            table_name,
            SecretStore::given(Secrets::new(secret_key)?),
        ))
    }

    /// Defaults for everything but the table and where the secrets come from.
    pub fn with_secrets(table_name: impl Into<String>, secrets: SecretStore) -> Self {
        Self {
            table_name: table_name.into(),
            allowed_origins: Vec::new(),
            max_json_body_bytes: 64 * 1024,
            export_max_rows: 50_000,
            secrets,
            cookies: CookieSettings {
                domain: None,
                secure: true,
            },
            sessions: SessionSettings {
                access_ttl: Duration::from_secs(10 * 60),
                refresh_ttl: Duration::from_secs(14 * 24 * 3600),
                reuse_grace: Duration::from_secs(10),
            },
            allow_bearer: false,
            rate_limits: RateLimits::default(),
            otp_countries: Vec::new(),
            gupshup: None,
            sms_sender_id: None,
            delivery: DeliverySettings {
                sms_fallback_delay: Duration::from_secs(30),
                sms_fallback_queue_url: None,
                push_queue_url: None,
            },
            requests: RequestSettings {
                stale_after: Duration::from_secs(24 * 3600),
                reminder_lead: Duration::from_secs(30 * 60),
            },
            scheduler: None,
            push: None,
            images: ImageSettings {
                bucket: "concierge-images".to_owned(),
                public_url: None,
                path_style: false,
                max_bytes: 10 * 1024 * 1024,
            },
            streams: StreamSettings {
                poll_interval: Duration::from_secs(1),
                heartbeat_interval: Duration::from_secs(15),
                max_duration: Duration::from_secs(300),
                lookback: Duration::from_secs(5),
                retry: Duration::from_secs(2),
            },
            guest_entry_url: "https://concierge.example.com/scan".to_owned(),
        }
    }

    pub fn from_env() -> Result<Self, BoxError> {
        // Deployed, the secrets come from Secrets Manager, on first need. A development run
        // (`cargo lambda watch`) may give them in the environment instead.
        let secrets = match optional("SECRETS_ID") {
            Some(id) => match optional("ORIGIN_SECRET_ID") {
                Some(origin) => SecretStore::in_secrets_manager(id).with_origin_secret(origin),
                None => SecretStore::in_secrets_manager(id),
            },
            None => {
                let master = required("SECRET_KEY")
                    .map_err(|_| "SECRETS_ID must be set (or, in development, SECRET_KEY)")?;
                let mut given = Secrets::new(master.as_bytes())?;
                given.gupshup_api_key = optional("GUPSHUP_API_KEY").map(Secret::new);
                given.vapid_private_key = optional("VAPID_PRIVATE_KEY").map(Secret::new);
                given.gupshup_webhook_secret = optional("GUPSHUP_WEBHOOK_SECRET").map(Secret::new);
                given.origin_secret = optional("ORIGIN_SECRET").map(Secret::new);
                SecretStore::given(given)
            }
        };
        let mut config = Self::with_secrets(required("TABLE_NAME")?, secrets);
        if let Some(origins) = optional("ALLOWED_ORIGINS") {
            config.allowed_origins = list(&origins);
        }
        if let Some(bytes) = parsed("MAX_JSON_BODY_BYTES")? {
            config.max_json_body_bytes = bytes;
        }
        if let Some(rows) = parsed("EXPORT_MAX_ROWS")? {
            config.export_max_rows = rows;
        }
        config.cookies.domain = optional("COOKIE_DOMAIN");
        if let Some(secure) = parsed("COOKIE_SECURE")? {
            config.cookies.secure = secure;
        }
        if let Some(minutes) = parsed::<u64>("ACCESS_TOKEN_MINUTES")? {
            config.sessions.access_ttl = Duration::from_secs(minutes * 60);
        }
        if let Some(days) = parsed::<u64>("REFRESH_TOKEN_DAYS")? {
            config.sessions.refresh_ttl = Duration::from_secs(days * 24 * 3600);
        }
        if let Some(allow) = parsed("ALLOW_BEARER")? {
            config.allow_bearer = allow;
        }
        let rules = &mut config.rate_limits;
        for (name, rules) in [
            ("RATE_OTP_SEND_PHONE", &mut rules.otp_send_per_phone),
            (
                "RATE_OTP_SEND_PHONE_CEILING",
                &mut rules.otp_send_phone_ceiling,
            ),
            ("RATE_OTP_SEND_IP", &mut rules.otp_send_per_ip),
            ("RATE_OTP_SEND_IP_QR", &mut rules.otp_send_per_ip_with_qr),
            ("OTP_BUDGET_HOTEL", &mut rules.otp_send_per_hotel),
            ("OTP_BUDGET_GLOBAL", &mut rules.otp_send_global),
            ("RATE_OTP_SEND_NEW_PHONE", &mut rules.otp_send_new_phone),
            ("RATE_OTP_VERIFY_PHONE", &mut rules.otp_verify_per_phone),
            ("RATE_PASSWORD_LOGIN", &mut rules.password_login),
            ("RATE_PASSWORD_LOGIN_IP", &mut rules.password_login_per_ip),
            (
                "RATE_PASSWORD_LOGIN_ACCOUNT",
                &mut rules.password_login_per_account,
            ),
        ] {
            if let Some(value) = optional(name) {
                *rules = Rule::parse_list(&value).map_err(|e| format!("{name}: {e}"))?;
            }
        }
        if let Some(countries) = optional("OTP_COUNTRIES") {
            config.otp_countries = list(&countries)
                .iter()
                .map(|code| CountryCode::parse(code))
                .collect::<Result<_, _>>()
                .map_err(|_| "OTP_COUNTRIES: use two-letter country codes such as PT,ES")?;
        }
        if let Some(source) = optional("GUPSHUP_SOURCE") {
            config.gupshup = Some(GupshupSettings {
                api_url: optional("GUPSHUP_API_URL")
                    .unwrap_or_else(|| "https://api.gupshup.io".to_owned()),
                source,
                app_name: required("GUPSHUP_APP_NAME")?,
                otp_template_id: required("GUPSHUP_OTP_TEMPLATE_ID")?,
                timeout: Duration::from_millis(parsed("GUPSHUP_TIMEOUT_MS")?.unwrap_or(5000)),
            });
        }
        config.sms_sender_id = optional("SMS_SENDER_ID");
        if let Some(seconds) = parsed("SMS_FALLBACK_DELAY_SECS")? {
            config.delivery.sms_fallback_delay = Duration::from_secs(seconds);
        }
        config.delivery.sms_fallback_queue_url = optional("SMS_FALLBACK_QUEUE_URL");
        config.delivery.push_queue_url = optional("PUSH_QUEUE_URL");
        if let Some(hours) = parsed::<u64>("REQUEST_STALE_HOURS")? {
            config.requests.stale_after = Duration::from_secs(hours * 3600);
        }
        if let Some(minutes) = parsed::<u64>("REMINDER_LEAD_MINUTES")? {
            config.requests.reminder_lead = Duration::from_secs(minutes * 60);
        }
        if let Some(group) = optional("SCHEDULE_GROUP") {
            config.scheduler = Some(SchedulerSettings {
                group,
                role_arn: required("SCHEDULER_ROLE_ARN")?,
                escalation_function_arn: required("ESCALATION_FUNCTION_ARN")?,
                reminder_function_arn: required("REMINDER_FUNCTION_ARN")?,
            });
        }
        if let Some(subject) = optional("VAPID_SUBJECT") {
            config.push = Some(PushSettings {
                subject,
                timeout: Duration::from_millis(parsed("PUSH_TIMEOUT_MS")?.unwrap_or(3000)),
                allow_loopback_endpoints: false,
            });
        }
        if let Some(bucket) = optional("IMAGES_BUCKET") {
            config.images.bucket = bucket;
        }
        config.images.public_url = optional("IMAGES_PUBLIC_URL");
        if let Some(path_style) = parsed("S3_PATH_STYLE")? {
            config.images.path_style = path_style;
        }
        if let Some(bytes) = parsed("MAX_IMAGE_BYTES")? {
            config.images.max_bytes = bytes;
        }
        if let Some(ms) = parsed("STREAM_POLL_MS")? {
            config.streams.poll_interval = Duration::from_millis(ms);
        }
        if let Some(seconds) = parsed("STREAM_HEARTBEAT_SECS")? {
            config.streams.heartbeat_interval = Duration::from_secs(seconds);
        }
        if let Some(seconds) = parsed("STREAM_MAX_SECS")? {
            config.streams.max_duration = Duration::from_secs(seconds);
        }
        if let Some(url) = optional("GUEST_ENTRY_URL") {
            config.guest_entry_url = url;
        }
        config.validate()?;
        Ok(config)
    }

    /// Settings that would make the service unsafe are refused at start-up.
    pub fn validate(&self) -> Result<(), BoxError> {
        if self.sessions.access_ttl > MAX_ACCESS_TTL || self.sessions.access_ttl.is_zero() {
            return Err("ACCESS_TOKEN_MINUTES must be 1 to 15".into());
        }
        if self.sessions.refresh_ttl <= self.sessions.access_ttl {
            return Err("REFRESH_TOKEN_DAYS must outlast the access token".into());
        }
        let streams = &self.streams;
        if streams.poll_interval < Duration::from_millis(100)
            || streams.heartbeat_interval < streams.poll_interval
            || streams.max_duration < streams.heartbeat_interval
            // A Function URL stream lasts at most 15 minutes.
            || streams.max_duration > Duration::from_secs(840)
        {
            return Err(
                "STREAM_POLL_MS must be at least 100, STREAM_HEARTBEAT_SECS at least one poll, \
                 STREAM_MAX_SECS at least one heartbeat and at most 840"
                    .into(),
            );
        }
        // SQS delays messages by at most 15 minutes.
        if self.delivery.sms_fallback_delay > Duration::from_secs(900) {
            return Err("SMS_FALLBACK_DELAY_SECS must be at most 900".into());
        }
        // Pushes are delivered from their queue, never on the request path.
        if self.push.is_some() && self.delivery.push_queue_url.is_none() {
            return Err("PUSH_QUEUE_URL must be set with VAPID_SUBJECT".into());
        }
        Ok(())
    }
}

fn required(name: &str) -> Result<String, BoxError> {
    optional(name).ok_or_else(|| format!("{name} must be set").into())
}

fn optional(name: &str) -> Option<String> {
    env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn parsed<T: FromStr>(name: &str) -> Result<Option<T>, BoxError> {
    optional(name)
        .map(|value| {
            value
                .trim()
                .parse()
                .map_err(|_| format!("{name} has an unusable value").into())
        })
        .transpose()
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_the_origin_of_the_guest_entry_page() {
        let mut config = Config::new("t", &[7; 32]).unwrap();
        config.guest_entry_url = "https://hotel.example.com/scan".into();
        assert_eq!(config.site_url(), "https://hotel.example.com");
        config.guest_entry_url = "http://127.0.0.1:3000".into();
        assert_eq!(config.site_url(), "http://127.0.0.1:3000");
    }
}
