//! What the HTTP functions share about their routes: the methods each resource serves,
//! the request's path and reading the job id out of a request.

use lambda_http::http::Method;
use lambda_http::{Request, RequestExt};

use crate::domain::JobId;

/// The methods `/images/{id}` serves: `GET` and `HEAD` by the status function, `DELETE` by
/// the delete function. A `405` from either names all three.
pub const JOB_METHODS: [Method; 3] = [Method::GET, Method::HEAD, Method::DELETE];

/// The methods `/usage` serves (the status function).
pub const USAGE_METHODS: [Method; 2] = [Method::GET, Method::HEAD];

/// The request's path, without a trailing `/`. API Gateway gives the path without its
/// stage; a request built by hand has only the URI.
pub fn path_of(request: &Request) -> &str {
    let raw = request.raw_http_path();
    let path = if raw.is_empty() {
        request.uri().path()
    } else {
        raw
    };
    path.trim_end_matches('/')
}

/// The job id of a request to `/images/{id}`: the route's `{id}` parameter, or else the
/// last segment of the path (for callers that do not fill in path parameters). `None` for
/// anything that is not a job id.
pub fn requested_job_id(request: &Request) -> Option<JobId> {
    let raw = match request.path_parameters_ref().and_then(|p| p.first("id")) {
        Some(id) => id.to_string(),
        None => request
            .uri()
            .path()
            .strip_prefix("/images/")
            .filter(|rest| !rest.contains('/'))?
            .to_string(),
    };
    JobId::parse(&raw).ok()
}
