//! Session tokens: HS256 JWTs with an explicit algorithm, every claim required, and a small
//! leeway. An access token cannot pass for a refresh token or the other way round.

use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{SessionId, TokenId, UserId};
use crate::secrets::Keys;
use crate::users::UserKind;

const ISSUER: &str = "concierge";
const AUDIENCE: &str = "concierge-api";
/// Clock skew tolerated between Lambda instances, in seconds.
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: UserId,
    pub typ: TokenType,
    pub jti: TokenId,
    /// The session (refresh token family) the token belongs to.
    pub fam: SessionId,
    pub knd: UserKind,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

impl Claims {
    pub fn new(
        typ: TokenType,
        user: UserId,
        kind: UserKind,
        family: SessionId,
        now: Timestamp,
        ttl: std::time::Duration,
    ) -> Self {
        let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        Self {
            sub: user,
            typ,
            jti: TokenId::generate(),
            fam: family,
            knd: kind,
            iat: now.as_second(),
            exp: now.as_second().saturating_add(ttl),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        }
    }
}

pub fn sign(keys: &Keys, claims: &Claims) -> Result<String> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(&keys.jwt),
    )
    .map_err(Error::internal)
}

/// The claims of a valid token of type `expected`; `None` for anything else (bad signature,
/// other algorithm, expired, missing or mistyped claim, other type). Why is logged, not told.
pub fn verify(keys: &Keys, token: &str, expected: TokenType) -> Option<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = LEEWAY_SECS;
    validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    match jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&keys.jwt), &validation) {
        Ok(data) if data.claims.typ == expected => Some(data.claims),
        Ok(data) => {
            tracing::info!(got = ?data.claims.typ, ?expected, "token of the wrong type refused");
            None
        }
        Err(err) => {
            tracing::info!(%err, "token refused");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use data_encoding::BASE64URL_NOPAD;
    use serde_json::json;

    use super::*;

    fn keys() -> Keys {
        Keys::derive(&[9u8; 32]).unwrap()
    }

    fn claims(typ: TokenType) -> Claims {
        Claims::new(
            typ,
            UserId::generate(),
            UserKind::Staff,
            SessionId::generate(),
            Timestamp::now(),
            std::time::Duration::from_secs(600),
        )
    }

    /// A token with any header and payload, signed with `key` (HS256).
    fn forge(header: serde_json::Value, payload: serde_json::Value, key: &[u8]) -> String {
        let encode = |v: serde_json::Value| BASE64URL_NOPAD.encode(v.to_string().as_bytes());
        let signing_input = format!("{}.{}", encode(header), encode(payload));
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key),
            signing_input.as_bytes(),
        );
        format!("{signing_input}.{}", BASE64URL_NOPAD.encode(tag.as_ref()))
    }

    #[test]
    fn a_signed_token_verifies_as_its_own_type_only() {
        let access = claims(TokenType::Access);
        let token = sign(&keys(), &access).unwrap();
        assert_eq!(verify(&keys(), &token, TokenType::Access), Some(access));
        assert_eq!(verify(&keys(), &token, TokenType::Refresh), None);
        let refresh = sign(&keys(), &claims(TokenType::Refresh)).unwrap();
        assert_eq!(verify(&keys(), &refresh, TokenType::Access), None);
    }

    #[test]
    fn forged_and_malformed_tokens_are_refused() {
        let good = serde_json::to_value(claims(TokenType::Access)).unwrap();
        let hs256 = json!({"alg": "HS256", "typ": "JWT"});
        let key = keys().jwt;
        // The forge itself is right: the same claims, signed properly, pass.
        assert!(
            verify(
                &keys(),
                &forge(hs256.clone(), good.clone(), &key),
                TokenType::Access
            )
            .is_some()
        );

        let unsigned = format!(
            "{}.{}.",
            BASE64URL_NOPAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string().as_bytes()),
            BASE64URL_NOPAD.encode(good.to_string().as_bytes())
        );
        let mut expired = good.clone();
        expired["exp"] = json!(Timestamp::now().as_second() - 60);
        let mut string_exp = good.clone();
        string_exp["exp"] = json!((Timestamp::now().as_second() + 600).to_string());
        let mut no_jti = good.clone();
        no_jti.as_object_mut().unwrap().remove("jti");
        let mut other_audience = good.clone();
        other_audience["aud"] = json!("someone-else");
        let cases = [
            ("alg none", unsigned),
            ("wrong key", forge(hs256.clone(), good.clone(), &[1u8; 32])),
            (
                "HS512",
                forge(json!({"alg": "HS512", "typ": "JWT"}), good.clone(), &key),
            ),
            ("expired", forge(hs256.clone(), expired, &key)),
            ("string exp", forge(hs256.clone(), string_exp, &key)),
            ("no jti", forge(hs256.clone(), no_jti, &key)),
            ("other audience", forge(hs256.clone(), other_audience, &key)),
            ("garbage", "not.a.token".to_owned()),
            ("empty", String::new()),
        ];
        for (name, token) in cases {
            assert_eq!(verify(&keys(), &token, TokenType::Access), None, "{name}");
        }
    }
}
