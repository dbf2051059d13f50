use serde::{Deserialize, Serialize};

/// What `target/debug/load` prints: its uploads over HTTP and how their jobs ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadSummary {
    /// Uploads sent.
    pub requests: usize,
    /// Uploads in flight at once.
    pub concurrency: usize,
    /// Uploads answered 202.
    pub accepted: usize,
    /// Uploads answered otherwise, or not at all.
    pub upload_errors: usize,
    /// Accepted uploads per second, while uploading.
    pub throughput_rps: f64,
    /// Time to the 202, over the accepted uploads; `None` when none was.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// From the first upload until no accepted job was still to finish (or the timeout).
    pub seconds_until_all_finished: f64,
    pub failed_jobs: usize,
    /// Accepted jobs neither completed nor failed at the timeout.
    pub unfinished_jobs: usize,
}

impl LoadSummary {
    /// The summary as the table's figures.
    pub fn figures(&self) -> String {
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        format!(
            "accepted: {}/{}, throughput: {:.1}/s, 202 p50: {} ms, p99: {} ms, all finished after: {:.1} s, failed: {}, unfinished: {}",
            self.accepted,
            self.requests,
            self.throughput_rps,
            ms(self.p50_ms),
            ms(self.p99_ms),
            self.seconds_until_all_finished,
            self.failed_jobs,
            self.unfinished_jobs
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_summary_reads_as_figures() {
        let summary: LoadSummary = serde_json::from_str(
            r#"{"requests":100,"concurrency":8,"accepted":100,"upload_errors":0,
            "throughput_rps":41.26,"p50_ms":150.2,"p99_ms":380.9,
            "seconds_until_all_finished":20.04,"failed_jobs":0,"unfinished_jobs":0}"#,
        )
        .unwrap();
        assert_eq!(
            summary.figures(),
            "accepted: 100/100, throughput: 41.3/s, 202 p50: 150 ms, p99: 381 ms, \
             all finished after: 20.0 s, failed: 0, unfinished: 0"
        );
    }

    #[test]
    fn a_load_without_any_202_has_no_percentiles() {
        let summary = LoadSummary {
            requests: 5,
            concurrency: 1,
            accepted: 0,
            upload_errors: 5,
            throughput_rps: 0.0,
            p50_ms: None,
            p99_ms: None,
            seconds_until_all_finished: 1.0,
            failed_jobs: 0,
            unfinished_jobs: 0,
        };
        let json = serde_json::to_string(&summary).unwrap();
        assert!(json.contains(r#""p50_ms":null"#));
        assert_eq!(serde_json::from_str::<LoadSummary>(&json).unwrap(), summary);
        assert!(summary.figures().contains("202 p50: - ms, p99: - ms"));
    }
}
