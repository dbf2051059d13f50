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
