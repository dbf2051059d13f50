//! The test half of `make test` (the Makefile runs fmt, clippy, cfn-lint and the OpenAPI
//! validation first): `cargo test --workspace --exclude e2e --no-fail-fast` against a moto on
//! a free loopback port (each integration test creates its own uniquely named bucket, table
//! and queue), then the end-to-end tests (`cargo test -p e2e`) on a stack of their own.

use std::process::Command;

use anyhow::bail;

use crate::e2e;
use crate::moto;
use crate::ports;
use crate::stack;
use crate::supervise::{Output, Supervised, Supervisor};
use crate::workspace::Workspace;

/// Ok when every test passed. `cargo_args` go to both `cargo test` runs.
pub fn run(
    workspace: &Workspace,
    cargo_args: &[String],
    e2e_options: &e2e::Options,
) -> anyhow::Result<()> {
    workspace.ensure_venv()?;
    cargo_tests(workspace, cargo_args)?;
    // Its own moto, watch and bridges, on other free ports.
    if !e2e::run(workspace, e2e_options, cargo_args)? {
        bail!("end-to-end tests failed (cargo test -p e2e, above)");
    }
    Ok(())
}

fn cargo_tests(workspace: &Workspace, cargo_args: &[String]) -> anyhow::Result<()> {
    let logs = workspace.scratch_dir("ferrotype-tests")?;
    let moto_log = logs.join("moto.log");
    let mut supervisor = Supervisor::new();
    let aws = match moto::start(
        workspace,
        &mut supervisor,
        ports::free_port()?,
        &Output::File(moto_log.clone()),
    ) {
        Ok(aws) => aws,
        Err(error) => {
            eprintln!("{}", stack::tail(&moto_log, 50));
            return Err(error);
        }
    };

    // --no-fail-fast: one failing test binary should not hide the results of the others.
    // The end-to-end tests need a whole stack: they run next, against their own.
    eprintln!(
        "==> cargo test --workspace --exclude e2e --no-fail-fast {}",
        cargo_args.join(" ")
    );
    let mut command: Command = workspace.cargo();
    command
        .args(["test", "--workspace", "--exclude", "e2e", "--no-fail-fast"])
        .args(cargo_args);
    aws.apply(&mut command);
    let status = Supervised::spawn("cargo test", command, &Output::Terminal)?.wait()?;
    supervisor.stop_all();
    if !status.success() {
        bail!(
            "cargo test failed ({status}); moto's log is in {}",
            moto_log.display()
        );
    }
    let _ = std::fs::remove_dir_all(&logs);
    Ok(())
}
