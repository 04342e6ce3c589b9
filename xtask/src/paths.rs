//! Where the workspace is, the one directory walk, and paths normalised
//! without touching the disk.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

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

/// Every file below `dir` whose name ends in `.{extension}`, at any depth,
/// sorted; folders named `target` (build output) are not entered. The one
/// directory walk of xtask: pages, quizzes, built HTML, Rust sources.
pub fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).with_context(|| format!("listing {}", folder.display()))? {
            let path = entry.with_context(|| format!("listing {}", folder.display()))?.path();
            if path.is_dir() {
                if path.file_name().is_none_or(|n| n != "target") {
                    folders.push(path);
                }
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_finds_files_at_any_depth_sorted_and_skips_target() {
        let dir = std::env::temp_dir().join(format!("xtask-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for file in ["b.md", "a/z.md", "a/deep/y.md", "a/x.toml", "target/t.md", "c/target/u.md"] {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "").unwrap();
        }
        let found = files_with_extension(&dir, "md");
        let _ = fs::remove_dir_all(&dir);
        let found: Vec<String> = found
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["a/deep/y.md", "a/z.md", "b.md"]);
        assert!(files_with_extension(&dir, "md").unwrap_err().to_string().contains("listing"));
    }

    #[test]
    fn normalize_never_climbs_above_the_start() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x.js")), PathBuf::from("x.js"));
    }
}
