//! The learner's progress, kept in `<target dir>/exercises-progress.json`
//! (ignored by git, like all of `target/`): per exercise, whether it was
//! solved — stored with a fingerprint of everything the verdict depends on,
//! so a listing re-checks only exercises whose files changed — and how many
//! hints `--hint` has shown.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{Exercise, dir};

#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Eq)]
struct Entry {
    /// Every scenario and model passed, for the files of `fingerprint`.
    #[serde(default)]
    solved: bool,
    #[serde(default)]
    fingerprint: String,
    /// Hints shown so far.
    #[serde(default)]
    hints_shown: usize,
}

/// Every exercise's last result and hints.
#[derive(Default)]
pub struct Progress {
    entries: BTreeMap<String, Entry>,
}

fn path() -> PathBuf {
    crate::paths::target_dir().join("exercises-progress.json")
}

/// A hash of what decides the verdict: the starter, the checks, the
/// harness and the sync facade.
fn fingerprint(exercise: &Exercise) -> String {
    let mut hasher = DefaultHasher::new();
    for file in [exercise.starter(), exercise.checks(), "checks/harness.rs".into(), "src/sync.rs".into()] {
        file.hash(&mut hasher);
        fs::read(dir().join(&file)).unwrap_or_default().hash(&mut hasher);
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

    /// Records a verdict for the exercise's current files.
    pub fn record(&mut self, exercise: &Exercise, solved: bool) {
        let entry = self.entries.entry(exercise.id.clone()).or_default();
        entry.solved = solved;
        entry.fingerprint = fingerprint(exercise);
    }

    /// How many hints of `exercise` were shown.
    pub fn hints_shown(&self, exercise: &Exercise) -> usize {
        self.entries.get(&exercise.id).map_or(0, |e| e.hints_shown)
    }

    pub fn set_hints_shown(&mut self, exercise: &Exercise, shown: usize) {
        self.entries.entry(exercise.id.clone()).or_default().hints_shown = shown;
    }

    /// Writes the file.
    pub fn save(&self) -> Result<()> {
        let path = path();
        fs::create_dir_all(path.parent().expect("the target dir has a parent"))?;
        let text = serde_json::to_string_pretty(&self.entries)?;
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }
}
