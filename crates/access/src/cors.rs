//! CORS for the web origins in configuration: browsers on those origins may call every
//! route with a bearer credential, and read the headers the API answers with.

use lambda_http::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};

use ferrotype_service::problem::Problem;

const ALLOW_METHODS: &str = "GET, HEAD, POST, DELETE";
const ALLOW_HEADERS: &str = "authorization, content-type, idempotency-key";
const EXPOSE_HEADERS: &str = "location, retry-after, www-authenticate";
/// How long a browser may keep a preflight's answer.
const MAX_AGE_SECONDS: &str = "600";

#[derive(Debug, Clone, Default)]
pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    /// `origins` as `scheme://host[:port]`, without a trailing slash.
    pub fn new(origins: Vec<String>) -> Self {
        Self { origins }
    }

    fn allowed<'a>(&self, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.origins.iter().any(|o| o == text).then_some(origin)
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or `None`
    /// for any other request. An origin not in configuration gets `403`.
    pub fn preflight(&self, request: &Request) -> Option<Response<Body>> {
        let headers = request.headers();
        if request.method() != Method::OPTIONS
            || !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            return None;
        }
        let Some(origin) = self.allowed(headers) else {
            return Some(
                Problem::new(
                    StatusCode::FORBIDDEN,
                    "origin-not-allowed",
                    "this web origin is not allowed to call the API (CORS_ALLOWED_ORIGINS)",
                )
                .into_response(),
            );
        };
        Some(
            Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .header(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
                .header(header::VARY, "origin")
                .body(Body::Empty)
                .expect("the preflight answer is well formed"),
        )
    }

    /// Adds the CORS headers to an answer for an allowed origin's request.
    pub fn decorate(&self, request_headers: &HeaderMap, response: &mut Response<Body>) {
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("origin"));
        if let Some(origin) = self.allowed(request_headers) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preflight(origin: &str) -> Request {
        let mut request = Request::new(Body::Empty);
        *request.method_mut() = Method::OPTIONS;
        let headers = request.headers_mut();
        headers.insert(header::ORIGIN, origin.parse().unwrap());
        headers.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            "POST".parse().unwrap(),
        );
        request
    }

    #[test]
    fn a_configured_origin_passes_preflight_and_reads_the_answer_headers() {
        let cors = Cors::new(vec!["https://app.example".into()]);
        let answer = cors.preflight(&preflight("https://app.example")).unwrap();
        assert_eq!(answer.status(), 204);
        assert_eq!(
            answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example"
        );
        assert!(answer.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .unwrap()
            .contains("authorization"));

        let request = preflight("https://app.example");
        let mut response = Response::new(Body::Empty);
        cors.decorate(request.headers(), &mut response);
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example"
        );
        assert!(response.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS]
            .to_str()
            .unwrap()
            .contains("location"));
    }

    #[test]
    fn another_origin_is_refused_and_gets_no_cors_headers() {
        let cors = Cors::new(vec!["https://app.example".into()]);
        let answer = cors.preflight(&preflight("https://evil.example")).unwrap();
        assert_eq!(answer.status(), 403);
        assert!(!answer
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

        let request = preflight("https://app.example.evil.example");
        let mut response = Response::new(Body::Empty);
        cors.decorate(request.headers(), &mut response);
        assert!(!response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(response.headers()[header::VARY], "origin");
    }

    #[test]
    fn a_plain_options_request_is_not_a_preflight() {
        let mut request = Request::new(Body::Empty);
        *request.method_mut() = Method::OPTIONS;
        assert!(Cors::new(vec![]).preflight(&request).is_none());
    }
}
