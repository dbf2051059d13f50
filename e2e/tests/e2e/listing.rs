//! `GET /images` over HTTP: a job shows in its caller's list once the second reader of the
//! jobs stream (the projector, through its stream bridge) has projected it, with its
//! thumbnail's links, and leaves it when deleted.

use std::time::{Duration, Instant};

use e2e::api::Accepted;
use e2e::Answer;
use reqwest::{Method, StatusCode};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// How long the list may lag the job (the stream bridge polls every 100 ms).
const LIST_TIMEOUT: Duration = Duration::from_secs(15);

/// Polls `GET /images?created_after=…` until `check` accepts the item of job `id` (or
/// its absence, `None`); the item last seen.
async fn listed_until(
    api: &e2e::Api,
    since: &str,
    id: &str,
    check: impl Fn(Option<&serde_json::Value>) -> bool,
) -> anyhow::Result<Option<serde_json::Value>> {
    let deadline = Instant::now() + LIST_TIMEOUT;
    loop {
        let answer = Answer::of(
            api.request(Method::GET, "/images")
                .query(&[("created_after", since), ("limit", "100")]),
        )
        .await?;
        anyhow::ensure!(answer.status == StatusCode::OK, "{answer}");
        anyhow::ensure!(
            answer.header("cache-control") == Some("no-store"),
            "{answer}"
        );
        let body: serde_json::Value = answer.json()?;
        let item = body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|item| item["id"] == id)
            .cloned();
        if check(item.as_ref()) {
            return Ok(item);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "job {id} not as expected in the list within {} s: {body}",
            LIST_TIMEOUT.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_completed_job_is_listed_with_its_thumbnail_and_leaves_the_list_when_deleted(
) -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let since = (OffsetDateTime::now_utc() - time::Duration::seconds(1)).format(&Rfc3339)?;
    let answer = api.upload("image/jpeg", env.photo()?).await?;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer}");
    let accepted: Accepted = answer.json()?;
    let id = accepted.id.to_string();
    api.completed(&accepted.links.status, env.poll_timeout)
        .await?;

    let item = listed_until(&api, &since, &id, |item| {
        item.is_some_and(|item| item["status"] == "completed")
    })
    .await?
    .expect("listed");
    assert!(item["placeholder"]["color"].is_string(), "{item}");
    for format in ["avif", "webp", "jpeg"] {
        let link = &item["thumbnail"]["formats"][format];
        let download = api
            .download(link["url"].as_str().expect("a link per format"))
            .await?;
        assert_eq!(download.status, StatusCode::OK, "{format}: {download}");
        assert_eq!(Some(download.body.len() as u64), link["bytes"].as_u64());
    }

    let deleted = Answer::of(api.request(Method::DELETE, &accepted.links.status)).await?;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    listed_until(&api, &since, &id, |item| item.is_none()).await?;

    let anonymous = Answer::of(api.anonymous().get(api.url("/images"))).await?;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{anonymous}");
    Ok(())
}
