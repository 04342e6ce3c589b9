//! Compiled binaries, kept by everything that affects them and bounded in
//! size: past the cap, the least recently used binaries are deleted.
//!
//! "Used" is a binary's modification time, refreshed on every hit, so the
//! order survives restarts and is shared by every runner using the folder.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use crate::scratch;
use crate::types::Request;

/// The default size cap: room for every program of the book and its
/// quizzes (about 190, 1–3 MB each with compressed line tables), so a
/// second `cargo xtask test` compiles nothing.
pub const DEFAULT_CAP_BYTES: u64 = 512 * 1024 * 1024;

/// A folder of `<key>.bin` files, at most `cap_bytes` in total.
#[derive(Debug)]
pub struct BinaryCache {
    dir: PathBuf,
    cap_bytes: u64,
}

impl BinaryCache {
    /// Opens (or creates) the cache in `dir`, removing what dead runners left.
    pub fn new(dir: PathBuf, cap_bytes: u64) -> Result<BinaryCache> {
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        // Programs run as other uids must not be able to replace binaries.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
        scratch::remove_stale(&dir);
        Ok(BinaryCache { dir, cap_bytes })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of everything that changes the binary: toolchain and
    /// dependencies (`deps_key`), edition, optimisation, test harness, cfgs
    /// and the code. 128 bits from two differently seeded hashes.
    pub fn key(deps_key: u64, req: &Request) -> String {
        let fields = (req.edition, req.mode, req.tests, &req.cfgs, &req.code);
        let mut h1 = DefaultHasher::new();
        (deps_key, fields).hash(&mut h1);
        let mut h2 = DefaultHasher::new();
        ("second half", h1.finish(), fields).hash(&mut h2);
        format!("{:016x}{:016x}", h1.finish(), h2.finish())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.bin"))
    }

    /// The cached binary for `key`, marked as just used.
    pub fn lookup(&self, key: &str) -> Option<PathBuf> {
        let path = self.path(key);
        // Opening read-only: a binary that is running cannot be opened for writing.
        let file = fs::File::open(&path).ok()?;
        let _ = file.set_modified(SystemTime::now());
        Some(path)
    }

    /// Publishes `built` under `key` (atomically: concurrent requests may
    /// compile the same code), then evicts least recently used binaries
    /// until the cache fits its cap again. The new binary is never evicted
    /// by its own store.
    pub fn store(&self, key: &str, built: &Path, scratch_name: &Path) -> Result<PathBuf> {
        let path = self.path(key);
        let tmp = scratch_name.with_extension("bin.tmp");
        fs::copy(built, &tmp).context("copying the compiled binary into the cache")?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
        fs::rename(&tmp, &path)?;
        self.evict(&path);
        Ok(path)
    }

    /// Total bytes of cached binaries.
    pub fn size(&self) -> u64 {
        self.entries().iter().map(|e| e.1).sum()
    }

    /// `(path, bytes, last use)` of every cached binary.
    fn entries(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "bin") {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            out.push((path, meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        }
        out
    }

    fn evict(&self, keep: &Path) {
        let mut entries = self.entries();
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        if total <= self.cap_bytes {
            return;
        }
        entries.sort_by_key(|e| e.2);
        for (path, bytes, _) in entries {
            if total <= self.cap_bytes {
                break;
            }
            if path == keep {
                continue;
            }
            // Another runner may have evicted it already; a run using it
            // has its own hard link.
            if fs::remove_file(&path).is_ok() {
                total -= bytes;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Edition;
    use std::time::Duration;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("playground-cache-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn keys_differ_in_everything_that_changes_the_binary() {
        let base = Request::new("fn main() {}", Edition::E2021);
        let mut cfg = base.clone();
        cfg.cfgs.push("loom".into());
        let mut tests = base.clone();
        tests.tests = true;
        let keys = [
            BinaryCache::key(1, &base),
            BinaryCache::key(2, &base),
            BinaryCache::key(1, &cfg),
            BinaryCache::key(1, &tests),
            BinaryCache::key(1, &Request::new("fn main() {}", Edition::E2024)),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(BinaryCache::key(1, &base), BinaryCache::key(1, &base.clone()));
    }

    #[test]
    fn least_recently_used_binaries_go_first() {
        let d = dir("lru");
        let cache = BinaryCache::new(d.clone(), 2500).unwrap();
        let built = d.join("built");
        fs::write(&built, vec![0u8; 1000]).unwrap();
        let a = cache.store("a", &built, &d.join("build-a")).unwrap();
        let b = cache.store("b", &built, &d.join("build-b")).unwrap();
        // Make `a` older than `b`, then use it: now `b` is the oldest.
        fs::File::open(&a).unwrap().set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
        fs::File::open(&b).unwrap().set_modified(SystemTime::now() - Duration::from_secs(30)).unwrap();
        assert_eq!(cache.lookup("a"), Some(a.clone()));
        let c = cache.store("c", &built, &d.join("build-c")).unwrap();
        assert!(a.exists() && c.exists(), "the used and the new binary stay");
        assert!(!b.exists(), "the least recently used one is evicted");
        assert_eq!(cache.size(), 2000);
        assert_eq!(cache.lookup("b"), None);
        let _ = fs::remove_dir_all(&d);
    }
}
