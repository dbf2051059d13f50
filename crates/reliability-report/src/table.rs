use serde::Serialize;

/// One row of the table: a scenario, its figures, and why it failed if it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub scenario: String,
    pub figures: String,
    /// `None` when it passed, else why not.
    pub failure: Option<String>,
    pub seconds: f64,
}

impl Row {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Every row, and the Markdown table of them.
#[derive(Debug, Default, Serialize)]
pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    pub fn failed(&self) -> usize {
        self.rows.iter().filter(|r| !r.passed()).count()
    }

    pub fn markdown(&self) -> String {
        let mut out =
            String::from("| scenario | figures | result | seconds |\n|---|---|---|---|\n");
        for row in &self.rows {
            let result = match &row.failure {
                None => "PASS".to_string(),
                Some(why) => format!("FAIL ({why})"),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {:.1} |\n",
                row.scenario, row.figures, result, row.seconds
            ));
        }
        out
    }

    /// `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed",
            self.rows.len() - self.failed(),
            self.failed()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Report;

    #[test]
    fn the_table_shows_each_row_and_counts_the_passes() {
        let mut passed = Report::new("duplicates: 200 jobs x3");
        passed.figure("completed", 200);
        passed.figure("stuck", 0);
        passed.seconds = 12.34;
        let mut failed = Report::new("poison");
        failed.expect("completed", 80, 90);
        failed.seconds = 3.0;
        let table = Table {
            rows: vec![passed.row(), failed.row()],
        };
        assert_eq!(table.summary(), "1 passed, 1 failed");
        assert_eq!(
            table.markdown(),
            "| scenario | figures | result | seconds |\n|---|---|---|---|\n\
             | duplicates: 200 jobs x3 | completed: 200, stuck: 0 | PASS | 12.3 |\n\
             | poison |  | FAIL (completed: 80, expected 90) | 3.0 |\n"
        );
    }
}
