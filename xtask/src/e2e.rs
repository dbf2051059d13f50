//! The end-to-end checks: the newcomer's flow from docs/local.md over real HTTP, on a stack
//! of its own (moto, `cargo lambda watch`, the SQS bridge) on free loopback ports.
//!
//! Upload `scripts/fixtures/photo.jpg` (1200×800), expect `202` and a `Location`, poll it
//! until `completed`, download every output through its presigned link (status, size,
//! type, dimensions), then a multipart upload and the 400/404/415 answers, a job's signed
//! webhooks on a receiver of this process, and the web page in headless Chromium. Each
//! check is a named result; the run ends with `N passed, M failed`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde::Serialize;
use serde_json::Value;

use crate::http::{self, Answer, Part};
use crate::interrupt::{self, Interrupted};
use crate::ports;
use crate::stack::{self, Bridge, Emulator, Queue, Settings};
use crate::supervise::{Output, Supervisor};
use crate::webhooks::{verify_with_reference, Delivery, Receiver};
use crate::workspace::Workspace;

/// The fixture's size.
const FIXTURE_WIDTH: u64 = 1200;
const FIXTURE_HEIGHT: u64 = 800;
/// The outputs' default widths.
const THUMBNAIL_WIDTH: u64 = 200;
const PREVIEW_WIDTH: u64 = 800;
const OUTPUTS: [&str; 4] = ["original", "thumbnail", "preview", "optimized"];
const STACK_STARTS: &str =
    "the local stack starts (moto, provision, cargo lambda watch, sqs-bridge)";

/// One named check and, if it failed, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub failure: Option<String>,
}

/// Every check of a run, in order. Each is printed as it is recorded.
#[derive(Debug, Default, Serialize)]
pub struct Checks {
    pub checks: Vec<Check>,
}

impl Checks {
    pub fn record(&mut self, name: impl Into<String>, outcome: Result<(), String>) {
        let check = Check {
            name: name.into(),
            failure: outcome.err(),
        };
        match &check.failure {
            None => println!("PASS: {}", check.name),
            Some(why) => println!("FAIL: {} ({why})", check.name),
        }
        self.checks.push(check);
    }

    pub fn pass(&mut self, name: impl Into<String>) {
        self.record(name, Ok(()));
    }

    pub fn fail(&mut self, name: impl Into<String>, why: impl Into<String>) {
        self.record(name, Err(why.into()));
    }

    /// Pass if `actual == expected`, else fail saying both.
    pub fn expect<T: PartialEq + std::fmt::Display>(
        &mut self,
        name: impl Into<String>,
        actual: T,
        expected: T,
    ) {
        let outcome = if actual == expected {
            Ok(())
        } else {
            Err(format!("expected '{expected}', got '{actual}'"))
        };
        self.record(name, outcome);
    }

    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.failure.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }

    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Seconds until the uploaded job must be completed.
    pub poll_timeout: Duration,
    /// Keep the directory of logs even when every check passes.
    pub keep_logs: bool,
}

/// Start a stack, run every check, stop the stack. `Err` only when a signal interrupted
/// the run (after stopping everything and printing the summary).
pub fn run(workspace: &Workspace, options: &Options) -> anyhow::Result<Checks> {
    workspace.ensure_venv()?;
    let work = workspace.scratch_dir("ferrotype-e2e")?;
    eprintln!("==> logs and responses in {}", work.display());
    let logs = Logs::in_dir(&work);
    let mut checks = Checks::default();
    let mut supervisor = Supervisor::new();
    let mut interrupted = None;

    let started = workspace
        .build_binaries()
        .and_then(|()| start_stack(workspace, &mut supervisor, &logs, &work));
    match started {
        Ok(stack::Stack {
            api,
            token,
            webhook_secret,
            ..
        }) => {
            checks.pass(STACK_STARTS);
            let fixture = workspace.root.join("scripts/fixtures/photo.jpg");
            let hooked = Hooked {
                api: &api,
                token: &token,
                secret: &webhook_secret,
                fixture: &fixture,
                timeout: options.poll_timeout,
            };
            let run = run_checks(&api, &token, &fixture, &work, options, &mut checks)
                .and_then(|()| check_webhooks(workspace, &hooked, &mut checks))
                .and_then(|()| check_page_in_browser(workspace, &api, &token, &work, &mut checks));
            if let Err(error) = run {
                interrupted = error.downcast_ref::<Interrupted>().copied();
                checks.fail("the checks run to the end", format!("{error:#}"));
            }
        }
        Err(error) => {
            interrupted = error.downcast_ref::<Interrupted>().copied();
            checks.fail(STACK_STARTS, format!("{error:#}"));
        }
    }
    supervisor.stop_all();

    if checks.failed() > 0 {
        logs.show();
    } else if !options.keep_logs {
        let _ = std::fs::remove_dir_all(&work);
    }
    println!("{}", checks.summary());
    match interrupted {
        Some(signal) => Err(signal.into()),
        None => Ok(checks),
    }
}

pub struct Logs {
    moto: PathBuf,
    watch: PathBuf,
    bridge: PathBuf,
    ingest_bridge: PathBuf,
}

impl Logs {
    pub fn in_dir(dir: &std::path::Path) -> Self {
        Self {
            moto: dir.join("moto.log"),
            watch: dir.join("watch.log"),
            bridge: dir.join("bridge.log"),
            ingest_bridge: dir.join("ingest-bridge.log"),
        }
    }

    pub fn show(&self) {
        for path in [&self.moto, &self.watch, &self.bridge, &self.ingest_bridge] {
            let tail = stack::tail(path, 40);
            if !tail.is_empty() {
                println!("----- last lines of {}", path.display());
                println!("{tail}");
            }
        }
    }
}

/// The stack the checks run against: `make dev`'s, on free ports, logs in `work`.
pub fn start_stack(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    logs: &Logs,
    work: &std::path::Path,
) -> anyhow::Result<stack::Stack> {
    let settings = Settings {
        emulator: Emulator::Moto {
            port: ports::free_port()?,
            output: Output::File(logs.moto.clone()),
        },
        prefix: "ferrotype-e2e".into(),
        api_port: ports::free_port()?,
        live_port: ports::free_port()?,
        live_output: Output::File(work.join("live-gateway.log")),
        env_file: work.join("functions.env"),
        rust_log: std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        watch_output: Output::File(logs.watch.clone()),
        ignore_changes: true,
        bridges: vec![
            Bridge {
                queue: Queue::Jobs,
                function: "processor",
                output: Output::File(logs.bridge.clone()),
            },
            Bridge {
                queue: Queue::UploadEvents,
                function: "ingest",
                output: Output::File(logs.ingest_bridge.clone()),
            },
            Bridge {
                queue: Queue::Webhooks,
                function: "webhook",
                output: Output::File(work.join("webhook-bridge.log")),
            },
        ],
        written_by: "`cargo run -p xtask -- e2e`",
        caller: "e2e",
        // The checks poll the status often; the per-caller limits are the integration
        // tests' to check.
        extra_env: vec![("RATE_LIMIT_REQUESTS", "100000".into())],
        stream_bridge: Some(Output::File(work.join("stream-bridge.log"))),
    };
    stack::start(workspace, supervisor, &settings)
}

/// Where the browser test leaves its screenshot (`page.png`) and photos.
pub const PAGE_ARTIFACTS: &str = "target/test-artifacts/page";

/// The web page in a real headless Chromium (integration/browser/page_test.py): three
/// photos dropped at a phone's width (one over 4 MiB, one corrupt), each reaching its end
/// state on the page, over the live channel. Needs `make browser` (Chromium, Playwright).
fn check_page_in_browser(
    workspace: &Workspace,
    api: &str,
    token: &str,
    work: &std::path::Path,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    const NAME: &str = "the page in headless Chromium: 3 photos dropped reach their end states";
    let token_file = work.join("page-token");
    std::fs::write(&token_file, token)?;
    let artifacts = workspace.root.join(PAGE_ARTIFACTS);
    std::fs::create_dir_all(&artifacts)?;
    let mut command = std::process::Command::new(workspace.venv_bin("python"));
    command
        .arg(workspace.root.join("integration/browser/page_test.py"))
        .arg("--url")
        .arg(format!("{api}/"))
        .arg("--token-file")
        .arg(&token_file)
        .arg("--artifacts")
        .arg(&artifacts);
    eprintln!("==> the page in headless Chromium (screenshot: {PAGE_ARTIFACTS}/page.png)");
    let output = command.output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprint!("{text}");
    interrupt::check()?;
    if output.status.success() {
        checks.pass(NAME);
    } else {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        checks.fail(
            NAME,
            format!(
                "{} ({}):\n{}",
                output.status,
                PAGE_ARTIFACTS,
                tail.join("\n")
            ),
        );
    }
    Ok(())
}

/// What the webhook check needs of the stack.
struct Hooked<'a> {
    api: &'a str,
    token: &'a str,
    /// The `whsec_` secret the stack signs with.
    secret: &'a str,
    fixture: &'a std::path::Path,
    timeout: Duration,
}

/// A job whose `callback_url` is a receiver of this process, through make dev's webhook
/// pipeline (the table's stream, the notifier, the webhook queue and its sender):
/// `image.processing` and `image.completed` arrive, each verified by the Standard Webhooks
/// reference library, with no presigned link in the body, and the status document then
/// shows both delivered.
fn check_webhooks(
    workspace: &Workspace,
    hooked: &Hooked,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    const ARRIVE: &str = "a job's callback_url receives image.processing and image.completed";
    let receiver = Receiver::start()?;
    let client = http::client_of(Duration::from_secs(300), hooked.token)?;
    let upload = Answer::of(
        client
            .post(format!("{}/images", hooked.api))
            .query(&[("callback_url", receiver.url())])
            .header("content-type", "image/jpeg")
            .body(std::fs::read(hooked.fixture)?),
    );
    let Some(id) = (upload.status == 202)
        .then(|| upload.json()["id"].as_str().map(str::to_owned))
        .flatten()
    else {
        let why = format!(
            "the upload answered {}: {}",
            upload.status,
            upload.excerpt()
        );
        checks.fail(ARRIVE, why);
        return Ok(());
    };
    // One per webhook-id (a retry repeats it), this job's only, sorted by event.
    let of_job = |received: &[Delivery]| {
        let mut mine: Vec<Delivery> = received
            .iter()
            .filter(|d| d.json()["data"]["id"] == id.as_str())
            .cloned()
            .collect();
        mine.sort_by(|a, b| a.json()["type"].as_str().cmp(&b.json()["type"].as_str()));
        mine.dedup_by(|a, b| a.header("webhook-id") == b.header("webhook-id"));
        mine
    };
    let events = |mine: &[Delivery]| mine.iter().map(event_of).collect::<Vec<_>>().join(", ");
    const EXPECTED: &str = "image.completed, image.processing";
    let arrived = receiver.wait_for(hooked.timeout, |received| {
        events(&of_job(received)) == EXPECTED
    });
    interrupt::check()?;
    let mine = match arrived {
        Ok(received) => of_job(&received),
        Err(received) => {
            let why = format!(
                "within {} s only: [{}]",
                hooked.timeout.as_secs(),
                events(&of_job(&received))
            );
            checks.fail(ARRIVE, why);
            return Ok(());
        }
    };
    checks.pass(ARRIVE);

    let python = workspace.venv_bin("python");
    let mut verdicts = Vec::new();
    for delivery in &mine {
        match verify_with_reference(&python, &workspace.root, hooked.secret, delivery)? {
            Ok(payload) if payload == delivery.json() => {}
            Ok(payload) => verdicts.push(format!("verified a different payload: {payload}")),
            Err(why) => verdicts.push(why),
        }
    }
    checks.record(
        "each webhook verifies with the Standard Webhooks reference library",
        if verdicts.is_empty() {
            Ok(())
        } else {
            Err(verdicts.join("; "))
        },
    );
    let linked: Vec<String> = mine
        .iter()
        .filter(|d| d.body.contains("X-Amz-"))
        .map(event_of)
        .collect();
    checks.record(
        "no webhook body carries a presigned link",
        if linked.is_empty() {
            Ok(())
        } else {
            Err(format!("in {}", linked.join(", ")))
        },
    );

    // The sender writes the delivery state after the receiver's answer: give it a moment.
    let status_url = format!("{}/images/{id}", hooked.api);
    let deadline = Instant::now() + Duration::from_secs(10);
    let states = loop {
        let job = Answer::of(client.get(&status_url)).json();
        let states = format!(
            "{}, {}",
            job["webhooks"]["image.processing"]["state"],
            job["webhooks"]["image.completed"]["state"]
        );
        if states == r#""delivered", "delivered""# || Instant::now() > deadline {
            break states;
        }
        interrupt::check()?;
        std::thread::sleep(Duration::from_millis(200));
    };
    checks.expect(
        "the status document shows both webhooks delivered",
        states,
        r#""delivered", "delivered""#.to_owned(),
    );
    Ok(())
}

fn event_of(delivery: &Delivery) -> String {
    delivery.json()["type"].as_str().unwrap_or("?").to_owned()
}

fn run_checks(
    api: &str,
    token: &str,
    fixture: &std::path::Path,
    work: &std::path::Path,
    options: &Options,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    // Generous: a function's first request starts it, and waits for cargo if another
    // build holds target/ (docs/local.md, Troubleshooting).
    let client = http::client_of(Duration::from_secs(300), token)?;
    // For the presigned S3 links, which must not get the API's credential.
    let s3 = http::client(Duration::from_secs(300))?;
    let photo = std::fs::read(fixture)?;
    interrupt::check()?;
    check_callers(api, token, checks)?;
    if let Some(location) = check_upload(&client, api, &photo, checks) {
        if let Some(job) = check_completes(&client, &location, options.poll_timeout, checks)? {
            check_outputs(&s3, &job, checks);
        }
        check_delete(&client, &location, checks);
    }
    interrupt::check()?;
    check_direct_upload(&client, &s3, api, &photo, options.poll_timeout, checks)?;
    check_printed_direct_upload(
        &client,
        api,
        token,
        fixture,
        work,
        options.poll_timeout,
        checks,
    )?;
    interrupt::check()?;
    check_idempotent_upload(&client, api, &photo, checks);
    interrupt::check()?;
    check_multipart_upload(&client, api, &photo, checks);
    check_client_errors(&client, api, checks);
    Ok(())
}

/// Without the caller's key, or with a made-up one, the API answers 401 with a challenge;
/// the health check needs none.
fn check_callers(api: &str, token: &str, checks: &mut Checks) -> anyhow::Result<()> {
    let anonymous = http::client(Duration::from_secs(300))?;
    let none = Answer::of(anonymous.get(format!("{api}/images/{}", uuid::Uuid::new_v4())));
    checks.expect(
        "a request without a credential answers 401",
        none.status,
        401,
    );
    checks.expect(
        "the 401 challenges for a bearer credential",
        none.header("www-authenticate"),
        "Bearer realm=\"ferrotype\"",
    );
    let forged = format!("{}x", &token[..token.len() - 1]);
    let bad = Answer::of(
        anonymous
            .post(format!("{api}/images"))
            .bearer_auth(forged)
            .header("content-type", "image/jpeg")
            .body(vec![0xff, 0xd8, 0xff]),
    );
    checks.expect("a forged API key answers 401", bad.status, 401);
    let health = Answer::of(anonymous.get(format!("{api}/health")));
    checks.expect("GET /health needs no caller (200)", health.status, 200);
    Ok(())
}

/// POST the fixture; the absolute URL of its `Location` when there is one.
fn check_upload(client: &Client, api: &str, photo: &[u8], checks: &mut Checks) -> Option<String> {
    let answer = Answer::of(
        client
            .post(format!("{api}/images"))
            .header("content-type", "image/jpeg")
            .body(photo.to_vec()),
    );
    checks.expect("POST /images with a JPEG answers 202", answer.status, 202);
    let location = answer.header("location").to_string();
    let body = answer.json();
    let id = body["id"].as_str().unwrap_or("");
    if !id.is_empty() && location.ends_with(&format!("/images/{id}")) {
        checks.pass(format!(
            "POST /images gives Location /images/{{id}} ({location})"
        ));
    } else {
        checks.fail(
            "POST /images gives Location /images/{id}",
            format!(
                "Location '{location}', id '{id}'; body: {}",
                answer.excerpt()
            ),
        );
    }
    checks.expect(
        "POST /images body says status queued",
        body["status"].as_str().unwrap_or(""),
        "queued",
    );
    checks.expect(
        "POST /images body links to its status",
        body["links"]["status"].as_str().unwrap_or(""),
        format!("/images/{id}").as_str(),
    );
    checks.record(
        "POST /images sends Retry-After in seconds",
        match answer.header("retry-after").parse::<u32>() {
            Ok(_) => Ok(()),
            Err(_) => Err(format!("Retry-After '{}'", answer.header("retry-after"))),
        },
    );
    absolute(api, &location)
}

/// `location` as an absolute URL on `api`.
pub fn absolute(api: &str, location: &str) -> Option<String> {
    if location.starts_with("http://") || location.starts_with("https://") {
        Some(location.to_string())
    } else if location.starts_with('/') {
        Some(format!("{}{location}", api.trim_end_matches('/')))
    } else {
        None
    }
}

/// Poll `location` until the job is terminal or `timeout` passes; its body if completed.
fn check_completes(
    client: &Client,
    location: &str,
    timeout: Duration,
    checks: &mut Checks,
) -> anyhow::Result<Option<Value>> {
    let deadline = Instant::now() + timeout;
    let mut retry_after_while_waiting = None;
    let answer = loop {
        let answer = Answer::of(client.get(location).header("accept", "application/json"));
        let status = answer.json()["status"].as_str().unwrap_or("").to_string();
        let terminal = status == "completed" || status == "failed";
        if answer.status == 200 && !terminal && retry_after_while_waiting.is_none() {
            retry_after_while_waiting = Some(answer.header("retry-after").to_string());
        }
        if (answer.status == 200 && terminal) || Instant::now() >= deadline {
            break answer;
        }
        interrupt::sleep(Duration::from_secs(1))?;
    };
    let job = answer.json();
    let status = job["status"].as_str().unwrap_or("");
    checks.expect("GET the Location answers 200", answer.status, 200);
    checks.expect(
        format!("the job completes within {}s", timeout.as_secs()),
        status,
        "completed",
    );
    if status != "completed" {
        println!("    last answer: {}", answer.excerpt());
        return Ok(None);
    }
    checks.expect(
        "GET of a job sends Cache-Control: no-store",
        answer.header("cache-control"),
        "no-store",
    );
    if let Some(retry_after) = retry_after_while_waiting {
        checks.record(
            "GET of an unfinished job sends Retry-After",
            retry_after
                .parse::<u32>()
                .map(|_| ())
                .map_err(|_| format!("Retry-After '{retry_after}'")),
        );
    }
    checks.record(
        "a completed job says when its links expire",
        match job["expires_at"].as_str() {
            Some(text) if !text.is_empty() => Ok(()),
            _ => Err(format!("expires_at {}", job["expires_at"])),
        },
    );
    Ok(Some(job))
}

/// Every output downloads through its presigned link with the stated size and type; the
/// resized ones have the default widths and keep the fixture's aspect ratio.
fn check_outputs(s3: &Client, job: &Value, checks: &mut Checks) {
    for output in OUTPUTS {
        let declared = &job["outputs"][output];
        let Some(url) = declared["url"].as_str() else {
            checks.fail(
                format!("outputs.{output} has a url"),
                format!("outputs: {}", job["outputs"]),
            );
            continue;
        };
        let bytes = declared["bytes"].as_u64().unwrap_or(0);
        let content_type = declared["content_type"].as_str().unwrap_or("");
        let download = Answer::of(s3.get(url));
        checks.expect(
            format!("download of {output} via its presigned url: status and bytes"),
            format!("{} {}", download.status, download.body.len()),
            format!("200 {bytes}"),
        );
        checks.record(
            format!("download of {output} is the {content_type} it says"),
            if magic_matches(content_type, &download.body) {
                Ok(())
            } else {
                Err(format!(
                    "first bytes {:02x?}",
                    &download.body[..download.body.len().min(12)]
                ))
            },
        );
    }
    let size = |output: &str| {
        (
            job["outputs"][output]["width"].as_u64().unwrap_or(0),
            job["outputs"][output]["height"].as_u64().unwrap_or(0),
        )
    };
    for output in ["original", "optimized"] {
        let (width, height) = size(output);
        checks.expect(
            format!("{output} is {FIXTURE_WIDTH}x{FIXTURE_HEIGHT}"),
            format!("{width}x{height}"),
            format!("{FIXTURE_WIDTH}x{FIXTURE_HEIGHT}"),
        );
    }
    for (output, expected_width) in [("thumbnail", THUMBNAIL_WIDTH), ("preview", PREVIEW_WIDTH)] {
        let (width, height) = size(output);
        checks.expect(
            format!("{output} is {expected_width} px wide"),
            width,
            expected_width,
        );
        checks.record(
            format!("{output} keeps the aspect ratio"),
            if keeps_aspect(width, height, FIXTURE_WIDTH, FIXTURE_HEIGHT) {
                Ok(())
            } else {
                Err(format!(
                    "{width}x{height} from {FIXTURE_WIDTH}x{FIXTURE_HEIGHT}"
                ))
            },
        );
    }
}

/// Whether `bytes` start as a file of `content_type` does.
pub fn magic_matches(content_type: &str, bytes: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

/// `width`×`height` is `source` scaled, the height rounded either way.
pub fn keeps_aspect(width: u64, height: u64, source_width: u64, source_height: u64) -> bool {
    if width == 0 || source_width == 0 {
        return false;
    }
    let exact = width * source_height;
    (height * source_width).abs_diff(exact) < source_width
}

/// The other upload form, one part named `file`.
fn check_multipart_upload(client: &Client, api: &str, photo: &[u8], checks: &mut Checks) {
    let boundary = "ferrotype-e2e-boundary";
    let body = http::multipart(
        boundary,
        &[Part {
            name: "file",
            filename: Some("photo.jpg"),
            content_type: Some("image/jpeg"),
            data: photo,
        }],
    );
    let answer = Answer::of(
        client
            .post(format!("{api}/images"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body),
    );
    checks.expect(
        "POST /images as multipart/form-data (part 'file') answers 202",
        answer.status,
        202,
    );
}

/// DELETE the job: 204, then its status is 404, and a second DELETE is 204 again.
fn check_delete(client: &Client, location: &str, checks: &mut Checks) {
    let deleted = Answer::of(client.delete(location));
    checks.expect("DELETE /images/{id} answers 204", deleted.status, 204);
    let gone = Answer::of(client.get(location));
    checks.expect("GET after the delete answers 404", gone.status, 404);
    let again = Answer::of(client.delete(location));
    checks.expect("a second DELETE answers 204 again", again.status, 204);
}

/// POST /uploads, PUT the fixture to the URL it names with exactly its headers, then the
/// bucket's notification starts the job: it completes with the fixture as its original.
fn check_direct_upload(
    client: &Client,
    s3: &Client,
    api: &str,
    photo: &[u8],
    timeout: Duration,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    let session = Answer::of(
        client
            .post(format!("{api}/uploads"))
            .header("content-type", "application/json")
            .body(
                serde_json::json!({"content_type": "image/jpeg", "content_length": photo.len()})
                    .to_string(),
            ),
    );
    checks.expect("POST /uploads answers 201", session.status, 201);
    let body = session.json();
    checks.expect(
        "POST /uploads body says status awaiting_upload",
        body["status"].as_str().unwrap_or(""),
        "awaiting_upload",
    );
    let (Some(url), Some(headers), Some(location)) = (
        body["upload"]["url"].as_str(),
        body["upload"]["headers"].as_object(),
        absolute(api, session.header("location")),
    ) else {
        checks.fail(
            "POST /uploads names a URL, its headers and a Location",
            session.excerpt(),
        );
        return Ok(());
    };
    let mut put = s3.put(url).body(photo.to_vec());
    for (name, value) in headers {
        put = put.header(name.as_str(), value.as_str().unwrap_or(""));
    }
    checks.expect(
        "PUT of the bytes to the presigned URL answers 200",
        Answer::of(put).status,
        200,
    );
    if let Some(job) = check_completes(client, &location, timeout, checks)? {
        checks.expect(
            "the directly uploaded original is the bytes sent",
            job["outputs"]["original"]["bytes"].as_u64().unwrap_or(0),
            photo.len() as u64,
        );
    }
    let over = Answer::of(
        client
            .post(format!("{api}/uploads"))
            .header("content-type", "application/json")
            .body(r#"{"content_type": "image/jpeg", "content_length": 1099511627776}"#),
    );
    checks.expect("POST /uploads over the limit answers 413", over.status, 413);
    Ok(())
}

/// The two curl lines `make dev` prints for a direct upload, run by bash as printed.
fn check_printed_direct_upload(
    client: &Client,
    api: &str,
    token: &str,
    fixture: &std::path::Path,
    work: &std::path::Path,
    timeout: Duration,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    let dir = work.join("printed-lines");
    std::fs::create_dir_all(dir.join(".local"))?;
    std::fs::write(dir.join(crate::dev::DEV_TOKEN), token)?;
    let run = |line: &str| {
        std::process::Command::new("bash")
            .args(["-c", line])
            .current_dir(&dir)
            .env("PHOTO", fixture)
            .output()
    };
    let [session, put] = crate::dev::direct_upload_lines(api);
    let asked = run(&session)?;
    let answer: Value = std::fs::read(dir.join(".local/upload.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null);
    checks.expect(
        "make dev's printed POST /uploads line opens a session",
        answer["status"].as_str().unwrap_or(""),
        "awaiting_upload",
    );
    let sent = run(&put)?;
    checks.expect(
        "make dev's printed PUT line sends the photo (200)",
        String::from_utf8_lossy(&sent.stdout).trim(),
        "200",
    );
    let Some(location) = answer["links"]["status"]
        .as_str()
        .and_then(|path| absolute(api, path))
    else {
        println!(
            "    stderr: {} {}",
            String::from_utf8_lossy(&asked.stderr),
            String::from_utf8_lossy(&sent.stderr)
        );
        return Ok(());
    };
    check_completes(client, &location, timeout, checks)?;
    Ok(())
}

/// Two POSTs with one Idempotency-Key make one job; another body with it is 422.
fn check_idempotent_upload(client: &Client, api: &str, photo: &[u8], checks: &mut Checks) {
    let key = format!("\"e2e-{}\"", uuid::Uuid::new_v4());
    let post = |body: Vec<u8>| {
        Answer::of(
            client
                .post(format!("{api}/images"))
                .header("content-type", "image/jpeg")
                .header("idempotency-key", key.as_str())
                .body(body),
        )
    };
    let first = post(photo.to_vec());
    let retry = post(photo.to_vec());
    checks.expect(
        "POST with an Idempotency-Key answers 202",
        first.status,
        202,
    );
    checks.expect(
        "its retry answers with the same job",
        retry.json()["id"].as_str().unwrap_or("none").to_string(),
        first.json()["id"].as_str().unwrap_or("missing").to_string(),
    );
    let mut other = photo.to_vec();
    other.push(0);
    checks.expect(
        "the same key with another body answers 422",
        post(other).status,
        422,
    );
}

fn check_client_errors(client: &Client, api: &str, checks: &mut Checks) {
    let malformed = Answer::of(client.get(format!("{api}/images/not-a-uuid")));
    checks.expect("GET /images/not-a-uuid answers 404", malformed.status, 404);
    checks.expect(
        "the 404 is problem+json",
        malformed.header("content-type"),
        "application/problem+json",
    );
    checks.expect(
        "the 404 problem document says status 404",
        malformed.json()["status"].as_u64().unwrap_or(0),
        404,
    );

    let unknown = Answer::of(client.get(format!("{api}/images/{}", uuid::Uuid::new_v4())));
    checks.expect(
        "GET /images/{unknown uuid} answers 404",
        unknown.status,
        404,
    );

    let empty = Answer::of(
        client
            .post(format!("{api}/images"))
            .header("content-type", "image/jpeg")
            .body(Vec::new()),
    );
    checks.expect(
        "POST /images with an empty body answers 400",
        empty.status,
        400,
    );
    checks.expect(
        "the 400 is problem+json",
        empty.header("content-type"),
        "application/problem+json",
    );

    let text = Answer::of(
        client
            .post(format!("{api}/images"))
            .header("content-type", "image/jpeg")
            .body("not an image at all"),
    );
    checks.expect(
        "POST /images with bytes that are no image answers 415",
        text.status,
        415,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_count_passes_and_failures() {
        let mut checks = Checks::default();
        checks.pass("one");
        checks.expect("two", 404, 404);
        checks.expect("three", 500, 404);
        assert_eq!(checks.summary(), "2 passed, 1 failed");
        assert_eq!(
            checks.checks[2].failure.as_deref(),
            Some("expected '404', got '500'")
        );
        let json = serde_json::to_value(&checks).unwrap();
        assert_eq!(json["checks"][0]["name"], "one");
        assert_eq!(json["checks"][0]["failure"], Value::Null);
    }

    #[test]
    fn a_location_path_is_resolved_on_the_api() {
        assert_eq!(
            absolute("http://127.0.0.1:9000/", "/images/x").as_deref(),
            Some("http://127.0.0.1:9000/images/x")
        );
        assert_eq!(
            absolute("http://a", "https://b/images/x").as_deref(),
            Some("https://b/images/x")
        );
        assert_eq!(absolute("http://a", "images/x"), None);
        assert_eq!(absolute("http://a", ""), None);
    }

    #[test]
    fn magic_bytes_must_match_the_stated_type() {
        assert!(magic_matches("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0]));
        assert!(!magic_matches("image/png", &[0xff, 0xd8, 0xff, 0xe0]));
        assert!(magic_matches("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(magic_matches("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!magic_matches("image/webp", b"RIFF\0\0\0\0AVI "));
        assert!(!magic_matches("image/jpeg", b""));
        assert!(!magic_matches("text/html", b"<html>"));
    }

    #[test]
    fn the_aspect_ratio_allows_rounding_either_way_only() {
        assert!(keeps_aspect(200, 133, 1200, 800));
        assert!(keeps_aspect(200, 134, 1200, 800));
        assert!(!keeps_aspect(200, 135, 1200, 800));
        assert!(keeps_aspect(800, 533, 1200, 800));
        assert!(!keeps_aspect(800, 800, 1200, 800));
        assert!(!keeps_aspect(0, 0, 1200, 800));
    }
}
