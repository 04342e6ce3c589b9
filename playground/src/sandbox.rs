//! Running a program as a throw-away user when the runner is root.
//!
//! Root ignores `RLIMIT_NPROC`, and a program can escape a process-group kill
//! with `setsid`. So a root runner gives every run its own high uid (no
//! passwd entry needed), leased through a lock file so that concurrent runs —
//! in this process or in another runner on the machine — never share one.
//! At the end of a run, a helper process that has become that uid calls
//! `kill(-1, SIGKILL)`, which reaches every process of the uid wherever it
//! went; the runner is a child subreaper, so the killed orphans come back to
//! it and are reaped (this machine's init may not reap zombies, and zombies
//! still count against the uid's process limit).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::scratch::{TempDir, remove_stale};
use crate::wait::wait_timeout;

/// The uids runs may use: `base .. base + count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidRange {
    pub base: u32,
    pub count: u32,
}

impl Default for UidRange {
    /// Far above any uid a distribution hands out.
    fn default() -> UidRange {
        UidRange { base: 1_500_000_000, count: 4096 }
    }
}

/// The exclusive right to run as one uid, until dropped.
#[derive(Debug)]
pub struct Lease {
    uid: u32,
    _lock: File,
}

impl Lease {
    /// The leased uid (also used as the gid).
    pub fn uid(&self) -> u32 {
        self.uid
    }
}

/// Whether this process runs as root (so runs should use leased uids).
pub fn is_root() -> bool {
    // SAFETY: plain syscall.
    unsafe { libc::geteuid() == 0 }
}

/// A root-owned directory no other user can write, for lock files and run
/// directories: `/run/fearless-locking` (or under the temp dir without `/run`).
pub fn private_root() -> Result<PathBuf> {
    let parent = if Path::new("/run").is_dir() { PathBuf::from("/run") } else { std::env::temp_dir() };
    let dir = parent.join("fearless-locking");
    match fs::DirBuilder::new().mode(0o755).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("creating {}", dir.display())),
    }
    // Refuse a directory (or symlink) someone else planted there.
    let meta = fs::symlink_metadata(&dir)?;
    // SAFETY: plain syscall.
    let me = unsafe { libc::geteuid() };
    if !meta.is_dir() || meta.uid() != me || meta.mode() & 0o022 != 0 {
        bail!("{} is not a directory owned by uid {me} and writable only by it", dir.display());
    }
    Ok(dir)
}

/// Leases a free uid from `range`, waiting up to a few seconds if all are taken.
pub fn lease(range: UidRange, lock_dir: &Path) -> Result<Lease> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    fs::create_dir_all(lock_dir).with_context(|| format!("creating {}", lock_dir.display()))?;
    let start = std::process::id().wrapping_mul(131).wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed));
    let found =
        wait_timeout(Duration::from_secs(5), Duration::from_millis(20), || -> Result<Option<Lease>> {
            for i in 0..range.count {
                let uid = range.base + (start.wrapping_add(i) % range.count);
                let path = lock_dir.join(format!("{uid}.lock"));
                let file = OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .with_context(|| format!("opening {}", path.display()))?;
                file.set_permissions(fs::Permissions::from_mode(0o644))?;
                // SAFETY: flock on an open descriptor we own.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                    return Ok(Some(Lease { uid, _lock: file }));
                }
            }
            Ok(None)
        })?;
    found.with_context(|| format!("all {} sandbox uids are in use (waited 5 s)", range.count))
}

/// Makes orphaned descendants of this process re-parent to it (instead of to
/// init), so that [`kill_uid`] can reap them.
pub fn become_subreaper() {
    // SAFETY: prctl with integer arguments.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Sends SIGKILL to every process of `uid` from a helper that has become
/// `uid`; true if any process was signalled.
fn signal_all(uid: u32) -> Result<bool> {
    // SAFETY: between fork and _exit the child only makes raw syscalls, which
    // are async-signal-safe; raw setuid/setgid change only the calling thread,
    // the child's only one.
    unsafe {
        let pid = libc::fork();
        if pid < 0 {
            return Err(io::Error::last_os_error()).context("fork for the uid sweep");
        }
        if pid == 0 {
            let ok = libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) == 0
                && libc::syscall(libc::SYS_setgid, uid) == 0
                && libc::syscall(libc::SYS_setuid, uid) == 0;
            if !ok {
                libc::_exit(3);
            }
            let signalled = libc::kill(-1, libc::SIGKILL) == 0;
            libc::_exit(if signalled { 1 } else { 0 });
        }
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) < 0 {
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err).context("waiting for the uid sweep");
            }
        }
        match libc::WEXITSTATUS(status) {
            0 => Ok(false),
            1 => Ok(true),
            code => bail!("the uid sweep helper could not become uid {uid} (status {code})"),
        }
    }
}

/// One process seen in `/proc`.
#[derive(Debug, Clone, Copy)]
pub struct ProcInfo {
    pub pid: i32,
    pub ppid: i32,
    pub zombie: bool,
    pub threads: u64,
}

/// The processes whose real uid is `uid`.
pub fn processes_of(uid: u32) -> Vec<ProcInfo> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else { return out };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else { continue };
        let (real_uid, info) = parse_status(pid, &status);
        if real_uid == Some(uid) {
            out.push(info);
        }
    }
    out
}

/// The real uid (the first of `Uid:`'s four) and what [`processes_of`]
/// reports, from the text of `/proc/<pid>/status`. A missing field reads as
/// the harmless default: parent 0, not a zombie, one thread.
fn parse_status(pid: i32, status: &str) -> (Option<u32>, ProcInfo) {
    let field =
        |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or_default();
    let real_uid = field("Uid:").split_whitespace().next().and_then(|u| u.parse::<u32>().ok());
    let info = ProcInfo {
        pid,
        ppid: field("PPid:").parse().unwrap_or(0),
        zombie: field("State:").starts_with('Z'),
        threads: field("Threads:").parse().unwrap_or(1),
    };
    (real_uid, info)
}

/// Kills every process of `uid` and reaps the ones that were re-parented to
/// this process; fails if a live process of `uid` remains after 5 s.
pub fn kill_uid(uid: u32) -> Result<()> {
    if !signal_all(uid)? {
        return Ok(());
    }
    let me = std::process::id() as i32;
    let mut live = 0;
    let gone = wait_timeout(Duration::from_secs(5), Duration::from_millis(2), || -> Result<Option<()>> {
        live = 0;
        for p in processes_of(uid) {
            if p.zombie {
                if p.ppid == me {
                    let mut status = 0;
                    // SAFETY: reaping a zombie child of ours that belongs to this
                    // run's uid (no `Child` handle refers to it any more).
                    unsafe { libc::waitpid(p.pid, &mut status, libc::WNOHANG) };
                }
            } else {
                live += 1;
            }
        }
        if live == 0 {
            return Ok(Some(()));
        }
        // SIGKILL is delivered asynchronously: give the dying a moment, and
        // catch what they forked meanwhile.
        signal_all(uid)?;
        Ok(None)
    })?;
    match gone {
        Some(()) => Ok(()),
        None => bail!("{live} processes of uid {uid} survived SIGKILL"),
    }
}

/// Where and as whom programs run: a leased uid each when the runner is
/// root, the runner's own user otherwise. It owns the steps before a run
/// ([`Sandbox::prepare`]) and after it ([`Sandbox::finish`]).
pub struct Sandbox {
    uids: Option<Uids>,
    /// Run directories are made here.
    runs_dir: PathBuf,
}

struct Uids {
    range: UidRange,
    lock_dir: PathBuf,
}

/// One prepared run: the program's copy, its directory, and its uid lease.
pub struct Place {
    /// Removed on drop, after the run.
    _work: TempDir,
    /// The program to execute (a hard link to, or copy of, the cached binary,
    /// so evicting it from the cache cannot pull it from under the run).
    pub exe: PathBuf,
    /// The program's working, home and temp directory.
    pub dir: PathBuf,
    lease: Option<Lease>,
}

impl Place {
    /// The leased uid the program runs as, if any.
    pub fn uid(&self) -> Option<u32> {
        self.lease.as_ref().map(Lease::uid)
    }
}

impl Sandbox {
    /// Leased uids from `uids` (the runner must be root), run directories
    /// under a root-owned directory; or, without `uids`, runs as this user
    /// in directories under `scratch`.
    pub fn new(uids: Option<UidRange>, scratch: &Path) -> Result<Sandbox> {
        let Some(range) = uids else {
            return Ok(Sandbox { uids: None, runs_dir: scratch.to_path_buf() });
        };
        if !is_root() {
            bail!("running snippets as other uids needs root");
        }
        let root = private_root()?;
        let all_runs = root.join("runs");
        fs::create_dir_all(&all_runs)?;
        fs::set_permissions(&all_runs, fs::Permissions::from_mode(0o755))?;
        remove_stale(&all_runs);
        // One folder per runner, so each can account for its own runs.
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let runs_dir = all_runs.join(format!("runner-{}-{n}", std::process::id()));
        fs::create_dir_all(&runs_dir)?;
        fs::set_permissions(&runs_dir, fs::Permissions::from_mode(0o755))?;
        become_subreaper();
        Ok(Sandbox { uids: Some(Uids { range, lock_dir: root.join("uids") }), runs_dir })
    }

    /// Whether programs run as leased uids.
    pub fn leases_uids(&self) -> bool {
        self.uids.is_some()
    }

    /// Where run directories are made.
    pub fn runs_dir(&self) -> &Path {
        &self.runs_dir
    }

    /// Leases a uid (and kills whatever a crashed runner left under it),
    /// makes a fresh run directory the program may write, and links `bin`
    /// into it. `Ok(None)` when `bin` is gone (evicted from the cache).
    pub fn prepare(&self, bin: &Path) -> Result<Option<Place>> {
        let lease = match &self.uids {
            Some(uids) => Some(lease(uids.range, &uids.lock_dir)?),
            None => None,
        };
        if let Some(lease) = &lease {
            kill_uid(lease.uid())?;
        }
        let work = TempDir::new(&self.runs_dir, "run")?;
        fs::set_permissions(work.path(), fs::Permissions::from_mode(0o755))?;
        // The program needs a copy it can execute but not modify, outside the
        // workspace (whose parents it may not be allowed to enter).
        let exe = work.path().join("main");
        if let Err(e) = fs::hard_link(bin, &exe) {
            if e.kind() == io::ErrorKind::NotFound {
                return Ok(None);
            }
            match fs::copy(bin, &exe) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                other => other.context("copying the program into its run directory")?,
            };
            fs::set_permissions(&exe, fs::Permissions::from_mode(0o755))?;
        }
        let dir = work.path().join("run");
        fs::create_dir_all(&dir)?;
        if let Some(lease) = &lease {
            std::os::unix::fs::chown(&dir, Some(lease.uid()), Some(lease.uid()))?;
        }
        Ok(Some(Place { _work: work, exe, dir, lease }))
    }

    /// Kills every process of the run's uid (wherever it went) and reaps
    /// them; the directory and the lease go when `place` is dropped.
    pub fn finish(&self, place: &Place) -> Result<()> {
        match place.uid() {
            Some(uid) => kill_uid(uid),
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.uids.is_some() {
            let _ = fs::remove_dir_all(&self.runs_dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `/proc/<pid>/status` captured on Linux 6.x: a running single-threaded
    // process (root), a zombie (a `sleep` its parent never reaped), and a
    // four-thread python run as uid 65534 (`setpriv --reuid=65534`).
    const RUNNING: &str = include_str!("fixtures/proc-status-running.txt");
    const ZOMBIE: &str = include_str!("fixtures/proc-status-zombie.txt");
    const THREADS: &str = include_str!("fixtures/proc-status-threads.txt");

    fn fields(info: ProcInfo) -> (i32, i32, bool, u64) {
        (info.pid, info.ppid, info.zombie, info.threads)
    }

    #[test]
    fn a_status_file_gives_the_real_uid_the_parent_the_state_and_the_threads() {
        let (uid, info) = parse_status(7, RUNNING);
        assert_eq!((uid, fields(info)), (Some(0), (7, 20869, false, 1)));
        let (uid, info) = parse_status(8, ZOMBIE);
        assert_eq!((uid, fields(info)), (Some(0), (8, 20873, true, 1)));
        let (uid, info) = parse_status(9, THREADS);
        assert_eq!((uid, fields(info)), (Some(65534), (9, 20916, false, 4)));
    }

    #[test]
    fn the_real_uid_is_the_first_of_four_and_a_bad_file_belongs_to_no_one() {
        let setuid = RUNNING.replace("Uid:\t0\t0\t0\t0", "Uid:\t1000\t0\t0\t0");
        assert_eq!(parse_status(1, &setuid).0, Some(1000));
        let (uid, info) = parse_status(1, "Name:\tgone\n");
        assert_eq!((uid, fields(info)), (None, (1, 0, false, 1)));
    }
}
