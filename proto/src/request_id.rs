//! The request id that follows one request through the REST facade, the core and the logs.

use http::HeaderMap;

/// Header (HTTP) and metadata key (gRPC) that carries the request id.
pub const HEADER: &str = "x-request-id";

const MAX_LEN: usize = 64;

/// The caller's request id when it is short and plain, otherwise a fresh one.
///
/// A caller-chosen id ends up in log lines, so anything beyond `[A-Za-z0-9._-]` is replaced.
pub fn accept_or_generate(headers: &HeaderMap) -> String {
    headers
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_acceptable(value))
        .map(str::to_owned)
        .unwrap_or_else(generate)
}

/// A fresh request id.
pub fn generate() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn is_acceptable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers_with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HEADER, value);
        }
        headers
    }

    #[test]
    fn a_plain_caller_id_is_kept() {
        assert_eq!(
            accept_or_generate(&headers_with("req-42.a_b")),
            "req-42.a_b"
        );
    }

    #[test]
    fn an_id_that_could_forge_log_fields_is_replaced() {
        let id = accept_or_generate(&headers_with("x tenant_id=ten_other"));
        assert_ne!(id, "x tenant_id=ten_other");
        assert_eq!(id.len(), 32);
    }

    #[test]
    fn an_overlong_or_missing_id_is_replaced() {
        assert_eq!(accept_or_generate(&headers_with(&"a".repeat(65))).len(), 32);
        assert_eq!(accept_or_generate(&HeaderMap::new()).len(), 32);
    }
}
