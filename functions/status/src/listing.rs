//! `GET /images`: the caller's jobs, newest first, a page at a time, from the list table
//! (the read model the projector keeps). Eventually consistent with the jobs: a job shows
//! here shortly after it changes, while `GET /images/{id}` reads the job itself.

use ferrotype_service::domain::{CallerId, FailureCode, JobStatus, ListEntry, Placeholder};
use ferrotype_service::problem::Problem;
use ferrotype_service::store::{DisplayErrorContext, ListQuery, ListTable, StoreError};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::error;

use crate::cursor::{CursorError, Scope};
use crate::{App, LinkedVariant, Links};

/// Entries per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u16 = 20;

/// The query parameters `GET /images` takes; any other is refused, so a misspelt filter
/// is not silently ignored.
const PARAMETERS: [&str; 5] = [
    "status",
    "created_after",
    "created_before",
    "limit",
    "cursor",
];

/// The methods `/images` serves: `GET` and `HEAD` here, `POST` by the upload function.
pub const IMAGES_METHODS: [Method; 3] = [Method::GET, Method::HEAD, Method::POST];

#[derive(Debug, Serialize)]
pub struct ListBody {
    pub items: Vec<ListItem>,
    /// Pass as `cursor` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// When the thumbnail links stop working; absent when there are none.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Serialize)]
pub struct ListItem {
    pub id: String,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Placeholder>,
    /// The smallest variant (`thumbnail` in the default set), with a link per format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<Thumbnail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ItemError>,
}

#[derive(Debug, Serialize)]
pub struct Source {
    pub bytes: u64,
    pub content_type: String,
}

#[derive(Debug, Serialize)]
pub struct Thumbnail {
    pub variant: String,
    #[serde(flatten)]
    pub linked: LinkedVariant,
}

#[derive(Debug, Serialize)]
pub struct ItemError {
    pub code: FailureCode,
}

/// Why a list request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("the method {0} is not served here")]
    MethodNotAllowed(Method),
    #[error("{0}")]
    Query(String),
    #[error("the cursor was refused")]
    Cursor(#[source] CursorError),
    #[error("listing the caller's jobs failed")]
    Store(#[source] StoreError),
}

impl ListError {
    fn problem(&self, app: &App) -> Problem {
        match self {
            Self::MethodNotAllowed(_) => Problem::method_not_allowed(&IMAGES_METHODS),
            Self::Query(detail) => Problem::new(StatusCode::BAD_REQUEST, "invalid-query", detail),
            // One answer for a malformed, altered, forged or someone else's cursor.
            Self::Cursor(_) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-cursor",
                "the cursor is not one this API gave for this query; start again without it",
            ),
            Self::Store(_) => Problem::unavailable(app.settings.unavailable_retry_after),
        }
    }
}

/// What a request asks for, read from its query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub status: Option<JobStatus>,
    pub created_after: Option<u64>,
    pub created_before: Option<u64>,
    pub limit: u16,
    pub cursor: Option<String>,
}

/// Reads the query string's parameters (each at most once).
pub fn asked<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Asked, ListError> {
    let mut asked = Asked {
        status: None,
        created_after: None,
        created_before: None,
        limit: DEFAULT_LIMIT,
        cursor: None,
    };
    let mut seen = Vec::new();
    for (name, value) in params {
        if !PARAMETERS.contains(&name) {
            return Err(ListError::Query(format!(
                "unknown parameter {name:?}; GET /images takes {}",
                PARAMETERS.join(", ")
            )));
        }
        if seen.contains(&name) {
            return Err(ListError::Query(format!("{name} is given more than once")));
        }
        seen.push(name);
        match name {
            "status" => {
                let status = JobStatus::ALL
                    .into_iter()
                    .filter(|s| *s != JobStatus::Deleted)
                    .find(|s| s.as_str() == value)
                    .ok_or_else(|| {
                        ListError::Query(format!(
                            "status {value:?} is not one of awaiting_upload, queued, processing, completed, failed"
                        ))
                    })?;
                asked.status = Some(status);
            }
            "created_after" | "created_before" => {
                let at = OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
                    ListError::Query(format!(
                        "{name} {value:?} is not an RFC 3339 time (e.g. 2026-12-07T10:00:00Z)"
                    ))
                })?;
                let millis = Some(ferrotype_service::domain::epoch_millis(at));
                if name == "created_after" {
                    asked.created_after = millis;
                } else {
                    asked.created_before = millis;
                }
            }
            "limit" => {
                asked.limit = value
                    .parse::<u16>()
                    .ok()
                    .filter(|limit| (1..=ListTable::MAX_LIMIT).contains(limit))
                    .ok_or_else(|| {
                        ListError::Query(format!(
                            "limit {value:?} is not a whole number from 1 to {}",
                            ListTable::MAX_LIMIT
                        ))
                    })?;
            }
            _ => asked.cursor = Some(value.to_string()),
        }
    }
    Ok(asked)
}

/// `GET /images`.
pub async fn list(app: &App, caller: CallerId, request: Request) -> Response<Body> {
    match page(app, &caller, &request).await {
        Ok(body) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Text(
                serde_json::to_string(&body).expect("a list serialises"),
            ))
            .expect("the list answer is well formed"),
        Err(err) => {
            if let ListError::Store(source) = &err {
                error!(error = %DisplayErrorContext(source), "listing failed");
            }
            err.problem(app).into_response()
        }
    }
}

async fn page(app: &App, caller: &CallerId, request: &Request) -> Result<ListBody, ListError> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(ListError::MethodNotAllowed(request.method().clone()));
    }
    // Every (name, value) pair, a repeated name once per value.
    let asked = asked(request.query_string_parameters().iter())?;
    let scope = Scope {
        caller,
        status: asked.status,
        created_after: asked.created_after,
        created_before: asked.created_before,
    };
    let start = asked
        .cursor
        .as_deref()
        .map(|cursor| app.settings.cursor_keys.open(&scope, cursor))
        .transpose()
        .map_err(ListError::Cursor)?;
    let query = ListQuery {
        caller: caller.clone(),
        status: asked.status,
        created_after: asked.created_after,
        created_before: asked.created_before,
        limit: asked.limit,
        start,
    };
    let now = OffsetDateTime::now_utc();
    let page = app.list.page(&query, now).await.map_err(ListError::Store)?;
    let next_cursor = page
        .next
        .as_ref()
        .map(|position| app.settings.cursor_keys.seal(&scope, position));
    let any_thumbnail = page.entries.iter().any(|entry| entry.thumbnail.is_some());
    let ttl = if any_thumbnail {
        Some(
            app.images
                .link_lifetime(app.settings.presign_ttl)
                .await
                .map_err(ListError::Store)?,
        )
    } else {
        None
    };
    let mut links = Links::new(&app.images, ttl.unwrap_or_default());
    let mut items = Vec::with_capacity(page.entries.len());
    for entry in page.entries {
        items.push(item(&mut links, entry).await.map_err(ListError::Store)?);
    }
    Ok(ListBody {
        items,
        next_cursor,
        expires_at: ttl.map(|ttl| now + ttl),
    })
}

async fn item(links: &mut Links<'_>, entry: ListEntry) -> Result<ListItem, StoreError> {
    let thumbnail = match &entry.thumbnail {
        Some(variant) => Some(Thumbnail {
            variant: variant.name.as_str().to_string(),
            linked: links.variant(variant).await?,
        }),
        None => None,
    };
    Ok(ListItem {
        id: entry.id.to_string(),
        status: entry.status,
        created_at: entry.created_at,
        updated_at: entry.updated_at,
        source: Source {
            bytes: entry.source_bytes,
            content_type: entry.source_content_type,
        },
        placeholder: entry.placeholder,
        thumbnail,
        error: entry.failure.map(|code| ItemError { code }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_parameters_ask_for_the_newest_twenty() {
        let asked = asked([]).unwrap();
        assert_eq!(asked.limit, 20);
        assert_eq!(asked.status, None);
        assert_eq!(asked.cursor, None);
    }

    #[test]
    fn every_parameter_is_read() {
        let asked = asked([
            ("status", "failed"),
            ("created_after", "1970-01-01T00:00:01Z"),
            ("created_before", "1970-01-01T00:00:02.5Z"),
            ("limit", "100"),
            ("cursor", "1.a.b"),
        ])
        .unwrap();
        assert_eq!(asked.status, Some(JobStatus::Failed));
        assert_eq!(asked.created_after, Some(1000));
        assert_eq!(asked.created_before, Some(2500));
        assert_eq!(asked.limit, 100);
        assert_eq!(asked.cursor.as_deref(), Some("1.a.b"));
    }

    #[test]
    fn each_bad_parameter_is_refused_by_its_name() {
        for (name, value) in [
            ("status", "deleted"),
            ("status", "done"),
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "-1"),
            ("limit", "ten"),
            ("created_after", "yesterday"),
            ("created_before", "2026-12-07"),
            ("sort", "oldest"),
        ] {
            let err = asked([(name, value)]).unwrap_err();
            assert!(
                matches!(&err, ListError::Query(detail) if detail.contains(name)),
                "{name}={value}: {err}"
            );
        }
        let twice = asked([("limit", "5"), ("limit", "6")]).unwrap_err();
        assert!(twice.to_string().contains("more than once"));
    }
}
