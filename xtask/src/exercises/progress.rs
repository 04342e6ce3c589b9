//! Progress, kept in `target/exercises-progress.json` (ignored by git, like
//! all of `target/`). Each result is stored with a fingerprint of the files it
//! was computed from, so a listing re-runs only exercises whose files changed.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{Exercise, dir};

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct Entry {
    solved: bool,
    fingerprint: String,
}

/// Every exercise's last result.
#[derive(Default)]
pub struct Progress {
    entries: BTreeMap<String, Entry>,
}

fn path() -> PathBuf {
    crate::paths::root().join("target").join("exercises-progress.json")
}

/// A hash of what decides the result: the starter, the tests and their helper.
fn fingerprint(exercise: &Exercise) -> String {
    let mut hasher = DefaultHasher::new();
    for file in [exercise.starter.as_str(), exercise.test.as_str(), "tests/common/mod.rs", "src/lib.rs"] {
        file.hash(&mut hasher);
        fs::read(dir().join(file)).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

impl Progress {
    /// The saved progress; a missing or unreadable file means none yet.
    pub fn load() -> Self {
        let entries =
            fs::read_to_string(path()).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        Progress { entries }
    }

    /// Whether `exercise` is solved, if its files have not changed since.
    pub fn solved(&self, exercise: &Exercise) -> Option<bool> {
        let entry = self.entries.get(&exercise.id)?;
        (entry.fingerprint == fingerprint(exercise)).then_some(entry.solved)
    }

    /// Records a result for the exercise's current files.
    pub fn record(&mut self, exercise: &Exercise, solved: bool) {
        self.entries.insert(exercise.id.clone(), Entry { solved, fingerprint: fingerprint(exercise) });
    }

    /// Writes the file.
    pub fn save(&self) -> Result<()> {
        let path = path();
        fs::create_dir_all(path.parent().expect("target/ has a parent"))?;
        let text = serde_json::to_string_pretty(&self.entries)?;
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }
}
