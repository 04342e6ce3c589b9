//! The parts of the course that follow from `exercises.toml`, written by
//! `cargo xtask exercises --sync` (rustlings' `dev update` pattern) and
//! compared by the consistency check, which says "run --sync" when they
//! differ. Adding an exercise then touches the TOML and its own files only.
//!
//! Generated regions sit between two marker lines, so the text around them
//! stays hand-written; `exercises/tests/<m>.rs` is generated whole.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::{Exercise, dir, list};

/// The first word of every begin marker, in whatever comment syntax.
const BEGIN: &str = "generated-begin";
/// The end marker's text.
const END: &str = "generated-end";
/// What the begin marker says.
const WHO: &str = "written by `cargo xtask exercises --sync` from exercises/exercises.toml; do not edit";

/// One generated file or region: where, and what it must hold.
pub struct Part {
    /// Relative to the repository.
    pub path: String,
    /// The whole file (`None`), or the region between markers in this
    /// comment syntax: (line start, line end), e.g. ("<!-- ", " -->").
    pub region: Option<(&'static str, &'static str)>,
    pub text: String,
}

/// Every generated part, from the list.
pub fn parts(exercises: &[Exercise]) -> Vec<Part> {
    let mut parts = vec![
        Part { path: "exercises/src/lib.rs".into(), region: Some(("// ", "")), text: lib_modules(exercises) },
        Part { path: "exercises/Cargo.toml".into(), region: Some(("# ", "")), text: test_targets(exercises) },
        Part {
            path: "src/exercises/index.md".into(),
            region: Some(("<!-- ", " -->")),
            text: index_table(exercises),
        },
        Part { path: "src/SUMMARY.md".into(), region: Some(("<!-- ", " -->")), text: summary(exercises) },
        Part {
            path: "src/exercises/solutions.md".into(),
            region: Some(("<!-- ", " -->")),
            text: solutions(exercises),
        },
    ];
    for e in exercises {
        parts.push(Part { path: format!("exercises/{}", e.test()), region: None, text: test_file(e) });
        parts.push(Part { path: e.page(), region: Some(("<!-- ", " -->")), text: workbench(e) });
    }
    parts
}

/// In alphabetical order, as `cargo fmt` keeps `mod` lines.
fn lib_modules(exercises: &[Exercise]) -> String {
    let mut modules: Vec<String> = exercises.iter().map(Exercise::module).collect();
    modules.sort();
    let mut out = String::new();
    for m in modules {
        out.push_str(&format!(
            "#[cfg_attr(feature = \"solutions\", path = \"../solutions/{m}.rs\")]\npub mod {m};\n"
        ));
    }
    out
}

fn test_targets(exercises: &[Exercise]) -> String {
    let mut out = String::new();
    for e in exercises {
        out.push_str(&format!("[[test]]\nname = \"{}\"\nrequired-features = [\"check\"]\n\n", e.module()));
    }
    out.trim_end().to_string() + "\n"
}

/// The exercise table of `src/exercises/index.md`.
pub fn index_table(exercises: &[Exercise]) -> String {
    let mut out = String::from("| # | Exercise | Difficulty | Practises |\n|---|---|---|---|\n");
    for (n, e) in exercises.iter().enumerate() {
        out.push_str(&format!(
            "| {} | [{}]({}.md) (`{}`) | {} | [{}](../{}) |\n",
            n + 1,
            e.title,
            e.id,
            e.id,
            e.difficulty.label(),
            e.chapter.trim_end_matches(".md"),
            e.chapter
        ));
    }
    out
}

fn summary(exercises: &[Exercise]) -> String {
    let mut out = String::from("- [Exercises](exercises/index.md)\n");
    for e in exercises {
        out.push_str(&format!("    - [{}](exercises/{}.md)\n", e.title, e.id));
    }
    out.push_str("- [Solutions](exercises/solutions.md)\n");
    out
}

fn solutions(exercises: &[Exercise]) -> String {
    let mut out = String::new();
    for e in exercises {
        out.push_str(&format!(
            "## {} {{#{}}}\n\n[The exercise](./{}.md). {}\n\n```rust,ignore\n{{{{#include ../../exercises/{}:solution}}}}\n```\n\n",
            e.title,
            e.id,
            e.id,
            e.solution_note.trim(),
            e.solution()
        ));
    }
    out.trim_end().to_string() + "\n"
}

/// The page's workbench line (the preprocessor turns it into the editor, see
/// `crate::workbench::embed`) and its hints, one `<details class="fl-hint">`
/// each: the workbench reveals them one at a time; without JavaScript a
/// reader opens them one by one.
fn workbench(e: &Exercise) -> String {
    let total = e.hints.len();
    let mut out = format!("{}\n\n", crate::workbench::embed::line(e));
    for (n, hint) in e.hints.iter().enumerate() {
        out.push_str(&format!(
            "<details class=\"fl-hint\">\n<summary>Hint {} of {total}</summary>\n\n{hint}\n\n</details>\n\n",
            n + 1
        ));
    }
    out.trim_end().to_string() + "\n"
}

fn test_file(e: &Exercise) -> String {
    let m = e.module();
    format!(
        "//! The checks of exercise `{id}` as cargo tests: `cargo test --test {m}`\n\
         //! runs its scenarios; `RUSTFLAGS=\"--cfg loom\" cargo test --release --test {m}`\n\
         //! runs its loom models. Generated by `cargo xtask exercises --sync`; the\n\
         //! checks themselves are in `checks/{m}.rs`.\n\
         \n\
         #[path = \"../checks/harness.rs\"]\n\
         mod harness;\n\
         \n\
         #[path = \"../checks/{m}.rs\"]\n\
         mod checks;\n\
         \n\
         use exercises::{m} as exercise;\n\
         \n\
         #[allow(unused_imports)] // The models use it (under `--cfg loom`).\n\
         use exercises::sync;\n",
        id = e.id
    )
}

/// What `path`'s text must be: the whole of `part.text`, or the file with
/// its marked region replaced.
fn apply(part: &Part, current: &str) -> Result<String> {
    let Some((open, close)) = part.region else { return Ok(part.text.clone()) };
    let begin = format!("{open}{BEGIN}: {WHO}{close}");
    let end = format!("{open}{END}{close}");
    let Some(start) = current.lines().position(|l| l.trim().starts_with(&format!("{open}{BEGIN}"))) else {
        bail!("{} has no `{begin}` line: add the two marker lines where the generated part goes", part.path);
    };
    let Some(stop) = current.lines().skip(start).position(|l| l.trim() == end.trim()).map(|n| n + start)
    else {
        bail!("{} has no `{end}` line after its begin marker", part.path);
    };
    let lines: Vec<&str> = current.lines().collect();
    let mut out = String::new();
    for line in &lines[..start] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&begin);
    out.push('\n');
    out.push_str(&part.text);
    out.push_str(&end);
    out.push('\n');
    for line in &lines[stop + 1..] {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

fn full_path(part: &Part) -> PathBuf {
    crate::paths::root().join(&part.path)
}

/// The parts whose file does not hold what the list says, or why not.
pub fn stale(exercises: &[Exercise]) -> Vec<String> {
    let mut out = Vec::new();
    for part in parts(exercises) {
        let current = fs::read_to_string(full_path(&part)).unwrap_or_default();
        match apply(&part, &current) {
            Ok(wanted) if wanted == current => {}
            Ok(_) => out.push(part.path.clone()),
            Err(e) => out.push(format!("{} ({e})", part.path)),
        }
    }
    out
}

/// `cargo xtask exercises --sync`: writes every generated part.
pub fn sync() -> Result<()> {
    let exercises = list()?;
    let mut written = 0;
    for part in parts(&exercises) {
        let path = full_path(&part);
        let current = fs::read_to_string(&path).unwrap_or_default();
        let wanted = apply(&part, &current)?;
        if wanted != current {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &wanted).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", part.path);
            written += 1;
        }
    }
    // Test targets of exercises that no longer exist.
    let wanted: Vec<String> = exercises.iter().map(Exercise::test).collect();
    for entry in fs::read_dir(dir().join("tests"))?.flatten() {
        let name = format!("tests/{}", entry.file_name().to_string_lossy());
        if name.ends_with(".rs") && !wanted.contains(&name) {
            fs::remove_file(entry.path())?;
            println!("removed exercises/{name} (no such exercise in exercises.toml)");
            written += 1;
        }
    }
    if written == 0 {
        println!("every generated part is up to date");
    }
    // What the author may still have to do by hand: missing files, the order,
    // the corpus. The same check runs first in `cargo xtask test`.
    super::check_consistency()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_replaced_and_the_rest_kept() {
        let part = Part { path: "x.md".into(), region: Some(("<!-- ", " -->")), text: "new\n".into() };
        let before = format!("intro\n<!-- {BEGIN}: old words -->\nold\n<!-- {END} -->\nafter\n");
        let after = apply(&part, &before).unwrap();
        assert_eq!(after, format!("intro\n<!-- {BEGIN}: {WHO} -->\nnew\n<!-- {END} -->\nafter\n"));
        assert_eq!(apply(&part, &after).unwrap(), after, "applying twice changes nothing");
    }

    #[test]
    fn a_file_without_markers_is_an_error_that_says_what_to_add() {
        let part = Part { path: "x.md".into(), region: Some(("<!-- ", " -->")), text: String::new() };
        let err = apply(&part, "no markers\n").unwrap_err().to_string();
        assert!(err.contains("x.md") && err.contains(BEGIN), "{err}");
    }
}
