//! Runs the fault-injection scenarios against the emulator named by AWS_ENDPOINT_URL and
//! prints a table of their figures (or, with `--json`, the reports as data).
//! `make test-reliability` starts the emulator and reads the JSON.

use clap::{Parser, ValueEnum};
use ferrotype_reliability_report::{Reports, Scale, Table};
use integration::reliability;

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Scenario {
    Duplicates,
    Kills,
    UploadFaults,
    Poison,
    DirectUploads,
    StalledStream,
}

#[derive(Parser)]
struct Args {
    #[arg(long, value_enum, default_value = "full")]
    scale: Scale,
    /// Run only these scenarios (repeat the flag; all of them when absent).
    #[arg(long = "only", value_enum)]
    only: Vec<Scenario>,
    /// Print the reports as one JSON document instead of a Markdown table.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (dup, kill, faults, good, poison, direct, stream) = match args.scale {
        Scale::Full => (1000, 500, 500, 450, 50, 500, 100),
        Scale::Ci => (200, 100, 200, 90, 10, 100, 30),
    };
    let wanted = |scenario| args.only.is_empty() || args.only.contains(&scenario);
    let mut reports = Vec::new();
    for scenario in [
        Scenario::Duplicates,
        Scenario::Kills,
        Scenario::UploadFaults,
        Scenario::Poison,
        Scenario::DirectUploads,
        Scenario::StalledStream,
    ] {
        if !wanted(scenario) {
            continue;
        }
        let report = match scenario {
            Scenario::Duplicates => reliability::duplicate_deliveries(dup, 3, 4).await,
            Scenario::Kills => reliability::killed_processors(kill, kill / 10, 4).await,
            Scenario::UploadFaults => reliability::upload_faults(faults, 0.05, 4).await,
            Scenario::Poison => reliability::poison_messages(good, poison, 4).await,
            Scenario::DirectUploads => reliability::direct_uploads(direct, 3, direct / 10, 4).await,
            Scenario::StalledStream => reliability::stalled_stream(stream).await,
        };
        eprintln!(
            "{}: {}",
            report.name,
            if report.passed() { "PASS" } else { "FAIL" }
        );
        reports.push(report);
    }
    let all_passed = reports.iter().all(|r| r.passed());
    if args.json {
        println!("{}", serde_json::to_string(&Reports { reports })?);
    } else {
        let table = Table {
            rows: reports.iter().map(|r| r.row()).collect(),
        };
        println!("{}", table.markdown());
        println!("{}", table.summary());
    }
    if !all_passed {
        std::process::exit(1);
    }
    Ok(())
}
