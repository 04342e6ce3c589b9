//! Temporary directories of builds and runs: named after the runner's pid,
//! removed on drop, and swept at start-up when their runner is gone.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// A directory removed on drop: `<parent>/<kind>-<pid>-<n>`.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(parent: &Path, kind: &str) -> Result<TempDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("{kind}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
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

/// Whether `name` is a build or run directory (or a binary being published).
pub fn is_scratch(name: &str) -> bool {
    name.starts_with("build-") || name.starts_with("run-") || name.ends_with(".tmp")
}

/// Removes `build-<pid>-*` / `run(ner)-<pid>-*` entries of runners that are
/// gone (killed before their temp dirs could be removed).
pub fn remove_stale(parent: &Path) {
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
