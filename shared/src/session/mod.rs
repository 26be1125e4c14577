//! Sessions: who is calling, how a login becomes cookies, and how refresh tokens rotate.
//!
//! A login starts a session, stored as its refresh-token family. The access token (at most 15
//! minutes) is checked by signature alone; the refresh token is checked against the family on
//! every use and rotated, and a rotated token presented again revokes the family (F24), except
//! within a short grace window where two tabs may refresh at once.

pub mod cookies;
pub mod csrf;
pub mod model;
pub mod tokens;

use http::Method;
use http::header::AUTHORIZATION;
use jiff::Timestamp;
use lambda_http::Request;
use tokens::{Claims, TokenType};

use crate::app::App;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::Response;
use crate::ids::{SessionId, UserId};
use crate::users::{User, UserKind};

pub use model::SessionFamily;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: UserId,
    pub kind: UserKind,
    pub id: SessionId,
    pub via: Via,
    /// When the access token that proved it expires (a live stream ends then).
    pub expires_at: Timestamp,
}

impl Session {
    /// The caller's session when the request carries a valid access token; otherwise the
    /// caller is anonymous, never refused: a stale cookie must not break public routes (F26).
    pub fn optional(config: &Config, req: &Request) -> Option<Session> {
        let (token, via) = access_token(config, req)?;
        let claims = tokens::verify(config.keys().ok()?, &token, TokenType::Access)?;
        Some(Session {
            user: claims.sub,
            kind: claims.knd,
            id: claims.fam,
            via,
            expires_at: Timestamp::from_second(claims.exp).ok()?,
        })
    }

    /// The caller's session, or 401. An unsafe request authenticated by cookie must also pass
    /// the CSRF check (F21).
    pub fn required(config: &Config, req: &Request) -> Result<Session> {
        let session = Self::optional(config, req).ok_or(Error::Unauthenticated)?;
        if session.via == Via::Cookie && is_unsafe(req.method()) {
            csrf::check(config, req, &session.id.to_string())?;
        }
        Ok(session)
    }
}

fn access_token(config: &Config, req: &Request) -> Option<(String, Via)> {
    if config.allow_bearer
        && let Some(token) = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
    {
        return Some((token.trim().to_owned(), Via::Bearer));
    }
    cookies::read(req, cookies::ACCESS).map(|token| (token, Via::Cookie))
}

pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The tokens of a session, to put in cookies.
pub struct Issued {
    pub session: SessionId,
    pub access: String,
    pub refresh: String,
    /// A CSRF token bound to the session; `None` when the existing one stays valid.
    pub csrf: Option<String>,
}

/// A new session for `user`: the family to store (in the caller's write, so a login and its
/// session are one transaction) and its first tokens.
pub fn start(config: &Config, user: &User, now: Timestamp) -> Result<(SessionFamily, Issued)> {
    let family = SessionId::generate();
    let refresh = Claims::new(
        TokenType::Refresh,
        user.id,
        user.kind,
        family,
        now,
        config.sessions.refresh_ttl,
    );
    let stored = SessionFamily {
        id: family,
        user: user.id,
        current_jti: refresh.jti,
        previous_jti: None,
        rotated_at: None,
        revoked: false,
        created_at: now,
        expires_at: Timestamp::from_second(refresh.exp).map_err(Error::internal)?,
    };
    let issued = Issued {
        session: family,
        access: access_token_for(config, user.id, user.kind, family, now)?,
        refresh: tokens::sign(config.keys()?, &refresh)?,
        csrf: Some(csrf::token(config.keys()?, &family.to_string())),
    };
    Ok((stored, issued))
}

fn access_token_for(
    config: &Config,
    user: UserId,
    kind: UserKind,
    family: SessionId,
    now: Timestamp,
) -> Result<String> {
    let claims = Claims::new(
        TokenType::Access,
        user,
        kind,
        family,
        now,
        config.sessions.access_ttl,
    );
    tokens::sign(config.keys()?, &claims)
}

/// Sets the session's cookies on a response.
pub fn set_cookies(response: &mut Response, config: &Config, issued: &Issued) {
    let settings = &config.cookies;
    let access_secs = config.sessions.access_ttl.as_secs();
    let refresh_secs = config.sessions.refresh_ttl.as_secs();
    cookies::set(
        response,
        settings,
        cookies::ACCESS_COOKIE,
        &issued.access,
        access_secs,
    );
    cookies::set(
        response,
        settings,
        cookies::REFRESH_COOKIE,
        &issued.refresh,
        refresh_secs,
    );
    if let Some(csrf) = &issued.csrf {
        cookies::set(response, settings, cookies::CSRF_COOKIE, csrf, refresh_secs);
    }
}

/// Deletes the session's cookies (F31).
pub fn clear_cookies(response: &mut Response, config: &Config) {
    for spec in [
        cookies::ACCESS_COOKIE,
        cookies::REFRESH_COOKIE,
        cookies::CSRF_COOKIE,
    ] {
        cookies::clear(response, &config.cookies, spec);
    }
}

/// The refresh token of the request, verified as one.
fn presented_refresh(config: &Config, req: &Request) -> Result<Claims> {
    let token = cookies::read(req, cookies::REFRESH).ok_or(Error::Unauthenticated)?;
    tokens::verify(config.keys()?, &token, TokenType::Refresh).ok_or(Error::Unauthenticated)
}

/// Rotates the request's refresh token: the user must still be active (F18), the token must be
/// the family's current one, and exactly one of any number of concurrent refreshes succeeds.
pub async fn refresh(app: &App, req: &Request) -> Result<(User, Issued)> {
    let config = &app.config;
    let presented = presented_refresh(config, req)?;
    csrf::check(config, req, &presented.fam.to_string())?;
    let now = app.clock.now();
    let user = app.store.user(presented.sub).await?;
    let Some(user) = user.filter(|user| user.active) else {
        app.store.revoke_session(presented.fam).await?;
        return Err(Error::Unauthenticated);
    };
    let next = Claims::new(
        TokenType::Refresh,
        user.id,
        user.kind,
        presented.fam,
        now,
        config.sessions.refresh_ttl,
    );
    let rotated = app
        .store
        .rotate_session(
            presented.fam,
            presented.jti,
            next.jti,
            now,
            Timestamp::from_second(next.exp).map_err(Error::internal)?,
        )
        .await?;
    if !rotated {
        refuse_reuse(app, &presented, now).await?;
        return Err(Error::Unauthenticated);
    }
    let issued = Issued {
        session: presented.fam,
        access: access_token_for(config, user.id, user.kind, presented.fam, now)?,
        refresh: tokens::sign(config.keys()?, &next)?,
        csrf: None,
    };
    Ok((user, issued))
}

/// A refresh token that is not the family's current one: within the grace window after its own
/// rotation it is a concurrent refresh and only refused; otherwise it is a replay of a
/// rotated (possibly stolen) token, and the whole family is revoked (F24).
async fn refuse_reuse(app: &App, presented: &Claims, now: Timestamp) -> Result<()> {
    let Some(family) = app.store.session_family(presented.fam).await? else {
        return Ok(());
    };
    let grace =
        jiff::SignedDuration::try_from(app.config.sessions.reuse_grace).map_err(Error::internal)?;
    let within_grace = family.previous_jti == Some(presented.jti)
        && family
            .rotated_at
            .is_some_and(|rotated| now.duration_since(rotated) <= grace);
    if !family.revoked && !within_grace {
        tracing::warn!(session = %family.id, user = %family.user, "rotated refresh token replayed; session revoked");
        app.store.revoke_session(family.id).await?;
    }
    Ok(())
}

/// Ends the request's session (logout): its family is revoked so no refresh token of it works
/// again (F31). Without a valid token there is nothing to revoke.
pub async fn end(app: &App, req: &Request) -> Result<()> {
    let config = &app.config;
    let family = match presented_refresh(config, req) {
        Ok(claims) => {
            csrf::check(config, req, &claims.fam.to_string())?;
            Some(claims.fam)
        }
        Err(_) if Session::optional(config, req).is_some() => {
            Some(Session::required(config, req)?.id)
        }
        Err(_) => None,
    };
    if let Some(family) = family {
        app.store.revoke_session(family).await?;
    }
    Ok(())
}
