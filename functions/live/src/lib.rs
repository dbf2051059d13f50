//! The live channel's routes, as API Gateway's WebSocket API (or the local `live-gateway`)
//! invokes them:
//! - `$connect`: accepted; a connection is worth nothing until it subscribes;
//! - `subscribe` (`{"action":"subscribe","token":...,"jobs":[...]}`): the token is checked as
//!   the HTTP routes check an `Authorization` header (callers, revocation, rate limits), and
//!   each job must be the caller's: another caller's id reads as not found, as on
//!   `GET /images/{id}`. Each found job is then sent as it is now, and an unfinished one at
//!   every change after, within the caps (`ferrotype_notify::live::Caps`: a refusal is a
//!   `too-many-subscriptions` error naming the cap). The subscription ends with the
//!   connection, with the token's expiry, or when its API key is revoked (checked at every
//!   push). It costs one `BatchGetItem`, one `TransactWriteItems` and one more
//!   `BatchGetItem`, besides the gate's reads;
//! - `$disconnect`: the connection's subscriptions are removed;
//! - `$default`: anything else is answered with an error message.
//!
//! Answers go back through the `@connections` API, as the notifier's pushes do.

pub mod settings;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use ferrotype_access::Gate;
use ferrotype_notify::live::{
    Cap, ClientMessage, ConnectionId, Credential, LiveChannel, LiveError, LiveMessage,
    SubscribeError, SubscribeRequest, MAX_JOBS_PER_SUBSCRIBE,
};
use ferrotype_notify::payload::JobSummary;
use ferrotype_service::domain::{CallerId, JobId};
use ferrotype_service::store::DisplayErrorContext;
use time::OffsetDateTime;
use tracing::{error, info};

pub struct App {
    pub gate: Gate,
    /// The jobs table's name: a subscribe reads the named jobs in one batch.
    pub jobs_table: String,
    pub live: LiveChannel,
}

#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("the request names no connection")]
    NoConnection,
    #[error(transparent)]
    Live(#[from] LiveError),
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
    let credential = Credential::of_admitted(&token, &caller);

    // Ids that are not job ids are answered as not found without a read; repeats count once.
    let mut missing = Vec::new();
    let mut ids = Vec::new();
    for text in jobs {
        match JobId::parse(&text) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => missing.push(text),
        }
    }
    let mut refusals = Vec::new();
    if !ids.is_empty() {
        let request_of = SubscribeRequest {
            connection: &connection,
            caller: &caller,
            credential: &credential,
            jobs: &ids,
            now: OffsetDateTime::now_utc(),
        };
        match app
            .live
            .subscriptions
            .subscribe(&app.jobs_table, request_of)
            .await
        {
            Ok(subscribed) => {
                for record in subscribed.watching.iter().chain(&subscribed.ended) {
                    let job = JobSummary::from(record);
                    reply(app, request, LiveMessage::Status { job }).await?;
                }
                missing.extend(subscribed.missing.iter().map(ToString::to_string));
                if !subscribed.full.is_empty() {
                    let cap = Cap::PerJob(app.live.subscriptions.caps().per_job);
                    let full = subscribed.full.iter().map(ToString::to_string).collect();
                    refusals.push(cap.message(full));
                }
                info!(%connection, caller = %caller, watching = subscribed.watching.len(), "subscribed");
            }
            Err(SubscribeError::Cap(cap)) => {
                info!(%connection, caller = %caller, ?cap, "subscribe refused: a cap");
                let named = ids.iter().map(ToString::to_string).collect();
                refusals.push(cap.message(named));
            }
            Err(SubscribeError::OtherCaller) => {
                let named = ids.iter().map(ToString::to_string).collect();
                refusals.push(LiveMessage::error(
                    "other-caller",
                    "this connection follows another caller's jobs; open a new one",
                    named,
                ));
            }
            Err(SubscribeError::Contended) => {
                let named = ids.iter().map(ToString::to_string).collect();
                refusals.push(LiveMessage::error(
                    "busy",
                    "other subscribes changed the counts at the same time; send it again",
                    named,
                ));
            }
            Err(SubscribeError::Live(err)) => return Err(err.into()),
        }
    }
    for message in refusals {
        reply(app, request, message).await?;
    }
    if !missing.is_empty() {
        let message = LiveMessage::error("not-found", "no such job", missing);
        reply(app, request, message).await?;
    }
    Ok(())
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
