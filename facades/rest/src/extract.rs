//! Extractors whose rejections are answered in the API's own error format.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::RestError;

/// A JSON body; malformed JSON or unknown fields answer `invalid_argument`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = RestError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, RestError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(RestError::invalid(json_problem(&rejection))),
        }
    }
}

/// An optional JSON body: no body at all means `T::default()`.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = RestError;

    async fn from_request(request: Request, state: &S) -> Result<OptionalJsonBody<T>, RestError> {
        let empty = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .is_some_and(|length| length == "0")
            || (!request.headers().contains_key(http::header::CONTENT_TYPE)
                && !request
                    .headers()
                    .contains_key(http::header::TRANSFER_ENCODING));
        if empty {
            return Ok(OptionalJsonBody(T::default()));
        }
        let JsonBody(value) = JsonBody::<T>::from_request(request, state).await?;
        Ok(OptionalJsonBody(value))
    }
}

fn json_problem(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "expected a JSON body with Content-Type: application/json".to_owned()
        }
        JsonRejection::JsonDataError(err) => format!("invalid request body: {}", err.body_text()),
        JsonRejection::JsonSyntaxError(_) => "the request body is not valid JSON".to_owned(),
        other => format!("invalid request body: {}", other.body_text()),
    }
}

/// A query string; a malformed one answers `invalid_argument`.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<QueryParams<T>, RestError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err(RestError::invalid(query_problem(&rejection))),
        }
    }
}

fn query_problem(rejection: &QueryRejection) -> String {
    format!("invalid query string: {}", rejection.body_text())
}
