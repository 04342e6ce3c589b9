//! Where the workspace is, and paths normalised without touching the disk.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub fn root() -> &'static Path {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
    })
}

/// `a/./b/../c` → `a/c`, without touching the file system; `..` at the start
/// of a relative path is dropped (as a browser does at a site's root).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the
/// current directory, as cargo reads it), else `target/` in the workspace.
/// Every folder xtask keeps build output or state in lives under it.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { std::env::current_dir().unwrap_or_default().join(dir) }
        }
        None => root().join("target"),
    }
}
