//! Child processes that cannot outlive their owner.
//!
//! Each child leads a process group of its own (its pgid is its pid), so stopping it
//! reaches its own children too: `cargo lambda watch` runs `cargo run`, which runs the
//! function binary. Stopping sends SIGTERM to the whole group, then SIGKILL after a grace
//! period; processes that moved to a group of their own (cargo-lambda runs each function
//! instance in one) are found beforehand through `/proc` and stopped by pid.
//!
//! A child is stopped when its [`Supervised`] is dropped (so also on an error or a panic
//! that unwinds), and the kernel sends it SIGTERM when its owner dies without unwinding,
//! SIGKILL included (`PR_SET_PDEATHSIG`). SIGTERM rather than SIGKILL, so that
//! `cargo lambda watch` still stops its function instances. The death signal belongs to
//! the *thread* that spawned the child: spawn from a thread that lives as long as the
//! child should (this crate spawns from its main thread only).

use std::fs::File;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::interrupt;

/// How long a group has between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(5);

/// Where a child's output goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// This process's stdout and stderr.
    Terminal,
    /// One file for both, truncated at start.
    File(PathBuf),
    /// Stdout to a file (a result to read back), stderr on this terminal.
    Stdout(PathBuf),
}

impl Output {
    pub fn log_file(&self) -> Option<&Path> {
        match self {
            Output::Terminal | Output::Stdout(_) => None,
            Output::File(path) => Some(path),
        }
    }
}

/// One running child, the leader of its own process group.
#[derive(Debug)]
pub struct Supervised {
    name: String,
    child: Child,
    stopped: bool,
}

impl Supervised {
    /// Start `command` in a process group of its own, stdin from /dev/null, with a
    /// death signal tied to this thread.
    pub fn spawn(
        name: impl Into<String>,
        mut command: Command,
        output: &Output,
    ) -> anyhow::Result<Self> {
        let name = name.into();
        command.stdin(Stdio::null());
        match output {
            Output::Terminal => {}
            Output::File(path) => {
                let file =
                    File::create(path).with_context(|| format!("creating {}", path.display()))?;
                command.stdout(file.try_clone()?).stderr(file);
            }
            Output::Stdout(path) => {
                let file =
                    File::create(path).with_context(|| format!("creating {}", path.display()))?;
                command.stdout(file);
            }
        }
        // What `cargo run -p xtask` tells us about the xtask package is not the child's.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_MANIFEST_")
                || matches!(
                    &*key,
                    "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
                )
            {
                command.env_remove(&*key);
            }
        }
        command.process_group(0);
        let owner = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs between fork and exec and calls only prctl and getppid,
        // which are async-signal-safe; it allocates nothing (the error is a raw OS error).
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGTERM as libc::c_ulong,
                    0,
                    0,
                    0,
                ) == -1
                {
                    return Err(io::Error::last_os_error());
                }
                // The owner died before the death signal was armed: do not run orphaned.
                if libc::getppid() != owner {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {name} ({:?})", command.get_program()))?;
        Ok(Self {
            name,
            child,
            stopped: false,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if the child has exited (it is reaped then).
    pub fn exited(&mut self) -> anyhow::Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }

    /// Wait for the child to exit by itself; a signal to us stops it and returns `Err`.
    pub fn wait(&mut self) -> anyhow::Result<ExitStatus> {
        loop {
            if let Some(status) = self.exited()? {
                self.stopped = true;
                return Ok(status);
            }
            if let Err(interrupted) = interrupt::sleep(Duration::from_millis(100)) {
                self.stop();
                return Err(interrupted.into());
            }
        }
    }

    /// Wait until `url` answers with any HTTP status. Fails early if the child exits.
    pub fn wait_until_answers(&mut self, url: &str, timeout: Duration) -> anyhow::Result<()> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let deadline = Instant::now() + timeout;
        loop {
            if client.get(url).send().is_ok() {
                return Ok(());
            }
            if let Some(status) = self.exited()? {
                bail!(
                    "{} exited ({status}) before it answered on {url}",
                    self.name
                );
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} did not answer on {url} within {}s",
                    self.name,
                    timeout.as_secs()
                );
            }
            interrupt::sleep(Duration::from_millis(200))?;
        }
    }

    /// SIGTERM to the group, SIGKILL after [`GRACE`], then the same for descendants that
    /// left the group. Idempotent; never fails (it runs from `Drop`).
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let pgid = self.child.id() as libc::pid_t;
        let strays = descendants(pgid, &processes());
        let _ = self.child.try_wait();
        if group_alive(pgid) {
            eprintln!("==> stopping {}", self.name);
            signal_group(pgid, libc::SIGTERM);
            if !wait_for(GRACE, || {
                let _ = self.child.try_wait();
                !group_alive(pgid)
            }) {
                eprintln!("warning: {} did not stop on SIGTERM; killing it", self.name);
                signal_group(pgid, libc::SIGKILL);
            }
        }
        let _ = self.child.wait();
        for pid in strays {
            if alive(pid) {
                signal(pid, libc::SIGTERM);
                if !wait_for(Duration::from_secs(3), || !alive(pid)) {
                    signal(pid, libc::SIGKILL);
                }
            }
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Children started in order, stopped newest first (on [`Supervisor::stop_all`] or drop).
#[derive(Debug, Default)]
pub struct Supervisor {
    children: Vec<Supervised>,
}

impl Supervisor {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn spawn(
        &mut self,
        name: impl Into<String>,
        command: Command,
        output: &Output,
    ) -> anyhow::Result<&mut Supervised> {
        self.children
            .push(Supervised::spawn(name, command, output)?);
        Ok(self.children.last_mut().expect("just pushed"))
    }

    /// The first child found to have exited, with its status.
    pub fn first_exited(&mut self) -> anyhow::Result<Option<(String, ExitStatus)>> {
        for child in &mut self.children {
            if let Some(status) = child.exited()? {
                return Ok(Some((child.name().to_string(), status)));
            }
        }
        Ok(None)
    }

    pub fn stop_all(&mut self) {
        while let Some(mut child) = self.children.pop() {
            child.stop();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// Run `command` to its end in a supervised group, its output on this terminal; a signal
/// to us stops it. `Err` if it could not start, was interrupted, or failed.
pub fn run(name: &str, command: Command) -> anyhow::Result<()> {
    let status = Supervised::spawn(name, command, &Output::Terminal)?.wait()?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

/// One line of `/proc`: a process, its parent, its group and its state letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessInfo {
    pub pid: libc::pid_t,
    pub ppid: libc::pid_t,
    pub pgrp: libc::pid_t,
    pub state: char,
}

/// Parse `/proc/<pid>/stat`: `pid (comm) state ppid pgrp …`. The command name may hold
/// spaces and parentheses, so the fields are read after its last `)`.
pub fn parse_stat(stat: &str) -> Option<ProcessInfo> {
    let (head, rest) = stat.rsplit_once(')')?;
    let pid = head.split_once(" (")?.0.trim().parse().ok()?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some(ProcessInfo {
        pid,
        ppid,
        pgrp,
        state,
    })
}

/// Every process this user can see, from `/proc`.
pub fn processes() -> Vec<ProcessInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry.file_name().to_str()?.parse::<u32>().ok()?;
            parse_stat(&std::fs::read_to_string(entry.path().join("stat")).ok()?)
        })
        .collect()
}

/// The pids of `root`'s children, grandchildren and so on.
pub fn descendants(root: libc::pid_t, table: &[ProcessInfo]) -> Vec<libc::pid_t> {
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for process in table.iter().filter(|p| p.ppid == parent && p.pid != root) {
            if !found.contains(&process.pid) {
                found.push(process.pid);
                frontier.push(process.pid);
            }
        }
    }
    found
}

/// A process that exists and is not a zombie.
pub fn alive(pid: libc::pid_t) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| parse_stat(&stat))
        .is_some_and(|p| p.state != 'Z' && p.state != 'X')
}

/// Any live (not zombie) process in group `pgid`.
pub fn group_alive(pgid: libc::pid_t) -> bool {
    processes()
        .iter()
        .any(|p| p.pgrp == pgid && p.state != 'Z' && p.state != 'X')
}

fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: kill has no memory-safety preconditions; a negative pid names a group.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

fn signal(pid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: as above, for one process.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Poll `done` every 100 ms for up to `timeout`; true once it holds.
fn wait_for(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pid: i32, ppid: i32) -> ProcessInfo {
        ProcessInfo {
            pid,
            ppid,
            pgrp: pid,
            state: 'S',
        }
    }

    #[test]
    fn a_stat_line_is_read_after_the_command_names_last_parenthesis() {
        let stat = "4242 (weird (name) x) S 17 4242 4242 0 -1 4194560 99 0 0 0";
        assert_eq!(
            parse_stat(stat),
            Some(ProcessInfo {
                pid: 4242,
                ppid: 17,
                pgrp: 4242,
                state: 'S'
            })
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn descendants_are_children_and_their_children_not_siblings() {
        let table = [
            info(10, 1),
            info(11, 10),
            info(12, 11),
            info(13, 1),
            info(14, 10),
        ];
        let mut found = descendants(10, &table);
        found.sort();
        assert_eq!(found, vec![11, 12, 14]);
        assert!(descendants(13, &table).is_empty());
    }

    fn sleeper() -> Command {
        let mut command = Command::new("sleep");
        command.arg("60");
        command
    }

    #[test]
    fn a_supervised_child_leads_its_own_process_group() {
        let child = Supervised::spawn("sleep", sleeper(), &Output::Terminal).unwrap();
        let pid = child.pid() as libc::pid_t;
        let me = processes().into_iter().find(|p| p.pid == pid).unwrap();
        assert_eq!(me.pgrp, pid);
        assert_eq!(me.ppid, std::process::id() as libc::pid_t);
    }

    #[test]
    fn dropping_a_supervised_child_stops_its_whole_group() {
        // A shell with a grandchild in the same group: both must go.
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 60 & wait"]);
        let child = Supervised::spawn("sh", command, &Output::Terminal).unwrap();
        let pgid = child.pid() as libc::pid_t;
        assert!(wait_for(Duration::from_secs(5), || {
            descendants(pgid, &processes()).len() == 1
        }));
        let grandchild = descendants(pgid, &processes())[0];
        let started = Instant::now();
        drop(child);
        assert!(!group_alive(pgid));
        assert!(!alive(grandchild));
        assert!(started.elapsed() < GRACE, "SIGTERM was enough");
    }

    #[test]
    fn a_child_that_ignores_sigterm_is_killed_after_the_grace_period() {
        let mut command = Command::new("sh");
        command.args(["-c", "trap '' TERM; while :; do sleep 0.1; done"]);
        let mut child = Supervised::spawn("stubborn", command, &Output::Terminal).unwrap();
        let pgid = child.pid() as libc::pid_t;
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        child.stop();
        assert!(started.elapsed() >= GRACE);
        assert!(!group_alive(pgid));
    }

    #[test]
    fn a_child_dies_with_the_thread_that_owns_it_even_when_nothing_unwinds() {
        // The death signal fires when the spawning thread ends; the owner here forgets the
        // child, as a SIGKILLed owner would, so no Drop runs.
        let pid = std::thread::spawn(|| {
            let child = Supervised::spawn("sleep", sleeper(), &Output::Terminal).unwrap();
            let pid = child.pid() as libc::pid_t;
            std::mem::forget(child);
            pid
        })
        .join()
        .unwrap();
        assert!(
            wait_for(Duration::from_secs(5), || !alive(pid)),
            "the orphaned sleep is gone"
        );
        // Reap it: it is still our child.
        // SAFETY: waitpid on our own child's pid with a valid status pointer.
        unsafe {
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
    }

    #[test]
    fn output_to_a_file_keeps_stdout_and_stderr() {
        let dir = std::env::temp_dir().join(format!("xtask-supervise-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("out.log");
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2"]);
        let status = Supervised::spawn("sh", command, &Output::File(log.clone()))
            .unwrap()
            .wait()
            .unwrap();
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "out\nerr\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn run_reports_a_failing_command_as_an_error() {
        assert!(run("true", Command::new("true")).is_ok());
        let error = run("false", Command::new("false")).unwrap_err();
        assert!(error.to_string().contains("false failed"), "{error}");
    }
}
