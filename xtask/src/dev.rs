//! `make dev`: the whole system on this machine, with no AWS account, until Ctrl-C.
//!
//!   moto (S3, SQS, DynamoDB)   http://127.0.0.1:4566   log: .local/moto.log
//!   cargo lambda watch (API)   http://127.0.0.1:9000   the web page at /, POST /images, ...
//!   live-gateway               ws://127.0.0.1:9001     the live channel (WebSocket API)
//!   sqs-bridge (x2)            jobs queue -> processor, dead-letter queue -> dead-letter
//!   sweeper schedule           invokes the sweeper every `sweep_interval` (300 s), like
//!                              the template's rate(5 minutes) schedule

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

use crate::interrupt;
use crate::ports;
use crate::stack::{self, Bridge, Emulator, Queue, Settings};
use crate::supervise::{Output, Supervisor};
use crate::workspace::Workspace;

#[derive(Debug, Clone)]
pub struct Options {
    pub api_port: u16,
    pub moto_port: u16,
    pub live_port: u16,
    pub prefix: String,
    /// An emulator that already runs (e.g. LocalStack), instead of starting moto.
    pub emulator_url: Option<String>,
    pub sweep_interval: Duration,
    pub rust_log: String,
}

/// The default ports keep the plain file names; others get their own, so a second stack
/// on other ports does not rewrite the env file the first one's functions read.
pub fn local_files(root: &std::path::Path, api_port: u16) -> (PathBuf, PathBuf) {
    let suffix = if api_port == 9000 {
        String::new()
    } else {
        format!("-{api_port}")
    };
    let local = root.join(".local");
    (
        local.join(format!("dev{suffix}.env")),
        local.join(format!("moto{suffix}.log")),
    )
}

/// Run until a signal (then `Err(Interrupted)`) or until a service dies (`Err` naming it);
/// everything started is stopped either way.
pub fn run(workspace: &Workspace, options: &Options) -> anyhow::Result<()> {
    workspace.ensure_venv()?;
    let mut ports = vec![options.api_port, options.live_port];
    if options.emulator_url.is_none() {
        ports.push(options.moto_port);
    }
    for port in ports {
        if ports::in_use(port) {
            bail!(
                "port {port} on 127.0.0.1 is in use (an earlier 'make dev' still running? see \
                 'Troubleshooting' in docs/local.md; or pick others: MOTO_PORT=… API_PORT=… LIVE_PORT=… make dev)"
            );
        }
    }
    let (env_file, moto_log) = local_files(&workspace.root, options.api_port);
    std::fs::create_dir_all(workspace.root.join(".local"))?;
    workspace.build_binaries()?;

    let settings = Settings {
        emulator: match &options.emulator_url {
            Some(url) => Emulator::Existing(url.clone()),
            None => Emulator::Moto {
                port: options.moto_port,
                output: Output::File(moto_log.clone()),
            },
        },
        prefix: options.prefix.clone(),
        api_port: options.api_port,
        live_port: options.live_port,
        live_output: Output::Terminal,
        env_file: env_file.clone(),
        rust_log: options.rust_log.clone(),
        watch_output: Output::Terminal,
        ignore_changes: false,
        bridges: vec![
            Bridge {
                queue: Queue::Jobs,
                function: "processor",
                output: Output::Terminal,
            },
            Bridge {
                queue: Queue::DeadLetters,
                function: "dead-letter",
                output: Output::Terminal,
            },
            Bridge {
                queue: Queue::UploadEvents,
                function: "ingest",
                output: Output::Terminal,
            },
            Bridge {
                queue: Queue::Webhooks,
                function: "webhook",
                output: Output::Terminal,
            },
            Bridge {
                queue: Queue::Notices,
                function: "notifier",
                output: Output::Terminal,
            },
        ],
        written_by: "`make dev` (cargo run -p xtask -- dev)",
        caller: "dev",
        extra_env: Vec::new(),
        stream_bridge: Some(Output::Terminal),
        projection_bridge: Some(Output::Terminal),
    };
    let mut supervisor = Supervisor::new();
    let stack = stack::start(workspace, &mut supervisor, &settings)?;

    eprintln!(
        "==> scheduling the sweeper every {}s",
        options.sweep_interval.as_secs()
    );
    schedule_sweeper(
        stack::invoke_url(options.api_port, "sweeper"),
        options.sweep_interval,
    )?;

    let token_file = workspace.root.join(DEV_TOKEN);
    std::fs::write(&token_file, format!("{}\n", stack.token))?;
    eprintln!("==> API key of caller 'dev' written to {DEV_TOKEN}");

    let emulator = match &options.emulator_url {
        Some(_) => "(EMULATOR_URL)".to_string(),
        None => format!("(moto; log: {})", workspace.display(&moto_log)),
    };
    println!(
        "{}",
        banner(&Banner {
            api: &stack.api,
            live: &stack.live,
            token: &stack.token,
            webhook_secret: &stack.webhook_secret,
            endpoint: &stack.aws.endpoint,
            emulator: &emulator,
            env_file: &workspace.display(&env_file).to_string(),
        })
    );

    // Run until Ctrl-C, or until one of the services dies (then stop the rest).
    loop {
        interrupt::sleep(Duration::from_millis(200))?;
        if let Some((name, status)) = supervisor.first_exited()? {
            bail!("{name} stopped unexpectedly ({status}; output above); stopping the others");
        }
    }
}

/// Invoke the sweeper every `interval`, as the template's schedule does in AWS. Its log
/// lines appear in the watch output. A thread, not a child: it ends with this process.
fn schedule_sweeper(url: String, interval: Duration) -> anyhow::Result<()> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()?;
    std::thread::Builder::new()
        .name("sweeper-schedule".into())
        .spawn(move || loop {
            std::thread::sleep(interval);
            if interrupt::check().is_err() {
                return;
            }
            if let Err(error) = client.post(&url).body("{}").send() {
                eprintln!("sweeper schedule: invoking the sweeper failed: {error}");
            }
        })?;
    Ok(())
}

/// Where `make dev` writes its API key, relative to the workspace (the printed curl lines
/// read it from there).
pub const DEV_TOKEN: &str = ".local/dev-token";

/// The header every printed curl line sends.
const AUTH: &str = "-H \"Authorization: Bearer $(cat .local/dev-token)\"";

/// The two shell lines of a direct upload of `$PHOTO` (a JPEG): ask for the URL, keeping
/// the answer in `.local/upload.json`, then PUT the file to it. The end-to-end checks run
/// them as printed.
pub fn direct_upload_lines(api: &str) -> [String; 2] {
    [
        format!(
            "curl -s {api}/uploads {AUTH} -H 'Content-Type: application/json' -d '{{\"content_type\": \"image/jpeg\", \"content_length\": '\"$(stat -c%s \"$PHOTO\")\"'}}' | tee .local/upload.json"
        ),
        "curl -sS -o /dev/null -w '%{http_code}\\n' -X PUT -T \"$PHOTO\" -H 'Content-Type: image/jpeg' -H 'If-None-Match: *' \"$(python3 -c 'import json; print(json.load(open(\".local/upload.json\"))[\"upload\"][\"url\"])')\"".to_string(),
    ]
}

/// What the banner names.
pub struct Banner<'a> {
    pub api: &'a str,
    pub live: &'a str,
    pub token: &'a str,
    pub webhook_secret: &'a str,
    pub endpoint: &'a str,
    pub emulator: &'a str,
    pub env_file: &'a str,
}

pub fn banner(banner: &Banner) -> String {
    let Banner {
        api,
        live,
        token,
        webhook_secret,
        endpoint,
        emulator,
        env_file,
    } = banner;
    let [session, put] = direct_upload_lines(api);
    format!(
        "
  ferrotype is running locally.

  Web page       {api}/#token={token}
                 (signed in as the caller 'dev'; the token stays in the tab, not the URL)
  API base URL   {api}
  Live channel   {live}   (WebSocket; the page uses it)
  AWS emulator   {endpoint}   {emulator}
  Function env   {env_file}
  API key        .local/dev-token (caller 'dev'; every request but /health needs it)
  Webhook secret {webhook_secret}
                 (the dev caller's own: its jobs' webhooks verify with it; read it with
                 GET {api}/webhook-secret, rotate it with POST {api}/webhook-secret/rotate;
                 see \"Notifications\" in the README)

  Upload an image (any JPEG, PNG, WebP or GIF; scripts/fixtures/photo.jpg is one):
    curl -i --data-binary @photo.jpg -H 'Content-Type: image/jpeg' {AUTH} {api}/images

  The answer is 202 with a Location header, e.g. 'Location: /images/<id>'. Poll it until
  \"status\" is \"completed\" (or \"failed\"); the outputs carry presigned download links:
    curl -s {AUTH} {api}/images/<id>

  A photo of any size (up to 50 MiB) goes straight to S3 in two steps: ask for an upload
  URL, then PUT the bytes to it; the job starts when S3 has them. With PHOTO=your.jpg:
    {session}
    {put}
  Then poll {api}/images/<id> (the \"id\" in .local/upload.json) as above.

  Your jobs, newest first (?status=completed, ?limit=50; next_cursor gives the next page),
  and your counters against your limits:
    curl -s {AUTH} {api}/images
    curl -s {AUTH} {api}/usage

  Retries with an Idempotency-Key make one job; DELETE erases a job and its images:
    curl -i --data-binary @photo.jpg -H 'Content-Type: image/jpeg' -H 'Idempotency-Key: \"my-key-1\"' {AUTH} {api}/images
    curl -i -X DELETE {AUTH} {api}/images/<id>

  More API keys (another caller sees none of the dev caller's jobs):
    target/debug/ferrotype-keys --table <API_KEY_TABLE_NAME from the env file> create --caller alice

  The first request to each function starts it; edits to the code rebuild it.
  Press Ctrl-C to stop everything.
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_stack_on_another_port_gets_files_of_its_own() {
        let root = std::path::Path::new("/repo");
        assert_eq!(
            local_files(root, 9000),
            (root.join(".local/dev.env"), root.join(".local/moto.log"))
        );
        assert_eq!(
            local_files(root, 9001),
            (
                root.join(".local/dev-9001.env"),
                root.join(".local/moto-9001.log")
            )
        );
    }

    #[test]
    fn the_banner_gives_the_api_and_curl_examples() {
        let text = banner(&Banner {
            api: "http://127.0.0.1:9000",
            live: "ws://127.0.0.1:9001",
            token: "ftk_k_s",
            webhook_secret: "whsec_c2VjcmV0",
            endpoint: "http://127.0.0.1:4566",
            emulator: "(moto)",
            env_file: ".local/dev.env",
        });
        assert!(text.contains("API base URL   http://127.0.0.1:9000"));
        assert!(text.contains("Web page       http://127.0.0.1:9000/#token=ftk_k_s"));
        assert!(text.contains("Webhook secret whsec_c2VjcmV0"));
        assert!(text.contains("POST http://127.0.0.1:9000/webhook-secret/rotate"));
        assert!(text.contains(
            "curl -i --data-binary @photo.jpg -H 'Content-Type: image/jpeg' \
             -H \"Authorization: Bearer $(cat .local/dev-token)\" http://127.0.0.1:9000/images"
        ));
        assert!(text.contains(
            "curl -s -H \"Authorization: Bearer $(cat .local/dev-token)\" http://127.0.0.1:9000/images/<id>"
        ));
        assert!(text.contains(
            "curl -s -H \"Authorization: Bearer $(cat .local/dev-token)\" http://127.0.0.1:9000/images\n"
        ));
        assert!(text.contains("http://127.0.0.1:9000/usage"));
        assert!(text.contains("Ctrl-C"));
    }
}
