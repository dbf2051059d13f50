//! A local stand-in for API Gateway's WebSocket API, behaving as the deployed one does for
//! the live channel:
//! - `GET /` upgrades to a WebSocket after the `live` function accepted `$connect` (any other
//!   status refuses the handshake, as API Gateway does);
//! - each text frame invokes the route its `action` names (`$request.body.action`: the
//!   `subscribe` route, else `$default`), closing invokes `$disconnect`;
//! - the `@connections` management API: `POST /@connections/{id}` sends a frame (410 with
//!   `GoneException` when the connection is closed), `GET` describes it, `DELETE` closes it.
//!
//! The functions reach the last through the same SDK client as in AWS, pointed here by
//! `LIVE_ENDPOINT_URL`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::bridge::HttpInvoker;

/// The stage name the events carry.
pub const STAGE: &str = "local";

enum Outbound {
    Text(String),
    Close,
}

struct Connection {
    sender: mpsc::UnboundedSender<Outbound>,
    connected_at: OffsetDateTime,
}

#[derive(Clone)]
pub struct LiveGateway {
    invoker: Arc<HttpInvoker>,
    /// The host and port the events name as `domainName`.
    domain: String,
    connections: Arc<Mutex<HashMap<String, Connection>>>,
}

impl LiveGateway {
    pub fn new(invoker: HttpInvoker, domain: impl Into<String>) -> Self {
        Self {
            invoker: Arc::new(invoker),
            domain: domain.into(),
            connections: Arc::default(),
        }
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(upgrade))
            .route(
                "/@connections/{id}",
                get(describe).post(post_to_connection).delete(close),
            )
            .with_state(self)
    }

    /// The event API Gateway sends for `route` on `connection`.
    fn event(
        &self,
        route: &str,
        kind: &str,
        connection: &str,
        connected_at: OffsetDateTime,
        headers: HeaderMap,
        body: Option<String>,
    ) -> ApiGatewayWebsocketProxyRequest {
        let now = OffsetDateTime::now_utc();
        let mut event = ApiGatewayWebsocketProxyRequest::default();
        event.headers = headers;
        event.body = body;
        let context = &mut event.request_context;
        context.route_key = Some(route.into());
        context.event_type = Some(kind.into());
        context.connection_id = Some(connection.into());
        context.domain_name = Some(self.domain.clone());
        context.stage = Some(STAGE.into());
        context.apiid = Some("local".into());
        context.message_direction = Some("IN".into());
        context.request_id = Some(uuid::Uuid::new_v4().to_string());
        context.connected_at = (connected_at.unix_timestamp_nanos() / 1_000_000) as i64;
        context.request_time_epoch = (now.unix_timestamp_nanos() / 1_000_000) as i64;
        event
    }

    async fn invoke(&self, event: ApiGatewayWebsocketProxyRequest) -> Option<i64> {
        let route = event.request_context.route_key.clone().unwrap_or_default();
        match self
            .invoker
            .call::<_, ApiGatewayProxyResponse>(&event)
            .await
        {
            Ok(answer) => Some(answer.status_code),
            Err(err) => {
                warn!(route, error = %err, "invoking the live function failed");
                None
            }
        }
    }
}

/// The route a frame goes to: `$request.body.action`, as the deployed API selects it.
pub fn route_of(frame: &str) -> &'static str {
    let action = serde_json::from_str::<serde_json::Value>(frame)
        .ok()
        .and_then(|value| value.get("action")?.as_str().map(str::to_owned));
    match action.as_deref() {
        Some("subscribe") => "subscribe",
        _ => "$default",
    }
}

async fn upgrade(
    State(gateway): State<LiveGateway>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let connected_at = OffsetDateTime::now_utc();
    let event = gateway.event("$connect", "CONNECT", &id, connected_at, headers, None);
    match gateway.invoke(event).await {
        Some(status) if (200..300).contains(&status) => {}
        status => {
            info!(connection = id, ?status, "connection refused by $connect");
            return StatusCode::FORBIDDEN.into_response();
        }
    }
    ws.on_upgrade(move |socket| serve(gateway, id, connected_at, socket))
}

async fn serve(
    gateway: LiveGateway,
    id: String,
    connected_at: OffsetDateTime,
    mut socket: WebSocket,
) {
    let (sender, mut outbound) = mpsc::unbounded_channel();
    gateway.connections.lock().unwrap().insert(
        id.clone(),
        Connection {
            sender,
            connected_at,
        },
    );
    info!(connection = id, "connected");
    loop {
        tokio::select! {
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let route = route_of(&text);
                    let event = gateway.event(
                        route, "MESSAGE", &id, connected_at, HeaderMap::new(), Some(text.to_string()),
                    );
                    // Concurrently, as API Gateway invokes: the function answers through
                    // @connections while this loop keeps forwarding.
                    let gateway = gateway.clone();
                    tokio::spawn(async move { gateway.invoke(event).await });
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            out = outbound.recv() => match out {
                Some(Outbound::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            },
        }
    }
    gateway.connections.lock().unwrap().remove(&id);
    info!(connection = id, "disconnected");
    let event = gateway.event(
        "$disconnect",
        "DISCONNECT",
        &id,
        connected_at,
        HeaderMap::new(),
        None,
    );
    gateway.invoke(event).await;
}

fn gone() -> Response {
    (
        StatusCode::GONE,
        [
            ("x-amzn-errortype", "GoneException"),
            ("content-type", "application/json"),
        ],
        r#"{"message":"the connection is closed"}"#,
    )
        .into_response()
}

async fn post_to_connection(
    State(gateway): State<LiveGateway>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return (
            StatusCode::BAD_REQUEST,
            "the live channel sends text frames only",
        )
            .into_response();
    };
    let connections = gateway.connections.lock().unwrap();
    match connections.get(&id) {
        Some(connection) if connection.sender.send(Outbound::Text(text)).is_ok() => {
            StatusCode::OK.into_response()
        }
        _ => gone(),
    }
}

async fn describe(State(gateway): State<LiveGateway>, Path(id): Path<String>) -> Response {
    let connections = gateway.connections.lock().unwrap();
    match connections.get(&id) {
        Some(connection) => {
            let at = connection
                .connected_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            axum::Json(serde_json::json!({
                "connectedAt": at,
                "lastActiveAt": at,
                "identity": {"sourceIp": "127.0.0.1"},
            }))
            .into_response()
        }
        None => gone(),
    }
}

async fn close(State(gateway): State<LiveGateway>, Path(id): Path<String>) -> Response {
    let connections = gateway.connections.lock().unwrap();
    match connections.get(&id) {
        Some(connection) => {
            let _ = connection.sender.send(Outbound::Close);
            StatusCode::NO_CONTENT.into_response()
        }
        None => gone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_routed_by_their_action() {
        assert_eq!(route_of(r#"{"action":"subscribe","jobs":[]}"#), "subscribe");
        assert_eq!(route_of(r#"{"action":"other"}"#), "$default");
        assert_eq!(route_of("not json"), "$default");
        assert_eq!(route_of(r#"{"action":7}"#), "$default");
    }
}
