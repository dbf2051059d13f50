//! HEIC, HEIF and AVIF photos through the whole flow against the emulator: inline and
//! direct uploads (declared `image/heic`, `image/heif`, `image/avif`), the processor, the
//! status document and its links; hostile files ending `failed` with their code; and a
//! deployment with `HEIC_INPUT=disabled`. The photos are crates/heif/tests/samples, made by
//! scripts/heif-samples.

use std::time::Duration;

use ferrotype_service::domain::JobId;
use integration::{get_status, json, post_image, post_session, put_direct, TestStack};
use upload::settings::{HeicInput, UploadSettings};

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../crates/heif/tests/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

async fn status_of(stack: &TestStack, id: &str) -> serde_json::Value {
    let response = status::handle(&stack.status_app(), get_status(id)).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    json(&response)
}

async fn process(stack: &TestStack) {
    let app = stack.processor_app();
    let bridge = stack.bridge(&app).await;
    while stack.queued_messages().await > 0 {
        bridge.poll_once().await.unwrap();
    }
}

/// Uploads `bytes` inline: the job's id, or the status and problem document.
async fn post(app: &upload::App, bytes: Vec<u8>) -> Result<String, (u16, serde_json::Value)> {
    // The declared type of an inline upload is not read: the bytes say what it is.
    let response = upload::handle(app, post_image("application/octet-stream", bytes)).await;
    let body = json(&response);
    match response.status().as_u16() {
        202 => Ok(body["id"].as_str().unwrap().to_owned()),
        code => Err((code, body)),
    }
}

/// The JPEG thumbnail of a completed job, downloaded and decoded.
async fn thumbnail(done: &serde_json::Value) -> image::DynamicImage {
    let url = done["variants"]["thumbnail"]["formats"]["jpeg"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no JPEG thumbnail: {done}"));
    let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    image::load_from_memory(&bytes).unwrap()
}

#[tokio::test]
async fn heic_and_avif_photos_uploaded_inline_complete_upright_with_every_variant() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let mut ids = Vec::new();
    for name in [
        "orientation-6.heic",
        "grid.heic",
        "ten-bit.heic",
        "plain.avif",
    ] {
        ids.push((name, post(&app, sample(name)).await.unwrap()));
    }
    process(&stack).await;
    for (name, id) in ids {
        let done = status_of(&stack, &id).await;
        assert_eq!(done["status"], "completed", "{name}: {done}");
        let kind = if name.ends_with(".avif") {
            "image/avif"
        } else {
            "image/heic"
        };
        assert_eq!(done["outputs"]["original"]["content_type"], kind, "{name}");
        let (width, height) = match name {
            // Stored 320×240 and turned by irot: shown 240×320.
            "orientation-6.heic" => (240, 320),
            "grid.heic" => (400, 256),
            _ => (320, 240),
        };
        assert_eq!(
            (
                &done["outputs"]["original"]["width"],
                &done["outputs"]["original"]["height"]
            ),
            (&width.into(), &height.into()),
            "{name}"
        );
        let thumb = thumbnail(&done).await;
        assert_eq!(thumb.width(), 200, "{name}");
        assert_eq!(
            thumb.height(),
            (200 * height + width / 2) / width,
            "{name}: upright"
        );
        assert!(
            done["placeholder"]["thumbhash"].is_string(),
            "{name}: {done}"
        );
    }
}

#[tokio::test]
async fn a_heic_photo_sent_straight_to_s3_as_image_heic_or_image_heif_completes() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let photo = sample("display-p3.heic");
    let mut ids = Vec::new();
    for declared in ["image/heic", "image/heif"] {
        let response = upload::handle(
            &app,
            post_session(&serde_json::json!({
                "content_type": declared,
                "content_length": photo.len(),
            })),
        )
        .await;
        assert_eq!(response.status(), 201, "{declared}: {:?}", response.body());
        let session = json(&response);
        assert_eq!(session["upload"]["headers"]["content-type"], declared);
        assert_eq!(put_direct(&session, photo.clone()).await, 200);
        ids.push(session["id"].as_str().unwrap().to_owned());
    }
    // An AVIF declared as HEIC is another type than declared.
    let avif = sample("plain.avif");
    let response = upload::handle(
        &app,
        post_session(
            &serde_json::json!({"content_type": "image/heic", "content_length": avif.len()}),
        ),
    )
    .await;
    let mislabelled = json(&response);
    assert_eq!(put_direct(&mislabelled, avif).await, 200);

    let ingest = stack.ingest_app();
    let bridge = stack.ingest_bridge(&ingest).await;
    for _ in 0..50 {
        bridge.poll_once().await.unwrap();
        if stack.upload_events().await == 0 && stack.queued_messages().await >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    process(&stack).await;
    for id in ids {
        let done = status_of(&stack, &id).await;
        assert_eq!(done["status"], "completed", "{done}");
        // Display P3's red, converted to sRGB: redder than the untagged values would be.
        let thumb = thumbnail(&done).await.to_rgb8();
        let red = thumb.get_pixel(20, 20).0;
        assert!(red[0] > 195 && red[1] < 25, "{red:?}");
    }
    let failed = status_of(&stack, mislabelled["id"].as_str().unwrap()).await;
    assert_eq!(failed["error"]["code"], "upload_type_mismatch", "{failed}");
}

#[tokio::test]
async fn hostile_heif_files_end_failed_with_their_code() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let good = sample("grid.heic");

    let truncated = good[..good.len() * 2 / 3].to_vec();
    let mut tiles = good.clone();
    let grid = tiles.windows(4).position(|w| w == b"idat").unwrap() + 4;
    tiles[grid + 2..grid + 4].copy_from_slice(&[0xFF, 0xFF]);
    let mut huge = good.clone();
    let ispe = huge.windows(4).position(|w| w == b"ispe").unwrap() + 8;
    huge[ispe..ispe + 8].copy_from_slice(&[0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]);
    let mut looping = good.clone();
    let dimg = looping.windows(4).position(|w| w == b"dimg").unwrap() + 4;
    let grid_item = [looping[dimg], looping[dimg + 1]];
    looping[dimg + 4..dimg + 6].copy_from_slice(&grid_item);

    let cases = [
        ("truncated", truncated, &["corrupt_image"][..]),
        (
            "65536 tiles",
            tiles,
            &["corrupt_image", "image_too_large"][..],
        ),
        ("60000×60000 declared", huge, &["image_too_large"][..]),
        (
            "a grid that is its own tile",
            looping,
            &["corrupt_image"][..],
        ),
    ];
    let mut ids = Vec::new();
    for (what, bytes, codes) in cases {
        ids.push((what, post(&app, bytes).await.unwrap(), codes));
    }
    process(&stack).await;
    for (what, id, codes) in ids {
        let failed = status_of(&stack, &id).await;
        assert_eq!(failed["status"], "failed", "{what}: {failed}");
        let code = failed["error"]["code"].as_str().unwrap();
        assert!(codes.contains(&code), "{what}: {failed}");
        println!("{what}: {code}: {}", failed["error"]["message"]);
    }
    assert_eq!(stack.queued_messages().await, 0, "no job is left to retry");
}

#[tokio::test]
async fn a_deployment_with_heic_input_disabled_refuses_heic_and_heif_but_takes_avif() {
    let stack = TestStack::new().await;
    let app = stack.upload_app_with(UploadSettings {
        heic_input: HeicInput::Disabled,
        ..stack.upload_app().settings
    });
    let (code, problem) = post(&app, sample("plain.heic")).await.unwrap_err();
    assert_eq!(code, 415);
    assert!(
        problem["detail"].as_str().unwrap().contains("HEIC"),
        "{problem}"
    );
    for declared in ["image/heic", "image/heif"] {
        let response = upload::handle(
            &app,
            post_session(&serde_json::json!({"content_type": declared, "content_length": 100})),
        )
        .await;
        assert_eq!(response.status(), 415, "{declared}");
    }
    let id = post(&app, sample("plain.avif")).await.unwrap();
    assert!(JobId::parse(&id).is_ok());
    assert_eq!(stack.job_count().await, 1, "only the AVIF became a job");
}
