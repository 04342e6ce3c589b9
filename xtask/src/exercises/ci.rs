//! The exercise steps of `cargo xtask test`:
//!
//! - [`check_consistency`] runs first, before the build steps whose
//!   failures it explains: the list is valid, every exercise has its files,
//!   the generated parts are up to date ("run `cargo xtask exercises
//!   --sync`"), no module file is left undeclared, the corpus is complete.
//! - [`check_solutions`]: clippy on solutions, checks and tests, and the
//!   cargo path learners of `exercises.zip` use: `cargo test` runs every
//!   solution's scenarios, and with `--cfg loom` its models.
//!
//! The bundle path (solutions accepted, starters and the corpus rejected)
//! is the fault corpus step ([`super::corpus`]).

use std::collections::BTreeSet;
use std::fs;

use anyhow::{Result, bail};

use super::{Exercise, corpus, dir, generated, list, modules};
use crate::cmd;

/// The list, the files, the generated parts and the module tree agree.
pub fn check_consistency() -> Result<()> {
    cmd::step("Exercises: the list, the files and the generated parts agree");
    let exercises = list()?;
    let mut errors = list_problems(&exercises);
    errors.extend(file_problems(&exercises));
    let stale = generated::stale(&exercises);
    if !stale.is_empty() {
        errors.push(format!(
            "generated from exercises.toml but out of date: {}.\nRun `cargo xtask exercises --sync` and commit the result.",
            stale.join(", ")
        ));
    }
    // A file already named as belonging to no exercise needs no second message.
    for problem in modules::undeclared() {
        let file = problem.split_whitespace().next().unwrap_or_default().to_string();
        if !errors.iter().any(|e| e.starts_with(&file)) {
            errors.push(problem);
        }
    }
    errors.extend(corpus::problems(&exercises));
    if !errors.is_empty() {
        bail!("{} problem(s) with the exercises:\n\n{}", errors.len(), errors.join("\n\n"));
    }
    println!("{} exercises listed; files, generated parts, modules and corpus agree", exercises.len());
    Ok(())
}

/// What is wrong with the list itself.
fn list_problems(exercises: &[Exercise]) -> Vec<String> {
    let root = crate::paths::root();
    let mut errors = Vec::new();
    let mut ids = BTreeSet::new();
    for e in exercises {
        let here = format!("exercises.toml: `{}`", e.id);
        if !ids.insert(e.id.clone()) {
            errors.push(format!("{here}: listed twice"));
        }
        if e.id.is_empty() || !e.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.push(format!("{here}: ids are kebab-case (a-z, 0-9, -)"));
        }
        if e.hints.is_empty() {
            errors.push(format!("{here}: give at least one hint"));
        }
        if !root.join("src").join(&e.chapter).is_file() {
            errors.push(format!("{here}: its chapter src/{} does not exist", e.chapter));
        }
    }
    for pair in exercises.windows(2) {
        if pair[1].difficulty < pair[0].difficulty {
            errors.push(format!(
                "exercises.toml: `{}` ({}) comes after `{}` ({}): list the exercises from easy to hard",
                pair[1].id,
                pair[1].difficulty.label(),
                pair[0].id,
                pair[0].difficulty.label()
            ));
        }
    }
    errors
}

/// What is missing or left over among the exercises' own files.
fn file_problems(exercises: &[Exercise]) -> Vec<String> {
    let root = crate::paths::root();
    let mut errors = Vec::new();
    let read = |path: &str| fs::read_to_string(dir().join(path)).ok();
    for e in exercises {
        let here = format!("exercises.toml: `{}`", e.id);
        for (what, path) in [("starter", e.starter()), ("solution", e.solution()), ("checks", e.checks())] {
            if !dir().join(&path).is_file() {
                errors.push(format!("{here}: its {what} exercises/{path} is missing"));
            }
        }
        let starter = read(&e.starter()).unwrap_or_default();
        if !starter.contains("todo!(") || !starter.contains("// TODO") {
            errors.push(format!("{here}: the starter needs a `todo!()` and a `// TODO` saying what to do"));
        }
        if !starter.contains("ANCHOR: api") {
            errors.push(format!("{here}: the starter needs an `// ANCHOR: api` for its book page"));
        }
        let solution = read(&e.solution()).unwrap_or_default();
        if solution.contains("todo!(") {
            errors.push(format!("{here}: the solution still has a `todo!()`"));
        }
        if !solution.contains("ANCHOR: solution") {
            errors
                .push(format!("{here}: the solution needs an `// ANCHOR: solution` for the Solutions page"));
        }
        let checks = read(&e.checks()).unwrap_or_default();
        if !checks.contains("scenarios!") {
            errors.push(format!("{here}: exercises/{} declares no `scenarios!`", e.checks()));
        }
        // The page shows the `api` anchor through its workbench line, a
        // generated part (checked with the others).
        if !root.join(e.page()).exists() {
            errors.push(format!("{here}: its book page {} is missing", e.page()));
        }
    }
    // Files no exercise owns.
    let ids: BTreeSet<&str> = exercises.iter().map(|e| e.id.as_str()).collect();
    let modules: BTreeSet<String> = exercises.iter().map(Exercise::module).collect();
    for (folder, keep) in [("src", &["lib", "sync"][..]), ("solutions", &[]), ("checks", &["harness"])] {
        for entry in fs::read_dir(dir().join(folder)).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".rs")
                && !keep.contains(&stem)
                && !modules.contains(stem)
            {
                errors.push(format!("exercises/{folder}/{name} belongs to no exercise in exercises.toml"));
            }
        }
    }
    for entry in fs::read_dir(root.join("src/exercises")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".md")
            && !["index", "solutions"].contains(&id)
            && !ids.contains(id)
        {
            errors.push(format!("src/exercises/{name} belongs to no exercise in exercises.toml"));
        }
    }
    errors
}

/// Clippy on the solutions, checks and generated tests, and every solution
/// through plain cargo: its scenarios, then (`--cfg loom`, release, in the
/// loom target dir the examples' models use) its models.
pub fn check_solutions() -> Result<()> {
    cmd::step("Exercises: lints of the solutions, checks and tests (without and with --cfg loom)");
    cmd::run(
        cmd::cargo()
            .args([
                "clippy",
                "--package",
                "exercises",
                "--all-targets",
                "--features",
                "solutions",
                "--locked",
            ])
            .args(["--", "-D", "warnings"]),
        "clippy found problems in the exercise solutions, checks or tests (see above)",
    )?;
    let mut loom_lints = cmd::cargo();
    loom_lints
        .env("RUSTFLAGS", "--cfg loom")
        .args(["clippy", "--package", "exercises", "--all-targets", "--features", "solutions", "--locked"])
        .arg("--target-dir")
        .arg(crate::paths::target_dir().join("loom"))
        .args(["--", "-D", "warnings"]);
    cmd::run(&mut loom_lints, "clippy found problems in the exercises' loom code (see above)")?;

    cmd::step("Exercises: every solution passes its scenarios under cargo test");
    cmd::run(
        cmd::cargo().args([
            "test",
            "--package",
            "exercises",
            "--features",
            "solutions",
            "--locked",
            "--tests",
        ]),
        "a reference solution fails its scenarios under cargo test (see above)",
    )?;

    cmd::step("Exercises: every solution passes its loom models under cargo test (--cfg loom)");
    let mut loom = cmd::cargo();
    loom.env("RUSTFLAGS", "--cfg loom")
        .args([
            "test",
            "--package",
            "exercises",
            "--features",
            "solutions",
            "--locked",
            "--release",
            "--tests",
        ])
        .arg("--target-dir")
        .arg(crate::paths::target_dir().join("loom"));
    cmd::run(&mut loom, "a reference solution fails its loom models under cargo test (see above)")
}
