//! Access tokens: RS256 JWTs in the RFC 9068 profile, signed with the key ring's active key
//! and verified strictly against the published keys.

mod claims;
mod jwt;
mod keys;
mod ring;

pub use claims::{AccessClaims, TokenUse};
pub use jwt::{Expectations, TokenRejection, encode, verify};
pub use keys::{ALGORITHM, Jwk, PublicKey, SigningKey, new_kid};
pub use ring::{KeyRing, Published, RingState};
