//! `cargo run -p xtask -- <command>`: see `--help`, and docs/local.md.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use xtask::interrupt::{self, Interrupted};
use xtask::reliability::Scale;
use xtask::workspace::Workspace;
use xtask::{dev, e2e, latency, list_latency, reliability, suite};

#[derive(Parser)]
#[command(about = "ferrotype's local system, test run and checks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct E2eArgs {
    /// Seconds a test may wait for a job to finish (given to the tests as POLL_TIMEOUT).
    #[arg(long, env = "POLL_TIMEOUT", default_value_t = 120)]
    poll_timeout: u64,
    /// Keep the directory of logs even when every test passes.
    #[arg(long, env = "KEEP_LOGS")]
    keep_logs: bool,
}

impl E2eArgs {
    fn options(&self) -> e2e::Options {
        e2e::Options {
            poll_timeout: Duration::from_secs(self.poll_timeout),
            keep_logs: self.keep_logs,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Time from a job's transition to its webhook and to its live push (medians).
    Latency {
        /// How many jobs to time.
        #[arg(long, env = "JOBS", default_value_t = 20)]
        jobs: usize,
    },
    /// Time from an upload to its job in `GET /images`, and from its completion to the
    /// list showing it (median and worst).
    ListLatency {
        /// How many jobs to time.
        #[arg(long, env = "JOBS", default_value_t = 100)]
        jobs: usize,
    },
    /// Run the whole system locally: moto, the API, the SQS bridges (Ctrl-C stops it).
    Dev {
        #[arg(long, env = "API_PORT", default_value_t = 9000)]
        api_port: u16,
        #[arg(long, env = "MOTO_PORT", default_value_t = 4566)]
        moto_port: u16,
        /// The live channel's WebSocket port.
        #[arg(long, env = "LIVE_PORT", default_value_t = 9001)]
        live_port: u16,
        #[arg(long, env = "PREFIX", default_value = "ferrotype-local")]
        prefix: String,
        /// Use an emulator that already runs (e.g. LocalStack) instead of starting moto.
        #[arg(long, env = "EMULATOR_URL")]
        emulator_url: Option<String>,
        /// Seconds between invocations of the sweeper.
        #[arg(long, env = "SWEEP_INTERVAL", default_value_t = 300)]
        sweep_interval: u64,
        #[arg(long, env = "RUST_LOG", default_value = "info")]
        rust_log: String,
    },
    /// cargo test --workspace against moto on a free port, then the end-to-end tests.
    Test {
        #[command(flatten)]
        e2e: E2eArgs,
        /// Passed to both `cargo test` runs (after `--`): a filter, or `-- --nocapture`.
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// The end-to-end tests (cargo test -p e2e) over HTTP, on a stack of their own on free ports.
    E2e {
        #[command(flatten)]
        args: E2eArgs,
        /// Passed to `cargo test -p e2e` (after `--`): a filter, or `-- --nocapture`.
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Faults, load and hostile input; one table of figures.
    Reliability {
        #[arg(long, env = "SCALE", value_enum, default_value = "full")]
        scale: Scale,
        /// Uploads of the load test (500; 100 at SCALE=ci).
        #[arg(long, env = "LOAD_REQUESTS")]
        load_requests: Option<usize>,
        #[arg(long, env = "LOAD_CONCURRENCY", default_value_t = 8)]
        load_concurrency: usize,
        /// schemathesis's time budget at full scale (180; CI runs 40 fixed examples).
        #[arg(long, env = "FUZZ_SECONDS")]
        fuzz_seconds: Option<u64>,
        /// Also print the table as one JSON document.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    interrupt::install();
    let workspace = Workspace::locate();
    match run(&workspace, cli.command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => match error.downcast_ref::<Interrupted>() {
            Some(signal) => {
                eprintln!("==> {signal}; everything started is stopped");
                ExitCode::from(signal.exit_code() as u8)
            }
            None => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Ok(true) when everything passed, Ok(false) when a test or a check failed.
fn run(workspace: &Workspace, command: Command) -> anyhow::Result<bool> {
    match command {
        Command::ListLatency { jobs } => {
            let samples = list_latency::run(workspace, jobs)?;
            let (mut listed, mut completed): (Vec<f64>, Vec<f64>) = samples
                .iter()
                .map(|s| (s.listed_ms, s.completed_ms))
                .unzip();
            let worst = |values: &[f64]| values.iter().copied().fold(f64::NAN, f64::max);
            println!(
                "upload (202) -> in GET /images: median {:.1} ms, worst {:.1} ms; completion -> listed completed: median {:.1} ms, worst {:.1} ms; {} jobs, the list read every {} ms",
                latency::median(&mut listed),
                worst(&listed),
                latency::median(&mut completed),
                worst(&completed),
                samples.len(),
                list_latency::POLL.as_millis()
            );
            Ok(true)
        }
        Command::Latency { jobs } => {
            let samples = latency::run(workspace, jobs)?;
            let (mut webhook, mut browser): (Vec<f64>, Vec<f64>) =
                samples.iter().map(|s| (s.webhook_ms, s.browser_ms)).unzip();
            println!(
                "transition -> webhook arrival: median {:.1} ms; -> browser update (live channel): median {:.1} ms; {} jobs",
                latency::median(&mut webhook),
                latency::median(&mut browser),
                samples.len()
            );
            Ok(true)
        }
        Command::Dev {
            api_port,
            moto_port,
            live_port,
            prefix,
            emulator_url,
            sweep_interval,
            rust_log,
        } => {
            let options = dev::Options {
                api_port,
                moto_port,
                live_port,
                prefix,
                emulator_url: emulator_url.filter(|url| !url.is_empty()),
                sweep_interval: Duration::from_secs(sweep_interval),
                rust_log,
            };
            dev::run(workspace, &options)?;
            Ok(true)
        }
        Command::Test { e2e, cargo_args } => {
            suite::run(workspace, &cargo_args, &e2e.options())?;
            Ok(true)
        }
        Command::E2e { args, cargo_args } => e2e::run(workspace, &args.options(), &cargo_args),
        Command::Reliability {
            scale,
            load_requests,
            load_concurrency,
            fuzz_seconds,
            json,
        } => {
            let options = reliability::Options {
                scale,
                load_requests: load_requests.unwrap_or(match scale {
                    Scale::Full => 500,
                    Scale::Ci => 100,
                }),
                load_concurrency,
                fuzz_seconds: fuzz_seconds.unwrap_or(match scale {
                    Scale::Full => 180,
                    Scale::Ci => 60,
                }),
            };
            let table = reliability::run(workspace, &options)?;
            println!();
            print!("{}", table.markdown());
            println!();
            println!("{}", table.summary());
            if json {
                println!("{}", serde_json::to_string_pretty(&table)?);
            }
            Ok(table.failed() == 0)
        }
    }
}
