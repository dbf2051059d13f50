//! The whole flow against the emulator: upload through the upload handler, the real SQS
//! message through the local bridge into the processor handler, status through the status
//! handler, then every presigned link downloaded and decoded.

use std::time::Duration;

use ferrotype_samples as samples;
use ferrotype_service::domain::{JobId, JobStatus, UploadSource};
use image::DynamicImage;
use integration::{get_status, header_of, json, post_image, post_multipart, TestStack};
use upload::settings::UploadSettings;

fn photo(width: u32, height: u32) -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(width, height)))
}

async fn upload(stack: &TestStack, request: lambda_http::Request) -> (u16, serde_json::Value) {
    let response = upload::handle(&stack.upload_app(), request).await;
    (response.status().as_u16(), json(&response))
}

async fn status_of(stack: &TestStack, id: &str) -> serde_json::Value {
    let response = status::handle(&stack.status_app(), get_status(id)).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    json(&response)
}

async fn run_processor_once(stack: &TestStack) -> ferrotype_local::bridge::PollReport {
    let app = stack.processor_app();
    stack.bridge(&app).await.poll_once().await.expect("polling")
}

#[tokio::test]
async fn an_uploaded_photo_is_processed_and_every_link_downloads_an_image_of_the_stated_size() {
    let stack = TestStack::new().await;
    // Stored 1600×1200, tagged "rotate 90° clockwise": displayed 1200×1600.
    let original = samples::with_exif_orientation(&photo(1600, 1200), 6);

    let response = upload::handle(
        &stack.upload_app(),
        post_image("image/jpeg", original.clone()),
    )
    .await;
    assert_eq!(response.status(), 202);
    let accepted = json(&response);
    let id = accepted["id"].as_str().unwrap().to_string();
    assert!(JobId::parse(&id).is_ok(), "id {id} is a UUID v4");
    assert_eq!(accepted["status"], "queued");
    assert_eq!(accepted["links"]["status"], format!("/images/{id}"));
    assert_eq!(
        header_of(&response, "location"),
        Some(format!("/images/{id}").as_str())
    );
    assert_eq!(header_of(&response, "retry-after"), Some("2"));

    let queued = status::handle(&stack.status_app(), get_status(&id)).await;
    assert_eq!(json(&queued)["status"], "queued");
    assert_eq!(header_of(&queued, "retry-after"), Some("2"));
    assert_eq!(header_of(&queued, "cache-control"), Some("no-store"));

    let report = run_processor_once(&stack).await;
    assert_eq!((report.received, report.failed, report.deleted), (1, 0, 1));
    assert_eq!(
        stack.queued_messages().await,
        0,
        "the processed message is deleted"
    );

    let response = status::handle(&stack.status_app(), get_status(&id)).await;
    assert_eq!(
        header_of(&response, "retry-after"),
        None,
        "terminal: no Retry-After"
    );
    let done = json(&response);
    assert_eq!(done["status"], "completed", "{done}");
    assert!(done["expires_at"].is_string());
    assert!(done["created_at"].is_string() && done["updated_at"].is_string());

    let expected = [
        ("original", 1200, 1600, "image/jpeg"),
        ("thumbnail", 200, 267, "image/jpeg"),
        ("preview", 800, 1067, "image/jpeg"),
        ("optimized", 1200, 1600, "image/jpeg"),
    ];
    let http = reqwest::Client::new();
    for (name, width, height, content_type) in expected {
        let output = &done["outputs"][name];
        assert_eq!(output["width"], width, "{name}: {output}");
        assert_eq!(output["height"], height, "{name}: {output}");
        assert_eq!(output["content_type"], content_type, "{name}");
        let url = output["url"].as_str().unwrap();
        assert!(
            url.contains("X-Amz-Signature="),
            "{name} link is presigned: {url}"
        );

        let download = http.get(url).send().await.expect("downloading");
        assert_eq!(download.status(), 200, "{name}");
        let bytes = download.bytes().await.unwrap();
        assert_eq!(
            bytes.len() as u64,
            output["bytes"].as_u64().unwrap(),
            "{name}"
        );
        let decoded = image::load_from_memory(&bytes).expect("a real image");
        if name == "original" {
            assert_eq!(
                bytes.as_ref(),
                original.as_slice(),
                "the original is kept as sent"
            );
        } else {
            assert_eq!(
                (decoded.width(), decoded.height()),
                (width, height),
                "{name}"
            );
        }
    }
}

/// `request` with `?variants=…`.
fn with_variants(request: lambda_http::Request, variants: &str) -> lambda_http::Request {
    use lambda_http::RequestExt;
    request.with_query_string_parameters(std::collections::HashMap::from([(
        "variants".to_string(),
        variants.to_string(),
    )]))
}

/// The default set's variants, each format downloaded through its presigned link: its
/// bytes and type as the document says, WebP and JPEG decoded to the stated size, AVIF
/// checked by its container (Pillow and Chromium decode its pixels in the e2e tests).
async fn check_variants(done: &serde_json::Value, expected: &[(&str, u32, u32, &[&str])]) {
    let http = reqwest::Client::new();
    let variants = done["variants"].as_object().expect("variants");
    assert_eq!(variants.len(), expected.len(), "{done}");
    for (name, width, height, formats) in expected {
        let variant = &variants[*name];
        assert_eq!(
            (&variant["width"], &variant["height"]),
            (&(*width).into(), &(*height).into()),
            "{name}"
        );
        let mut listed: Vec<&str> = variant["formats"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut declared = formats.to_vec();
        listed.sort_unstable();
        declared.sort_unstable();
        assert_eq!(listed, declared, "{name}");
        for format in *formats {
            let file = &variant["formats"][*format];
            let download = http
                .get(file["url"].as_str().unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(download.status(), 200, "{name} {format}");
            assert_eq!(
                download.headers()["content-type"].to_str().unwrap(),
                file["content_type"].as_str().unwrap(),
                "{name} {format}: stored with its type"
            );
            let bytes = download.bytes().await.unwrap();
            assert_eq!(bytes.len() as u64, file["bytes"].as_u64().unwrap());
            if *format == "avif" {
                assert_eq!(&bytes[4..12], b"ftypavif", "{name}");
            } else {
                let decoded = image::load_from_memory(&bytes).unwrap();
                assert_eq!(
                    (decoded.width(), decoded.height()),
                    (*width, *height),
                    "{name} {format}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_default_set_gives_each_variant_in_avif_webp_and_jpeg_with_a_placeholder() {
    let stack = TestStack::new().await;
    let (status, accepted) = upload(&stack, post_image("image/jpeg", photo(1600, 1200))).await;
    assert_eq!(status, 202, "{accepted}");
    run_processor_once(&stack).await;
    let done = status_of(&stack, accepted["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    check_variants(
        &done,
        &[
            ("thumbnail", 200, 150, &["avif", "webp", "jpeg"]),
            ("preview", 800, 600, &["avif", "webp", "jpeg"]),
            ("optimized", 1600, 1200, &["jpeg"]),
        ],
    )
    .await;
    // The outputs by their old names are the variants' JPEGs.
    for name in ["thumbnail", "preview", "optimized"] {
        assert_eq!(
            done["outputs"][name]["bytes"], done["variants"][name]["formats"]["jpeg"]["bytes"],
            "{name}"
        );
    }
    let placeholder = &done["placeholder"];
    let colour = placeholder["color"].as_str().unwrap();
    assert!(
        colour.len() == 7 && colour.starts_with('#'),
        "{placeholder}"
    );
    assert!(
        placeholder["thumbhash"]
            .as_str()
            .is_some_and(|h| h.len() >= 20),
        "{placeholder}"
    );
}

#[tokio::test]
async fn an_upload_naming_some_variants_gets_only_those() {
    let stack = TestStack::new().await;
    let image = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(900, 300)));
    let request = with_variants(post_image("image/png", image), "thumbnail");
    let (status, accepted) = upload(&stack, request).await;
    assert_eq!(status, 202, "{accepted}");
    run_processor_once(&stack).await;
    let id = accepted["id"].as_str().unwrap();
    let done = status_of(&stack, id).await;
    assert_eq!(done["status"], "completed", "{done}");
    // An opaque PNG: `auto` is JPEG.
    check_variants(&done, &[("thumbnail", 200, 67, &["avif", "webp", "jpeg"])]).await;
    assert_eq!(
        done["outputs"].as_object().unwrap().len(),
        2,
        "original and thumbnail: {done}"
    );
    let keys = stack.object_keys().await;
    assert_eq!(
        keys.iter().filter(|k| k.starts_with("derived/")).count(),
        3,
        "{keys:?}"
    );
}

#[tokio::test]
async fn an_upload_naming_an_undeclared_variant_is_a_400_and_stores_nothing() {
    let stack = TestStack::new().await;
    for (query, kind) in [
        ("hero", "unknown-variant"),
        ("thumbnail,hero", "unknown-variant"),
        ("thumbnail,", "invalid-variants"),
        ("Thumbnail", "invalid-variants"),
    ] {
        let request = with_variants(post_image("image/jpeg", photo(300, 200)), query);
        let (status, problem) = upload(&stack, request).await;
        assert_eq!(status, 400, "{query}: {problem}");
        assert_eq!(
            problem["type"],
            format!("urn:ferrotype:problem:{kind}"),
            "{query}"
        );
        if kind == "unknown-variant" {
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                detail.contains("hero") && detail.contains("thumbnail"),
                "{detail}"
            );
        }
    }
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn a_multipart_upload_is_accepted_and_stores_the_file_part() {
    let stack = TestStack::new().await;
    let image = photo(300, 200);
    let (status, body) = upload(
        &stack,
        post_multipart(&[("caption", b"holiday"), ("file", &image)]),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let id = JobId::parse(body["id"].as_str().unwrap()).unwrap();
    let stored = stack
        .images()
        .get_original(id, UploadSource::Inline)
        .await
        .unwrap();
    assert_eq!(stored, image);
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Queued);
    assert_eq!(record.upload.content_type, "image/jpeg");
    assert_eq!(record.upload.bytes, image.len() as u64);
}

#[tokio::test]
async fn bad_uploads_get_problem_details_and_leave_nothing_behind() {
    let stack = TestStack::new().await;
    let small_limit = stack.upload_app_with(UploadSettings {
        queue_url: stack.stack.queue_url.clone(),
        idempotency_table: stack.stack.idempotency_table.clone(),
        max_upload_bytes: 10_000,
        retry_after: Duration::from_secs(2),
        unavailable_retry_after: Duration::from_secs(5),
        retention: None,
        max_direct_upload_bytes: integration::DEFAULT_MAX_DIRECT_UPLOAD_BYTES,
        upload_url_ttl: UploadSettings::DEFAULT_UPLOAD_URL_TTL,
        receivers: Default::default(),
        email_enabled: false,
        variants: ferrotype_variants::Declaration::default_set(),
        heic_input: upload::settings::HeicInput::Enabled,
    });
    let cases = [
        ("empty body", post_image("image/jpeg", Vec::new()), 400),
        (
            "a text file claiming to be a JPEG",
            post_image("image/jpeg", b"hello, I am text".to_vec()),
            415,
        ),
        (
            "a PDF",
            post_image("application/pdf", b"%PDF-1.7\n...".to_vec()),
            415,
        ),
        (
            "an oversized body",
            post_image("image/jpeg", photo(400, 400)),
            413,
        ),
        (
            "multipart without a file part",
            post_multipart(&[("photo", &photo(10, 10))]),
            400,
        ),
        (
            "multipart without a boundary",
            post_image("multipart/form-data", b"whatever".to_vec()),
            400,
        ),
    ];
    for (what, request, expected) in cases {
        let response = upload::handle(&small_limit, request).await;
        assert_eq!(response.status(), expected, "{what}");
        assert_eq!(
            header_of(&response, "content-type"),
            Some("application/problem+json"),
            "{what}"
        );
        let problem = json(&response);
        assert_eq!(problem["status"], expected, "{what}");
        for member in ["type", "title", "detail"] {
            assert!(problem[member].is_string(), "{what}: {member} in {problem}");
        }
    }
    assert_eq!(stack.job_count().await, 0);
    assert!(stack.object_keys().await.is_empty());
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn an_image_sent_with_a_lying_content_type_is_accepted_for_what_it_is() {
    let stack = TestStack::new().await;
    let png = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(64, 64)));
    let (status, body) = upload(&stack, post_image("text/plain", png)).await;
    assert_eq!(status, 202, "{body}");
    let id = JobId::parse(body["id"].as_str().unwrap()).unwrap();
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(
        record.upload.content_type, "image/png",
        "typed by its bytes"
    );
}

#[tokio::test]
async fn a_truncated_jpeg_with_valid_magic_bytes_ends_failed_and_is_not_retried() {
    let stack = TestStack::new().await;
    let whole = photo(800, 600);
    let truncated = whole[..whole.len() / 2].to_vec();
    let (status, body) = upload(&stack, post_image("image/jpeg", truncated)).await;
    assert_eq!(status, 202, "the magic bytes are a JPEG's: {body}");
    let id = body["id"].as_str().unwrap().to_string();

    let report = run_processor_once(&stack).await;
    assert_eq!((report.received, report.failed, report.deleted), (1, 0, 1));
    assert_eq!(stack.queued_messages().await, 0, "not delivered again");

    let failed = status_of(&stack, &id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"]["code"], "corrupt_image");
    assert!(failed["error"]["message"].as_str().unwrap().len() > 10);
    assert!(failed.get("outputs").is_none());
}

#[tokio::test]
async fn a_decompression_bomb_ends_failed_as_too_large() {
    let stack = TestStack::new().await;
    let (status, body) = upload(
        &stack,
        post_image("image/png", samples::png_declaring(60_000, 60_000)),
    )
    .await;
    assert_eq!(status, 202);
    run_processor_once(&stack).await;
    let failed = status_of(&stack, body["id"].as_str().unwrap()).await;
    assert_eq!(failed["error"]["code"], "image_too_large", "{failed}");
}

#[tokio::test]
async fn unknown_and_malformed_ids_get_the_same_404() {
    let stack = TestStack::new().await;
    let app = stack.status_app();
    let unknown = JobId::new_random().to_string();
    let mut bodies = Vec::new();
    for id in [
        unknown.as_str(),
        "not-a-uuid",
        "../../originals/x",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "",
    ] {
        let response = status::handle(&app, get_status(id)).await;
        assert_eq!(response.status(), 404, "{id:?}");
        assert_eq!(
            header_of(&response, "content-type"),
            Some("application/problem+json")
        );
        bodies.push(json(&response));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "same 404 for all: {bodies:?}"
    );
}

#[tokio::test]
async fn a_duplicate_delivery_makes_no_second_transition() {
    let stack = TestStack::new().await;
    let (_, body) = upload(&stack, post_image("image/jpeg", photo(640, 480))).await;
    let id = JobId::parse(body["id"].as_str().unwrap()).unwrap();
    let app = stack.processor_app();
    assert_eq!(
        processor::process_job(&app, id).await.unwrap(),
        processor::Outcome::Completed
    );
    let first = stack.jobs().get(id).await.unwrap().unwrap();

    // The queued message is still there: deliver it (a duplicate) and once more by hand.
    let report = stack.bridge(&app).await.poll_once().await.unwrap();
    assert_eq!((report.received, report.failed, report.deleted), (1, 0, 1));
    assert_eq!(
        processor::process_job(&app, id).await.unwrap(),
        processor::Outcome::Skipped("already finished")
    );
    let after = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(after, first, "the completed record is untouched");
    assert_eq!(after.attempts, 1);
}

#[tokio::test]
async fn an_unavailable_s3_fails_the_message_and_a_later_delivery_completes_the_job() {
    let stack = TestStack::new().await;
    let (_, body) = upload(&stack, post_image("image/jpeg", photo(500, 400))).await;
    let id = body["id"].as_str().unwrap().to_string();

    // The same processor, but its S3 client points at a closed port.
    let dead = aws_config::from_env()
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .load()
        .await;
    let broken = ferrotype_service::aws::Clients::from_config(&dead, true);
    let mut app = stack.processor_app();
    app.images = ferrotype_service::store::ImageStore::new(broken.s3, &stack.stack.bucket);
    app.settings.lease = Duration::ZERO;

    let report = stack.bridge(&app).await.poll_once().await.unwrap();
    assert_eq!((report.received, report.failed, report.deleted), (1, 1, 0));
    assert_eq!(status_of(&stack, &id).await["status"], "processing");

    // The lease has expired (zero), so a redelivery may take the job up again.
    let healthy = stack.processor_app();
    let job = JobId::parse(&id).unwrap();
    assert_eq!(
        processor::process_job(&healthy, job).await.unwrap(),
        processor::Outcome::Completed
    );
    let record = stack.jobs().get(job).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Completed);
    assert_eq!(record.attempts, 2);
}

#[tokio::test]
async fn a_live_lease_keeps_a_second_processor_off_the_job() {
    let stack = TestStack::new().await;
    let (_, body) = upload(&stack, post_image("image/jpeg", photo(300, 300))).await;
    let id = JobId::parse(body["id"].as_str().unwrap()).unwrap();
    let jobs = stack.jobs();
    let now = time::OffsetDateTime::now_utc();
    let first = jobs
        .start_processing(id, now, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(matches!(
        first,
        ferrotype_service::store::StartOutcome::Started { .. }
    ));
    let err = processor::process_job(&stack.processor_app(), id)
        .await
        .unwrap_err();
    assert!(matches!(err, processor::RetryableError::Busy), "{err}");
}

/// The lease is only as good as the emulator's conditional writes: processors racing for a
/// job must start it exactly once, as DynamoDB guarantees. (moto's server alone lets two
/// racers through now and then, more often the busier it is, so many jobs race at once;
/// `scripts/moto-server` makes its item writes atomic.)
#[tokio::test]
async fn processors_racing_for_one_job_start_it_exactly_once() {
    use ferrotype_service::domain::{JobRecord, OriginalUpload};
    use ferrotype_service::store::StartOutcome;
    use futures_util::future::join_all;
    use futures_util::stream::{self, StreamExt};

    const JOBS: usize = 200;
    const RACERS: usize = 8;
    let stack = TestStack::new().await;
    let jobs = &stack.jobs();
    let now = time::OffsetDateTime::now_utc();
    let ids: Vec<JobId> = (0..JOBS).map(|_| JobId::new_random()).collect();
    for &id in &ids {
        let upload = OriginalUpload::inline("image/jpeg", 1);
        jobs.create(&JobRecord::queued(id, upload, now))
            .await
            .unwrap();
    }
    let race = |id: JobId| async move {
        let takes = join_all((0..RACERS).map(|_| async move {
            jobs.start_processing(id, now, Duration::from_secs(60))
                .await
                .unwrap()
        }))
        .await;
        let started = takes
            .iter()
            .filter(|t| matches!(t, StartOutcome::Started { .. }))
            .count();
        let busy = takes
            .iter()
            .filter(|t| matches!(t, StartOutcome::Busy))
            .count();
        assert_eq!(started + busy, RACERS, "{takes:?}");
        (id, started)
    };
    let not_once: Vec<(JobId, usize)> = stream::iter(ids)
        .map(race)
        .buffer_unordered(16)
        .filter(|(_, started)| std::future::ready(*started != 1))
        .collect()
        .await;
    assert!(
        not_once.is_empty(),
        "jobs not started exactly once: {not_once:?}"
    );
}

#[tokio::test]
async fn when_the_queue_is_unavailable_the_client_gets_503_and_no_job_is_left() {
    let stack = TestStack::new().await;
    let app = stack.upload_app_with(UploadSettings {
        queue_url: format!("{}-missing", stack.stack.queue_url),
        idempotency_table: stack.stack.idempotency_table.clone(),
        max_upload_bytes: UploadSettings::DEFAULT_MAX_UPLOAD_BYTES,
        retry_after: Duration::from_secs(2),
        unavailable_retry_after: Duration::from_secs(9),
        retention: None,
        max_direct_upload_bytes: integration::DEFAULT_MAX_DIRECT_UPLOAD_BYTES,
        upload_url_ttl: UploadSettings::DEFAULT_UPLOAD_URL_TTL,
        receivers: Default::default(),
        email_enabled: false,
        variants: ferrotype_variants::Declaration::default_set(),
        heic_input: upload::settings::HeicInput::Enabled,
    });
    let response = upload::handle(&app, post_image("image/jpeg", photo(100, 100))).await;
    assert_eq!(response.status(), 503);
    assert_eq!(json(&response)["status"], 503);
    assert_eq!(response.headers()["retry-after"], "9", "from the settings");
    assert_eq!(stack.job_count().await, 0, "no job left looking queued");
    assert!(
        stack.object_keys().await.is_empty(),
        "the original is removed"
    );
}

#[tokio::test]
async fn when_the_table_is_unavailable_the_client_gets_503_and_the_original_is_removed() {
    let stack = TestStack::new().await;
    let mut app = stack.upload_app();
    app.jobs = ferrotype_service::store::JobTable::new(
        stack.clients.dynamodb.clone(),
        format!("{}-missing", stack.stack.table),
    );
    let response = upload::handle(&app, post_image("image/jpeg", photo(100, 100))).await;
    assert_eq!(response.status(), 503);
    assert!(stack.object_keys().await.is_empty());
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn a_method_a_route_does_not_serve_gets_405_naming_the_same_methods_in_allow_and_words() {
    let stack = TestStack::new().await;
    let mut patch = get_status(&JobId::new_random().to_string());
    *patch.method_mut() = lambda_http::http::Method::PATCH;
    let response = status::handle(&stack.status_app(), patch).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD, DELETE");
    assert_eq!(
        json(&response)["detail"],
        "this resource supports GET, HEAD, DELETE only"
    );

    let mut put = post_image("image/jpeg", photo(10, 10));
    *put.method_mut() = lambda_http::http::Method::PUT;
    let response = upload::handle(&stack.upload_app(), put).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(
        json(&response)["detail"],
        "this resource supports POST only"
    );
    assert_eq!(stack.job_count().await, 0);
}
