//! The real handlers' responses checked against the API document `api/openapi.yaml`.

use std::time::Duration;

use ferrotype_samples as samples;
use ferrotype_service::domain::{FailureCode, JobId};
use image::DynamicImage;
use integration::{get_status, header_of, json, post_image, post_session, TestStack};
use lambda_http::{Body, Response};
use upload::settings::UploadSettings;

fn document() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../api/openapi.yaml"))
        .expect("reading api/openapi.yaml");
    serde_norway::from_str(&text).expect("valid YAML")
}

/// A validator for one schema of the document: the whole document with a root `$ref`,
/// so references inside it resolve.
fn validator(schema: &str) -> jsonschema::Validator {
    let mut document = document();
    let root = document.as_object_mut().unwrap();
    root.insert(
        "$ref".into(),
        format!("#/components/schemas/{schema}").into(),
    );
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&document)
        .unwrap_or_else(|e| panic!("schema {schema}: {e}"))
}

/// Fails unless `body` is valid against the API document's `schema`.
pub(crate) fn assert_body_conforms(schema: &str, body: &serde_json::Value) {
    let errors: Vec<String> = validator(schema)
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{body}");
}

fn assert_conforms(schema: &str, response: &Response<Body>) {
    let body = json(response);
    assert_body_conforms(schema, &body);
    let content_type = header_of(response, "content-type").unwrap();
    let expected = if schema == "Problem" {
        "application/problem+json"
    } else {
        "application/json"
    };
    assert_eq!(content_type, expected, "{schema}");
}

#[test]
fn the_documented_failure_codes_are_exactly_the_domains() {
    let document = document();
    let listed: Vec<&str> = document["components"]["schemas"]["Status"]["properties"]["error"]
        ["properties"]["code"]["enum"]
        .as_array()
        .expect("error.code is an enum")
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    let domain: Vec<&str> = FailureCode::ALL.iter().map(|code| code.as_str()).collect();
    assert_eq!(listed, domain);
}

#[test]
fn the_schemas_reject_what_they_should() {
    let status = validator("Status");
    assert!(!status.is_valid(&serde_json::json!({"id": "x", "status": "completed"})));
    assert!(
        !status.is_valid(&serde_json::json!({
            "id": JobId::new_random().to_string(), "status": "completed",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        })),
        "completed without outputs"
    );
    let problem = validator("Problem");
    assert!(!problem.is_valid(&serde_json::json!({"title": "x"})));
}

#[tokio::test]
async fn every_response_of_the_flow_conforms_to_the_api_document() {
    let stack = TestStack::new().await;
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(400, 300)));
    let good = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo.clone())).await;
    assert_eq!(good.status(), 202);
    assert_conforms("Accepted", &good);
    let good_id = json(&good)["id"].as_str().unwrap().to_string();

    let bad = upload::handle(
        &stack.upload_app(),
        post_image("image/jpeg", photo[..photo.len() / 2].to_vec()),
    )
    .await;
    let bad_id = json(&bad)["id"].as_str().unwrap().to_string();

    let queued = status::handle(&stack.status_app(), get_status(&good_id)).await;
    assert_conforms("Status", &queued);

    let processor = stack.processor_app();
    stack.bridge(&processor).await.poll_once().await.unwrap();
    for id in [&good_id, &bad_id] {
        let response = status::handle(&stack.status_app(), get_status(id)).await;
        assert_eq!(response.status(), 200);
        assert_conforms("Status", &response);
    }

    let small = stack.upload_app_with(UploadSettings {
        queue_url: stack.stack.queue_url.clone(),
        idempotency_table: stack.stack.idempotency_table.clone(),
        max_upload_bytes: 100,
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
    for (request, status) in [
        (post_image("image/jpeg", Vec::new()), 400),
        (post_image("image/jpeg", photo.clone()), 413),
        (post_image("text/plain", b"hello".to_vec()), 415),
    ] {
        let response = upload::handle(&small, request).await;
        assert_eq!(response.status(), status);
        assert_conforms("Problem", &response);
    }
    let missing = status::handle(&stack.status_app(), get_status("nope")).await;
    assert_eq!(missing.status(), 404);
    assert_conforms("Problem", &missing);
}

#[tokio::test]
async fn the_direct_upload_responses_conform_to_the_api_document() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)));
    let created = upload::handle(
        &app,
        post_session(
            &serde_json::json!({"content_type": "image/jpeg", "content_length": photo.len()}),
        ),
    )
    .await;
    assert_eq!(created.status(), 201);
    assert_conforms("UploadCreated", &created);
    let id = json(&created)["id"].as_str().unwrap().to_string();
    let waiting = status::handle(&stack.status_app(), get_status(&id)).await;
    assert_eq!(json(&waiting)["status"], "awaiting_upload");
    assert!(header_of(&waiting, "retry-after").is_some());
    assert_conforms("Status", &waiting);

    for (body, status) in [
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": u64::MAX}),
            413,
        ),
        (
            serde_json::json!({"content_type": "image/tiff", "content_length": 5}),
            415,
        ),
        (serde_json::json!({"content_length": 5}), 400),
    ] {
        let response = upload::handle(&app, post_session(&body)).await;
        assert_eq!(response.status(), status, "{body}");
        assert_conforms("Problem", &response);
    }
    let request = validator("UploadRequest");
    assert!(
        request.is_valid(&serde_json::json!({"content_type": "image/png", "content_length": 1}))
    );
    assert!(
        !request.is_valid(&serde_json::json!({"content_type": "image/png", "content_length": 0}))
    );
    assert!(
        !request.is_valid(&serde_json::json!({"content_type": "text/plain", "content_length": 1}))
    );
}
