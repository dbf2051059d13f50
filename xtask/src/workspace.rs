//! Where things are: the checkout, its `target/` directory and the project's `.venv/`, and
//! the two set-up steps every command shares (the venv, the workspace's binaries).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::supervise;

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
}

impl Workspace {
    /// The checkout this xtask was built from; `target/` unless CARGO_TARGET_DIR says
    /// otherwise (as cargo itself decides).
    pub fn locate() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ sits in the workspace root")
            .to_path_buf();
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        Self { root, target_dir }
    }

    pub fn venv(&self) -> PathBuf {
        self.root.join(".venv")
    }

    /// A program installed in `.venv/bin`.
    pub fn venv_bin(&self, name: &str) -> PathBuf {
        self.venv().join("bin").join(name)
    }

    /// A workspace binary built by [`Workspace::build_binaries`].
    pub fn debug_bin(&self, name: &str) -> PathBuf {
        self.target_dir.join("debug").join(name)
    }

    /// `PATH` with `.venv/bin` first (cargo-lambda, moto and cfn-lint live there).
    pub fn path_with_venv(&self) -> std::ffi::OsString {
        let mut paths = vec![self.venv().join("bin")];
        if let Some(path) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(paths).expect("PATH entries without ':'")
    }

    /// The cargo that runs us (cargo sets CARGO), else the one on PATH.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command.current_dir(&self.root);
        command
    }

    /// Create or refresh `.venv` (`scripts/ensure-venv`; a no-op when it is current).
    pub fn ensure_venv(&self) -> anyhow::Result<()> {
        supervise::run(
            "scripts/ensure-venv",
            Command::new(self.root.join("scripts/ensure-venv")),
        )
    }

    /// Build every binary once, so `cargo lambda watch` starts the functions without
    /// compiling on the first request, and the local tools run from `target/debug/`.
    pub fn build_binaries(&self) -> anyhow::Result<()> {
        eprintln!("==> building the workspace binaries (the first build takes several minutes)");
        let mut command = self.cargo();
        command.args(["build", "--workspace", "--bins"]);
        supervise::run("cargo build", command)
    }

    /// A fresh directory for one run's logs, under the system's temporary directory.
    pub fn scratch_dir(&self, name: &str) -> anyhow::Result<PathBuf> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("{name}.{}-{nanos:08x}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// `path` relative to the checkout, for messages.
    pub fn display<'a>(&self, path: &'a Path) -> std::path::Display<'a> {
        path.strip_prefix(&self.root).unwrap_or(path).display()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        let workspace = Workspace::locate();
        let manifest = std::fs::read_to_string(workspace.root.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("\"xtask\""));
        assert!(workspace.root.join("scripts/moto-server").exists());
    }
}
