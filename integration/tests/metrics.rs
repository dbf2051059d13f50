//! The metrics a job emits, as CloudWatch would read them: an upload, a completed job and a
//! failed one through the real handlers, then the collector's embedded-metric-format line.
//! Its own test binary (not a module of `api/`), because the collector is the process's one
//! metrics recorder.

use ferrotype_samples as samples;
use image::DynamicImage;
use integration::{json, post_image, TestStack};
use serde_json::Value;

#[tokio::test]
async fn a_completed_and_a_failed_job_emit_their_counts_times_and_bytes() {
    let collector = ferrotype_service::metrics::collector("test").expect("the one recorder");
    let stack = TestStack::new().await;
    let upload = stack.upload_app();
    let good = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(640, 480)));
    // A JPEG header that promises more than it has: accepted, then refused by the decoder.
    let broken = good[..good.len() / 3].to_vec();
    for body in [good.clone(), broken] {
        let response = upload::handle(&upload, post_image("image/jpeg", body)).await;
        assert_eq!(response.status(), 202, "{}", json(&response));
    }
    let processor = stack.processor_app();
    let report = stack.bridge(&processor).await.poll_once().await.unwrap();
    assert_eq!(report.received, 2);

    let mut out = Vec::new();
    collector.flush(&mut out).unwrap();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON document"))
        .collect();
    let metric = |name: &str, dimension: Option<(&str, &str)>| -> Option<Value> {
        lines.iter().find_map(|line| {
            let declared = line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()?
                .iter()
                .any(|m| m["Name"] == name);
            let dimension_matches = dimension.is_none_or(|(key, value)| line[key] == value);
            (declared && dimension_matches && line["function"] == "test")
                .then(|| line[name].clone())
        })
    };
    assert_eq!(
        metric("JobsAccepted", Some(("source", "inline"))),
        Some(2.into())
    );
    assert_eq!(metric("JobsCompleted", None), Some(1.into()));
    assert_eq!(
        metric("JobsFailed", Some(("code", "corrupt_image"))),
        Some(1.into())
    );
    assert_eq!(metric("BytesIn", None), Some((good.len() as u64).into()));
    assert!(metric("BytesOut", None)
        .and_then(|v| v.as_u64())
        .is_some_and(|b| b > 0));
    let time = metric("ProcessingTime", None).expect("a processing time");
    assert!(
        time.as_f64()
            .or_else(|| time[0].as_f64())
            .is_some_and(|ms| ms > 0.0),
        "{time}"
    );
    assert!(
        metric("QueueAge", None).is_some(),
        "the queue age of each receipt"
    );
    let namespace = &lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"];
    assert_eq!(namespace, "ferrotype");
}
