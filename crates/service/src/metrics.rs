//! What the service counts, as CloudWatch metrics in the embedded metric format: each
//! function's `main` installs [`collector`], which prints the counts of an invocation as one
//! JSON log line when it ends, and CloudWatch turns those lines into metrics of the
//! namespace `ferrotype` (no `PutMetricData` calls, no extra permissions).

use std::time::Duration;

use metrics::{counter, histogram};

use crate::domain::{FailureCode, UploadSource};

/// The metric namespace in CloudWatch.
pub const NAMESPACE: &str = "ferrotype";

/// The collector of one function, dimension `function` = `name`. Once per process.
pub fn collector(
    name: &'static str,
) -> Result<&'static metrics_cloudwatch_embedded::Collector, metrics_cloudwatch_embedded::Error> {
    let collector = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .with_dimension("function", name)
        .lambda_cold_start_metric("ColdStart")
        .with_lambda_request_id("RequestId")
        .init()?;
    metrics::describe_histogram!(
        "ProcessingTime",
        metrics::Unit::Milliseconds,
        "decode to stored outputs"
    );
    metrics::describe_histogram!(
        "QueueAge",
        metrics::Unit::Milliseconds,
        "from the job message's send to its receipt"
    );
    metrics::describe_counter!("BytesIn", metrics::Unit::Bytes, "originals processed");
    metrics::describe_counter!("BytesOut", metrics::Unit::Bytes, "outputs stored");
    Ok(collector)
}

/// A job was queued: an inline upload's `202`, or a direct upload's object arrived.
pub fn job_accepted(source: UploadSource) {
    let source = match source {
        UploadSource::Inline => "inline",
        UploadSource::Direct => "direct",
    };
    counter!("JobsAccepted", "source" => source).increment(1);
}

/// A job completed: how long its processing took, the original's bytes and the outputs'.
pub fn job_completed(took: Duration, bytes_in: u64, bytes_out: u64) {
    counter!("JobsCompleted").increment(1);
    histogram!("ProcessingTime").record(took.as_secs_f64() * 1000.0);
    counter!("BytesIn").increment(bytes_in);
    counter!("BytesOut").increment(bytes_out);
}

/// A job ended `failed` with `code`.
pub fn job_failed(code: FailureCode) {
    counter!("JobsFailed", "code" => code.as_str()).increment(1);
}

/// How long a job message waited in the queue before this receipt.
pub fn queue_age(age: Duration) {
    histogram!("QueueAge").record(age.as_secs_f64() * 1000.0);
}

/// Lambda's runtime loop (with its tracing layer), flushing the invocation's metrics after
/// each one: `run` for events, `run_http` for API Gateway requests.
pub use metrics_cloudwatch_embedded::lambda::handler::{run, run_http};
