//! Cookies, CSRF tokens and access tokens: any `Cookie`, `X-CSRFToken`, `Origin` and
//! `Authorization` headers, with or without a genuine token planted among them, maybe altered.
//!
//! Nothing may panic, and the checks must agree exactly with what was sent: the CSRF check
//! passes only for the genuine token, unaltered, in both the header and the first `csrftoken`
//! cookie, from the trusted origin; a session is recognised only from the genuine access token.

use super::request;
use arbitrary::{Arbitrary, Unstructured};
use concierge::config::Config;
use concierge::ids::{SessionId, UserId};
use concierge::session::tokens::{self, Claims, TokenType};
use concierge::session::{Session, Via, cookies, csrf};
use concierge::users::UserKind;
use http::Method;
use http::header::{AUTHORIZATION, COOKIE, ORIGIN};
use jiff::Timestamp;

const TRUSTED_ORIGIN: &str = "https://hotel.example.com";

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    method: u8,
    cookie_headers: Vec<&'a [u8]>,
    csrf_header: Option<&'a [u8]>,
    origin: Origin<'a>,
    authorization: Option<&'a [u8]>,
    allow_bearer: bool,
    binding: &'a str,
    csrf: Option<Plant>,
    access: Option<Plant>,
}

#[derive(Debug, Arbitrary)]
enum Origin<'a> {
    Absent,
    Trusted,
    Other(&'a [u8]),
}

/// Where a genuine token goes, and how it is altered on the way.
#[derive(Debug, Arbitrary)]
struct Plant {
    /// Index of the cookie header it is put in front of (modulo their number).
    cookie_header: u8,
    /// As `Authorization: Bearer` rather than a cookie (access tokens only).
    bearer: bool,
    /// Bytes XORed into the token, at (position, value), each position modulo its length.
    tamper: Vec<(u16, u8)>,
    /// Characters cut from the end.
    truncate: u8,
}

impl Plant {
    fn apply(&self, token: &str) -> Vec<u8> {
        let mut bytes = token.as_bytes().to_vec();
        for &(position, value) in &self.tamper {
            let position = usize::from(position) % bytes.len();
            bytes[position] ^= value;
        }
        bytes.truncate(bytes.len().saturating_sub(usize::from(self.truncate)));
        bytes
    }
}

fn config(allow_bearer: bool) -> Config {
    let mut config = Config::new("fuzz", &[0x5A; 32]).expect("a valid secret");
    config.allowed_origins = vec![TRUSTED_ORIGIN.to_owned()];
    config.allow_bearer = allow_bearer;
    config
}

fn method(selector: u8) -> Method {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ][usize::from(selector % 7)]
    .clone()
}

/// `plant` as a cookie named `name` in front of header `index`, or appended.
fn plant_cookie(headers: &mut Vec<Vec<u8>>, plant: &Plant, name: &str, token: &[u8]) {
    let mut cookie = format!("{name}=").into_bytes();
    cookie.extend_from_slice(token);
    let index = usize::from(plant.cookie_header) % (headers.len() + 1);
    if let Some(header) = headers.get_mut(index) {
        cookie.extend_from_slice(b"; ");
        cookie.extend_from_slice(header);
        *header = cookie;
    } else {
        headers.push(cookie);
    }
}

pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let config = config(input.allow_bearer);
    let mut cookie_headers: Vec<Vec<u8>> =
        input.cookie_headers.iter().map(|h| h.to_vec()).collect();
    let mut authorization = input.authorization.map(<[u8]>::to_vec);

    let csrf_token = csrf::token(config.keys().expect("given keys"), input.binding);
    let mut csrf_header = input.csrf_header.map(<[u8]>::to_vec);
    if let Some(plant) = &input.csrf {
        let sent = plant.apply(&csrf_token);
        plant_cookie(&mut cookie_headers, plant, cookies::CSRF, &sent);
        csrf_header = Some(sent);
    }

    let now = Timestamp::now();
    let family = SessionId::generate();
    let claims = Claims::new(
        TokenType::Access,
        UserId::generate(),
        UserKind::Guest,
        family,
        now,
        config.sessions.access_ttl,
    );
    let access_token =
        tokens::sign(config.keys().expect("given keys"), &claims).expect("signing never fails");
    if let Some(plant) = &input.access {
        let sent = plant.apply(&access_token);
        if plant.bearer {
            authorization = Some([b"Bearer ".as_slice(), &sent].concat());
        } else {
            plant_cookie(&mut cookie_headers, plant, cookies::ACCESS, &sent);
        }
    }

    let mut headers: Vec<(&str, &[u8])> = cookie_headers
        .iter()
        .map(|h| (COOKIE.as_str(), h.as_slice()))
        .collect();
    if let Some(value) = &csrf_header {
        headers.push((csrf::HEADER, value));
    }
    if let Some(value) = &authorization {
        headers.push((AUTHORIZATION.as_str(), value));
    }
    match input.origin {
        Origin::Absent => {}
        Origin::Trusted => headers.push((ORIGIN.as_str(), TRUSTED_ORIGIN.as_bytes())),
        Origin::Other(origin) => headers.push((ORIGIN.as_str(), origin)),
    }
    let req = request(method(input.method), &headers, &[]);

    // What arrived, as the server sees it.
    let csrf_cookie = cookies::read(&req, cookies::CSRF);
    let _ = cookies::read(&req, cookies::REFRESH);
    let header_of = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let origin_trusted = header_of(ORIGIN.as_str()) == Some(TRUSTED_ORIGIN);
    let csrf_expected = origin_trusted
        && header_of(csrf::HEADER) == Some(csrf_token.as_str())
        && csrf_cookie.as_deref() == Some(csrf_token.as_str());
    assert_eq!(
        csrf::check(&config, &req, input.binding).is_ok(),
        csrf_expected,
        "the CSRF check passes for the genuine token only (sent {:?}, cookie {csrf_cookie:?})",
        header_of(csrf::HEADER),
    );

    let bearer = header_of(AUTHORIZATION.as_str())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|_| config.allow_bearer);
    let (presented, via) = match bearer {
        Some(token) => (Some(token.to_owned()), Via::Bearer),
        None => (cookies::read(&req, cookies::ACCESS), Via::Cookie),
    };
    let session = Session::optional(&config, &req);
    if presented.as_deref() == Some(access_token.as_str()) {
        let session = session.expect("the genuine access token is recognised");
        assert_eq!((session.id, session.via), (family, via));
    } else {
        assert_eq!(session, None, "only the genuine access token is recognised");
    }
}
