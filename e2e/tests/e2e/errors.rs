//! Client errors through the router: each a 4xx problem document, never a 5xx.

use e2e::api::Problem;
use e2e::Answer;
use reqwest::StatusCode;

/// `answer` is a problem document of `status`.
fn assert_problem(answer: &Answer, status: StatusCode) -> anyhow::Result<()> {
    assert_eq!(answer.status, status, "{answer}");
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json"),
        "{answer}"
    );
    assert_eq!(answer.json::<Problem>()?.status, status.as_u16());
    Ok(())
}

#[tokio::test]
async fn a_malformed_or_unknown_id_is_a_problem_404() -> anyhow::Result<()> {
    let (_, api) = crate::stack()?;
    for link in [
        "/images/not-a-uuid".to_owned(),
        format!("/images/{}", uuid::Uuid::new_v4()),
    ] {
        assert_problem(&api.job(&link).await?, StatusCode::NOT_FOUND)?;
    }
    Ok(())
}

#[tokio::test]
async fn an_empty_body_is_a_problem_400() -> anyhow::Result<()> {
    let (_, api) = crate::stack()?;
    let answer = api.upload("image/jpeg", Vec::new()).await?;
    assert_problem(&answer, StatusCode::BAD_REQUEST)
}

#[tokio::test]
async fn bytes_that_are_no_image_are_a_problem_415() -> anyhow::Result<()> {
    let (_, api) = crate::stack()?;
    let answer = api
        .upload("image/jpeg", b"not an image at all".to_vec())
        .await?;
    assert_problem(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE)
}
