//! RFC 9457 problem details: every HTTP error the API returns is shaped here.

use std::time::Duration;

use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem details document. `type` names the kind of problem; clients can branch on it.
/// Headers that belong with the problem (`Allow`, `Retry-After`) travel with it, so the
/// words and the headers cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip)]
    allow: Option<String>,
    #[serde(skip)]
    retry_after: Option<Duration>,
    #[serde(skip)]
    www_authenticate: Option<String>,
}

impl Problem {
    /// `slug` becomes the problem type `urn:ferrotype:problem:<slug>`.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:ferrotype:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            allow: None,
            retry_after: None,
            www_authenticate: None,
        }
    }

    /// `401` with the `WWW-Authenticate` challenge that tells the client what to send.
    pub fn unauthorized(slug: &str, challenge: String, detail: impl Into<String>) -> Self {
        let mut problem = Self::new(StatusCode::UNAUTHORIZED, slug, detail);
        problem.www_authenticate = Some(challenge);
        problem
    }

    /// `429`: a limit was reached; it lifts after `retry_after`.
    pub fn too_many_requests(slug: &str, retry_after: Duration, detail: impl Into<String>) -> Self {
        let mut problem = Self::new(StatusCode::TOO_MANY_REQUESTS, slug, detail);
        problem.retry_after = Some(retry_after);
        problem
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no image job has this id",
        )
    }

    /// `405` naming the methods the resource serves, in the detail and in `Allow` alike.
    pub fn method_not_allowed(allowed: &[Method]) -> Self {
        let list = allowed
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let mut problem = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            format!("this resource supports {list} only"),
        );
        problem.allow = Some(list);
        problem
    }

    /// A failure on our side that a retry may cure, with `Retry-After` (from configuration).
    /// The detail never carries internals.
    pub fn unavailable(retry_after: Duration) -> Self {
        let mut problem = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "the service could not complete the request; retry later",
        );
        problem.retry_after = Some(retry_after);
        problem
    }

    pub fn into_response(self) -> Response<Body> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).expect("a problem always serializes");
        let mut builder = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, PROBLEM_JSON)
            .header(header::CACHE_CONTROL, "no-store");
        if let Some(allow) = &self.allow {
            builder = builder.header(header::ALLOW, allow);
        }
        if let Some(retry_after) = self.retry_after {
            builder = builder.header(header::RETRY_AFTER, retry_after.as_secs().to_string());
        }
        if let Some(challenge) = &self.www_authenticate {
            builder = builder.header(header::WWW_AUTHENTICATE, challenge);
        }
        builder
            .body(Body::Text(body))
            .expect("the problem's headers are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(response: &Response<Body>) -> serde_json::Value {
        let Body::Text(text) = response.body() else {
            panic!("problem body should be text")
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_problem_response_carries_the_media_type_and_all_members() {
        let response =
            Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported", "no").into_response();
        assert_eq!(response.status(), 415);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let json = json(&response);
        assert_eq!(json["type"], "urn:ferrotype:problem:unsupported");
        assert_eq!(json["title"], "Unsupported Media Type");
        assert_eq!(json["status"], 415);
        assert_eq!(json["detail"], "no");
        assert_eq!(json.as_object().unwrap().len(), 4, "{json}");
        assert!(!response.headers().contains_key(header::ALLOW));
        assert!(!response.headers().contains_key(header::RETRY_AFTER));
    }

    #[test]
    fn method_not_allowed_names_the_same_methods_in_allow_and_in_the_detail() {
        let response = Problem::method_not_allowed(&[Method::GET, Method::HEAD]).into_response();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()[header::ALLOW], "GET, HEAD");
        assert_eq!(
            json(&response)["detail"],
            "this resource supports GET, HEAD only"
        );
    }

    #[test]
    fn unavailable_answers_with_the_configured_retry_after() {
        let response = Problem::unavailable(Duration::from_secs(7)).into_response();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    }
}
