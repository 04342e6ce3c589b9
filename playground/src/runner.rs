//! Compiles and runs one snippet: rustc under a time limit, the binary
//! cache, and the program under every limit with the deadlock detector.
//!
//! Every compile gets a fresh temporary directory, every run a fresh run
//! directory from the [`Sandbox`]; both are removed afterwards. Resource
//! limits (memory, file size, processes) apply to the program, never to
//! rustc, which needs gigabytes of address space. Output is never cached,
//! because concurrent programs vary.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::cache::{BinaryCache, DEFAULT_CAP_BYTES};
use crate::deadlock::{DETECTOR_ENV, Detector, DetectorConfig};
use crate::deps::{DepSet, Listed};
use crate::limits::{Limits, RunAs};
use crate::process::{ProcessLimits, Rlimits, supervise};
use crate::sandbox::{self, Place, Sandbox, UidRange};
use crate::scratch::{self, TempDir};
use crate::types::{Exit, Mode, ProcessOutput, Report, Request};

/// What the server needs from a runner: the seam that lets server tests
/// run without rustc.
pub trait Execute: Send + Sync {
    /// Compiles `req.code` (or takes a cached binary) and runs it if asked.
    fn execute(&self, req: &Request) -> Result<Report>;
    /// The crates snippets may use, for `/meta/crates`.
    fn crates(&self) -> Vec<Listed>;
}

/// Compiles and runs snippets against a prebuilt dependency set.
pub struct Runner {
    deps: DepSet,
    limits: Limits,
    cache: BinaryCache,
    deps_key: u64,
    sandbox: Sandbox,
    detector: Option<DetectorConfig>,
}

impl Runner {
    /// A runner caching binaries under `cache_dir`, with the default cap.
    pub fn new(deps: DepSet, limits: Limits, cache_dir: PathBuf) -> Result<Runner> {
        Runner::with_cache(deps, limits, BinaryCache::new(cache_dir, DEFAULT_CAP_BYTES)?)
    }

    /// A runner using `cache`.
    pub fn with_cache(deps: DepSet, limits: Limits, cache: BinaryCache) -> Result<Runner> {
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
        let sandbox = Sandbox::new(uids, cache.dir())?;
        Ok(Runner {
            deps,
            limits,
            cache,
            deps_key: h.finish(),
            sandbox,
            detector: Some(DetectorConfig::default()),
        })
    }

    /// Turns the deadlock detector off (`None`) or tunes it. On by default.
    pub fn with_detector(mut self, detector: Option<DetectorConfig>) -> Runner {
        self.detector = detector;
        self
    }

    /// The crates snippets may use.
    pub fn deps(&self) -> &DepSet {
        &self.deps
    }

    /// The binary cache.
    pub fn cache(&self) -> &BinaryCache {
        &self.cache
    }

    /// Temporary directories of runs in progress (empty when idle: every run
    /// removes its own).
    pub fn scratch_dirs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for dir in [self.cache.dir(), self.sandbox.runs_dir()] {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                if scratch::is_scratch(&entry.file_name().to_string_lossy()) {
                    out.push(entry.path());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether programs run as leased uids (root runner) rather than as the
    /// runner's own user.
    pub fn sandboxed(&self) -> bool {
        self.sandbox.leases_uids()
    }

    /// The rustc command that compiles `dir/src/main.rs` into `out` as
    /// `req` asks: the crate is `main`, the snippet gets line tables (for
    /// the deadlock detector's stacks) in compressed sections, the
    /// prebuilt dependencies none. `cargo xtask bench playground` times
    /// exactly this command.
    pub fn rustc_command(&self, req: &Request, dir: &Path, out: &Path) -> Command {
        let mut cmd = Command::new(&self.deps.rustc);
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .args(["--edition", req.edition.as_str(), "--crate-name", "main", "--crate-type", "bin"])
            .args(["--color", "never", "-C", "debuginfo=line-tables-only"])
            .args(["-C", "link-arg=-Wl,--compress-debug-sections=zlib", "-C"])
            .arg(match req.mode {
                Mode::Debug => "opt-level=0",
                Mode::Release => "opt-level=3",
            });
        for cfg in &req.cfgs {
            cmd.args(["--cfg", cfg]);
        }
        cmd.args(self.deps.rustc_args()).arg("src/main.rs").arg("-o").arg(out);
        if req.tests {
            cmd.arg("--test");
        }
        cmd
    }

    fn compile(&self, req: &Request, key: &str) -> Result<(ProcessOutput, Option<PathBuf>)> {
        let work = TempDir::new(self.cache.dir(), "build")?;
        fs::create_dir_all(work.path().join("src"))?;
        fs::write(work.path().join("src").join("main.rs"), &req.code)?;
        let out_bin = work.path().join("main");
        let mut cmd = self.rustc_command(req, work.path(), &out_bin);
        let limits = ProcessLimits {
            timeout: self.limits.compile_timeout,
            output_cap: self.limits.compile_output_cap,
            rlimits: None,
        };
        let mut output = supervise(&mut cmd, &limits, None, &|| ())?;
        output.stderr = output.stderr.replace(&format!("{}/", work.path().display()), "");
        if !output.exit.success() {
            return Ok((output, None));
        }
        let bin = self.cache.store(key, &out_bin, work.path())?;
        Ok((output, Some(bin)))
    }

    fn run(&self, req: &Request, place: &Place) -> Result<ProcessOutput> {
        let mut cmd = Command::new(&place.exe);
        cmd.current_dir(&place.dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("RUST_BACKTRACE", "0")
            .env("HOME", &place.dir)
            .env("TMPDIR", &place.dir)
            .env(DETECTOR_ENV, "1")
            // Fewer malloc arenas: each reserves 64 MiB of the address-space limit.
            .env("MALLOC_ARENA_MAX", "2");
        if req.tests {
            // One test at a time: a deadlocked test then leaves every thread
            // blocked (libtest's main thread waits without a timeout only
            // in this mode), and the output order is stable.
            cmd.arg("--test-threads=1");
        }
        if let Some(uid) = place.uid() {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(uid);
        }
        let processes = match place.uid() {
            Some(_) => self.limits.processes,
            None => {
                // Our own user's processes count against RLIMIT_NPROC too.
                // SAFETY: plain syscall.
                let uid = unsafe { libc::getuid() };
                let existing: u64 = sandbox::processes_of(uid).iter().map(|p| p.threads).sum();
                existing + self.limits.processes
            }
        };
        let limits = ProcessLimits {
            timeout: self.limits.run_timeout,
            output_cap: self.limits.output_cap,
            rlimits: Some(Rlimits {
                memory_bytes: self.limits.memory_bytes,
                file_size_bytes: self.limits.file_size_bytes,
                processes,
            }),
        };
        let mut detector = self.detector.clone().map(|c| Detector::new(c, place.uid()));
        let sweep_failed = std::cell::Cell::new(None);
        let kill_everything = || {
            if let Err(e) = self.sandbox.finish(place) {
                sweep_failed.set(Some(e));
            }
        };
        let output = supervise(&mut cmd, &limits, detector.as_mut(), &kill_everything);
        // Once more: on an error path the program may not have been waited for.
        kill_everything();
        if let Some(e) = sweep_failed.take() {
            return Err(e);
        }
        let mut output = output?;
        if let Exit::Deadlock(report) = &mut output.exit {
            if req.tests {
                report.drop_test_harness_frames();
            }
            report.quote_source("src/main.rs", &req.code);
        }
        Ok(output)
    }
}

impl Runner {
    /// Compiles `req.code` (or takes the cached binary) and runs it if asked.
    pub fn execute(&self, req: &Request) -> Result<Report> {
        let key = BinaryCache::key(self.deps_key, req);
        // Twice at most: a cached binary can be evicted between the lookup
        // and the run's hard link to it.
        for _ in 0..2 {
            let (compile, cached, bin) = match self.cache.lookup(&key) {
                Some(bin) => {
                    let ok =
                        ProcessOutput { exit: Exit::Code(0), stdout: String::new(), stderr: String::new() };
                    (ok, true, Some(bin))
                }
                None => {
                    let (out, bin) = self.compile(req, &key)?;
                    (out, false, bin)
                }
            };
            let run = match bin {
                Some(bin) if req.run => match self.sandbox.prepare(&bin)? {
                    Some(place) => Some(self.run(req, &place)?),
                    None => continue,
                },
                _ => None,
            };
            let limit = self.limits.hit(&compile, run.as_ref());
            return Ok(Report { compile, cached, run, limit });
        }
        anyhow::bail!("the compiled program kept disappearing from the cache (is the cache cap too small?)")
    }
}

impl Execute for Runner {
    fn execute(&self, req: &Request) -> Result<Report> {
        Runner::execute(self, req)
    }

    fn crates(&self) -> Vec<Listed> {
        self.deps.listing()
    }
}
