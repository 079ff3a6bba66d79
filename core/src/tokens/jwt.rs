//! Compact JWS encoding and strict verification (RFC 7515, RFC 7519, RFC 9068 §4).
//!
//! Verification accepts exactly one shape: `alg` RS256, `typ` `at+jwt`, a `kid` that names a
//! published key, a valid signature, and claims whose `iss`, `aud` and `exp` match. Anything
//! else, `alg: none` and HMAC algorithms included, is refused before any key is used.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::claims::AccessClaims;
use super::keys::{ALGORITHM, KeyMaterialError, SigningKey};
use super::ring::RingState;

/// Tokens longer than this are refused unread.
const MAX_TOKEN_LEN: usize = 8 * 1024;
/// Media type of access tokens (RFC 9068 §2.1).
const TOKEN_TYPE: &str = "at+jwt";

#[derive(Serialize)]
struct HeaderOut<'a> {
    alg: &'static str,
    typ: &'static str,
    kid: &'a str,
}

#[derive(Deserialize)]
struct HeaderIn {
    alg: String,
    typ: Option<String>,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

/// Signs `claims` with `key`: `base64url(header).base64url(claims).base64url(signature)`.
pub fn encode(key: &SigningKey, claims: &AccessClaims) -> Result<String, KeyMaterialError> {
    let header = HeaderOut {
        alg: ALGORITHM,
        typ: TOKEN_TYPE,
        kid: key.kid(),
    };
    let header = serde_json::to_vec(&header).map_err(|_| KeyMaterialError::Crypto)?;
    let claims = serde_json::to_vec(claims).map_err(|_| KeyMaterialError::Crypto)?;
    let mut token = String::with_capacity(512 + 2 * claims.len());
    URL_SAFE_NO_PAD.encode_string(header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// What a token must say to be accepted.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The `iss` claim.
    pub issuer: &'a str,
    /// The `aud` claim.
    pub audience: &'a str,
    /// The current time, seconds since the epoch: `exp` must be later.
    pub now: i64,
}

/// Why a token was refused. Clients only ever learn "unauthenticated"; this is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    /// Not a compact JWS, or not JSON inside.
    #[error("malformed token")]
    Malformed,
    /// An algorithm other than RS256.
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(String),
    /// `typ` is not `at+jwt`.
    #[error("not an access token (typ)")]
    Type,
    /// No published key has this `kid`.
    #[error("unknown key id")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// Wrong `iss`.
    #[error("wrong issuer")]
    Issuer,
    /// Wrong `aud`.
    #[error("wrong audience")]
    Audience,
    /// `exp` has passed.
    #[error("expired")]
    Expired,
    /// The claims are missing or inconsistent.
    #[error("invalid claims")]
    Claims,
    /// The token was revoked.
    #[error("revoked")]
    Revoked,
}

/// Verifies `token` against the published keys of `ring` and `expect`.
pub fn verify(
    token: &str,
    ring: &RingState,
    expect: &Expectations<'_>,
) -> Result<AccessClaims, TokenRejection> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenRejection::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenRejection::Malformed);
    };

    let header: HeaderIn = decode_json(header)?;
    if header.alg != ALGORITHM {
        return Err(TokenRejection::Algorithm(header.alg));
    }
    let typ_ok = header.typ.as_deref().is_some_and(|typ| {
        typ.eq_ignore_ascii_case(TOKEN_TYPE) || typ.eq_ignore_ascii_case("application/at+jwt")
    });
    if !typ_ok {
        return Err(TokenRejection::Type);
    }
    if header.crit.is_some() {
        return Err(TokenRejection::Malformed);
    }
    let kid = header.kid.ok_or(TokenRejection::UnknownKey)?;
    let key = ring
        .key(&kid, expect.now)
        .ok_or(TokenRejection::UnknownKey)?;

    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenRejection::Malformed)?;
    let signing_input = &token[..header_len(token)];
    if !key.verify(signing_input.as_bytes(), &signature) {
        return Err(TokenRejection::Signature);
    }

    let claims: AccessClaims = decode_json(payload).map_err(|_| TokenRejection::Claims)?;
    check_claims(&claims, expect)?;
    Ok(claims)
}

/// Length of `header.payload`, the signed part.
fn header_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

fn check_claims(claims: &AccessClaims, expect: &Expectations<'_>) -> Result<(), TokenRejection> {
    if claims.iss != expect.issuer {
        return Err(TokenRejection::Issuer);
    }
    if claims.aud != expect.audience {
        return Err(TokenRejection::Audience);
    }
    if claims.exp <= expect.now {
        return Err(TokenRejection::Expired);
    }
    if claims.iat > claims.exp || claims.jti.is_empty() || claims.tid.is_empty() {
        return Err(TokenRejection::Claims);
    }
    Ok(())
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, TokenRejection> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenRejection::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenRejection::Malformed)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::tokens::{PublicKey, TokenUse};

    const ISSUER: &str = "https://auth.example.com";
    const AUDIENCE: &str = "https://auth.example.com";
    const NOW: i64 = 1_800_000_000;

    fn claims() -> AccessClaims {
        AccessClaims {
            iss: ISSUER.into(),
            sub: "app_1".into(),
            aud: AUDIENCE.into(),
            client_id: "app_1".into(),
            tid: "ten_1".into(),
            scope: "apps:read".into(),
            iat: NOW,
            exp: NOW + 3600,
            jti: "jti-1".into(),
            token_use: TokenUse::Access,
        }
    }

    fn ring() -> (RingState, Arc<SigningKey>) {
        let key = Arc::new(SigningKey::generate("k-active".into()).unwrap());
        let published = vec![crate::tokens::Published {
            key: key.public(),
            until: None,
        }];
        (RingState::new(key.clone(), published), key)
    }

    fn expect(now: i64) -> Expectations<'static> {
        Expectations {
            issuer: ISSUER,
            audience: AUDIENCE,
            now,
        }
    }

    fn forge(header: &str, claims: &AccessClaims, signature: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap()),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    #[test]
    fn a_token_we_signed_verifies_until_it_expires() {
        let (ring, key) = ring();
        let token = encode(&key, &claims()).unwrap();
        assert_eq!(verify(&token, &ring, &expect(NOW)).unwrap(), claims());
        assert_eq!(
            verify(&token, &ring, &expect(NOW + 3600)),
            Err(TokenRejection::Expired)
        );
    }

    #[test]
    fn alg_none_and_hmac_are_refused_before_any_key_is_used() {
        let (ring, _) = ring();
        let none = forge(
            r#"{"alg":"none","typ":"at+jwt","kid":"k-active"}"#,
            &claims(),
            b"",
        );
        assert_eq!(
            verify(&none, &ring, &expect(NOW)),
            Err(TokenRejection::Algorithm("none".into()))
        );
        let hs256 = forge(
            r#"{"alg":"HS256","typ":"at+jwt","kid":"k-active"}"#,
            &claims(),
            b"x",
        );
        assert_eq!(
            verify(&hs256, &ring, &expect(NOW)),
            Err(TokenRejection::Algorithm("HS256".into()))
        );
    }

    #[test]
    fn an_unknown_kid_a_bad_signature_and_a_foreign_key_are_refused() {
        let (ring, key) = ring();
        let token = encode(&key, &claims()).unwrap();
        let stranger = SigningKey::generate("k-stranger".into()).unwrap();
        let foreign = encode(&stranger, &claims()).unwrap();
        assert_eq!(
            verify(&foreign, &ring, &expect(NOW)),
            Err(TokenRejection::UnknownKey)
        );

        let impostor = SigningKey::generate("k-active".into()).unwrap();
        let impostor_token = encode(&impostor, &claims()).unwrap();
        assert_eq!(
            verify(&impostor_token, &ring, &expect(NOW)),
            Err(TokenRejection::Signature)
        );

        let mut altered = claims();
        altered.scope = "platform:admin".into();
        let (head, rest) = token.split_once('.').unwrap();
        let signature = rest.rsplit_once('.').unwrap().1;
        let tampered = format!(
            "{head}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap())
        );
        assert_eq!(
            verify(&tampered, &ring, &expect(NOW)),
            Err(TokenRejection::Signature)
        );
    }

    #[test]
    fn wrong_issuer_audience_or_type_are_refused() {
        let (ring, key) = ring();
        let mut wrong_iss = claims();
        wrong_iss.iss = "https://evil.example".into();
        let token = encode(&key, &wrong_iss).unwrap();
        assert_eq!(
            verify(&token, &ring, &expect(NOW)),
            Err(TokenRejection::Issuer)
        );

        let mut wrong_aud = claims();
        wrong_aud.aud = "https://other-api.example".into();
        let token = encode(&key, &wrong_aud).unwrap();
        assert_eq!(
            verify(&token, &ring, &expect(NOW)),
            Err(TokenRejection::Audience)
        );

        let id_token_header = r#"{"alg":"RS256","typ":"JWT","kid":"k-active"}"#;
        let forged = forge(id_token_header, &claims(), b"sig");
        assert_eq!(
            verify(&forged, &ring, &expect(NOW)),
            Err(TokenRejection::Type)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let (ring, _) = ring();
        for garbage in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "ey.ey.ey",
            &"a".repeat(9000),
        ] {
            assert!(verify(garbage, &ring, &expect(NOW)).is_err(), "{garbage:?}");
        }
        let _ = PublicKey::from_jwk_parts("k".into(), "!!", "AQAB");
    }
}
