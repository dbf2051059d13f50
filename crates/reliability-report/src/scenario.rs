use serde::{Deserialize, Serialize};

use crate::table::Row;

/// One measured figure of a scenario, such as `completed: 200`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub name: String,
    pub value: String,
}

/// One fault scenario's outcome: its figures in the order they were taken, and each
/// expectation that did not hold. It passed when there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub name: String,
    pub figures: Vec<Figure>,
    pub failures: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            figures: Vec::new(),
            failures: Vec::new(),
            seconds: 0.0,
        }
    }

    /// Records a figure, after the ones already taken.
    pub fn figure(&mut self, name: &str, value: impl ToString) {
        self.figures.push(Figure {
            name: name.to_string(),
            value: value.to_string(),
        });
    }

    /// Records a failure unless `actual` is `expected`.
    pub fn expect(&mut self, what: &str, actual: usize, expected: usize) {
        if actual != expected {
            self.failures
                .push(format!("{what}: {actual}, expected {expected}"));
        }
    }

    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The report as a row of the table: `name: value` figures, the failures as the reason.
    pub fn row(&self) -> Row {
        let figures: Vec<String> = self
            .figures
            .iter()
            .map(|f| format!("{}: {}", f.name, f.value))
            .collect();
        Row {
            scenario: self.name.clone(),
            figures: figures.join(", "),
            failure: (!self.passed()).then(|| self.failures.join("; ")),
            seconds: self.seconds,
        }
    }
}

/// What `reliability --json` prints: every scenario's report, in the order they ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reports {
    pub reports: Vec<Report>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_fails_on_each_unmet_expectation_and_keeps_its_figures_in_order() {
        let mut report = Report::new("poison");
        report.figure("completed", 80);
        report.figure("stuck", 10);
        report.expect("completed", 80, 90);
        report.expect("poison failed", 10, 10);
        report.expect("stuck", 10, 0);
        assert!(!report.passed());
        let row = report.row();
        assert_eq!(row.figures, "completed: 80, stuck: 10");
        assert_eq!(
            row.failure.as_deref(),
            Some("completed: 80, expected 90; stuck: 10, expected 0")
        );
    }

    #[test]
    fn reports_read_back_as_they_were_written() {
        let mut passed = Report::new("duplicates: 200 jobs x3");
        passed.figure("completed", 200);
        passed.seconds = 12.34;
        let mut failed = Report::new("poison");
        failed.expect("stuck", 10, 0);
        let reports = Reports {
            reports: vec![passed, failed],
        };
        let json = serde_json::to_string(&reports).unwrap();
        assert_eq!(serde_json::from_str::<Reports>(&json).unwrap(), reports);
        assert!(json.contains(r#""figures":[{"name":"completed","value":"200"}]"#));
    }
}
