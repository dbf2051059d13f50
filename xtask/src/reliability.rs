//! `make test-reliability`: the delivery guarantees under faults, load and hostile input.
//!
//! 1. The fault scenarios (`target/debug/reliability --json`) against a moto on a free
//!    port: duplicate deliveries, killed processors, failing upload writes, poison
//!    messages. Their reports are read back as JSON, into the types they were written from
//!    (`ferrotype-reliability-report`).
//! 2. The local system over real HTTP (moto, `cargo lambda watch`, both SQS bridges): a
//!    load test (`target/debug/load`, which prints a `LoadSummary` as JSON), hostile
//!    requests, and a schemathesis run generated from `api/openapi.yaml`.
//!
//! Then one table of every scenario with its figures. Loopback only, bounded.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use ferrotype_reliability_report::{LoadSummary, Reports, Row, Table};
use reqwest::blocking::{Client, RequestBuilder};

use crate::http::{self, Answer, Part};
use crate::interrupt;
use crate::moto;
use crate::ports;
use crate::stack::{self, Bridge, Emulator, Queue, Settings};
use crate::supervise::{self, Output, Supervised, Supervisor};
use crate::workspace::Workspace;

/// How big a run is; the harness takes the same value.
pub use ferrotype_reliability_report::Scale;

#[derive(Debug, Clone)]
pub struct Options {
    pub scale: Scale,
    pub load_requests: usize,
    pub load_concurrency: usize,
    /// schemathesis's time budget at full scale (CI runs a fixed number of examples).
    pub fuzz_seconds: u64,
}

pub fn run(workspace: &Workspace, options: &Options) -> anyhow::Result<Table> {
    workspace.ensure_venv()?;
    ensure_schemathesis(workspace)?;
    workspace.build_binaries()?;
    let work = workspace.scratch_dir("ferrotype-reliability")?;
    eprintln!("==> logs in {}", work.display());
    let mut table = Table::default();

    table
        .rows
        .extend(fault_scenarios(workspace, options, &work)?);

    let mut supervisor = Supervisor::new();
    let api = start_local_system(workspace, &mut supervisor, &work)?;
    table.rows.push(load(workspace, options, &api, &work)?);
    table.rows.push(hostile_requests(&api)?);
    table
        .rows
        .push(schemathesis(workspace, options, &api, &work)?);
    supervisor.stop_all();
    Ok(table)
}

/// Install schemathesis into `.venv` when `requirements-reliability.txt` changed.
fn ensure_schemathesis(workspace: &Workspace) -> anyhow::Result<()> {
    let requirements = workspace.root.join("requirements-reliability.txt");
    let stamp = workspace.venv().join(".reliability-requirements");
    let wanted = std::fs::read(&requirements)?;
    if std::fs::read(&stamp).ok().as_deref() == Some(wanted.as_slice()) {
        return Ok(());
    }
    eprintln!("==> installing schemathesis into .venv");
    let mut command = Command::new(workspace.venv_bin("pip"));
    command
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements);
    supervise::run("pip install", command)?;
    std::fs::write(stamp, wanted)?;
    Ok(())
}

fn fault_scenarios(
    workspace: &Workspace,
    options: &Options,
    work: &Path,
) -> anyhow::Result<Vec<Row>> {
    let started = Instant::now();
    let mut supervisor = Supervisor::new();
    let aws = moto::start(
        workspace,
        &mut supervisor,
        ports::free_port()?,
        &Output::File(work.join("moto-faults.log")),
    )?;
    eprintln!("==> fault scenarios (scale {})", options.scale.as_arg());
    let results = work.join("faults.json");
    let mut command = Command::new(workspace.debug_bin("reliability"));
    command
        .args(["--scale", options.scale.as_arg(), "--json"])
        .env("RUST_LOG", "error");
    aws.apply(&mut command);
    let status =
        Supervised::spawn("reliability", command, &Output::Stdout(results.clone()))?.wait()?;
    supervisor.stop_all();

    let text = std::fs::read_to_string(&results)?;
    let mut rows = match serde_json::from_str::<Reports>(&text) {
        Ok(output) => output.reports.iter().map(|r| r.row()).collect(),
        Err(error) => Vec::from([Row {
            scenario: "fault scenarios".into(),
            figures: format!("no report ({error}); output in {}", results.display()),
            failure: Some(format!("the harness exited with {status}")),
            seconds: started.elapsed().as_secs_f64(),
        }]),
    };
    if !status.success() && rows.iter().all(Row::passed) {
        rows.push(Row {
            scenario: "fault scenarios".into(),
            figures: String::new(),
            failure: Some(format!("the harness exited with {status}")),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(rows)
}

fn start_local_system(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    work: &Path,
) -> anyhow::Result<LocalApi> {
    let settings = Settings {
        emulator: Emulator::Moto {
            port: ports::free_port()?,
            output: Output::File(work.join("moto-http.log")),
        },
        prefix: "ferrotype-reliability".into(),
        api_port: ports::free_port()?,
        live_port: ports::free_port()?,
        live_output: Output::File(work.join("live-gateway.log")),
        env_file: work.join("functions.env"),
        rust_log: "warn".into(),
        watch_output: Output::File(work.join("watch.log")),
        ignore_changes: true,
        bridges: vec![
            Bridge {
                queue: Queue::Jobs,
                function: "processor",
                output: Output::File(work.join("bridge.log")),
            },
            Bridge {
                queue: Queue::DeadLetters,
                function: "dead-letter",
                output: Output::File(work.join("dlq-bridge.log")),
            },
            Bridge {
                queue: Queue::UploadEvents,
                function: "ingest",
                output: Output::File(work.join("ingest-bridge.log")),
            },
        ],
        written_by: "`cargo run -p xtask -- reliability`",
        caller: "reliability",
        // Callers on, as deployed, so schemathesis also checks that every route but the
        // health check refuses a request without one. Their limits are off: the harness
        // measures the pipeline under load from one caller, where they would only answer
        // 429. The integration tests cover the limits.
        extra_env: vec![
            ("RATE_LIMIT_REQUESTS", "0".into()),
            ("DAILY_UPLOAD_LIMIT", "0".into()),
            ("DAILY_UPLOAD_BYTES", "0".into()),
        ],
        stream_bridge: None,
    };
    let stack = stack::start(workspace, supervisor, &settings)?;
    // The first request to each function starts its process: do it before timing anything.
    let client = http::client_of(Duration::from_secs(300), &stack.token)?;
    let photo = std::fs::read(workspace.root.join("scripts/fixtures/photo.jpg"))?;
    Answer::of(
        client
            .post(format!("{}/images", stack.api))
            .header("content-type", "image/jpeg")
            .body(photo),
    );
    Answer::of(client.get(format!(
        "{}/images/00000000-0000-4000-8000-000000000000",
        stack.api
    )));
    Ok(LocalApi {
        url: stack.api,
        token: stack.token,
    })
}

/// The local API and an API key of the harness's caller.
struct LocalApi {
    url: String,
    token: String,
}

fn load(
    workspace: &Workspace,
    options: &Options,
    api: &LocalApi,
    work: &Path,
) -> anyhow::Result<Row> {
    eprintln!(
        "==> load: {} uploads at concurrency {}",
        options.load_requests, options.load_concurrency
    );
    let started = Instant::now();
    let results = work.join("load.json");
    let mut command = Command::new(workspace.debug_bin("load"));
    command
        .args(["--base-url", &api.url])
        .env("FERROTYPE_TOKEN", &api.token)
        .args(["--requests", &options.load_requests.to_string()])
        .args(["--concurrency", &options.load_concurrency.to_string()]);
    let status = Supervised::spawn("load", command, &Output::Stdout(results.clone()))?.wait()?;
    let text = std::fs::read_to_string(&results).unwrap_or_default();
    let figures = match serde_json::from_str::<LoadSummary>(text.trim()) {
        Ok(summary) => summary.figures(),
        Err(_) => "no figures".to_string(),
    };
    Ok(Row {
        scenario: format!(
            "load: {} uploads over HTTP at concurrency {}",
            options.load_requests, options.load_concurrency
        ),
        figures,
        failure: (!status.success()).then(|| format!("load exited with {status}")),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What a hostile request must get back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Status(u16),
    /// Any 4xx.
    ClientError,
}

impl Expected {
    pub fn accepts(self, status: u16) -> bool {
        match self {
            Expected::Status(wanted) => status == wanted,
            Expected::ClientError => (400..500).contains(&status),
        }
    }
}

/// Requests a careless or hostile client sends; none may get a 5xx, each its own answer.
fn hostile_requests(api: &LocalApi) -> anyhow::Result<Row> {
    let started = Instant::now();
    let client = http::client_of(Duration::from_secs(60), &api.token)?;
    let api = api.url.as_str();
    let photo = std::fs::read(Workspace::locate().root.join("scripts/fixtures/photo.jpg"))?;
    let images = format!("{api}/images");
    let no_file_part = http::multipart(
        "ferrotype-hostile",
        &[Part {
            name: "caption",
            filename: None,
            content_type: None,
            data: b"hello",
        }],
    );
    let requests: Vec<(&str, Expected, RequestBuilder)> = vec![
        (
            "text sent as a JPEG",
            Expected::Status(415),
            post(&client, &images, "image/jpeg").body("just text"),
        ),
        (
            "JPEG sent as application/octet-stream",
            Expected::Status(202),
            post(&client, &images, "application/octet-stream").body(photo),
        ),
        (
            "empty body",
            Expected::Status(400),
            post(&client, &images, "image/png"),
        ),
        (
            "multipart without a boundary",
            Expected::Status(400),
            post(&client, &images, "multipart/form-data").body("abc"),
        ),
        (
            "multipart cut short",
            Expected::Status(400),
            post(&client, &images, "multipart/form-data; boundary=XX").body(
                b"--XX\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\xff\xd8".to_vec(),
            ),
        ),
        (
            "multipart with no file part",
            Expected::Status(400),
            post(
                &client,
                &images,
                "multipart/form-data; boundary=ferrotype-hostile",
            )
            .body(no_file_part),
        ),
        (
            "id with path tricks",
            Expected::Status(404),
            client.get(format!("{images}/..%2F..%2Foriginals%2Fx")),
        ),
        (
            "id with a NUL",
            Expected::Status(404),
            client.get(format!("{images}/%00")),
        ),
        (
            "a v1 UUID",
            Expected::Status(404),
            client.get(format!("{images}/6ba7b810-9dad-11d1-80b4-00c04fd430c8")),
        ),
        (
            "an overlong id",
            Expected::Status(404),
            client.get(format!("{images}/{}", "f".repeat(3000))),
        ),
        (
            "a 60 kB header",
            Expected::Status(415),
            post(&client, &images, "application/x-www-form-urlencoded")
                .header("x-junk", "a".repeat(60_000))
                .body("x"),
        ),
        // Methods the routes do not serve never reach a function.
        ("PUT /images", Expected::ClientError, client.put(&images)),
        (
            "DELETE /images",
            Expected::ClientError,
            client.delete(&images),
        ),
        (
            "PATCH /images",
            Expected::ClientError,
            client.patch(&images),
        ),
    ];
    let total = requests.len();
    let mut unexpected = Vec::new();
    for (name, expected, request) in requests {
        interrupt::check()?;
        let answer = Answer::of(request);
        if !expected.accepts(answer.status) {
            unexpected.push(format!("{name}: {} (expected {expected:?})", answer.status));
        }
    }
    let mut figures = format!("{total} requests, {} unexpected answers", unexpected.len());
    if !unexpected.is_empty() {
        figures.push_str(&format!(" ({})", unexpected.join(", ")));
    }
    Ok(Row {
        scenario:
            "hostile HTTP: lying types, broken multipart, path tricks, huge headers, wrong methods"
                .into(),
        figures,
        failure: (!unexpected.is_empty())
            .then(|| format!("{} unexpected answers", unexpected.len())),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn post(client: &Client, url: &str, content_type: &str) -> RequestBuilder {
    client.post(url).header("content-type", content_type)
}

/// What a schemathesis log says, read from its text (schemathesis is a Python tool; its
/// console output is what it gives).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SchemathesisLog {
    /// "N generated", the last one printed.
    pub generated: Option<u64>,
    /// Responses listed with a 5xx status (`[5xx] …` lines).
    pub server_errors: usize,
    /// Of those, the ones `cargo lambda watch` answered itself: it answers 500 before any
    /// function runs when a `text/*` or JSON body is not UTF-8 (API Gateway base64-encodes
    /// such bodies instead). Its page names httpstatuses.com; ours are problem documents.
    pub router_errors: usize,
    /// Failure kinds in the summary that the router's 500s do not explain: all but ST102
    /// (server error on an undeclared Content-Type) and, while every 5xx is the router's,
    /// ST101 (server error) and ST103 (undocumented status) when only 5xx were undocumented.
    pub other_failure_kinds: Vec<String>,
}

impl SchemathesisLog {
    pub fn parse(log: &str) -> Self {
        let mut parsed = Self::default();
        let mut kinds = Vec::new();
        // "Received: 500" under an ST103: which statuses were undocumented.
        let mut undocumented_non_5xx = false;
        for line in log.lines() {
            if let Some(status) = line.trim().strip_prefix("Received: ") {
                undocumented_non_5xx |= !status.starts_with('5');
            }
            if let Some(count) = generated_count(line) {
                parsed.generated = Some(count);
            }
            if line.len() >= 5
                && line.starts_with("[5")
                && line.as_bytes()[2].is_ascii_digit()
                && line.as_bytes()[3].is_ascii_digit()
                && line.as_bytes()[4] == b']'
            {
                parsed.server_errors += 1;
            }
            if line.contains("httpstatuses.com/5") {
                parsed.router_errors += 1;
            }
            if let Some(code) = failure_kind(line).filter(|code| *code != "ST102") {
                kinds.push(code.to_string());
            }
        }
        let routers_only = parsed.router_errors > 0 && parsed.ours() == 0;
        parsed.other_failure_kinds = kinds
            .into_iter()
            .filter(|code| {
                !(routers_only && (code == "ST101" || (code == "ST103" && !undocumented_non_5xx)))
            })
            .collect();
        parsed
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

/// "… 40 generated …" → 40 (the number before the last " generated").
fn generated_count(line: &str) -> Option<u64> {
    let before = &line[..line.rfind(" generated")?];
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// A summary line "  ✗ ST101 Some failure kind: 3" → "ST101".
fn failure_kind(line: &str) -> Option<&str> {
    let mut chars = line.trim_start_matches(' ').chars();
    chars.next()?; // the bullet
    let from_code = chars.as_str().strip_prefix(' ')?;
    let code = from_code.get(..5)?;
    let (_, count) = from_code.rsplit_once(": ")?;
    let well_formed = code.starts_with("ST")
        && code[2..].bytes().all(|b| b.is_ascii_digit())
        && from_code[5..].starts_with(' ')
        && !count.is_empty()
        && count.bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(code)
}

fn schemathesis(
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
        .current_dir(&workspace.root);
    let status = Supervised::spawn("schemathesis", command, &Output::File(log.clone()))?.wait()?;
    let text =
        std::fs::read_to_string(&log).with_context(|| format!("reading {}", log.display()))?;
    eprintln!("{}", stack::tail(&log, 25));
    let parsed = SchemathesisLog::parse(&text);
    let generated = parsed
        .generated
        .map_or("? generated".to_string(), |n| format!("{n} generated"));
    Ok(Row {
        scenario: format!("schemathesis from api/openapi.yaml ({})", budget.join(" ")),
        figures: format!(
            "{generated} cases, 5xx from ferrotype: {}, 500s from the local router on non-UTF-8 text/* bodies: {}, schemathesis exit: {} (log: {})",
            parsed.ours(),
            parsed.router_errors,
            status.code().map_or("signal".into(), |c| c.to_string()),
            log.display()
        ),
        failure: (!parsed.passed(status.success())).then(|| {
            format!(
                "5xx from ferrotype: {}; failure kinds besides the router's ST102: {}",
                parsed.ours(),
                if parsed.other_failure_kinds.is_empty() {
                    "none".to_string()
                } else {
                    parsed.other_failure_kinds.join(", ")
                }
            )
        }),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_expectations_accept_only_their_answers() {
        assert!(Expected::Status(404).accepts(404));
        assert!(!Expected::Status(404).accepts(500));
        assert!(Expected::ClientError.accepts(405));
        assert!(!Expected::ClientError.accepts(502));
        assert!(!Expected::ClientError.accepts(0));
    }

    #[test]
    fn a_schemathesis_log_separates_our_5xx_from_the_routers() {
        let log = "\
Collected API operations: 3
[500] Internal Server Error: https://httpstatuses.com/500
[503] Service Unavailable
[404] Not Found
Test cases: 123 generated, 120 passed
  ✗ ST102 Undocumented Content-Type: 1
  ✗ ST201 Response violates schema: 2
";
        let parsed = SchemathesisLog::parse(log);
        assert_eq!(
            parsed,
            SchemathesisLog {
                generated: Some(123),
                server_errors: 2,
                router_errors: 1,
                other_failure_kinds: vec!["ST201".to_string()],
            }
        );
        assert_eq!(parsed.ours(), 1);
        assert!(!parsed.passed(true));
    }

    #[test]
    fn router_500s_alone_pass_even_when_schemathesis_fails() {
        let log = "[500] https://httpstatuses.com/500\n  ✗ ST102 Server error: 1\n40 generated\n";
        let parsed = SchemathesisLog::parse(log);
        assert_eq!(parsed.ours(), 0);
        assert!(parsed.other_failure_kinds.is_empty());
        assert!(parsed.passed(false));
        assert!(SchemathesisLog::parse("40 generated\n").passed(true));
        // The router's 500 on a declared Content-Type: a server error and an undocumented
        // status, both its own.
        let declared =
            "- ST101 Server error\n- ST103 Undocumented status code\n    Received: 500\n\
            [500] Internal Server Error:\n    `{\"type\":\"https://httpstatuses.com/500\"}`\n\
            ❌ ST101 Server error: 1\n  ❌ ST103 Undocumented status code: 1\n40 generated\n";
        assert!(SchemathesisLog::parse(declared).passed(false));
        // An undocumented status of ours still fails.
        let ours = format!("{declared}    Received: 418\n");
        assert!(!SchemathesisLog::parse(&ours).passed(false));
        assert!(!SchemathesisLog::parse("40 generated\n").passed(false));
    }
}
