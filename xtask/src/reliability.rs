//! `make test-reliability`: the delivery guarantees under faults, load and hostile input.
//!
//! 1. The fault scenarios (`target/debug/reliability --json`) against a moto on a free
//!    port: duplicate deliveries, killed processors, failing upload writes, poison
//!    messages. Their reports are read back as JSON, into the types they were written from
//!    (`ferrotype-reliability-report`).
//! 2. The local system over real HTTP (moto, `cargo lambda watch`, both SQS bridges): a
//!    load test (`target/debug/load`, which prints a `LoadSummary` as JSON), hostile
//!    requests, and a schemathesis run generated from `api/openapi.yaml`, read from its
//!    JUnit and JSON reports ([`schemathesis`]).
//!
//! Then one table of every scenario with its figures. Loopback only, bounded.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ferrotype_reliability_report::{LoadSummary, Reports, Row, Table};
use reqwest::blocking::{Client, RequestBuilder};

use crate::http::{self, Answer, Part};
use crate::interrupt;
use crate::moto;
use crate::ports;
use crate::stack::{self, Bridge, Emulator, Queue, Settings};
use crate::supervise::{self, Output, Supervised, Supervisor};
use crate::workspace::Workspace;

mod schemathesis;

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
        .push(schemathesis::run(workspace, options, &api, &work)?);
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
            ("DAILY_EMAIL_LIMIT", "0".into()),
        ],
        stream_bridge: None,
        projection_bridge: None,
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
}
