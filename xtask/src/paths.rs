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
