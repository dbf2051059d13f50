//! `POST /images` through `cargo lambda watch`, as docs/local.md's curl lines send it, and
//! what a client does next: poll, download, retry, delete.

use e2e::api::{Accepted, Job, JobStatus};
use e2e::multipart::{multipart, Part};
use e2e::Answer;
use reqwest::{Method, StatusCode};

/// Each output of `scripts/fixtures/photo.jpg` (1200×800) by the default variants:
/// full size, and scaled down to 200 and 800 px wide.
const SIZES: [(&str, u32, u32); 4] = [
    ("original", 1200, 800),
    ("thumbnail", 200, 133),
    ("preview", 800, 533),
    ("optimized", 1200, 800),
];

#[tokio::test]
async fn a_photo_upload_completes_with_every_output_downloadable() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let answer = api.upload("image/jpeg", env.photo()?).await?;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer}");
    let accepted: Accepted = answer.json()?;
    let link = format!("/images/{}", accepted.id);
    assert_eq!(accepted.status, JobStatus::Queued);
    assert_eq!(accepted.links.status, link);
    assert_eq!(answer.header("location"), Some(link.as_str()));
    let retry_after = answer.header("retry-after");
    assert!(
        retry_after.is_some_and(|seconds| seconds.parse::<u32>().is_ok()),
        "Retry-After in seconds: {retry_after:?}"
    );

    let done = api.finished(&link, env.poll_timeout).await?;
    assert_eq!(done.header("cache-control"), Some("no-store"));
    let job: Job = done.json()?;
    let outputs = job.completed_outputs()?;
    let sizes: Vec<(&str, u32, u32)> = outputs
        .named()
        .iter()
        .map(|(name, output)| (*name, output.width, output.height))
        .collect();
    assert_eq!(sizes, SIZES);
    for (name, output) in outputs.named() {
        let download = api.download(&output.url).await?;
        assert_eq!(download.status, StatusCode::OK, "{name}: {download}");
        assert_eq!(download.body.len() as u64, output.bytes, "{name}");
    }
    Ok(())
}

#[tokio::test]
async fn a_multipart_upload_completes_with_its_file_part_as_the_original() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let photo = env.photo()?;
    let boundary = "ferrotype-e2e-boundary";
    let body = multipart(
        boundary,
        &[Part {
            name: "file",
            filename: Some("photo.jpg"),
            content_type: Some("image/jpeg"),
            data: &photo,
        }],
    );
    let answer = api
        .upload(&format!("multipart/form-data; boundary={boundary}"), body)
        .await?;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer}");
    let accepted: Accepted = answer.json()?;

    let job = api
        .completed(&accepted.links.status, env.poll_timeout)
        .await?;
    assert_eq!(
        job.completed_outputs()?.original.bytes,
        photo.len() as u64,
        "the file part, not the whole form"
    );
    Ok(())
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_is_the_same_job_and_another_body_is_422(
) -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let photo = env.photo()?;
    let key = format!("\"e2e-{}\"", uuid::Uuid::new_v4());
    let post = |body: Vec<u8>| {
        Answer::of(
            api.request(Method::POST, "/images")
                .header("content-type", "image/jpeg")
                .header("idempotency-key", key.as_str())
                .body(body),
        )
    };
    let first = post(photo.clone()).await?;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{first}");
    let retry = post(photo.clone()).await?;
    assert_eq!(retry.status, StatusCode::ACCEPTED, "{retry}");
    assert_eq!(retry.json::<Accepted>()?.id, first.json::<Accepted>()?.id);

    let mut other = photo;
    other.push(0);
    let refused = post(other).await?;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused}"
    );
    Ok(())
}

#[tokio::test]
async fn a_deleted_job_reads_as_404_and_deleting_it_again_is_204() -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let accepted: Accepted = api.upload("image/jpeg", env.photo()?).await?.json()?;
    let link = accepted.links.status;
    api.completed(&link, env.poll_timeout).await?;

    let delete = || Answer::of(api.request(Method::DELETE, &link));
    let deleted = delete().await?;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    let gone = api.job(&link).await?;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{gone}");
    let again = delete().await?;
    assert_eq!(again.status, StatusCode::NO_CONTENT, "{again}");
    Ok(())
}
