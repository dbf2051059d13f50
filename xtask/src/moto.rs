//! moto's server (`scripts/moto-server`, from `.venv`) on a loopback port.

use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use crate::aws_env::AwsEnv;
use crate::supervise::{Output, Supervisor};
use crate::workspace::Workspace;

/// How long moto may take to answer after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Start moto on 127.0.0.1:`port` under `supervisor` and wait until it answers; the
/// environment that points the SDK at it.
pub fn start(
    workspace: &Workspace,
    supervisor: &mut Supervisor,
    port: u16,
    output: &Output,
) -> anyhow::Result<AwsEnv> {
    eprintln!("==> starting moto on 127.0.0.1:{port}");
    let mut command = Command::new(workspace.venv_bin("python"));
    command
        .arg(workspace.root.join("scripts/moto-server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .current_dir(&workspace.root);
    let moto = supervisor.spawn("moto", command, output)?;
    let endpoint = format!("http://127.0.0.1:{port}");
    moto.wait_until_answers(&format!("{endpoint}/moto-api/"), START_TIMEOUT)
        .with_context(|| match output.log_file() {
            Some(log) => format!("moto did not start; see {}", workspace.display(log)),
            None => "moto did not start".to_string(),
        })?;
    Ok(AwsEnv::new(endpoint))
}
