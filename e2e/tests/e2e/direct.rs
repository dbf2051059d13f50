//! A direct upload as `make dev` tells a newcomer to make one: its two printed curl lines,
//! run by bash as printed (`POST /uploads`, then the PUT straight to the emulator's S3),
//! after which the bucket's notification starts the job.

use e2e::api::{JobStatus, UploadSession};
use tokio::process::Command;

#[tokio::test]
async fn the_printed_direct_upload_lines_send_a_photo_that_completes_as_sent() -> anyhow::Result<()>
{
    let (env, api) = crate::stack()?;
    let [open, put] = env.printed_upload_lines.as_slice() else {
        anyhow::bail!("two printed lines, not {:?}", env.printed_upload_lines);
    };
    let run = |line: &str| {
        Command::new("bash")
            .args(["-c", line])
            .current_dir(&env.printed_upload_dir)
            .env("PHOTO", env.photo_path())
            .output()
    };

    let opened = run(open).await?;
    let session: UploadSession = serde_json::from_slice(&opened.stdout).map_err(|error| {
        anyhow::anyhow!(
            "the POST /uploads line printed no session ({error}): {}{}",
            String::from_utf8_lossy(&opened.stdout),
            String::from_utf8_lossy(&opened.stderr)
        )
    })?;
    assert_eq!(session.status, JobStatus::AwaitingUpload);

    let sent = run(put).await?;
    assert_eq!(
        String::from_utf8_lossy(&sent.stdout).trim(),
        "200",
        "the PUT line's status; stderr: {}",
        String::from_utf8_lossy(&sent.stderr)
    );

    let job = api
        .completed(&session.links.status, env.poll_timeout)
        .await?;
    assert_eq!(
        job.completed_outputs()?.original.bytes,
        env.photo()?.len() as u64
    );
    Ok(())
}
