//! The session's cookies. Access and refresh tokens are HttpOnly; the refresh token is sent
//! only to the auth routes; the CSRF token is readable by the page so it can echo it.

use cookie::{Cookie, SameSite};
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE};
use lambda_http::Request;

use crate::config::CookieSettings;
use crate::http::Response;

pub const ACCESS: &str = "access_token";
pub const REFRESH: &str = "refresh_token";
pub const CSRF: &str = "csrftoken";

/// Where each cookie is sent.
const ACCESS_PATH: &str = "/api";
const REFRESH_PATH: &str = "/api/v1/auth";
const CSRF_PATH: &str = "/";

/// The value of cookie `name` in the request, if any (the first, if sent twice).
pub fn read(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

#[derive(Clone, Copy)]
pub struct Spec {
    name: &'static str,
    path: &'static str,
    same_site: SameSite,
    http_only: bool,
}

pub const ACCESS_COOKIE: Spec = Spec {
    name: ACCESS,
    path: ACCESS_PATH,
    // Lax: a link from elsewhere into the app still arrives signed in; unsafe methods are
    // protected by CSRF checks instead.
    same_site: SameSite::Lax,
    http_only: true,
};

pub const REFRESH_COOKIE: Spec = Spec {
    name: REFRESH,
    path: REFRESH_PATH,
    same_site: SameSite::Strict,
    http_only: true,
};

pub const CSRF_COOKIE: Spec = Spec {
    name: CSRF,
    path: CSRF_PATH,
    same_site: SameSite::Strict,
    http_only: false,
};

/// Adds `Set-Cookie` for `spec` with `value`, living `max_age_secs`.
pub fn set(
    response: &mut Response,
    settings: &CookieSettings,
    spec: Spec,
    value: &str,
    max_age_secs: u64,
) {
    let max_age = i64::try_from(max_age_secs).unwrap_or(i64::MAX);
    append(response, settings, spec, value.to_owned(), max_age);
}

/// Adds a `Set-Cookie` that deletes the cookie of `spec`.
pub fn clear(response: &mut Response, settings: &CookieSettings, spec: Spec) {
    append(response, settings, spec, String::new(), 0);
}

fn append(
    response: &mut Response,
    settings: &CookieSettings,
    spec: Spec,
    value: String,
    max_age: i64,
) {
    let mut cookie = Cookie::build((spec.name, value))
        .path(spec.path)
        .http_only(spec.http_only)
        .secure(settings.secure)
        .same_site(spec.same_site)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    if let Some(domain) = &settings.domain {
        cookie.set_domain(domain.clone());
    }
    if let Ok(header) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, header);
    }
}

#[cfg(test)]
mod tests {
    use lambda_http::Body;

    use super::*;

    #[test]
    fn cookies_carry_their_purpose_attributes() {
        let settings = CookieSettings {
            domain: Some("concierge.example.com".into()),
            secure: true,
        };
        let mut response = Response::new(Body::Empty);
        set(&mut response, &settings, REFRESH_COOKIE, "r.t.k", 60);
        clear(&mut response, &settings, ACCESS_COOKIE);
        let headers: Vec<&str> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|h| h.to_str().unwrap())
            .collect();
        assert!(headers[0].starts_with("refresh_token=r.t.k"));
        for attribute in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/api/v1/auth",
            "Domain=concierge.example.com",
            "Max-Age=60",
        ] {
            assert!(
                headers[0].contains(attribute),
                "{attribute} in {}",
                headers[0]
            );
        }
        assert!(headers[1].starts_with("access_token=;") && headers[1].contains("Max-Age=0"));
    }

    #[test]
    fn cookies_are_read_from_the_cookie_header() {
        let mut req = Request::new(Body::Empty);
        req.headers_mut().insert(
            COOKIE,
            HeaderValue::from_static("a=1; access_token=abc.def; csrftoken=x"),
        );
        assert_eq!(read(&req, ACCESS).as_deref(), Some("abc.def"));
        assert_eq!(read(&req, REFRESH), None);
    }
}
