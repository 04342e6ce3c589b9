//! The exercises to take away: `exercises.zip` in the published book, a
//! standalone cargo project with the starters, their tests (with the
//! deadlock-aware helper), the reference solutions (as spoilers) and a README.
//!
//! Everything comes from `exercises/`: the zip's `Cargo.toml` is the real one
//! with the workspace's inherited keys and lints written in, `Cargo.lock` is
//! the workspace's, and the README lists `exercises.toml`. The zip is written
//! to `src/exercises.zip` (gitignored) before `mdbook build`, which copies it
//! into `book/` (and `mdbook serve` keeps it on every rebuild).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use zip::write::SimpleFileOptions;

use crate::cmd;
use crate::exercises::{self, Exercise};
use crate::problems::Problems;

/// Where the zip goes before the book build copies it, relative to the root.
pub const ZIP_IN_SRC: &str = "src/exercises.zip";
/// The folder inside the zip.
const TOP: &str = "fearless-locking-exercises";
/// The published book, for the README's links.
const BOOK_URL: &str = "https://fearless-locking.github.io/course/";

/// Builds the zip's files in memory: (path inside the project, contents).
fn project_files() -> Result<Vec<(String, Vec<u8>)>> {
    let root = crate::paths::root();
    let dir = exercises::dir();
    let list = exercises::list()?;
    let mut files = vec![
        ("Cargo.toml".to_string(), manifest()?.into_bytes()),
        ("Cargo.lock".to_string(), fs::read(root.join("Cargo.lock")).context("reading Cargo.lock")?),
        ("README.md".to_string(), readme(&list).into_bytes()),
        (".gitignore".to_string(), b"/target\n".to_vec()),
    ];
    for folder in ["src", "tests", "checks", "solutions", "examples"] {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir.join(folder))
            .with_context(|| format!("reading exercises/{folder}"))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rs"))
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.push((format!("{folder}/{name}"), fs::read(&path)?));
        }
    }
    Ok(files)
}

/// `exercises/Cargo.toml`, made standalone: inherited keys and lints written
/// in from the workspace, `check` on by default (so plain `cargo test` runs
/// the exercise tests), and an empty `[workspace]` of its own.
pub fn manifest() -> Result<String> {
    let root = crate::paths::root();
    let member = fs::read_to_string(exercises::dir().join("Cargo.toml"))?;
    let workspace_text = fs::read_to_string(root.join("Cargo.toml"))?;
    let workspace: toml::Table = toml::from_str(&workspace_text)?;
    let package = workspace
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(toml::Value::as_table)
        .context("the root Cargo.toml has no [workspace.package]")?;
    let mut out = String::from(
        "# Generated from exercises/Cargo.toml of the Fearless Locking course by\n\
         # `cargo xtask build`. Plain `cargo test` checks every exercise.\n\n",
    );
    let mut replaced = (false, false, false);
    let mut lines = member.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some((key, _)) = line.split_once(".workspace = true") {
            let value = package.get(key.trim()).with_context(|| {
                format!("exercises/Cargo.toml inherits `{key}` but [workspace.package] does not set it")
            })?;
            out.push_str(&format!("{} = {value}\n", key.trim()));
            continue;
        }
        if line == "[lints]" && lines.peek() == Some(&"workspace = true") {
            lines.next();
            out.push_str(&lints(&workspace_text)?);
            replaced.0 = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line == "[features]" {
            out.push_str(
                "# In this standalone copy the tests run by default: `cargo test`.\ndefault = [\"check\"]\n",
            );
            replaced.1 = true;
        }
        if line == "[package]" {
            replaced.2 = true;
        }
    }
    if !(replaced.0 && replaced.1 && replaced.2) {
        bail!(
            "exercises/Cargo.toml changed shape: the zip needs its [package], `[lints] workspace = true` and [features]"
        );
    }
    out.push_str("\n# Standalone: not part of any workspace.\n[workspace]\n");
    toml::from_str::<toml::Table>(&out).context("the generated Cargo.toml of the zip is not valid TOML")?;
    Ok(out)
}

/// The workspace's `[workspace.lints.*]` sections as `[lints.*]`. Comments
/// go with the key that follows them (those before the next section are its own).
fn lints(workspace_text: &str) -> Result<String> {
    let mut out = String::new();
    let mut inside = false;
    let mut comments = String::new();
    for line in workspace_text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            comments.clear();
            inside = trimmed.starts_with("[workspace.lints.");
            if inside {
                out.push_str(&format!("\n{}\n", trimmed.replacen("[workspace.lints.", "[lints.", 1)));
            }
        } else if inside && trimmed.starts_with('#') {
            comments.push_str(line);
            comments.push('\n');
        } else if inside && !trimmed.is_empty() {
            out.push_str(&comments);
            comments.clear();
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.is_empty() {
        bail!("the root Cargo.toml has no [workspace.lints.*] to copy into the zip");
    }
    Ok(out.trim_start().to_string() + "\n")
}

fn readme(list: &[Exercise]) -> String {
    let mut out = format!(
        "# Fearless Locking — the exercises\n\n\
         The exercises of the course [Fearless Locking]({BOOK_URL}), as a standalone\n\
         cargo project: no need to clone the course. You need Rust 1.95 or newer.\n\n\
         Each exercise is a starter in `src/` to complete (look for `todo!()` and the\n\
         `// TODO` above it). Import locks and threads from `crate::sync`\n\
         (`src/sync.rs`), not from `std`: they are std's, except when the model\n\
         checker runs (below).\n\n\
         ## Checking your work\n\n\
         Every exercise is checked in two ways, and a solution must pass both:\n\n\
         - **Scenarios** run your code on real threads, as an ordinary test does:\n\n\
         \x20 ```sh\n  cargo test --test counter        # one exercise\n  cargo test                        # all of them\n  ```\n\n\
         \x20 Each scenario runs under a timeout, so a deadlock fails in 3 s with an\n\
         \x20 explanation instead of hanging. But a scenario only sees the interleavings\n\
         \x20 the OS happens to pick: a race can hide from it for a million runs.\n\
         - **Models** run your code under the model checker\n\
         \x20 [loom](https://docs.rs/loom), which runs a small scenario once for every\n\
         \x20 order in which its threads can interleave (up to 3 preemptions each), so a\n\
         \x20 race or a deadlock that depends on timing is found every time:\n\n\
         \x20 ```sh\n  RUSTFLAGS=\"--cfg loom\" cargo test --release --test counter\n  ```\n\n\
         \x20 (`--cfg loom` compiles your code against loom's locks and threads, in\n\
         \x20 release mode, as loom recommends.)\n\n\
         Until you finish a starter its tests fail — that is the point. Each failure\n\
         says what went wrong in plain words: your own panic and where, a wrong total\n\
         and what it means, a deadlock or a busy loop, a poisoned lock and the panic\n\
         that poisoned it. The checks themselves are in `checks/` (reading them is\n\
         allowed); `tests/` only hands them to cargo.\n\n\
         ## The exercises\n\n\
         | Exercise | Difficulty | Scenarios | Models | Book page |\n|---|---|---|---|---|\n"
    );
    for e in list {
        out.push_str(&format!(
            "| {} (`src/{}.rs`) | {} | `cargo test --test {m}` | `RUSTFLAGS=\"--cfg loom\" cargo test --release --test {m}` | [{}]({BOOK_URL}exercises/{}.html) |\n",
            e.title,
            e.module(),
            e.difficulty.label(),
            e.id,
            e.id,
            m = e.module(),
        ));
    }
    out.push_str(
        "\n`sharded` comes with a benchmark: `cargo run --release --example sharded_bench`.\n\n\
         ## Hints\n\n\
         Try each hint before reading the next.\n\n",
    );
    for e in list {
        out.push_str(&format!("- **{}**:\n", e.id));
        for (n, hint) in e.hints.iter().enumerate() {
            out.push_str(&format!("  {}. {hint}\n", n + 1));
        }
    }
    out.push_str(&format!(
        "\n## Solutions\n\n\
         Reference solutions are in `solutions/` (spoilers!) and on the book's\n\
         [Solutions]({BOOK_URL}exercises/solutions.html) page. To run the checks against\n\
         all of them at once: `cargo test --features solutions`.\n\n\
         With the whole course cloned, `cargo xtask exercises <id>` runs the same\n\
         scenarios and models, and `--hint` reveals one hint at a time.\n"
    ));
    out
}

/// Writes the zip to [`ZIP_IN_SRC`], for the book build to publish.
pub fn write_zip() -> Result<()> {
    let path = crate::paths::root().join(ZIP_IN_SRC);
    let files = project_files()?;
    let mut zip =
        zip::ZipWriter::new(fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?);
    // Fixed timestamps: the same sources give the same zip.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, contents) in &files {
        zip.start_file(format!("{TOP}/{name}"), options)?;
        zip.write_all(contents)?;
    }
    zip.finish()?;
    println!("wrote {ZIP_IN_SRC} ({} files, {} KB)", files.len(), fs::metadata(&path)?.len() / 1024);
    Ok(())
}

/// The "exercises zip" check: unpack the zip into a temp dir; its starters
/// compile and fail their tests; with the solutions copied over the starters,
/// every test passes. Built offline, from the copied Cargo.lock. The loom
/// models (`--cfg loom`) are left to the exercises step, which runs the same
/// test targets with `--cfg loom` from the workspace.
pub fn check() -> Result<()> {
    cmd::step("Exercises zip: unpack, starters fail, solutions pass (offline)");
    let zip_path = crate::paths::root().join(ZIP_IN_SRC);
    let dir = std::env::temp_dir().join(format!("fearless-exercises-zip-{}", std::process::id()));
    let result = check_in(&zip_path, &dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn check_in(zip_path: &Path, dir: &Path) -> Result<()> {
    let file = fs::File::open(zip_path)
        .with_context(|| format!("{} is missing: the book build writes it", zip_path.display()))?;
    let mut archive = zip::ZipArchive::new(file).context("exercises.zip is not a valid zip")?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let Some(relative) = entry.enclosed_name() else {
            bail!("exercises.zip has an unsafe path {:?}", entry.name())
        };
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        fs::write(&target, bytes)?;
    }
    let project = dir.join(TOP);
    println!("unpacked {} files into {}", archive.len(), project.display());
    let list = exercises::list()?;
    // One target dir kept between runs: the second check builds incrementally.
    let target_dir = crate::paths::target_dir().join("exercises-zip");

    let starters = cargo_test(&project, &target_dir, &list)?;
    let mut problems = Problems::new();
    for e in &list {
        match starters.iter().find(|(name, _)| *name == e.module()) {
            Some((_, false)) => println!("ok   {:<12} starter compiles and fails its tests", e.id),
            Some((_, true)) => {
                problems.push(format!("the starter of `{}` passes its tests in the zip", e.id))
            }
            None => problems.push(format!("the zip has no test target for `{}`", e.id)),
        }
    }
    for e in &list {
        fs::copy(project.join(e.solution()), project.join(e.starter()))
            .with_context(|| format!("copying {} over {}", e.solution(), e.starter()))?;
    }
    let solved = cargo_test(&project, &target_dir, &list)?;
    for e in &list {
        match solved.iter().find(|(name, _)| *name == e.module()) {
            Some((_, true)) => println!("ok   {:<12} passes with the solution dropped in", e.id),
            _ => problems.push(format!(
                "with solutions/{0}.rs copied over src/{0}.rs, `{1}` fails",
                e.module(),
                e.id
            )),
        }
    }
    println!("(loom models not run here: the exercises step runs the same targets with --cfg loom)");
    problems.fail_if_any(|n| format!("{n} problem(s) with exercises.zip"))?;
    Ok(())
}

/// `cargo test --offline` in the unpacked project: first `--no-run`, which
/// must succeed (a learner's first build compiles), then each exercise's
/// test target on its own; returns (module, passed) for every exercise.
fn cargo_test(project: &Path, target_dir: &Path, list: &[Exercise]) -> Result<Vec<(String, bool)>> {
    let mut build = cmd::cargo();
    build.current_dir(project).args(["test", "--offline", "--no-run"]).env("CARGO_TARGET_DIR", target_dir);
    cmd::run(&mut build, "the zip's project does not compile offline (see above)")?;
    let mut results = Vec::new();
    for e in list {
        let mut test = cmd::cargo();
        test.current_dir(project)
            .args(["test", "--offline", "--quiet", "--test", &e.module()])
            .env("CARGO_TARGET_DIR", target_dir)
            .env("CARGO_TERM_COLOR", "never");
        cmd::echo(&test);
        // The output of a failing starter is long and expected: keep it out of the log.
        let output = test.output().context("could not start cargo")?;
        results.push((e.module(), output.status.success()));
    }
    Ok(results)
}
