//! schemathesis against the local API, read through the reports it writes for machines:
//!
//! - the JUnit XML report: one `<testcase>` per API operation, a `<failure>` for each
//!   scenario that failed, whose `message` is its failure codes (`ST101, ST103`) and whose
//!   text is the failing cases as schemathesis words them (each case's checks, then its
//!   response's status line and body);
//! - the JSON run report, for the number of cases generated, which the JUnit report does not
//!   have.
//!
//! The console's text is kept as a log, for people.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use serde::Deserialize;

use super::{LocalApi, Options, Row, Scale};
use crate::stack;
use crate::supervise::{Output, Supervised};
use crate::workspace::Workspace;

pub(super) fn run(
    workspace: &Workspace,
    options: &Options,
    api: &LocalApi,
    work: &Path,
) -> anyhow::Result<Row> {
    let started = Instant::now();
    let (api, token) = (api.url.as_str(), api.token.as_str());
    let budget: Vec<String> = match options.scale {
        // Reproducible in CI: a fixed seed and a fixed number of examples.
        Scale::Ci => [
            "--seed",
            "1",
            "--generation-deterministic",
            "--max-examples",
            "40",
        ]
        .map(String::from)
        .to_vec(),
        Scale::Full => vec!["--max-time".into(), options.fuzz_seconds.to_string()],
    };
    eprintln!("==> schemathesis ({}) against {api}", budget.join(" "));
    let log = work.join("schemathesis.log");
    let junit = work.join("schemathesis-junit.xml");
    let run_report = work.join("schemathesis-run.json");
    let mut command = Command::new(workspace.venv_bin("schemathesis"));
    // Excluded checks, and why: positive_data_acceptance — the schema can only say
    // "binary" for the body, and random bytes are rightly refused with 415;
    // unsupported_method — routing answers undeclared methods before any function runs
    // (404 here, as API Gateway does).
    command
        .arg("run")
        .arg(workspace.root.join("api/openapi.yaml"))
        .args(["--url", api, "--checks", "all"])
        // The caller's key; the auth checks also send requests without it (and expect 401).
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--exclude-checks",
            "positive_data_acceptance,unsupported_method",
        ])
        .args(&budget)
        .args(["--request-timeout", "60", "--workers", "2"])
        .args(["--suppress-health-check", "all", "--no-color"])
        .args(["--report", "junit,json", "--report-junit-path"])
        .arg(&junit)
        .arg("--report-json-path")
        .arg(&run_report)
        .current_dir(&workspace.root);
    let status = Supervised::spawn("schemathesis", command, &Output::File(log.clone()))?.wait()?;
    eprintln!("{}", stack::tail(&log, 25));
    let scenario = format!("schemathesis from api/openapi.yaml ({})", budget.join(" "));
    let exit = status.code().map_or("signal".into(), |c| c.to_string());
    let findings = match std::fs::read_to_string(&junit)
        .with_context(|| format!("reading {}", junit.display()))
        .and_then(|xml| Findings::from_junit(&xml))
    {
        Ok(findings) => findings,
        Err(error) => {
            return Ok(Row {
                scenario,
                figures: format!("no JUnit report ({error:#}); log: {}", log.display()),
                failure: Some(format!("schemathesis exited with {exit}")),
                seconds: started.elapsed().as_secs_f64(),
            })
        }
    };
    let generated = std::fs::read_to_string(&run_report)
        .ok()
        .and_then(|json| generated_cases(&json))
        .map_or("? generated".to_string(), |n| format!("{n} generated"));
    Ok(Row {
        scenario,
        figures: format!(
            "{generated} cases, 5xx from ferrotype: {}, 500s from the local router on non-UTF-8 text/* bodies: {}, schemathesis exit: {exit} (log: {})",
            findings.ours(),
            findings.router_errors,
            log.display()
        ),
        failure: (!findings.passed(status.success())).then(|| {
            format!(
                "5xx from ferrotype: {}; failure kinds besides the router's ST102: {}",
                findings.ours(),
                if findings.other_failure_kinds.is_empty() {
                    "none".to_string()
                } else {
                    findings.other_failure_kinds.join(", ")
                }
            )
        }),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What the JUnit report says about the answers that failed a check.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Failing cases whose response was a 5xx.
    pub server_errors: usize,
    /// Of those, the ones `cargo lambda watch` answered itself: it answers 500 before any
    /// function runs when a `text/*` or JSON body is not UTF-8 (API Gateway base64-encodes
    /// such bodies instead). Its page names httpstatuses.com; ours are problem documents.
    pub router_errors: usize,
    /// Failure codes that the router's 500s do not explain, sorted: all but ST102 (server
    /// error on an undeclared Content-Type) and, while every 5xx is the router's, ST101
    /// (server error) and ST103 (undocumented status) when only 5xx were undocumented.
    pub other_failure_kinds: Vec<String>,
}

impl Findings {
    pub fn from_junit(xml: &str) -> anyhow::Result<Self> {
        let document = roxmltree::Document::parse(xml).context("parsing the JUnit report")?;
        let mut findings = Self::default();
        let mut codes = BTreeSet::new();
        let mut undocumented_non_5xx = false;
        // Only `<failure>`s: an `<error>` (a request that timed out, say) has no failure
        // code, and counted for nothing in the console's summary either.
        for failure in document
            .descendants()
            .filter(|node| node.has_tag_name("failure"))
        {
            codes.extend(
                failure
                    .attribute("message")
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|code| !code.is_empty())
                    .map(String::from),
            );
            for case in FailingCase::all_in(failure.text().unwrap_or_default()) {
                let server_error = case.status.is_some_and(|s| (500..600).contains(&s));
                findings.server_errors += usize::from(server_error);
                findings.router_errors += usize::from(server_error && case.routers_page);
                undocumented_non_5xx |= case.codes.contains(&"ST103") && !server_error;
            }
        }
        let routers_only = findings.router_errors > 0 && findings.ours() == 0;
        findings.other_failure_kinds = codes
            .into_iter()
            .filter(|code| {
                code != "ST102"
                    && !(routers_only
                        && (code == "ST101" || (code == "ST103" && !undocumented_non_5xx)))
            })
            .collect();
        Ok(findings)
    }

    /// 5xx answers from ferrotype itself.
    pub fn ours(&self) -> usize {
        self.server_errors.saturating_sub(self.router_errors)
    }

    /// No 5xx of ours, and schemathesis passed or failed only on the router's 500s.
    pub fn passed(&self, exit_ok: bool) -> bool {
        self.ours() == 0
            && (exit_ok || (self.other_failure_kinds.is_empty() && self.router_errors > 0))
    }
}

/// One failing case in a `<failure>`'s text, which schemathesis writes as blocks of
/// unindented lines (indented ones are messages and bodies):
///
/// ```text
/// 1. Test Case ID: abc123
///
/// - ST101 Server error
///
/// - ST103 Undocumented HTTP status code
///
///     Received: 500
///     Documented: 202, 400
///
/// [500] Internal Server Error:
///
///     `{"type":"https://httpstatuses.com/500", ...}`
///
/// Reproduce with:
/// ...
/// ```
#[derive(Debug, Default, PartialEq, Eq)]
struct FailingCase<'a> {
    codes: Vec<&'a str>,
    status: Option<u16>,
    /// The response's body is the local router's error page.
    routers_page: bool,
}

impl<'a> FailingCase<'a> {
    fn all_in(text: &'a str) -> Vec<Self> {
        let mut cases = Vec::new();
        let mut case = FailingCase::default();
        let mut in_body = false;
        for line in text.lines() {
            if is_case_header(line) {
                if case != FailingCase::default() {
                    cases.push(std::mem::take(&mut case));
                }
                in_body = false;
            } else if let Some(code) = line.strip_prefix("- ").and_then(failure_code) {
                case.codes.push(code);
            } else if let Some(status) = status_line(line) {
                case.status = Some(status);
                in_body = true;
            } else if line.starts_with(' ') {
                case.routers_page |= in_body && line.contains("httpstatuses.com/5");
            } else if !line.is_empty() {
                in_body = false;
            }
        }
        if case != FailingCase::default() {
            cases.push(case);
        }
        cases
    }
}

/// "12. Test Case ID: …"
fn is_case_header(line: &str) -> bool {
    line.split_once(". Test Case ID: ")
        .is_some_and(|(index, _)| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// "ST101 Server error" → "ST101".
fn failure_code(entry: &str) -> Option<&str> {
    let (code, _title) = entry.split_once(' ')?;
    let digits = code.strip_prefix("ST")?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// "[500] Internal Server Error:" → 500.
fn status_line(line: &str) -> Option<u16> {
    let (status, _reason) = line.strip_prefix('[')?.split_once("] ")?;
    if status.len() != 3 {
        return None;
    }
    status.parse().ok()
}

/// `test_cases.generated` of the JSON run report.
fn generated_cases(json: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct RunReport {
        test_cases: TestCases,
    }
    #[derive(Deserialize)]
    struct TestCases {
        generated: u64,
    }
    serde_json::from_str::<RunReport>(json)
        .ok()
        .map(|report| report.test_cases.generated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failing case as schemathesis 4 writes it into the JUnit report.
    fn case(index: usize, checks: &[(&str, &str)], status: &str, body: &str) -> String {
        let mut text = format!("{index}. Test Case ID: case{index}\n");
        for (code, message) in checks {
            text.push_str(&format!("\n- {code} Some failure\n"));
            if !message.is_empty() {
                text.push_str(&format!("\n    {message}\n"));
            }
        }
        text.push_str(&format!("\n{status}:\n\n    `{body}`\n\nReproduce with:\n\n    curl -X POST http://127.0.0.1:1/images"));
        text
    }

    fn junit(failures: &[(&str, Vec<String>)]) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites><testsuite name=\"schemathesis\">\
             <testcase name=\"GET /health\" time=\"0.1\" />",
        );
        for (codes, cases) in failures {
            xml.push_str(&format!(
                "<testcase name=\"POST /images\" time=\"1.0\"><failure type=\"failure\" message=\"{codes}\">{}</failure></testcase>",
                escape(&cases.join("\n\n"))
            ));
        }
        xml.push_str("</testsuite></testsuites>");
        xml
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    const ROUTERS: &str = r#"{"type":"https://httpstatuses.com/500","status":500}"#;
    const OURS: &str = r#"{"type":"about:blank","title":"Internal Server Error","status":500}"#;

    #[test]
    fn the_junit_report_separates_our_5xx_from_the_routers() {
        let xml = junit(&[(
            "ST101, ST102, ST201",
            vec![
                case(1, &[("ST102", "")], "[500] Internal Server Error", ROUTERS),
                case(2, &[("ST101", "")], "[503] Service Unavailable", OURS),
                case(3, &[("ST201", "")], "[404] Not Found", "{}"),
            ],
        )]);
        let findings = Findings::from_junit(&xml).unwrap();
        assert_eq!(
            findings,
            Findings {
                server_errors: 2,
                router_errors: 1,
                other_failure_kinds: vec!["ST101".to_string(), "ST201".to_string()],
            }
        );
        assert_eq!(findings.ours(), 1);
        assert!(!findings.passed(true));
    }

    #[test]
    fn router_500s_alone_pass_even_when_schemathesis_fails() {
        let undeclared = junit(&[(
            "ST102",
            vec![case(
                1,
                &[("ST102", "")],
                "[500] Internal Server Error",
                ROUTERS,
            )],
        )]);
        let findings = Findings::from_junit(&undeclared).unwrap();
        assert_eq!(findings.ours(), 0);
        assert!(findings.other_failure_kinds.is_empty());
        assert!(findings.passed(false));
        // The router's 500 on a declared Content-Type: a server error and an undocumented
        // status, both its own.
        let declared = case(
            1,
            &[
                ("ST101", ""),
                ("ST103", "Received: 500\n    Documented: 202, 400"),
            ],
            "[500] Internal Server Error",
            ROUTERS,
        );
        let xml = junit(&[("ST101, ST103", vec![declared.clone()])]);
        assert!(Findings::from_junit(&xml).unwrap().passed(false));
        // An undocumented status of ours still fails.
        let teapot = case(
            2,
            &[("ST103", "Received: 418\n    Documented: 202, 400")],
            "[418] I'm a Teapot",
            "{}",
        );
        let xml = junit(&[("ST101, ST103", vec![declared, teapot])]);
        let findings = Findings::from_junit(&xml).unwrap();
        assert_eq!(findings.other_failure_kinds, vec!["ST103".to_string()]);
        assert!(!findings.passed(false));
    }

    #[test]
    fn a_clean_report_passes_only_when_schemathesis_did() {
        let clean = Findings::from_junit(&junit(&[])).unwrap();
        assert_eq!(clean, Findings::default());
        assert!(clean.passed(true));
        assert!(!clean.passed(false));
    }

    #[test]
    fn a_routers_page_counts_only_in_a_5xx_body() {
        // A 400 whose body happens to link the same site is not the router's 500.
        let xml = junit(&[(
            "ST201",
            vec![case(1, &[("ST201", "")], "[400] Bad Request", ROUTERS)],
        )]);
        let findings = Findings::from_junit(&xml).unwrap();
        assert_eq!((findings.server_errors, findings.router_errors), (0, 0));
    }

    #[test]
    fn a_broken_report_is_an_error() {
        assert!(Findings::from_junit("<testsuites><testcase>").is_err());
    }

    #[test]
    fn the_run_report_gives_the_number_of_generated_cases() {
        let json = r#"{"schemathesis_version":"4.32.5","exit_code":1,
            "test_cases":{"generated":123,"with_failures":3,"unique_failures":2,
            "without_checks":0,"errored":0},"failures":[]}"#;
        assert_eq!(generated_cases(json), Some(123));
        assert_eq!(generated_cases("{}"), None);
    }
}
