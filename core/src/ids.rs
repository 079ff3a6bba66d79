//! Public identifiers: a type prefix (`ten_`, `app_`) and a UUIDv7 in lower-case Crockford
//! base32, so ids sort by creation time and say what they name.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use uuid::{ContextV7, Timestamp, Uuid};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const ENCODED_LEN: usize = 26;

/// Keeps ids made within one millisecond (or at one frozen test time) in creation order.
static SEQUENCE: Mutex<ContextV7> = Mutex::new(ContextV7::new());

/// A fresh id body for `now`: 26 characters that sort like the creation times.
fn new_body(now: DateTime<Utc>) -> String {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    let context = SEQUENCE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let timestamp = Timestamp::from_unix(&*context, secs, now.timestamp_subsec_nanos());
    drop(context);
    encode(Uuid::new_v7(timestamp).as_u128())
}

/// `len` (at most 25) random characters of the id alphabet.
pub fn random_suffix(len: usize) -> String {
    let body = encode(Uuid::new_v4().as_u128());
    body[body.len() - len.min(25)..].to_owned()
}

fn encode(mut value: u128) -> String {
    let mut out = [b'0'; ENCODED_LEN];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value & 0x1f) as usize];
        value >>= 5;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

fn is_body(body: &str) -> bool {
    body.len() == ENCODED_LEN
        && body.bytes().all(|b| ALPHABET.contains(&b))
        && body.as_bytes()[0] <= b'7'
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// A fresh id, ordered after ids created earlier.
            pub fn generate(now: DateTime<Utc>) -> $name {
                $name(format!("{}{}", $prefix, new_body(now)))
            }

            /// Parses an id; `None` unless it has the right prefix and shape.
            pub fn parse(value: &str) -> Option<$name> {
                let body = value.strip_prefix($prefix)?;
                is_body(body).then(|| $name(value.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// Identifies a tenant.
    TenantId,
    "ten_"
);
prefixed_id!(
    /// Identifies an app; this is its OAuth `client_id`.
    ClientId,
    "app_"
);
prefixed_id!(
    /// Identifies one stored client secret.
    SecretId,
    "sec_"
);
prefixed_id!(
    /// Identifies one operator credential.
    OperatorCredentialId,
    "opc_"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    #[test]
    fn ids_carry_their_prefix_and_parse_back() {
        let id = TenantId::generate(at(1_800_000_000));
        assert!(id.as_str().starts_with("ten_"));
        assert_eq!(id.as_str().len(), 4 + ENCODED_LEN);
        assert_eq!(TenantId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(
            ClientId::parse(id.as_str()),
            None,
            "a tenant id is not a client id"
        );
    }

    #[test]
    fn later_ids_sort_after_earlier_ones_even_within_one_instant() {
        let first = ClientId::generate(at(1_800_000_000));
        let second = ClientId::generate(at(1_800_000_001));
        assert!(first < second);
        let frozen: Vec<_> = (0..100)
            .map(|_| ClientId::generate(at(1_800_000_002)))
            .collect();
        assert!(frozen.windows(2).all(|pair| pair[0] < pair[1]));
    }

    proptest! {
        #[test]
        fn parse_accepts_only_well_formed_ids(text in "\\PC{0,40}") {
            if let Some(id) = TenantId::parse(&text) {
                prop_assert_eq!(id.as_str(), text.as_str());
                prop_assert!(text.starts_with("ten_") && text.len() == 30);
            }
        }

        #[test]
        fn encoding_is_order_preserving(a in any::<u128>(), b in any::<u128>()) {
            prop_assert_eq!(a.cmp(&b), encode(a).cmp(&encode(b)));
            prop_assert!(is_body(&encode(a)));
        }
    }
}
