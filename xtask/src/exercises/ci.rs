//! The exercises step of `cargo xtask test`: the list and the files agree,
//! every solution passes its tests (and loom models), every starter compiles
//! and fails its tests. One build per mode.

use std::collections::BTreeSet;
use std::fs;

use anyhow::{Result, bail};

use super::run::{self, Build, Mode, Outcome};
use super::{Exercise, dir, list};
use crate::cmd;

/// Markers around the generated table in `src/exercises/index.md`.
pub const TABLE_BEGIN: &str =
    "<!-- exercises-table: generated from exercises/exercises.toml, checked by `cargo xtask test` -->";
pub const TABLE_END: &str = "<!-- /exercises-table -->";

/// The exercise table of `src/exercises/index.md`, from the TOML.
pub fn table(exercises: &[Exercise]) -> String {
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

/// The whole check.
pub fn check() -> Result<()> {
    cmd::step("Exercises: the list and the files agree");
    let exercises = list()?;
    consistency(&exercises)?;
    println!("{} exercises listed, files and book pages agree", exercises.len());

    cmd::step("Exercises: lints of the solutions and the tests");
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
        "clippy found problems in the exercise solutions or tests (see above)",
    )?;

    cmd::step("Exercises: every solution passes its tests");
    let mut problems = Vec::new();
    match run::build(Mode::Solution, &[], false)? {
        Build::Failed(errors) => bail!("the solutions do not compile:\n{}", errors.join("\n")),
        Build::Built(binaries) => {
            for e in &exercises {
                let binary = binaries
                    .get(&e.module())
                    .ok_or_else(|| anyhow::anyhow!("no test target `{}`", e.module()))?;
                let result = run::run_tests(binary, None)?;
                if result.success {
                    println!("ok   {:<12} solution passes {} tests", e.id, result.passed.len());
                } else {
                    println!("FAIL {:<12} solution", e.id);
                    problems.push(format!("the solution of `{}` fails its tests:\n{}", e.id, result.output));
                }
            }
        }
    }
    let loom: Vec<String> = exercises.iter().filter(|e| e.loom).map(Exercise::module).collect();
    if !loom.is_empty() {
        match run::build(Mode::Solution, &loom, true)? {
            Build::Failed(errors) => {
                bail!("the solutions do not compile under --cfg loom:\n{}", errors.join("\n"))
            }
            Build::Built(binaries) => {
                for module in &loom {
                    let binary = binaries
                        .get(module)
                        .ok_or_else(|| anyhow::anyhow!("no loom test target `{module}`"))?;
                    let result = run::run_tests(binary, Some("loom"))?;
                    if result.success && !result.passed.is_empty() {
                        println!("ok   {module:<12} solution passes {} loom models", result.passed.len());
                    } else {
                        println!("FAIL {module:<12} loom models");
                        problems.push(format!(
                            "the loom models of `{module}` fail on the solution:\n{}",
                            result.output
                        ));
                    }
                }
            }
        }
    }

    cmd::step("Exercises: every starter compiles and fails its tests");
    match run::build(Mode::Starter, &[], false)? {
        Build::Failed(errors) => {
            bail!("the starters do not compile (a learner's first run must compile):\n{}", errors.join("\n"))
        }
        Build::Built(binaries) => {
            for e in &exercises {
                let report = run::test_exercise(e, Mode::Starter, &binaries)?;
                match report.outcome() {
                    Outcome::Failed => println!("ok   {:<12} starter fails, as it should", e.id),
                    Outcome::DoesNotCompile => {
                        problems.push(format!("the starter of `{}` does not compile under loom", e.id))
                    }
                    Outcome::Passed => problems
                        .push(format!("the starter of `{}` passes its tests: nothing left to do", e.id)),
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!("{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
    }
    Ok(())
}

/// The TOML, the crate's files, `lib.rs`, `Cargo.toml` and the book agree.
fn consistency(exercises: &[Exercise]) -> Result<()> {
    let root = crate::paths::root();
    let mut errors = Vec::new();
    let lib = fs::read_to_string(dir().join("src/lib.rs"))?;
    let manifest = fs::read_to_string(dir().join("Cargo.toml"))?;
    let mut ids = BTreeSet::new();
    let mut named = BTreeSet::new();
    for e in exercises {
        let m = e.module();
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
        for (key, path, expected) in [
            ("starter", &e.starter, format!("src/{m}.rs")),
            ("solution", &e.solution, format!("solutions/{m}.rs")),
            ("test", &e.test, format!("tests/{m}.rs")),
        ] {
            if *path != expected {
                errors.push(format!("{here}: {key} should be `{expected}` (the id with `_` for `-`)"));
            }
            if !dir().join(path).is_file() {
                errors.push(format!("{here}: {key} exercises/{path} is missing"));
            }
            named.insert(path.clone());
        }
        let starter = fs::read_to_string(dir().join(&e.starter)).unwrap_or_default();
        if !starter.contains("todo!(") || !starter.contains("// TODO") {
            errors.push(format!("{here}: the starter needs a `todo!()` and a `// TODO` saying what to do"));
        }
        let solution = fs::read_to_string(dir().join(&e.solution)).unwrap_or_default();
        if solution.contains("todo!(") {
            errors.push(format!("{here}: the solution still has a `todo!()`"));
        }
        if !solution.contains("ANCHOR: solution") || !starter.contains("ANCHOR: api") {
            errors.push(format!("{here}: the book includes `api` from the starter and `solution` from the solution: add those anchors"));
        }
        let swap =
            format!("#[cfg_attr(feature = \"solutions\", path = \"../solutions/{m}.rs\")]\npub mod {m};");
        if !lib.contains(&swap) {
            errors.push(format!("{here}: exercises/src/lib.rs needs\n{swap}"));
        }
        if !manifest.contains(&format!("[[test]]\nname = \"{m}\"\nrequired-features = [\"check\"]")) {
            errors.push(format!(
                "{here}: exercises/Cargo.toml needs a [[test]] `{m}` with required-features = [\"check\"]"
            ));
        }
        if !root.join("src").join(&e.chapter).is_file() {
            errors.push(format!("{here}: its chapter src/{} does not exist", e.chapter));
        }
        let page = root.join("src/exercises").join(format!("{}.md", e.id));
        match fs::read_to_string(&page) {
            Err(_) => errors.push(format!("{here}: its book page src/exercises/{}.md is missing", e.id)),
            Ok(text) if !text.contains(&format!("exercises/src/{m}.rs:api")) => errors
                .push(format!("{here}: src/exercises/{}.md should include the starter's `api` anchor", e.id)),
            Ok(text) => {
                for hint in e.hints.iter().filter(|h| !text.contains(h.as_str())) {
                    errors
                        .push(format!("{here}: src/exercises/{}.md does not show the hint\n  {hint}", e.id));
                }
            }
        }
    }
    // Files no entry names.
    for (folder, prefix) in [("src", "src/"), ("solutions", "solutions/"), ("tests", "tests/")] {
        for entry in fs::read_dir(dir().join(folder))?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "rs") {
                let rel = format!("{prefix}{}", path.file_name().unwrap_or_default().to_string_lossy());
                if rel != "src/lib.rs" && !named.contains(&rel) {
                    errors.push(format!("exercises/{rel} belongs to no exercise in exercises.toml"));
                }
            }
        }
    }
    for entry in fs::read_dir(root.join("src/exercises"))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".md")
            && !["index", "solutions"].contains(&id)
            && !ids.contains(id)
        {
            errors.push(format!("src/exercises/{name} belongs to no exercise in exercises.toml"));
        }
    }
    // The book's table.
    let index = fs::read_to_string(root.join("src/exercises/index.md")).unwrap_or_default();
    let expected = table(exercises);
    let actual =
        index.split_once(TABLE_BEGIN).and_then(|(_, rest)| rest.split_once(TABLE_END)).map(|(t, _)| t.trim());
    if actual != Some(expected.trim()) {
        errors.push(format!(
            "src/exercises/index.md: the table between\n{TABLE_BEGIN}\nand {TABLE_END}\nmust be (generated from exercises.toml):\n\n{expected}"
        ));
    }
    let solutions = fs::read_to_string(root.join("src/exercises/solutions.md")).unwrap_or_default();
    for e in exercises {
        if !solutions.contains(&format!("exercises/{}:solution", e.solution)) {
            errors
                .push(format!("src/exercises/solutions.md should include exercises/{}:solution", e.solution));
        }
    }
    if !errors.is_empty() {
        bail!("{} problem(s) with the exercise list:\n\n{}", errors.len(), errors.join("\n\n"));
    }
    Ok(())
}
