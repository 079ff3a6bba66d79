//! What the operator commands print: times, and errors with a hint where one helps.

use gatehouse_proto::error::{ApiError, ErrorCode};

/// An RFC 3339 time, or an empty string.
pub fn time(timestamp: Option<&prost_types::Timestamp>) -> String {
    timestamp
        .and_then(|ts| chrono::DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?))
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A core error as the operator should read it.
pub fn failure(status: tonic::Status) -> anyhow::Error {
    let error = ApiError::from_status(&status);
    let hint = match error.code {
        ErrorCode::Unauthenticated => {
            "\nhint: the operator credential is in <data dir>/operator-token on the server, or \
             set GATEHOUSE_OPERATOR_TOKEN"
        }
        ErrorCode::Unavailable => "\nhint: is `gatehouse serve` running at --core-url?",
        _ => "",
    };
    anyhow::anyhow!("{error}{hint}")
}
