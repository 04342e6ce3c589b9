//! `POST /exercise/check`: one half of an exercise check for the page's
//! workbench, with the loom models that play.rust-lang.org cannot run.
//!
//! The page sends `{id, code, half}`; the server appends the exercise's tail
//! from the book it serves (`workbench/<id>.json`, the file the page itself
//! uses on the published site), builds the bundle as `cargo xtask exercises`
//! does, and answers with the diagnosis text and the verdict. The page asks
//! for the scenarios, then — when they pass — the models, so the learner
//! sees the first verdict as soon as it exists.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::exercise::{DATA_DIR, DATA_VERSION, Half, HalfVerdict, WorkbenchData};

/// The request: which exercise, the learner's whole file, which half.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseCheckRequest {
    /// The exercise's id, as in `exercises.toml` (`counter`).
    pub id: String,
    /// The learner's file, as in the editor.
    pub code: String,
    /// `scenarios` or `models`.
    pub half: Half,
}

/// The answer to a check that ran (refusals are [`ApiError`]s).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExerciseCheckResponse {
    pub id: String,
    pub half: Half,
    /// Every scenario (or every model, in every interleaving) passed.
    pub passed: bool,
    /// The diagnosis, as the terminal checker prints it.
    pub text: String,
    /// The binary came from the cache (rustc did not run).
    pub cached: bool,
    /// Compile and run, in milliseconds.
    pub millis: u64,
}

impl ExerciseCheckResponse {
    /// The answer for `verdict` on exercise `id`.
    pub fn new(id: &str, verdict: &HalfVerdict) -> ExerciseCheckResponse {
        ExerciseCheckResponse {
            id: id.to_string(),
            half: verdict.half,
            passed: verdict.passed,
            text: verdict.text.clone(),
            cached: verdict.cached,
            millis: u64::try_from(verdict.took.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// An exercise id as `exercises.toml` allows it: kebab-case ASCII. Anything
/// else (a path, a dot) never reaches the file system.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The tail of exercise `id` from the book in `book_dir`.
pub fn load(book_dir: &Path, id: &str) -> Result<WorkbenchData, ApiError> {
    if !valid_id(id) {
        return Err(ApiError::BadRequest(format!(
            "`{id}` is not an exercise id (kebab-case, like `counter`)"
        )));
    }
    let path = book_dir.join(DATA_DIR).join(format!("{id}.json"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::NotFound(format!(
                "this book has no exercise `{id}` ({DATA_DIR}/{id}.json is missing: rebuild the book with `cargo xtask serve`)"
            )));
        }
        Err(e) => return Err(ApiError::Internal(format!("reading {DATA_DIR}/{id}.json: {e}"))),
    };
    let data: WorkbenchData = serde_json::from_str(&text).map_err(|e| {
        ApiError::Internal(format!(
            "{DATA_DIR}/{id}.json is damaged ({e}): rebuild the book with `cargo xtask serve`"
        ))
    })?;
    if data.v != DATA_VERSION || data.id != id {
        return Err(ApiError::Internal(format!(
            "{DATA_DIR}/{id}.json was written by another version of the course: rebuild the book with `cargo xtask serve`"
        )));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kebab_case_ids_are_exercise_ids() {
        for ok in ["counter", "word-count", "loom-model", "q2"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "../etc/passwd",
            "Counter",
            "word_count",
            "-x",
            "x-",
            "a--b",
            "x.json",
            "a/b",
            &"x".repeat(65),
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_missing_or_foreign_file_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("workbench-load-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(DATA_DIR)).unwrap();
        let err = load(&dir, "counter").unwrap_err();
        assert!(
            matches!(err, ApiError::NotFound(_)) && err.to_string().contains("cargo xtask serve"),
            "{err}"
        );
        let err = load(&dir, "../x").unwrap_err();
        assert!(matches!(err, ApiError::BadRequest(_)), "{err}");
        let data = WorkbenchData {
            v: DATA_VERSION,
            id: "other".into(),
            label: "exercises/src/other.rs".into(),
            tail: String::new(),
            words: crate::exercise::words(),
        };
        std::fs::write(dir.join(DATA_DIR).join("counter.json"), serde_json::to_string(&data).unwrap())
            .unwrap();
        let err = load(&dir, "counter").unwrap_err();
        assert!(err.to_string().contains("another version"), "{err}");
        std::fs::write(dir.join(DATA_DIR).join("counter.json"), "{").unwrap();
        assert!(load(&dir, "counter").unwrap_err().to_string().contains("damaged"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
