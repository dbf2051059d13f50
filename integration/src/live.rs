//! The live channel on loopback, as `make dev` runs it but in-process: the real
//! `live-gateway` router (tools/local) on a free port, invoking the `live` handler through
//! a Lambda Invoke endpoint of the test's own, and a WebSocket client as a browser's.

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use axum::routing::post;
use axum::{Json, Router};
use ferrotype_local::bridge::HttpInvoker;
use ferrotype_local::live::LiveGateway;
use ferrotype_notify::live::{
    Caps, Connections, KeyRevocations, LiveChannel, LiveMessage, Subscriptions,
};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::TestStack;

pub struct LiveHarness {
    /// `ws://127.0.0.1:<port>/`.
    pub url: String,
    /// The `@connections` endpoint, for the notifier's channel.
    pub endpoint: String,
    config: aws_config::SdkConfig,
    table: String,
    key_table: String,
}

impl LiveHarness {
    /// Starts the gateway and the `live` function (with `gate`) for `stack`.
    pub async fn start(stack: &TestStack, gate: ferrotype_access::Gate) -> Self {
        Self::with_caps(stack, gate, Caps::default()).await
    }

    /// As [`LiveHarness::start`], with the live function holding subscribers to `caps`.
    pub async fn with_caps(stack: &TestStack, gate: ferrotype_access::Gate, caps: Caps) -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let gateway_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gateway_address = gateway_listener.local_addr().unwrap();
        let endpoint = format!("http://{gateway_address}");
        let table = stack.stack.connections_table.clone();

        let app = Arc::new(live::App {
            gate,
            jobs_table: stack.stack.table.clone(),
            live: LiveChannel {
                subscriptions: Subscriptions::new(stack.clients.dynamodb.clone(), &table)
                    .with_caps(caps),
                connections: Connections::new(&config, &endpoint),
                keys: None,
            },
        });
        let function = Router::new().route(
            "/2015-03-31/functions/live/invocations",
            post(move |Json(event): Json<ApiGatewayWebsocketProxyRequest>| {
                let app = app.clone();
                async move { Json::<ApiGatewayProxyResponse>(live::handle(&app, event).await) }
            }),
        );
        let function_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let invoke_url = format!(
            "http://{}/2015-03-31/functions/live/invocations",
            function_listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(function_listener, function).await });

        let invoker = HttpInvoker::new(invoke_url, Duration::from_secs(30)).unwrap();
        let router = LiveGateway::new(invoker, gateway_address.to_string()).router();
        tokio::spawn(async move { axum::serve(gateway_listener, router).await });
        Self {
            url: format!("ws://{gateway_address}/"),
            endpoint,
            config,
            table,
            key_table: stack.stack.api_key_table.clone(),
        }
    }

    /// The channel the notifier pushes through.
    pub fn channel(&self) -> LiveChannel {
        LiveChannel {
            subscriptions: self.subscriptions(),
            connections: Connections::new(&self.config, &self.endpoint),
            keys: Some(KeyRevocations::new(
                aws_sdk_dynamodb::Client::new(&self.config),
                &self.key_table,
            )),
        }
    }

    pub fn subscriptions(&self) -> Subscriptions {
        Subscriptions::new(aws_sdk_dynamodb::Client::new(&self.config), &self.table)
    }

    pub async fn connect(&self) -> Browser {
        let (socket, _) = tokio_tungstenite::connect_async(&self.url)
            .await
            .expect("connecting to the live gateway");
        Browser { socket }
    }
}

/// A browser's end of the live channel.
pub struct Browser {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Browser {
    pub async fn send(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_owned().into()))
            .await
            .unwrap();
    }

    pub async fn subscribe(&mut self, token: &str, jobs: &[String]) {
        let message = serde_json::json!({"action": "subscribe", "token": token, "jobs": jobs});
        self.send(&message.to_string()).await;
    }

    /// The next message, or `None` if none comes within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<LiveMessage> {
        loop {
            let frame = tokio::time::timeout(wait, self.socket.next())
                .await
                .ok()??;
            match frame.expect("a WebSocket frame") {
                Message::Text(text) => {
                    return Some(serde_json::from_str(&text).expect("a live message"));
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    pub async fn next(&mut self) -> LiveMessage {
        self.next_within(Duration::from_secs(10))
            .await
            .expect("a live message within 10 s")
    }

    pub async fn close(mut self) {
        self.socket.close(None).await.unwrap();
    }
}

/// An `@connections` API on loopback that takes every post after `delay` (as a slow API
/// Gateway would) and keeps what it was sent, by connection; connections named `gone-…`
/// answer `410 GoneException`.
pub struct LoopbackConnections {
    /// The endpoint for [`Connections::new`].
    pub endpoint: String,
    pub received: Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<LiveMessage>>>>,
}

impl LoopbackConnections {
    pub async fn start(delay: Duration) -> Self {
        use axum::extract::{Path, State};
        use axum::http::StatusCode;
        use axum::response::IntoResponse;
        type Received = Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<LiveMessage>>>>;
        let received: Received = Arc::default();
        let router = Router::new()
            .route(
                "/@connections/{id}",
                post(
                    move |State(received): State<Received>,
                          Path(id): Path<String>,
                          body: axum::body::Bytes| async move {
                        tokio::time::sleep(delay).await;
                        if id.starts_with("gone-") {
                            return (
                                StatusCode::GONE,
                                [("x-amzn-errortype", "GoneException")],
                                "{}",
                            )
                                .into_response();
                        }
                        let message = serde_json::from_slice(&body).expect("a live message");
                        received
                            .lock()
                            .unwrap()
                            .entry(id)
                            .or_default()
                            .push(message);
                        StatusCode::OK.into_response()
                    },
                ),
            )
            .with_state(received.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { endpoint, received }
    }

    /// Messages posted so far, over all connections.
    pub fn total(&self) -> usize {
        self.received.lock().unwrap().values().map(Vec::len).sum()
    }
}
