//! RFC 9457 problem details: every HTTP error the API returns is shaped here.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem details document. `type` names the kind of problem; clients can branch on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

impl Problem {
    /// `slug` becomes the problem type `urn:ferrotype:problem:<slug>`.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:ferrotype:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no image job has this id",
        )
    }

    pub fn method_not_allowed(allowed: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            format!("this resource supports {allowed} only"),
        )
    }

    /// A failure on our side that a retry may cure. The detail never carries internals.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "the service could not complete the request; retry later",
        )
    }

    pub fn into_response(self) -> Response<Body> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).expect("a problem always serializes");
        let mut builder = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, PROBLEM_JSON)
            .header(header::CACHE_CONTROL, "no-store");
        if status == StatusCode::SERVICE_UNAVAILABLE {
            builder = builder.header(header::RETRY_AFTER, "5");
        }
        builder
            .body(Body::Text(body))
            .expect("static headers are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_response_carries_the_media_type_and_all_members() {
        let response =
            Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported", "no").into_response();
        assert_eq!(response.status(), 415);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let Body::Text(text) = response.body() else {
            panic!("problem body should be text")
        };
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(json["type"], "urn:ferrotype:problem:unsupported");
        assert_eq!(json["title"], "Unsupported Media Type");
        assert_eq!(json["status"], 415);
        assert_eq!(json["detail"], "no");
    }
}
