//! The live channel's routes, as API Gateway's WebSocket API (or the local `live-gateway`)
//! invokes them:
//! - `$connect`: accepted; a connection is worth nothing until it subscribes;
//! - `subscribe` (`{"action":"subscribe","token":...,"jobs":[...]}`): the token is checked as
//!   the HTTP routes check an `Authorization` header (callers, revocation, rate limits), and
//!   each job must be the caller's: another caller's id reads as not found, as on
//!   `GET /images/{id}`. Each found job is then sent as it is now, and at every change after;
//! - `$disconnect`: the connection's subscriptions are removed;
//! - `$default`: anything else is answered with an error message.
//!
//! Answers go back through the `@connections` API, as the notifier's pushes do.

pub mod settings;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use ferrotype_access::Gate;
use ferrotype_notify::live::{
    ClientMessage, ConnectionId, LiveChannel, LiveError, LiveMessage, MAX_JOBS_PER_SUBSCRIBE,
};
use ferrotype_notify::payload::JobSummary;
use ferrotype_service::domain::{CallerId, JobId, JobStatus};
use ferrotype_service::store::{DisplayErrorContext, JobTable, StoreError};
use time::OffsetDateTime;
use tracing::{error, info};

pub struct App {
    pub gate: Gate,
    pub jobs: JobTable,
    pub live: LiveChannel,
}

#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("the request names no connection")]
    NoConnection,
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("reading a job failed")]
    Jobs(#[from] StoreError),
}

/// Answers one WebSocket event. The status code matters for `$connect` only (anything but
/// 2xx refuses the connection); the rest answer through the connection.
pub async fn handle(
    app: &App,
    request: ApiGatewayWebsocketProxyRequest,
) -> ApiGatewayProxyResponse {
    let route = request
        .request_context
        .route_key
        .clone()
        .unwrap_or_default();
    let result = match route.as_str() {
        "$connect" => Ok(()),
        "$disconnect" => disconnect(app, &request).await,
        "subscribe" => subscribe(app, &request).await,
        _ => {
            reply(
                app,
                &request,
                LiveMessage::error(
                    "bad-request",
                    r#"send {"action":"subscribe","token":"<credential>","jobs":["<job id>"]}"#,
                    vec![],
                ),
            )
            .await
        }
    };
    match result {
        Ok(()) => answer(200),
        Err(err) => {
            error!(route, error = %DisplayErrorContext(&err), "a live route failed");
            answer(500)
        }
    }
}

fn answer(status: i64) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response
}

fn connection(request: &ApiGatewayWebsocketProxyRequest) -> Result<ConnectionId, RouteError> {
    request
        .request_context
        .connection_id
        .clone()
        .map(ConnectionId::new)
        .ok_or(RouteError::NoConnection)
}

async fn reply(
    app: &App,
    request: &ApiGatewayWebsocketProxyRequest,
    message: LiveMessage,
) -> Result<(), RouteError> {
    app.live
        .connections
        .post(&connection(request)?, &message)
        .await?;
    Ok(())
}

async fn disconnect(
    app: &App,
    request: &ApiGatewayWebsocketProxyRequest,
) -> Result<(), RouteError> {
    let connection = connection(request)?;
    let removed = app
        .live
        .subscriptions
        .remove_connection(&connection)
        .await?;
    info!(%connection, removed, "connection closed");
    Ok(())
}

async fn subscribe(app: &App, request: &ApiGatewayWebsocketProxyRequest) -> Result<(), RouteError> {
    let connection = connection(request)?;
    let message = match serde_json::from_str::<ClientMessage>(request.body.as_deref().unwrap_or(""))
    {
        Ok(message) => message,
        Err(err) => {
            let text = format!("not a subscribe message: {err}");
            return reply(
                app,
                request,
                LiveMessage::error("bad-request", text, vec![]),
            )
            .await;
        }
    };
    let ClientMessage::Subscribe { token, jobs } = message;
    if jobs.is_empty() || jobs.len() > MAX_JOBS_PER_SUBSCRIBE {
        let text = format!(
            "name 1 to {MAX_JOBS_PER_SUBSCRIBE} jobs, not {}",
            jobs.len()
        );
        return reply(
            app,
            request,
            LiveMessage::error("too-many-jobs", text, jobs),
        )
        .await;
    }
    let caller = match admit(app, &token).await {
        Ok(caller) => caller,
        Err(message) => return reply(app, request, message).await,
    };

    let now = OffsetDateTime::now_utc();
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for text in jobs {
        match JobId::parse(&text) {
            Ok(id) if owned(app, id, &caller).await? => found.push(id),
            _ => missing.push(text),
        }
    }
    // Watch first, then read: a change after the read is pushed, one before it is in it.
    for id in &found {
        app.live
            .subscriptions
            .add(&connection, &caller, *id, now)
            .await?;
    }
    for id in found {
        if let Some(record) = app.jobs.get(id).await? {
            let job = JobSummary::from(&record);
            reply(app, request, LiveMessage::Status { job }).await?;
        }
    }
    if !missing.is_empty() {
        let message = LiveMessage::error("not-found", "no such job", missing);
        reply(app, request, message).await?;
    }
    info!(%connection, caller = %caller, "subscribed");
    Ok(())
}

/// Whether `id` is `caller`'s job and not deleted.
async fn owned(app: &App, id: JobId, caller: &CallerId) -> Result<bool, StoreError> {
    Ok(app
        .jobs
        .get(id)
        .await?
        .is_some_and(|record| record.belongs_to(caller) && record.status != JobStatus::Deleted))
}

/// The token's caller, checked by the same gate as `Authorization: Bearer` on the HTTP
/// routes; a refusal becomes the error message the browser is sent.
async fn admit(app: &App, token: &str) -> Result<CallerId, LiveMessage> {
    app.gate.admit_credential(token).await.map_err(|refusal| {
        if refusal.is_unavailable() {
            error!(error = %DisplayErrorContext(&refusal), "checking the caller failed");
        } else {
            info!(reason = %DisplayErrorContext(&refusal), "subscribe refused");
        }
        let problem = refusal.problem(std::time::Duration::from_secs(5));
        let code = problem
            .kind
            .rsplit(':')
            .next()
            .unwrap_or("unauthorized")
            .to_owned();
        LiveMessage::error(&code, problem.detail, vec![])
    })
}
