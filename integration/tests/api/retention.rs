//! Retention: `RETENTION_DAYS` as a TTL on the records, lifecycle rules on the objects that
//! agree with it in the template, and expired jobs reading as `404` at once.

use std::time::Duration;

use ferrotype_samples as samples;
use ferrotype_service::domain::{JobId, JobRecord, OriginalUpload};
use image::DynamicImage;
use integration::{get_status, json, post_image, TestStack};
use time::OffsetDateTime;

fn template() -> serde_norway::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("reading template.yaml");
    // CloudFormation's short tags (!Ref, !If, ...) stay tagged values, shown by `{:?}`.
    serde_norway::from_str(&text).expect("valid YAML")
}

#[test]
fn the_templates_lifecycle_rules_and_ttl_use_the_same_retention_and_attribute_as_the_code() {
    let template = template();
    let resources = &template["Resources"];
    let ttl = &resources["JobTable"]["Properties"]["TimeToLiveSpecification"];
    assert_eq!(
        ttl["AttributeName"].as_str(),
        Some(JobRecord::TTL_ATTRIBUTE)
    );
    assert_eq!(ttl["Enabled"].as_bool(), Some(true));

    let rules = resources["ImageBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .unwrap();
    for prefix in ["originals/", "derived/"] {
        let rule = rules
            .iter()
            .find(|rule| rule["Prefix"].as_str() == Some(prefix))
            .unwrap_or_else(|| panic!("no lifecycle rule for {prefix}"));
        let days = format!("{:?}", rule["ExpirationInDays"]);
        assert!(days.contains("RetentionDays"), "{prefix}: {days}");
        let status = format!("{:?}", rule["Status"]);
        assert!(status.contains("KeepsForever"), "{prefix}: {status}");
    }
    let env = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(format!("{:?}", env["RETENTION_DAYS"]).contains("RetentionDays"));
    assert_eq!(
        template["Parameters"]["RetentionDays"]["Default"].as_u64(),
        Some(0),
        "kept forever unless asked"
    );
}

#[tokio::test]
async fn an_upload_with_retention_records_its_expiry_and_an_expired_job_reads_as_404() {
    let stack = TestStack::new().await;
    let mut app = stack.upload_app();
    app.settings.retention = Some(Duration::from_secs(3 * 86_400));
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)));
    let response = upload::handle(&app, post_image("image/jpeg", photo)).await;
    assert_eq!(response.status(), 202);
    let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(
        record.expires_at.map(|at| at.unix_timestamp()),
        Some((record.created_at + time::Duration::days(3)).unix_timestamp()),
        "epoch seconds, as DynamoDB's TTL reads them"
    );
    assert_eq!(
        status::handle(&stack.status_app(), get_status(&id.to_string()))
            .await
            .status(),
        200
    );

    // A job past its retention that DynamoDB's TTL has not removed yet.
    let old = JobId::new_random();
    let long_ago = OffsetDateTime::now_utc() - time::Duration::days(40);
    let upload = OriginalUpload::inline("image/jpeg", 10);
    let expired = JobRecord::queued(old, upload, long_ago)
        .retained_for(Some(Duration::from_secs(30 * 86_400)));
    stack.jobs().create(&expired).await.unwrap();
    let response = status::handle(&stack.status_app(), get_status(&old.to_string())).await;
    assert_eq!(response.status(), 404);
}
