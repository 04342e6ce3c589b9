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
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::deps::DepSet;

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
}

impl Request {
    /// A debug build of `code` in `edition`, compiled and run.
    pub fn new(code: impl Into<String>, edition: Edition) -> Request {
        Request { code: code.into(), edition, mode: Mode::Debug, tests: false, run: true }
    }
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
    /// Processes the program's user may have (enforced only for non-root users).
    pub processes: u64,
    /// Run the program as this uid/gid (used when the runner is root, so
    /// that the process limit holds and a run cannot touch the runner's files).
    pub run_as: Option<(u32, u32)>,
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
            run_as: None,
        }
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status code.
    Code(i32),
    /// Killed by this signal (not by us).
    Signal(i32),
    /// Stopped by the runner after the wall-clock limit.
    TimedOut(Duration),
    /// Stopped by the runner after printing more than the output cap.
    OutputLimit,
}

impl Exit {
    /// Exited with status 0.
    pub fn success(self) -> bool {
        self == Exit::Code(0)
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
                "did not finish within {} s and was stopped — an infinite loop, a deadlock, or waiting for input?",
                d.as_secs()
            ),
            Exit::OutputLimit => write!(f, "printed more output than the limit and was stopped"),
        }
    }
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
            return Some(match self.compile.exit {
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
        Ok(Runner { deps, limits, cache_dir, deps_key: h.finish() })
    }

    /// The crates snippets may use.
    pub fn deps(&self) -> &DepSet {
        &self.deps
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles `req.code` (or takes the cached binary) and runs it if asked.
    pub fn execute(&self, req: &Request) -> Result<Report> {
        let key = self.cache_key(req);
        let cached_bin = self.cache_dir.join(format!("{key}.bin"));
        let work = TempDir::new(&self.cache_dir)?;
        let (compile, cached) = if cached_bin.exists() {
            let out = ProcessOutput {
                exit: Exit::Code(0),
                stdout: String::new(),
                stderr: String::new(),
                truncated: false,
            };
            (out, true)
        } else {
            (self.compile(req, work.path(), &cached_bin)?, false)
        };
        let run = if compile.exit.success() && req.run {
            Some(self.run_binary(&cached_bin, work.path())?)
        } else {
            None
        };
        Ok(Report { compile, cached, run })
    }

    fn cache_key(&self, req: &Request) -> String {
        let mut h1 = DefaultHasher::new();
        (self.deps_key, req.edition, req.mode, req.tests, &req.code).hash(&mut h1);
        let mut h2 = DefaultHasher::new();
        ("second half", h1.finish(), &req.code).hash(&mut h2);
        format!("{:016x}{:016x}", h1.finish(), h2.finish())
    }

    fn compile(&self, req: &Request, work: &Path, cached_bin: &Path) -> Result<ProcessOutput> {
        let src_dir = work.join("src");
        fs::create_dir_all(&src_dir)?;
        fs::write(src_dir.join("main.rs"), &req.code)?;
        let out_bin = work.join("main");
        let mut cmd = Command::new(&self.deps.rustc);
        cmd.current_dir(work)
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
        let mut output = run_limited(&mut cmd, self.limits.compile_timeout, 256 * 1024, None)?;
        if output.exit.success() {
            // Publish atomically: concurrent requests may compile the same code.
            let tmp = cached_bin.with_extension(format!("tmp{}", std::process::id()));
            fs::copy(&out_bin, &tmp).context("copying the compiled binary into the cache")?;
            fs::rename(&tmp, cached_bin)?;
        }
        output.stderr = output.stderr.replace(&format!("{}/", work.display()), "");
        Ok(output)
    }

    fn run_binary(&self, bin: &Path, work: &Path) -> Result<ProcessOutput> {
        let run_dir = work.join("run");
        fs::create_dir_all(&run_dir)?;
        let mut cmd = Command::new(bin);
        cmd.current_dir(&run_dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("RUST_BACKTRACE", "0")
            .env("HOME", &run_dir);
        if let Some((uid, gid)) = self.limits.run_as {
            fs::set_permissions(work, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
            std::os::unix::fs::chown(&run_dir, Some(uid), Some(gid))?;
            cmd.uid(uid).gid(gid);
        }
        run_limited(&mut cmd, self.limits.run_timeout, self.limits.output_cap, Some(&self.limits))
    }
}

/// Runs `cmd` in its own process group with stdin closed, captures capped
/// output, and kills the whole group on timeout, on too much output, and
/// after the main process exits (so no child outlives the run).
fn run_limited(
    cmd: &mut Command,
    timeout: Duration,
    cap: usize,
    rlimits: Option<&Limits>,
) -> Result<ProcessOutput> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    if let Some(limits) = rlimits {
        let limits = limits.clone();
        // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                set_rlimit(libc::RLIMIT_AS, limits.memory_bytes)?;
                set_rlimit(libc::RLIMIT_FSIZE, limits.file_size_bytes)?;
                set_rlimit(libc::RLIMIT_NPROC, limits.processes)?;
                set_rlimit(libc::RLIMIT_CORE, 0)?;
                Ok(())
            });
        }
    }
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let pgid = child.id() as i32;
    let overflow = Arc::new(AtomicBool::new(false));
    let group = Arc::new(AtomicU64::new(pgid as u64));
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        let overflow = Arc::clone(&overflow);
        let group = Arc::clone(&group);
        thread::spawn(move || read_capped(pipe, cap, &overflow, group.load(Ordering::Relaxed) as i32))
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));

    let status: Option<ExitStatus> = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() >= timeout {
            kill_group(pgid);
            child.wait()?;
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    // Children left behind in the group would keep the pipes open.
    kill_group(pgid);
    let (stdout, out_cut) = stdout.join().expect("reader thread");
    let (stderr, err_cut) = stderr.join().expect("reader thread");
    let exit = match status {
        None => Exit::TimedOut(timeout),
        Some(_) if overflow.load(Ordering::Relaxed) => Exit::OutputLimit,
        Some(s) => match (s.code(), s.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(sig)) => Exit::Signal(sig),
            (None, None) => Exit::Code(-1),
        },
    };
    Ok(ProcessOutput { exit, stdout, stderr, truncated: out_cut || err_cut })
}

fn read_capped(
    pipe: Option<Box<dyn Read + Send>>,
    cap: usize,
    overflow: &AtomicBool,
    pgid: i32,
) -> (String, bool) {
    let Some(mut pipe) = pipe else { return (String::new(), false) };
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut truncated = false;
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                if n > room && !truncated {
                    truncated = true;
                    overflow.store(true, Ordering::Relaxed);
                    kill_group(pgid);
                }
            }
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    if truncated {
        text.push_str(TRUNCATED);
    }
    (text, truncated)
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

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(parent: &Path) -> Result<TempDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("run-{}-{n}", std::process::id()));
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
    }
}
