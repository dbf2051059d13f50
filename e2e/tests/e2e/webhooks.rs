//! A job's webhooks through `make dev`'s whole pipeline: the jobs table's stream bridge,
//! the notifier, the webhook queue's bridge and the webhook function, to a receiver of this
//! test on loopback (which only the local stack allows).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use e2e::api::{Accepted, DeliveryState, Job};
use e2e::webhooks::{verify_with_reference, Delivery, Receiver};
use e2e::Answer;
use reqwest::{Method, StatusCode};

const EVENTS: [&str; 2] = ["image.completed", "image.processing"];

#[tokio::test]
async fn a_jobs_webhooks_arrive_signed_for_the_reference_library_and_show_as_delivered(
) -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let receiver = Receiver::start()?;
    let answer = Answer::of(
        api.request(Method::POST, "/images")
            .query(&[("callback_url", receiver.url())])
            .header("content-type", "image/jpeg")
            .body(env.photo()?),
    )
    .await?;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer}");
    let accepted: Accepted = answer.json()?;

    // One delivery per event (a retry repeats its webhook-id), of this job only.
    let deadline = Instant::now() + env.poll_timeout;
    let mut by_event: BTreeMap<String, Delivery> = BTreeMap::new();
    while by_event.len() < EVENTS.len() {
        for delivery in receiver.arrived() {
            let webhook = delivery.webhook()?;
            if webhook.data.id == accepted.id {
                by_event.entry(webhook.event).or_insert(delivery);
            }
        }
        assert!(
            Instant::now() < deadline,
            "within {} s (POLL_TIMEOUT) only {:?} arrived",
            env.poll_timeout.as_secs(),
            by_event.keys()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        by_event.keys().map(String::as_str).collect::<Vec<_>>(),
        EVENTS
    );

    for (event, delivery) in &by_event {
        let verified = verify_with_reference(&env, &env.webhook_secret, delivery)?;
        assert_eq!(verified, Ok(delivery.webhook()?), "{event}");
    }

    // The sender records a delivery after the receiver's answer: give it a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let job: Job = api.job(&accepted.links.status).await?.json()?;
        let states: Vec<(String, DeliveryState)> = job
            .webhooks
            .iter()
            .map(|(event, delivery)| (event.clone(), delivery.state))
            .collect();
        let delivered = EVENTS.map(|event| (event.to_owned(), DeliveryState::Delivered));
        if states == delivered {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "the status document's webhooks: {states:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_callers_webhook_secret_is_served_over_http_to_it_alone() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    // The secret the stack's receivers verify with is the caller's own, read here as a
    // client reads it. The page's test (beside this one, same caller) may have rotated it:
    // then it is the previous secret, which signs beside the new one through the overlap.
    let answer = Answer::of(api.request(Method::GET, "/webhook-secret")).await?;
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let document: serde_json::Value = answer.json()?;
    let stacks = env.webhook_secret.as_str();
    assert!(
        document["secret"] == stacks || document["previous"]["secret"] == stacks,
        "{document}"
    );

    let refused = Answer::of(api.anonymous().get(api.url("/webhook-secret"))).await?;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{refused}");
    assert!(!format!("{refused}").contains(&env.webhook_secret));
    let refused = Answer::of(api.anonymous().post(api.url("/webhook-secret/rotate"))).await?;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{refused}");
    Ok(())
}
