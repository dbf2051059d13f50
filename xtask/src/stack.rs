//! The local system, as `make dev` runs it: an emulator (moto, or one already running),
//! the stack provisioned on it, `cargo lambda watch` serving the API, and the SQS bridges
//! that stand in for Lambda's event-source mappings.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::aws_env::AwsEnv;
use crate::moto;
use crate::supervise::{Output, Supervisor};
use crate::workspace::Workspace;

/// How long `cargo lambda watch` may take to answer after it starts.
const WATCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Which emulator the stack uses.
#[derive(Debug, Clone)]
pub enum Emulator {
    /// Start moto on this port, its output here.
    Moto { port: u16, output: Output },
    /// One that already runs (LocalStack, or a moto of your own) at this URL.
    Existing(String),
}

/// A queue the stack provisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Jobs,
    DeadLetters,
    /// The bucket's notifications of direct uploads.
    UploadEvents,
    /// Webhook attempts.
    Webhooks,
    /// E-mails and events to try again (the notifier's second trigger).
    Notices,
}

/// A bridge: which queue feeds which function, and where its output goes.
#[derive(Debug, Clone)]
pub struct Bridge {
    pub queue: Queue,
    pub function: &'static str,
    pub output: Output,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub emulator: Emulator,
    /// Name prefix of the bucket, table and queues.
    pub prefix: String,
    pub api_port: u16,
    /// The live channel's WebSocket API (`live-gateway`), and where it writes.
    pub live_port: u16,
    pub live_output: Output,
    /// The functions' environment, rewritten on each start.
    pub env_file: PathBuf,
    /// RUST_LOG for the functions.
    pub rust_log: String,
    pub watch_output: Output,
    /// No file watching: nothing is edited during a test, and a rebuild would only slow it.
    pub ignore_changes: bool,
    pub bridges: Vec<Bridge>,
    /// Who wrote the env file, for its first line.
    pub written_by: &'static str,
    /// The caller the stack's API key is made for: every request of the local tools
    /// carries it, since callers are required as in AWS.
    pub caller: &'static str,
    /// More settings for the functions (e.g. limits raised for a load test).
    pub extra_env: Vec<(&'static str, String)>,
    /// Where the stream bridge (jobs table's stream -> notifier) writes; `None`: not run.
    pub stream_bridge: Option<Output>,
    /// Where the second reader of the stream (-> projector, the list of `GET /images`)
    /// writes; `None`: not run.
    pub projection_bridge: Option<Output>,
}

/// A running stack. Its processes belong to the [`Supervisor`] it was started with.
#[derive(Debug, Clone)]
pub struct Stack {
    pub api: String,
    /// The live channel, `ws://127.0.0.1:<live_port>`.
    pub live: String,
    pub aws: AwsEnv,
    pub provisioned: Provisioned,
    /// An API key of `Settings::caller`, for `Authorization: Bearer <token>`.
    pub token: String,
    /// What receivers of `Settings::caller`'s webhooks verify them with (`whsec_…`), read
    /// through the API.
    pub webhook_secret: String,
}

/// Start the stack described by `settings` under `supervisor`. Needs the workspace's
/// binaries built ([`Workspace::build_binaries`]).
pub fn start(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    settings: &Settings,
) -> anyhow::Result<Stack> {
    let aws = match &settings.emulator {
        Emulator::Moto { port, output } => moto::start(workspace, supervisor, *port, output)?,
        Emulator::Existing(url) => {
            eprintln!("==> using the AWS emulator at {url}; not starting moto");
            reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?
                .get(url)
                .send()
                .with_context(|| format!("nothing answers at {url}"))?;
            AwsEnv::new(url.clone())
        }
    };

    eprintln!(
        "==> provisioning bucket, table and queues '{}'",
        settings.prefix
    );
    let provisioned = provision(workspace, &aws, &settings.prefix)?;
    if let Some(dir) = settings.env_file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut env_text = env_file(&provisioned, &aws, &settings.rust_log, settings.written_by);
    // Local webhook receivers (http, loopback) are allowed here only; links in e-mail
    // point at the local API.
    env_text.push_str("WEBHOOK_LOCAL_RECEIVERS=true\n");
    env_text.push_str(&format!("API_URL=http://127.0.0.1:{}\n", settings.api_port));
    // The live channel: the browser's URL, and the @connections API the functions post to
    // (both the local live-gateway). The page's images and uploads come from the emulator.
    let live = format!("ws://127.0.0.1:{}", settings.live_port);
    env_text.push_str(&format!("LIVE_URL={live}\n"));
    env_text.push_str(&format!(
        "LIVE_ENDPOINT_URL=http://127.0.0.1:{}\n",
        settings.live_port
    ));
    env_text.push_str(&format!("PAGE_STORAGE_ORIGIN={}\n", aws.endpoint));
    // GET /images' cursor key: new on every start, so cursors last as long as the stack.
    env_text.push_str(&format!(
        "LIST_CURSOR_KEYS={}{}\n",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    ));
    for (key, value) in &settings.extra_env {
        env_text.push_str(&format!("{key}={value}\n"));
    }
    std::fs::write(&settings.env_file, env_text)
        .with_context(|| format!("writing {}", settings.env_file.display()))?;
    let token = create_api_key(workspace, &aws, &provisioned, settings)?;

    eprintln!(
        "==> starting cargo lambda watch on 127.0.0.1:{}",
        settings.api_port
    );
    start_watch(workspace, supervisor, &aws, settings)?;
    let api = format!("http://127.0.0.1:{}", settings.api_port);
    let webhook_secret = caller_webhook_secret(&api, &token)?;

    for bridge in &settings.bridges {
        let queue_url = match bridge.queue {
            Queue::Jobs => &provisioned.queue_url,
            Queue::DeadLetters => &provisioned.dlq_url,
            Queue::UploadEvents => &provisioned.upload_events_url,
            Queue::Webhooks => &provisioned.webhook_queue_url,
            Queue::Notices => &provisioned.notice_queue_url,
        };
        eprintln!(
            "==> starting the SQS bridge {queue_url} -> {}",
            bridge.function
        );
        start_bridge(
            workspace,
            supervisor,
            &aws,
            queue_url,
            settings.api_port,
            bridge,
        )?;
    }
    start_live_gateway(workspace, supervisor, settings)?;
    let readers = [
        ("notifier", &settings.stream_bridge),
        ("projector", &settings.projection_bridge),
    ];
    for (function, output) in readers {
        let Some(output) = output else { continue };
        eprintln!(
            "==> starting the stream bridge {} -> {function}",
            provisioned.table
        );
        let mut command = Command::new(workspace.debug_bin("stream-bridge"));
        command
            .args(["--table", &provisioned.table])
            .arg("--invoke-url")
            .arg(invoke_url(settings.api_port, function));
        aws.apply(&mut command);
        let process = supervisor.spawn(format!("stream-bridge ({function})"), command, output)?;
        std::thread::sleep(Duration::from_millis(500));
        if let Some(status) = process.exited()? {
            bail!("the stream bridge to {function} exited at start ({status}; see its output)");
        }
    }
    Ok(Stack {
        api,
        live,
        aws,
        provisioned,
        token,
        webhook_secret,
    })
}

/// The caller's own webhook secret, as a client reads it: `GET /webhook-secret` (which makes
/// it on first use).
fn caller_webhook_secret(api: &str, token: &str) -> anyhow::Result<String> {
    #[derive(serde::Deserialize)]
    struct Document {
        secret: String,
    }
    let url = format!("{api}/webhook-secret");
    // The first request starts the function.
    let response = reqwest::blocking::Client::builder()
        .timeout(WATCH_TIMEOUT)
        .build()?
        .get(&url)
        .bearer_auth(token)
        .send()
        .with_context(|| format!("GET {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("GET {url} answered {status}: {}", response.text()?);
    }
    Ok(response
        .json::<Document>()
        .with_context(|| format!("reading the answer of GET {url}"))?
        .secret)
}

/// Makes an API key for `settings.caller` with `target/debug/ferrotype-keys`, as an
/// operator would in AWS.
fn create_api_key(
    workspace: &Workspace,
    aws: &AwsEnv,
    provisioned: &Provisioned,
    settings: &Settings,
) -> anyhow::Result<String> {
    let table = provisioned
        .lines
        .iter()
        .find(|(key, _)| key == "API_KEY_TABLE_NAME")
        .map(|(_, value)| value.clone())
        .context("provision printed no API_KEY_TABLE_NAME= line")?;
    let bin = workspace.debug_bin("ferrotype-keys");
    let mut command = Command::new(&bin);
    command.args([
        "--table",
        &table,
        "create",
        "--caller",
        settings.caller,
        "--label",
        settings.written_by,
    ]);
    aws.apply(&mut command);
    let output = command
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !output.status.success() {
        bail!(
            "making an API key failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?.trim().to_string())
}

/// What `provision` printed: the resource names, as `KEY=value` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    pub lines: Vec<(String, String)>,
    pub queue_url: String,
    pub dlq_url: String,
    pub upload_events_url: String,
    pub webhook_queue_url: String,
    pub notice_queue_url: String,
    pub table: String,
}

impl Provisioned {
    /// Read `provision`'s output; every key the functions need must be there.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let lines: Vec<(String, String)> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .with_context(|| {
                        format!("provision printed a line that is not KEY=value: {line:?}")
                    })
            })
            .collect::<anyhow::Result<_>>()?;
        let get = |key: &str| {
            lines
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .with_context(|| format!("provision printed no {key}= line"))
        };
        get("BUCKET_NAME")?;
        Ok(Self {
            table: get("TABLE_NAME")?,
            queue_url: get("QUEUE_URL")?,
            dlq_url: get("DLQ_URL")?,
            upload_events_url: get("UPLOAD_EVENTS_QUEUE_URL")?,
            webhook_queue_url: get("WEBHOOK_QUEUE_URL")?,
            notice_queue_url: get("NOTICE_QUEUE_URL")?,
            lines,
        })
    }
}

/// Create the stack `prefix` on the emulator (idempotent) with `target/debug/provision`.
pub fn provision(workspace: &Workspace, aws: &AwsEnv, prefix: &str) -> anyhow::Result<Provisioned> {
    let mut command = Command::new(workspace.debug_bin("provision"));
    command.args(["--prefix", prefix]);
    aws.apply(&mut command);
    let output = command
        .output()
        .with_context(|| format!("running {}", workspace.debug_bin("provision").display()))?;
    if !output.status.success() {
        bail!(
            "provisioning '{prefix}' against {} failed ({}):\n{}",
            aws.endpoint,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Provisioned::parse(&String::from_utf8(output.stdout)?)
}

/// The functions' environment file: the provisioned names plus the emulator settings.
pub fn env_file(
    provisioned: &Provisioned,
    aws: &AwsEnv,
    rust_log: &str,
    written_by: &str,
) -> String {
    let mut text = format!("# Written by {written_by}; rewritten on each start.\n");
    for (key, value) in &provisioned.lines {
        text.push_str(&format!("{key}={value}\n"));
    }
    for (key, value) in aws.vars() {
        if matches!(
            key,
            "AWS_ENDPOINT_URL"
                | "AWS_REGION"
                | "AWS_ACCESS_KEY_ID"
                | "AWS_SECRET_ACCESS_KEY"
                | "S3_FORCE_PATH_STYLE"
        ) {
            text.push_str(&format!("{key}={value}\n"));
        }
    }
    text.push_str(&format!("RUST_LOG={rust_log}\n"));
    text
}

/// `cargo lambda watch` (from `.venv`) on 127.0.0.1:`api_port`, routes from Cargo.toml's
/// `[workspace.metadata.lambda.watch.router]`; waits until it answers.
fn start_watch(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    aws: &AwsEnv,
    settings: &Settings,
) -> anyhow::Result<()> {
    let mut command = Command::new(workspace.venv_bin("cargo-lambda"));
    command
        .current_dir(&workspace.root)
        .env("PATH", workspace.path_with_venv())
        .args(["lambda", "watch", "--invoke-address", "127.0.0.1"])
        .arg("--invoke-port")
        .arg(settings.api_port.to_string())
        .arg("--env-file")
        .arg(&settings.env_file);
    if settings.ignore_changes {
        command.arg("--ignore-changes");
    }
    aws.apply(&mut command);
    let watch = supervisor.spawn("cargo lambda watch", command, &settings.watch_output)?;
    // A GET on the Invoke API answers 405 at once: it proves the server is up without
    // invoking (or logging about) any function.
    let url = format!(
        "http://127.0.0.1:{}/2015-03-31/functions/upload/invocations",
        settings.api_port
    );
    watch.wait_until_answers(&url, WATCH_TIMEOUT)
}

/// The live channel's WebSocket API on `live_port`, invoking the `live` function.
fn start_live_gateway(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    settings: &Settings,
) -> anyhow::Result<()> {
    eprintln!(
        "==> starting the live gateway ws://127.0.0.1:{} -> live",
        settings.live_port
    );
    let mut command = Command::new(workspace.debug_bin("live-gateway"));
    command
        .arg("--listen")
        .arg(format!("127.0.0.1:{}", settings.live_port))
        .arg("--invoke-url")
        .arg(invoke_url(settings.api_port, "live"))
        .env("RUST_LOG", &settings.rust_log);
    let process = supervisor.spawn("live-gateway", command, &settings.live_output)?;
    process.wait_until_answers(
        &format!("http://127.0.0.1:{}/@connections/none", settings.live_port),
        WATCH_TIMEOUT,
    )
}

fn start_bridge(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    aws: &AwsEnv,
    queue_url: &str,
    api_port: u16,
    bridge: &Bridge,
) -> anyhow::Result<()> {
    let mut command = Command::new(workspace.debug_bin("sqs-bridge"));
    command
        .args(["--queue-url", queue_url])
        .arg("--invoke-url")
        .arg(invoke_url(api_port, bridge.function));
    aws.apply(&mut command);
    let name = format!("sqs-bridge ({})", bridge.function);
    let process = supervisor.spawn(name.clone(), command, &bridge.output)?;
    std::thread::sleep(Duration::from_millis(500));
    if let Some(status) = process.exited()? {
        bail!("{name} exited at start ({status}; see its output)");
    }
    Ok(())
}

/// The Lambda Invoke API URL of `function` on the local API port.
pub fn invoke_url(api_port: u16, function: &str) -> String {
    format!("http://127.0.0.1:{api_port}/2015-03-31/functions/{function}/invocations")
}

/// The last `lines` lines of a log file, for a failure report.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "BUCKET_NAME=ferrotype-e2e\nTABLE_NAME=ferrotype-e2e-jobs\n\
        QUEUE_URL=http://127.0.0.1:5000/123456789012/ferrotype-e2e-jobs\n\
        DLQ_URL=http://127.0.0.1:5000/123456789012/ferrotype-e2e-jobs-dlq\n\
        UPLOAD_EVENTS_QUEUE_URL=http://127.0.0.1:5000/123456789012/ferrotype-e2e-upload-events\n\
        WEBHOOK_QUEUE_URL=http://127.0.0.1:5000/123456789012/ferrotype-e2e-webhooks\n\
        NOTICE_QUEUE_URL=http://127.0.0.1:5000/123456789012/ferrotype-e2e-notices\n";

    #[test]
    fn provision_output_gives_the_queue_urls() {
        let provisioned = Provisioned::parse(PRINTED).unwrap();
        assert_eq!(
            provisioned.queue_url,
            "http://127.0.0.1:5000/123456789012/ferrotype-e2e-jobs"
        );
        assert!(provisioned.dlq_url.ends_with("-jobs-dlq"));
        assert!(provisioned.upload_events_url.ends_with("-upload-events"));
        assert!(provisioned.webhook_queue_url.ends_with("-webhooks"));
        assert!(provisioned.notice_queue_url.ends_with("-notices"));
        assert_eq!(provisioned.lines.len(), 7);
    }

    #[test]
    fn provision_output_without_a_needed_key_is_an_error() {
        let error = Provisioned::parse("BUCKET_NAME=b\nTABLE_NAME=t\nQUEUE_URL=q\n").unwrap_err();
        assert!(error.to_string().contains("DLQ_URL"), "{error}");
        assert!(Provisioned::parse("not a pair\n").is_err());
    }

    #[test]
    fn the_env_file_has_the_names_the_emulator_and_the_log_level() {
        let provisioned = Provisioned::parse(PRINTED).unwrap();
        let text = env_file(
            &provisioned,
            &AwsEnv::new("http://127.0.0.1:5000"),
            "warn",
            "a test",
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "# Written by a test; rewritten on each start.");
        for expected in [
            "BUCKET_NAME=ferrotype-e2e",
            "AWS_ENDPOINT_URL=http://127.0.0.1:5000",
            "AWS_REGION=us-east-1",
            "AWS_ACCESS_KEY_ID=test",
            "AWS_SECRET_ACCESS_KEY=test",
            "S3_FORCE_PATH_STYLE=true",
            "RUST_LOG=warn",
        ] {
            assert!(lines.contains(&expected), "{expected} in\n{text}");
        }
        assert!(
            !text.contains("AWS_CONFIG_FILE"),
            "the functions need no file settings"
        );
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let path = std::env::temp_dir().join(format!("xtask-tail-{}", std::process::id()));
        std::fs::write(&path, "1\n2\n3\n4\n").unwrap();
        assert_eq!(tail(&path, 2), "3\n4");
        assert_eq!(tail(&path, 10), "1\n2\n3\n4");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(tail(&path, 2), "");
    }
}
