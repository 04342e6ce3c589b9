//! The engine and loom agree, level by level:
//!
//! - every line a level shows (and every final check) is a line of its loom
//!   twin, so the page shows the code that loom checks;
//! - the twin's model exists where the level says, in a module that is
//!   compiled (declared all the way up from `lib.rs`), in its `mod loom`;
//! - the engine (`theme/scheduler.js`, under node: the page's own code)
//!   explores every interleaving: a safe level has no failing one; any other
//!   level fails in exactly one way, its `failure`;
//! - the model expects exactly that: `#[should_panic(expected = "<failure>")]`
//!   for a level that can fail, no `should_panic` for a safe one;
//! - and loom says so when it runs the model (the loom step of `cargo xtask
//!   test` runs every model; `cargo xtask puzzles` runs the twins' itself).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use super::level::Level;
use crate::{cmd, tools};

/// What the engine found for one level (theme/scheduler-explore.js).
#[derive(Debug, Deserialize)]
pub struct Explored {
    pub id: String,
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub interleavings: u64,
    #[serde(default)]
    pub failing: u64,
    #[serde(default)]
    pub states: u64,
    #[serde(default)]
    pub failures: Vec<String>,
    #[serde(default)]
    pub outcomes: BTreeMap<String, Outcome>,
}

/// One way a run can end, with a schedule that ends so.
#[derive(Debug, Deserialize)]
pub struct Outcome {
    pub text: String,
    pub example: Vec<String>,
}

/// Where a level's loom model lives, and what it expects.
#[derive(Debug)]
pub struct Twin {
    pub file: PathBuf,
    pub source: String,
    /// `Some(message)` for `#[should_panic(expected = "message")]`,
    /// `Some("")` for a bare `#[should_panic]`, None without.
    pub should_panic: Option<String>,
}

/// `mod name;`, `pub mod name;`, `pub(crate) mod name;`: a declared module file.
static MOD_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*;").expect("valid regex")
});
/// A function with the attribute lines above it (group 1) and its name (group 2).
static FN_WITH_ATTRS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\n((?:[ \t]*#\[[^\n]*\]\n)*)[ \t]*fn\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(").expect("valid regex")
});
/// `should_panic(expected = "…")`'s message.
static EXPECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"should_panic\(\s*expected\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)"#).expect("valid regex")
});

/// Finds the model `level.loom` names and reads what it expects.
pub fn twin(root: &Path, level: &Level) -> Result<Twin> {
    let src = Path::new("examples/src");
    let segments: Vec<&str> = level.loom.split("::").collect();
    let n = segments.len();
    if n < 3 || segments[n - 2] != "loom" {
        bail!(
            "puzzle {}: loom = `{}` must be the model's test path, `<module path>::loom::<test>`",
            level.id,
            level.loom
        );
    }
    let (modules, test) = (&segments[..n - 2], segments[n - 1]);
    // Each module must be declared by its parent, or it is never compiled.
    let mut dir = root.join(src);
    let mut parent = dir.join("lib.rs");
    for (i, module) in modules.iter().enumerate() {
        let text = fs::read_to_string(&parent).with_context(|| format!("reading {}", parent.display()))?;
        if !MOD_DECL.captures_iter(&text).any(|c| &c[1] == *module) {
            bail!(
                "puzzle {}: the module `{module}` is not declared in {} (add `pub mod {module};`)",
                level.id,
                rel(root, &parent)
            );
        }
        let file = dir.join(format!("{module}.rs"));
        let folder = dir.join(module).join("mod.rs");
        parent = if file.is_file() {
            file
        } else if folder.is_file() {
            folder
        } else {
            bail!("puzzle {}: no file for the module `{}`", level.id, modules[..=i].join("::"));
        };
        dir = dir.join(module);
    }
    let source = fs::read_to_string(&parent).with_context(|| format!("reading {}", parent.display()))?;
    let at = source.find("\nmod loom {").with_context(|| {
        format!("puzzle {}: {} has no `mod loom {{ … }}` for its model", level.id, rel(root, &parent))
    })?;
    let cfg_before = source[..at].trim_end().ends_with("#[cfg(all(test, loom))]");
    if !cfg_before {
        bail!("puzzle {}: `mod loom` in {} must be `#[cfg(all(test, loom))]`", level.id, rel(root, &parent));
    }
    let body = &source[at..];
    let caps = FN_WITH_ATTRS.captures_iter(body).find(|c| &c[2] == test).with_context(|| {
        format!("puzzle {}: no `fn {test}` in the `mod loom` of {}", level.id, rel(root, &parent))
    })?;
    let attrs = &caps[1];
    if !attrs.contains("#[test]") {
        bail!("puzzle {}: `fn {test}` in {} is not a #[test]", level.id, rel(root, &parent));
    }
    if attrs.contains("#[ignore") {
        bail!("puzzle {}: the model `{test}` is #[ignore]d, so loom would never check it", level.id);
    }
    let should_panic = if attrs.contains("#[should_panic") {
        Some(EXPECTED.captures(attrs).map(|c| c[1].to_string()).unwrap_or_default())
    } else {
        None
    };
    Ok(Twin { file: parent, source, should_panic })
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Every line the level shows, and every final check, is a line of the twin.
pub fn shown_lines_are_real(root: &Path, level: &Level, twin: &Twin) -> Result<()> {
    let real: std::collections::BTreeSet<&str> = twin.source.lines().map(str::trim).collect();
    let mut shown: Vec<&str> = Vec::new();
    for thread in &level.threads {
        shown.extend(level.lines_of(thread).iter().map(|l| l.code.as_str()));
    }
    shown.extend(level.finally.iter().map(|f| f.code.as_str()));
    let missing: Vec<&str> = shown.into_iter().filter(|l| !real.contains(l.trim())).collect();
    if !missing.is_empty() {
        bail!(
            "puzzle {} shows lines that are not in its loom twin {} (the page must show the code loom checks):\n  {}",
            level.id,
            rel(root, &twin.file),
            missing.join("\n  ")
        );
    }
    Ok(())
}

/// Explores every level with the page's engine under node. `Ok(None)` when
/// node is missing and this is not CI (skipped, loudly).
pub fn explore(root: &Path, levels: &[Level]) -> Result<Option<Vec<Explored>>> {
    if !tools::ensure_packages(&[&tools::NODE], "the engine's exploration of the puzzles")? {
        return Ok(None);
    }
    let input = Value::Array(levels.iter().map(Level::engine_json).collect::<Result<_>>()?).to_string();
    let mut node = cmd::in_root("node");
    node.arg("theme/scheduler-explore.js")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    cmd::echo(&node);
    let mut child = node.current_dir(root).spawn().context("could not start node")?;
    child
        .stdin
        .take()
        .context("node's stdin")?
        .write_all(input.as_bytes())
        .context("sending the levels to node")?;
    let out = child.wait_with_output().context("waiting for node")?;
    if !out.status.success() {
        bail!("theme/scheduler-explore.js failed ({}); its message is above", out.status);
    }
    let text = String::from_utf8(out.stdout).context("node printed something other than UTF-8")?;
    let explored = text
        .lines()
        .map(|l| serde_json::from_str(l).with_context(|| format!("scheduler-explore.js printed {l:?}")))
        .collect::<Result<Vec<Explored>>>()?;
    if explored.len() != levels.len() {
        bail!("scheduler-explore.js answered for {} of {} levels", explored.len(), levels.len());
    }
    Ok(Some(explored))
}

/// The engine's verdict matches the level's and the twin's.
pub fn verdicts_agree(level: &Level, explored: &Explored, twin: &Twin, root: &Path) -> Result<()> {
    let id = &level.id;
    if !explored.ok {
        bail!("puzzle {id}: the engine refuses it: {}", explored.error.as_deref().unwrap_or("(no message)"));
    }
    let schedule = |msg: &str| {
        explored.outcomes.get(msg).map_or(String::new(), |o| {
            format!("\n  for example the schedule {}:\n  {}", o.example.join(", "), o.text)
        })
    };
    let model = rel(root, &twin.file);
    if level.safe {
        if let Some(first) = explored.failures.first() {
            bail!(
                "puzzle {id} is marked safe, but the engine finds schedules that fail ({}){}",
                explored.failures.join("; "),
                schedule(first)
            );
        }
        if twin.should_panic.is_some() {
            bail!(
                "puzzle {id} is safe, but its model in {model} is #[should_panic]: a safe level's model must pass"
            );
        }
        return Ok(());
    }
    let failure = level.failure.as_deref().unwrap_or_default();
    if explored.failures.is_empty() {
        bail!(
            "puzzle {id}: no schedule reaches its goal (`{failure}`): the engine finds nothing that fails, so mark it safe or fix it"
        );
    }
    if explored.failures != [failure] {
        let other = explored.failures.iter().find(|f| *f != failure).cloned().unwrap_or_default();
        bail!(
            "puzzle {id}: its goal is `{failure}`, but the engine finds these failures: {}. A level fails in one way only, so that loom reports the same one{}",
            explored.failures.join("; "),
            schedule(&other)
        );
    }
    match &twin.should_panic {
        Some(expected) if expected == failure => Ok(()),
        Some(expected) => bail!(
            "puzzle {id}: the engine fails with `{failure}`, but the model in {model} expects `{expected}`: write #[should_panic(expected = \"{failure}\")]"
        ),
        None => bail!(
            "puzzle {id} can fail (`{failure}`), but its model in {model} is not #[should_panic(expected = \"{failure}\")]"
        ),
    }
}

/// Runs the twins' loom models (release, `--cfg loom`, the loom step's target
/// dir) and checks that loom passed every one: a `should_panic` model passes
/// only when loom found the failure, with its message.
pub fn run_models(levels: &[Level]) -> Result<()> {
    let mut cargo = cmd::cargo();
    cargo
        .env("RUSTFLAGS", "--cfg loom")
        .args([
            "test",
            "--locked",
            "--release",
            "--package",
            "examples",
            "--target-dir",
            "target/loom",
            "--lib",
        ])
        .args(["--", "--exact"])
        .args(levels.iter().map(|l| l.loom.as_str()));
    cmd::echo(&cargo);
    let out = cargo.output().context("could not run cargo test")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut problems = Vec::new();
    for level in levels {
        let passed = stdout.lines().any(|l| {
            l.strip_prefix("test ").and_then(|r| r.strip_prefix(level.loom.as_str())).is_some_and(|r| {
                (r.starts_with(" ... ") || r.starts_with(" - should panic ... ")) && r.ends_with(" ok")
            })
        });
        if !passed {
            problems.push(format!("puzzle {}: loom did not pass {}", level.id, level.loom));
        }
    }
    if !problems.is_empty() || !out.status.success() {
        println!("{stdout}");
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        bail!("loom disagrees with the puzzles:\n{}", problems.join("\n"));
    }
    println!("loom agrees: {} models passed", levels.len());
    Ok(())
}
