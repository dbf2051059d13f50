//! Callers over HTTP: every route but the health check needs the caller's key.

use e2e::Answer;
use reqwest::StatusCode;

#[tokio::test]
async fn a_request_without_a_credential_is_401_with_a_bearer_challenge() -> anyhow::Result<()> {
    let (_, api) = crate::stack()?;
    let link = format!("/images/{}", uuid::Uuid::new_v4());
    let answer = Answer::of(api.anonymous().get(api.url(&link))).await?;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Bearer realm=\"ferrotype\"")
    );
    Ok(())
}

#[tokio::test]
async fn a_forged_api_key_is_401() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    // The real key with its last character changed.
    let mut forged = env.api_key.clone();
    let last = forged.pop().unwrap_or('x');
    forged.push(if last == 'x' { 'y' } else { 'x' });
    let answer = Answer::of(
        api.anonymous()
            .post(api.url("/images"))
            .bearer_auth(forged)
            .header("content-type", "image/jpeg")
            .body(env.photo()?),
    )
    .await?;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer}");
    Ok(())
}

#[tokio::test]
async fn the_health_check_needs_no_caller() -> anyhow::Result<()> {
    let (_, api) = crate::stack()?;
    let answer = Answer::of(api.anonymous().get(api.url("/health"))).await?;
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    Ok(())
}

#[tokio::test]
async fn the_callers_usage_counts_its_uploads_and_needs_its_key() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let usage = || Answer::of(api.request(reqwest::Method::GET, "/usage"));
    let before = usage().await?;
    assert_eq!(before.status, StatusCode::OK, "{before}");
    assert_eq!(before.header("cache-control"), Some("no-store"));
    let before: serde_json::Value = before.json()?;
    let answer = api.upload("image/jpeg", env.photo()?).await?;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer}");
    let after: serde_json::Value = usage().await?.json()?;
    // Other tests upload as the same caller meanwhile: at least this one more.
    let used = |body: &serde_json::Value| body["uploads"]["used"].as_u64().unwrap_or(0);
    assert!(used(&after) > used(&before), "{before} then {after}");
    assert_eq!(
        after["uploads"]["remaining"].as_u64(),
        after["uploads"]["limit"]
            .as_u64()
            .map(|limit| limit.saturating_sub(used(&after))),
        "{after}"
    );

    let anonymous = Answer::of(api.anonymous().get(api.url("/usage"))).await?;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{anonymous}");
    Ok(())
}
