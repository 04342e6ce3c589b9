//! Compiles and runs one snippet with rustc under limits.
//!
//! Every run gets a fresh temporary directory (removed afterwards), a cleared
//! environment, closed stdin, a wall-clock timeout that kills the whole
//! process group, and capped output. Resource limits (memory, file size,
//! processes) apply to the program, never to rustc, which needs gigabytes of
//! address space. Compiled binaries are cached by everything that affects
//! them; output is never cached, because concurrent programs vary.

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::deadlock::DeadlockReport;
use crate::deps::DepSet;
use crate::sandbox::{self, UidRange};

/// A Rust edition a snippet is compiled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edition {
    E2015,
    E2018,
    E2021,
    E2024,
}

impl Edition {
    /// The year, as rustc's `--edition` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2015 => "2015",
            Edition::E2018 => "2018",
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }
}

impl FromStr for Edition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "2015" => Edition::E2015,
            "2018" => Edition::E2018,
            "2021" => Edition::E2021,
            "2024" => Edition::E2024,
            other => return Err(format!("unsupported edition `{other}` (use 2015, 2018, 2021 or 2024)")),
        })
    }
}

/// Optimisation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Debug,
    Release,
}

/// What to do with a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub code: String,
    pub edition: Edition,
    pub mode: Mode,
    /// Compile with `--test` and run the test harness instead of `main`.
    pub tests: bool,
    /// Run the program after compiling it (false: compile only).
    pub run: bool,
    /// `--cfg` options for rustc (`loom` compiles a program's `#[cfg(loom)]` code).
    pub cfgs: Vec<String>,
}

impl Request {
    /// A debug build of `code` in `edition`, compiled and run.
    pub fn new(code: impl Into<String>, edition: Edition) -> Request {
        Request { code: code.into(), edition, mode: Mode::Debug, tests: false, run: true, cfgs: Vec::new() }
    }
}

/// Who the program runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAs {
    /// A leased uid from the default range when the runner is root (so that
    /// the process limit holds and every process of a run can be killed),
    /// the runner's own user otherwise.
    Auto,
    /// The runner's own user, even as root (process limits do not hold).
    CurrentUser,
    /// A leased uid from this range (the runner must be root).
    Uids(UidRange),
}

/// Limits for one snippet.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock limit for rustc.
    pub compile_timeout: Duration,
    /// Wall-clock limit for the program.
    pub run_timeout: Duration,
    /// Bytes kept of each of stdout and stderr; past that the program is stopped.
    pub output_cap: usize,
    /// Address-space limit of the program.
    pub memory_bytes: u64,
    /// Largest file the program may write.
    pub file_size_bytes: u64,
    /// Processes (threads included) the program may add to its user's.
    pub processes: u64,
    /// Who runs the program.
    pub run_as: RunAs,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            compile_timeout: Duration::from_secs(60),
            run_timeout: Duration::from_secs(10),
            output_cap: 64 * 1024,
            memory_bytes: 512 * 1024 * 1024,
            file_size_bytes: 8 * 1024 * 1024,
            processes: 256,
            run_as: RunAs::Auto,
        }
    }
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status code.
    Code(i32),
    /// Killed by this signal (not by us).
    Signal(i32),
    /// Stopped by the runner after the wall-clock limit.
    TimedOut(Duration),
    /// Stopped by the runner after printing more than the output cap.
    OutputLimit,
    /// Stopped by the runner: every thread was asleep for good.
    Deadlock(Box<DeadlockReport>),
}

impl Exit {
    /// Exited with status 0.
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exited with status {c}"),
            Exit::Signal(9) => write!(f, "was killed (signal 9) — out of memory or over a limit"),
            Exit::Signal(25) => write!(f, "was stopped for writing a file larger than the limit (signal 25)"),
            Exit::Signal(s) => write!(f, "was killed by signal {s}"),
            Exit::TimedOut(d) => write!(
                f,
                "did not finish within {} and was stopped — an infinite loop, a deadlock, or waiting for input?",
                seconds(*d)
            ),
            Exit::OutputLimit => write!(f, "printed more output than the limit and was stopped"),
            Exit::Deadlock(report) => write!(f, "was stopped: {report}"),
        }
    }
}

/// `10 s`, or `0.5 s` for limits under a minute that are not whole seconds.
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

/// What one process did.
#[derive(Debug, Clone)]
pub struct ProcessOutput {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
    /// True when output past the cap was dropped.
    pub truncated: bool,
}

/// The result of a request.
#[derive(Debug, Clone)]
pub struct Report {
    /// rustc's outcome (its stderr holds errors and warnings).
    pub compile: ProcessOutput,
    /// The binary came from the cache; rustc did not run.
    pub cached: bool,
    /// The program's outcome, when it compiled and was asked to run.
    pub run: Option<ProcessOutput>,
}

impl Report {
    /// Compiled, and (if it ran) exited with status 0.
    pub fn success(&self) -> bool {
        self.compile.exit.success() && self.run.as_ref().is_none_or(|r| r.exit.success())
    }

    /// One-line explanation of a failure, for people.
    pub fn failure_summary(&self) -> Option<String> {
        if !self.compile.exit.success() {
            return Some(match &self.compile.exit {
                Exit::Code(_) => "the snippet does not compile".to_string(),
                other => format!("the compiler {other}"),
            });
        }
        let run = self.run.as_ref()?;
        (!run.exit.success()).then(|| format!("the program {}", run.exit))
    }
}

/// Marker appended where output was cut.
pub const TRUNCATED: &str = "\n[output truncated]\n";

/// Compiles and runs snippets against a prebuilt dependency set.
pub struct Runner {
    deps: DepSet,
    limits: Limits,
    cache_dir: PathBuf,
    deps_key: u64,
    sandbox: Option<Sandbox>,
}

/// Where leased-uid runs happen.
struct Sandbox {
    uids: UidRange,
    lock_dir: PathBuf,
    runs_dir: PathBuf,
}

impl Runner {
    /// A runner caching binaries under `cache_dir`.
    pub fn new(deps: DepSet, limits: Limits, cache_dir: PathBuf) -> Result<Runner> {
        fs::create_dir_all(&cache_dir).with_context(|| format!("creating {}", cache_dir.display()))?;
        let mut h = DefaultHasher::new();
        deps.toolchain.hash(&mut h);
        for (name, dep) in &deps.crates {
            name.hash(&mut h);
            dep.rlib.hash(&mut h);
            fs::metadata(&dep.rlib).and_then(|m| m.modified()).ok().hash(&mut h);
        }
        let uids = match limits.run_as {
            RunAs::Auto if sandbox::is_root() => Some(UidRange::default()),
            RunAs::Auto | RunAs::CurrentUser => None,
            RunAs::Uids(range) => Some(range),
        };
        let sandbox = match uids {
            None => None,
            Some(uids) => {
                if !sandbox::is_root() {
                    anyhow::bail!("running snippets as other uids needs root");
                }
                // The programs must not be able to replace cached binaries.
                fs::set_permissions(&cache_dir, fs::Permissions::from_mode(0o755))?;
                let root = sandbox::private_root()?;
                let all_runs = root.join("runs");
                fs::create_dir_all(&all_runs)?;
                fs::set_permissions(&all_runs, fs::Permissions::from_mode(0o755))?;
                remove_stale_dirs(&all_runs);
                // One folder per runner, so each can account for its own runs.
                static NEXT: AtomicU64 = AtomicU64::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let runs_dir = all_runs.join(format!("runner-{}-{n}", std::process::id()));
                fs::create_dir_all(&runs_dir)?;
                fs::set_permissions(&runs_dir, fs::Permissions::from_mode(0o755))?;
                sandbox::become_subreaper();
                Some(Sandbox { uids, lock_dir: root.join("uids"), runs_dir })
            }
        };
        remove_stale_dirs(&cache_dir);
        Ok(Runner { deps, limits, cache_dir, deps_key: h.finish(), sandbox })
    }

    /// The crates snippets may use.
    pub fn deps(&self) -> &DepSet {
        &self.deps
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Temporary directories of runs in progress (empty when idle: every run
    /// removes its own).
    pub fn scratch_dirs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let dirs = [Some(&self.cache_dir), self.sandbox.as_ref().map(|s| &s.runs_dir)];
        for dir in dirs.into_iter().flatten() {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("build-") || name.starts_with("run-") || name.ends_with(".tmp") {
                    out.push(entry.path());
                }
            }
        }
        out
    }

    /// Whether programs run as leased uids (root runner) rather than as the
    /// runner's own user.
    pub fn sandboxed(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Compiles `req.code` (or takes the cached binary) and runs it if asked.
    pub fn execute(&self, req: &Request) -> Result<Report> {
        let key = self.cache_key(req);
        let cached_bin = self.cache_dir.join(format!("{key}.bin"));
        let (compile, cached) = if cached_bin.exists() {
            let out = ProcessOutput {
                exit: Exit::Code(0),
                stdout: String::new(),
                stderr: String::new(),
                truncated: false,
            };
            (out, true)
        } else {
            (self.compile(req, &cached_bin)?, false)
        };
        let run = if compile.exit.success() && req.run { Some(self.run_binary(&cached_bin)?) } else { None };
        Ok(Report { compile, cached, run })
    }

    /// Everything that changes the binary: toolchain and dependencies (in
    /// `deps_key`), edition, optimisation, test harness, `--cfg`s, and the code.
    fn cache_key(&self, req: &Request) -> String {
        let mut h1 = DefaultHasher::new();
        (self.deps_key, req.edition, req.mode, req.tests, &req.cfgs, &req.code).hash(&mut h1);
        let mut h2 = DefaultHasher::new();
        ("second half", h1.finish(), req.edition, req.mode, req.tests, &req.cfgs, &req.code).hash(&mut h2);
        format!("{:016x}{:016x}", h1.finish(), h2.finish())
    }

    fn compile(&self, req: &Request, cached_bin: &Path) -> Result<ProcessOutput> {
        let work = TempDir::new(&self.cache_dir, "build")?;
        let src_dir = work.path().join("src");
        fs::create_dir_all(&src_dir)?;
        fs::write(src_dir.join("main.rs"), &req.code)?;
        let out_bin = work.path().join("main");
        let mut cmd = Command::new(&self.deps.rustc);
        cmd.current_dir(work.path())
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .args(["--edition", req.edition.as_str(), "--crate-name", "main", "--crate-type", "bin"])
            .args(["--color", "never", "-C", "debuginfo=0", "-C"])
            .arg(match req.mode {
                Mode::Debug => "opt-level=0",
                Mode::Release => "opt-level=3",
            })
            .args(self.deps.rustc_args())
            .arg("src/main.rs")
            .arg("-o")
            .arg(&out_bin);
        if req.tests {
            cmd.arg("--test");
        }
        for cfg in &req.cfgs {
            cmd.arg("--cfg").arg(cfg);
        }
        let mut output = run_limited(&mut cmd, self.limits.compile_timeout, 256 * 1024, None, None, &|| ())?;
        if output.exit.success() {
            // Publish atomically under a name no other compile uses:
            // concurrent requests may compile the same code.
            let tmp = work.path().with_extension("bin.tmp");
            fs::copy(&out_bin, &tmp).context("copying the compiled binary into the cache")?;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
            fs::rename(&tmp, cached_bin)?;
        }
        output.stderr = output.stderr.replace(&format!("{}/", work.path().display()), "");
        Ok(output)
    }

    fn run_binary(&self, bin: &Path) -> Result<ProcessOutput> {
        let Some(sandbox) = &self.sandbox else {
            let work = TempDir::new(&self.cache_dir, "run")?;
            let mut cmd = self.program_command(bin, work.path());
            // Our own user's processes count against RLIMIT_NPROC too.
            // SAFETY: plain syscall.
            let uid = unsafe { libc::getuid() };
            let existing: u64 = sandbox::processes_of(uid).iter().map(|p| p.threads).sum();
            let processes = existing + self.limits.processes;
            return run_limited(
                &mut cmd,
                self.limits.run_timeout,
                self.limits.output_cap,
                Some(&self.limits),
                Some(processes),
                &|| (),
            );
        };
        let lease = sandbox::lease(sandbox.uids, &sandbox.lock_dir)?;
        let uid = lease.uid();
        // Whatever a crashed runner left behind under this uid.
        sandbox::kill_uid(uid)?;
        let work = TempDir::new(&sandbox.runs_dir, "run")?;
        fs::set_permissions(work.path(), fs::Permissions::from_mode(0o755))?;
        // The program needs a copy it can execute but not modify, outside the
        // workspace (whose parents it may not be allowed to enter).
        let exe = work.path().join("main");
        if fs::hard_link(bin, &exe).is_err() {
            fs::copy(bin, &exe).context("copying the program into its run directory")?;
            fs::set_permissions(&exe, fs::Permissions::from_mode(0o755))?;
        }
        let run_dir = work.path().join("run");
        fs::create_dir_all(&run_dir)?;
        std::os::unix::fs::chown(&run_dir, Some(uid), Some(uid))?;
        let mut cmd = self.program_command(&exe, &run_dir);
        cmd.uid(uid).gid(uid);
        let sweep_failed = std::cell::Cell::new(None);
        let kill_everything = || {
            if let Err(e) = sandbox::kill_uid(uid) {
                sweep_failed.set(Some(e));
            }
        };
        let output = run_limited(
            &mut cmd,
            self.limits.run_timeout,
            self.limits.output_cap,
            Some(&self.limits),
            Some(self.limits.processes),
            &kill_everything,
        );
        // Once more: on an error path the program may not have been waited for.
        kill_everything();
        if let Some(e) = sweep_failed.take() {
            return Err(e);
        }
        let output = output?;
        drop(work);
        drop(lease);
        Ok(output)
    }

    /// The program with a cleared environment, in `dir` (its home and temp dir).
    fn program_command(&self, bin: &Path, dir: &Path) -> Command {
        let mut cmd = Command::new(bin);
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("RUST_BACKTRACE", "0")
            .env("HOME", dir)
            .env("TMPDIR", dir)
            // Fewer malloc arenas: each reserves 64 MiB of the address-space limit.
            .env("MALLOC_ARENA_MAX", "2");
        cmd
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if let Some(sandbox) = &self.sandbox {
            let _ = fs::remove_dir_all(&sandbox.runs_dir);
        }
    }
}

/// Runs `cmd` in its own process group with stdin closed, captures capped
/// output, and kills the whole group on timeout, on too much output, and
/// after the main process exits (so no child outlives the run). `rlimits`
/// apply to the program (never to rustc); `processes` is its RLIMIT_NPROC.
/// `after_exit` runs once the main process has been waited for (to kill
/// whatever escaped the group, so the pipes close).
fn run_limited(
    cmd: &mut Command,
    timeout: Duration,
    cap: usize,
    rlimits: Option<&Limits>,
    processes: Option<u64>,
    after_exit: &dyn Fn(),
) -> Result<ProcessOutput> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    if let Some(limits) = rlimits {
        let limits = limits.clone();
        // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                set_rlimit(libc::RLIMIT_AS, limits.memory_bytes)?;
                set_rlimit(libc::RLIMIT_FSIZE, limits.file_size_bytes)?;
                if let Some(n) = processes {
                    set_rlimit(libc::RLIMIT_NPROC, n)?;
                }
                set_rlimit(libc::RLIMIT_CORE, 0)?;
                Ok(())
            });
        }
    }
    let started = Instant::now();
    let deadline = started + timeout;
    let mut child = spawn_retrying_busy(cmd)?;
    let pgid = child.id() as i32;
    let pidfd = pidfd_open(pgid);
    let mut pipes = [
        Pipe::new(child.stdout.take().map(OwnedFd::from)),
        Pipe::new(child.stderr.take().map(OwnedFd::from)),
    ];
    let mut status: Option<ExitStatus> = None;
    let mut timed_out = false;
    let mut overflow = false;
    // After the program exits, a process that escaped the group may still
    // hold the pipes open: read what is there, then stop waiting.
    let mut drain_until: Option<Instant> = None;
    loop {
        if status.is_none() {
            if let Some(s) = child.try_wait()? {
                status = Some(s);
                kill_group(pgid);
                after_exit();
                drain_until = Some(Instant::now() + Duration::from_millis(500));
            } else if Instant::now() >= deadline {
                kill_group(pgid);
                status = Some(child.wait()?);
                after_exit();
                timed_out = true;
                drain_until = Some(Instant::now() + Duration::from_millis(500));
            }
        }
        let open: Vec<usize> = (0..2).filter(|&i| pipes[i].fd.is_some()).collect();
        if status.is_some() && (open.is_empty() || drain_until.is_some_and(|d| Instant::now() >= d)) {
            break;
        }
        let now = Instant::now();
        let until = drain_until.unwrap_or(deadline);
        let mut wait_ms = until.saturating_duration_since(now).as_millis().min(i32::MAX as u128) as i32;
        if status.is_none() && pidfd.is_none() {
            // No pidfd to wake us when the program exits: check every few ms.
            wait_ms = wait_ms.min(5);
        }
        let mut fds: Vec<libc::pollfd> = open
            .iter()
            .map(|&i| libc::pollfd { fd: pipes[i].raw(), events: libc::POLLIN, revents: 0 })
            .collect();
        if status.is_none()
            && let Some(fd) = &pidfd
        {
            fds.push(libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 });
        }
        // SAFETY: `fds` is a valid array of pollfd for its length.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms.max(0)) };
        if n < 0 {
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                kill_group(pgid);
                return Err(err).context("poll");
            }
            continue;
        }
        for (slot, &i) in open.iter().enumerate() {
            if fds[slot].revents != 0 && pipes[i].read_some(cap) && !overflow {
                overflow = true;
                kill_group(pgid);
            }
        }
    }
    kill_group(pgid);
    let status = status.expect("the loop ends after the program exits");
    let [out, err] = pipes;
    let truncated = out.truncated || err.truncated;
    let exit = if timed_out {
        Exit::TimedOut(timeout)
    } else if overflow {
        Exit::OutputLimit
    } else {
        match (status.code(), status.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(sig)) => Exit::Signal(sig),
            (None, None) => Exit::Code(-1),
        }
    };
    Ok(ProcessOutput { exit, stdout: out.into_text(), stderr: err.into_text(), truncated })
}

/// One output pipe of the program, read without blocking, kept up to a cap.
struct Pipe {
    fd: Option<OwnedFd>,
    kept: Vec<u8>,
    truncated: bool,
}

impl Pipe {
    fn new(fd: Option<OwnedFd>) -> Pipe {
        if let Some(fd) = &fd {
            // SAFETY: fcntl on a descriptor we own.
            unsafe {
                let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
                libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
            }
        }
        Pipe { fd, kept: Vec::new(), truncated: false }
    }

    fn raw(&self) -> i32 {
        self.fd.as_ref().map_or(-1, AsRawFd::as_raw_fd)
    }

    /// Reads what is available; closes the pipe at EOF. True when this read
    /// went past the cap.
    fn read_some(&mut self, cap: usize) -> bool {
        let Some(fd) = &self.fd else { return false };
        let mut file = std::fs::File::from(fd.try_clone().expect("dup of a pipe"));
        let mut buf = [0u8; 16384];
        let mut over = false;
        loop {
            match file.read(&mut buf) {
                Ok(0) => {
                    self.fd = None;
                    break;
                }
                Ok(n) => {
                    let room = cap.saturating_sub(self.kept.len());
                    self.kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room && !self.truncated {
                        self.truncated = true;
                        over = true;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        over
    }

    fn into_text(self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
        if self.truncated {
            text.push_str(TRUNCATED);
        }
        text
    }
}

/// A descriptor that becomes readable when `pid` exits (Linux 5.3+).
fn pidfd_open(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    // SAFETY: a fresh descriptor we own.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn kill_group(pgid: i32) {
    // SAFETY: plain syscall; an already-empty group just returns ESRCH.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

fn set_rlimit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let lim = libc::rlimit { rlim_cur: value, rlim_max: value };
    // SAFETY: setrlimit with a valid pointer.
    if unsafe { libc::setrlimit(resource, &lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Removes `build-<pid>-*` / `run(ner)-<pid>-*` directories of runners that are gone
/// (killed before their temp dirs could be removed).
fn remove_stale_dirs(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let rest = ["build-", "runner-", "run-"].iter().find_map(|p| name.strip_prefix(p));
        let Some(rest) = rest else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else { continue };
        // SAFETY: signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        if !alive {
            let path = entry.path();
            if path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(parent: &Path, kind: &str) -> Result<TempDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("{kind}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
        // A compile's binary waiting to be published, if publishing failed.
        let _ = fs::remove_file(self.0.with_extension("bin.tmp"));
    }
}

/// Spawns `cmd`, retrying briefly on ETXTBSY. When another thread of this
/// process forks while a freshly written binary is still open for writing,
/// the child inherits that descriptor and `exec` of the binary fails with
/// "Text file busy" until the child itself execs; it clears within
/// milliseconds.
fn spawn_retrying_busy(cmd: &mut Command) -> Result<std::process::Child> {
    let mut delay = Duration::from_millis(2);
    for _ in 0..8 {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(delay);
                delay *= 2;
            }
            other => return other.with_context(|| format!("starting {:?}", cmd.get_program())),
        }
    }
    cmd.spawn().with_context(|| format!("starting {:?}", cmd.get_program()))
}
