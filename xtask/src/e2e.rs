//! `make e2e`: the end-to-end tests (`e2e/`, run as `cargo test -p e2e`) against a stack
//! of their own, the processes `make dev` runs (moto, `cargo lambda watch`, the bridges, the
//! live gateway) on free loopback ports. This starts the stack, describes it to the tests in
//! their environment (the `e2e::env` names), streams their output and stops the stack.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ::e2e::env as described;

use crate::dev;
use crate::ports;
use crate::stack::{self, Bridge, Emulator, Queue, Settings};
use crate::supervise::{Output, Supervised, Supervisor};
use crate::workspace::Workspace;

#[derive(Debug, Clone)]
pub struct Options {
    /// How long a test may wait for a job to finish.
    pub poll_timeout: Duration,
    /// Keep the directory of logs even when every test passes.
    pub keep_logs: bool,
}

/// Build, start a stack, run `cargo test -p e2e --no-fail-fast <cargo_args>` against it,
/// stop the stack. `Ok(false)` when a test failed; `Err` when the stack did not start, or
/// a signal interrupted the run (everything started is stopped either way).
pub fn run(
    workspace: &Workspace,
    options: &Options,
    cargo_args: &[String],
) -> anyhow::Result<bool> {
    workspace.ensure_venv()?;
    workspace.build_binaries()?;
    // Compiled before the stack starts, so that nothing waits on it.
    let mut build = workspace.cargo();
    build.args(["test", "-p", "e2e", "--no-run"]);
    crate::supervise::run("cargo test -p e2e --no-run", build)?;

    let work = workspace.scratch_dir("ferrotype-e2e")?;
    eprintln!("==> logs in {}", work.display());
    let logs = Logs::in_dir(&work);
    let mut supervisor = Supervisor::new();
    let outcome = start_stack(workspace, &mut supervisor, &logs, &work)
        .and_then(|stack| run_tests(workspace, &stack, &work, options, cargo_args));
    supervisor.stop_all();

    if !matches!(outcome, Ok(true)) {
        logs.show();
        eprintln!("==> logs kept in {}", work.display());
    } else if options.keep_logs {
        eprintln!("==> logs kept in {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    outcome
}

/// The tests, told where the stack is; their output on this terminal.
fn run_tests(
    workspace: &Workspace,
    stack: &stack::Stack,
    work: &Path,
    options: &Options,
    cargo_args: &[String],
) -> anyhow::Result<bool> {
    // `make dev`'s printed direct upload lines read the key from .local/dev-token.
    let printed = work.join("printed-lines");
    let token_file = printed.join(dev::DEV_TOKEN);
    if let Some(dir) = token_file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&token_file, &stack.token)?;

    // --no-fail-fast: a failing unit test of the lib must not keep the end-to-end binary
    // from running.
    let mut command = workspace.cargo();
    command
        .args(["test", "-p", "e2e", "--no-fail-fast"])
        .args(cargo_args)
        .env(described::API_URL, &stack.api)
        .env(described::API_KEY, &stack.token)
        .env(described::WEBHOOK_SECRET, &stack.webhook_secret)
        .env(
            described::PRINTED_UPLOAD_LINES,
            dev::direct_upload_lines(&stack.api).join("\n"),
        )
        .env(described::PRINTED_UPLOAD_DIR, &printed)
        .env(described::WORK_DIR, work)
        .env(
            described::POLL_TIMEOUT,
            options.poll_timeout.as_secs().to_string(),
        );
    eprintln!(
        "==> cargo test -p e2e --no-fail-fast {} (against {})",
        cargo_args.join(" "),
        stack.api
    );
    let status = Supervised::spawn("cargo test -p e2e", command, &Output::Terminal)?.wait()?;
    Ok(status.success())
}

/// The stack's logs: a file for each process, in the run's directory.
pub struct Logs {
    dir: PathBuf,
}

impl Logs {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// Where the process `name` writes (`<name>.log`).
    fn of(&self, name: &str) -> Output {
        Output::File(self.dir.join(format!("{name}.log")))
    }

    /// The last lines of each log, for a failure.
    pub fn show(&self) {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
            .collect();
        paths.sort();
        for path in paths {
            let tail = stack::tail(&path, 40);
            if !tail.is_empty() {
                println!("----- last lines of {}", path.display());
                println!("{tail}");
            }
        }
    }
}

/// The e2e stack for a measurement (`make bench-notify`, `make bench-list`): the binaries
/// built, the stack started with its logs in a scratch folder named `scratch`. The stack
/// runs until the returned supervisor is dropped.
pub fn start_for_measurement(
    workspace: &Workspace,
    scratch: &str,
) -> anyhow::Result<(Supervisor, stack::Stack, PathBuf)> {
    workspace.ensure_venv()?;
    workspace.build_binaries()?;
    let work = workspace.scratch_dir(scratch)?;
    eprintln!("==> logs in {}", work.display());
    let logs = Logs::in_dir(&work);
    let mut supervisor = Supervisor::new();
    let stack =
        start_stack(workspace, &mut supervisor, &logs, &work).inspect_err(|_| logs.show())?;
    Ok((supervisor, stack, work))
}

/// The stack the tests run against: `make dev`'s, on free ports, logs in `work`.
pub fn start_stack(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    logs: &Logs,
    work: &Path,
) -> anyhow::Result<stack::Stack> {
    let settings = Settings {
        emulator: Emulator::Moto {
            port: ports::free_port()?,
            output: logs.of("moto"),
        },
        prefix: "ferrotype-e2e".into(),
        api_port: ports::free_port()?,
        live_port: ports::free_port()?,
        live_output: logs.of("live-gateway"),
        env_file: work.join("functions.env"),
        rust_log: std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        watch_output: logs.of("watch"),
        ignore_changes: true,
        bridges: vec![
            Bridge {
                queue: Queue::Jobs,
                function: "processor",
                output: logs.of("bridge"),
            },
            Bridge {
                queue: Queue::UploadEvents,
                function: "ingest",
                output: logs.of("ingest-bridge"),
            },
            Bridge {
                queue: Queue::Webhooks,
                function: "webhook",
                output: logs.of("webhook-bridge"),
            },
            Bridge {
                queue: Queue::Notices,
                function: "notifier",
                output: logs.of("notice-bridge"),
            },
        ],
        written_by: "`cargo run -p xtask -- e2e`",
        caller: "e2e",
        // The end-to-end tests poll the status often; the per-caller limits are
        // integration/tests/limits.rs's to check.
        extra_env: vec![("RATE_LIMIT_REQUESTS", "100000".into())],
        stream_bridge: Some(logs.of("stream-bridge")),
        projection_bridge: Some(logs.of("projection-bridge")),
    };
    stack::start(workspace, supervisor, &settings)
}
