//! Supervising one process: its own process group, stdin closed, output
//! captured up to a cap, resource limits set before `exec`, a wall-clock
//! limit that kills the whole group, and (for programs) the deadlock
//! detector sampling its threads while it runs.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::deadlock::Detector;
use crate::types::{Activity, Exit, ProcessOutput, TRUNCATED};
use crate::wait::wait_timeout;

/// What one process is held to.
#[derive(Debug, Clone)]
pub struct ProcessLimits {
    /// Wall-clock limit, from just before the process is started.
    pub timeout: Duration,
    /// Bytes kept of each of stdout and stderr; past that it is stopped.
    pub output_cap: usize,
    /// Kernel resource limits, for programs (never for rustc, which needs
    /// gigabytes of address space).
    pub rlimits: Option<Rlimits>,
}

/// Resource limits set in the child between `fork` and `exec`.
#[derive(Debug, Clone, Copy)]
pub struct Rlimits {
    /// `RLIMIT_AS`.
    pub memory_bytes: u64,
    /// `RLIMIT_FSIZE`.
    pub file_size_bytes: u64,
    /// `RLIMIT_NPROC`: processes and threads of the user, in total.
    pub processes: u64,
}

/// Runs `cmd` under `limits`. The whole process group is killed on
/// timeout, on too much output, on a deadlock, and after the main process
/// exits (so no child outlives the run). `after_exit` runs once the main
/// process has been waited for (to kill whatever escaped the group, so the
/// pipes close). With a `detector`, the program's threads are sampled while
/// it runs and a deadlock stops it early.
pub fn supervise(
    cmd: &mut Command,
    limits: &ProcessLimits,
    mut detector: Option<&mut Detector>,
    after_exit: &dyn Fn(),
) -> Result<ProcessOutput> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    if let Some(rl) = limits.rlimits {
        // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                set_rlimit(libc::RLIMIT_AS, rl.memory_bytes)?;
                set_rlimit(libc::RLIMIT_FSIZE, rl.file_size_bytes)?;
                set_rlimit(libc::RLIMIT_NPROC, rl.processes)?;
                set_rlimit(libc::RLIMIT_CORE, 0)?;
                Ok(())
            });
        }
    }
    // The clock starts before `spawn`: the program may run for a while
    // before `spawn` returns to a busy runner, and that time counts.
    let started = Instant::now();
    let mut child = spawn_retrying_busy(cmd)?;
    let deadline = started + limits.timeout;
    let pgid = child.id() as i32;
    let pidfd = pidfd_open(pgid);
    if let Some(d) = detector.as_deref_mut() {
        d.start(pgid, started);
    }
    let mut pipes = [
        Pipe::new(child.stdout.take().map(OwnedFd::from)),
        Pipe::new(child.stderr.take().map(OwnedFd::from)),
    ];
    let mut status: Option<ExitStatus> = None;
    let mut forced: Option<Exit> = None;
    // After the program exits, a process that escaped the group may still
    // hold the pipes open: read what is there, then stop waiting.
    let mut drain_until: Option<Instant> = None;
    let stop = |child: &mut std::process::Child| -> Result<ExitStatus> {
        kill_group(pgid);
        let status = child.wait()?;
        after_exit();
        Ok(status)
    };
    loop {
        if status.is_none() {
            let exited = child.try_wait()?;
            // Read after `try_wait`: an exit seen after the deadline counts as
            // over the limit even if the runner was slow to look.
            let now = Instant::now();
            if let Some(s) = exited {
                kill_group(pgid);
                after_exit();
                status = Some(s);
                drain_until = Some(Instant::now() + Duration::from_millis(500));
                if now >= deadline && forced.is_none() {
                    // It ended, but not within the limit (or so close to it
                    // that the runner could not see it end in time).
                    let activity = detector.as_deref_mut().map_or(Activity::Busy, |d| d.activity(now));
                    forced = Some(Exit::TimedOut { limit: limits.timeout, activity });
                }
            } else if now >= deadline {
                let activity = detector.as_deref_mut().map_or(Activity::Busy, |d| d.activity(now));
                status = Some(stop(&mut child)?);
                forced = Some(Exit::TimedOut { limit: limits.timeout, activity });
                drain_until = Some(Instant::now() + Duration::from_millis(500));
            } else if let Some(d) = detector.as_deref_mut()
                && d.due(now)
                && let Some(report) = d.sample(now)
            {
                status = Some(stop(&mut child)?);
                forced = Some(Exit::Deadlock(report));
                drain_until = Some(Instant::now() + Duration::from_millis(500));
            }
        }
        let open: Vec<usize> = (0..2).filter(|&i| pipes[i].fd.is_some()).collect();
        if status.is_some() && (open.is_empty() || drain_until.is_some_and(|d| Instant::now() >= d)) {
            break;
        }
        let now = Instant::now();
        let mut until = drain_until.unwrap_or(deadline);
        if status.is_none()
            && let Some(d) = detector.as_deref()
        {
            until = until.min(d.next_sample());
        }
        // Round up, so the loop does not spin through the last millisecond.
        let remaining = until.saturating_duration_since(now);
        let mut wait_ms = remaining.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
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
            if fds[slot].revents != 0 && pipes[i].read_some(limits.output_cap) && forced.is_none() {
                forced = Some(Exit::OutputLimit);
                kill_group(pgid);
            }
        }
    }
    kill_group(pgid);
    let status = status.expect("the loop ends after the program exits");
    let [out, err] = pipes;
    let exit = forced.unwrap_or_else(|| match (status.code(), status.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(sig)) => Exit::Signal(sig),
        (None, None) => Exit::Code(-1),
    });
    Ok(ProcessOutput { exit, stdout: out.into_text(), stderr: err.into_text() })
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

/// Spawns `cmd`, retrying briefly on ETXTBSY. When another thread of this
/// process forks while a freshly written binary is still open for writing,
/// the child inherits that descriptor and `exec` of the binary fails with
/// "Text file busy" until the child itself execs; it clears within
/// milliseconds.
fn spawn_retrying_busy(cmd: &mut Command) -> Result<std::process::Child> {
    let attempt = wait_timeout(Duration::from_millis(500), Duration::from_millis(5), || match cmd.spawn() {
        Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => Ok(None),
        other => other.map(Some),
    });
    match attempt {
        Ok(Some(child)) => Ok(child),
        Ok(None) => cmd.spawn(),
        Err(e) => Err(e),
    }
    .with_context(|| format!("starting {:?}", cmd.get_program()))
}
