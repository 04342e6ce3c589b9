//! The crates a snippet may `use`: the examples crate's dependencies, built
//! once with cargo and handed to rustc with `--extern`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Prebuilt dependency rlibs for snippets, and the toolchain they belong to.
#[derive(Debug, Clone)]
pub struct DepSet {
    /// Crate name (as code spells it, `crossbeam_channel`) → rlib path and version.
    pub crates: BTreeMap<String, Dep>,
    /// Directory holding every transitive dependency (`-L dependency=`).
    pub deps_dir: PathBuf,
    /// The rustc that built them; snippets must use the same one.
    pub rustc: PathBuf,
    /// `rustc -vV`, part of every cache key.
    pub toolchain: String,
}

/// One crate snippets may use.
#[derive(Debug, Clone)]
pub struct Dep {
    /// The compiled library.
    pub rlib: PathBuf,
    /// Its version, for `/meta/crates`.
    pub version: String,
    /// Its package name (`crossbeam-channel` for `crossbeam_channel`).
    pub package: String,
}

/// A crate snippets may use, as `/meta/crates` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The name code uses (`crossbeam_channel`).
    pub id: String,
    /// The package name (`crossbeam-channel`).
    pub package: String,
    pub version: String,
}

impl DepSet {
    /// Builds (or finds fresh) the normal dependencies of `package` in the
    /// workspace at `workspace`, with the `snippet-deps` profile in
    /// `target/snippet-deps`. Cargo's fingerprints make a second call cheap
    /// and rebuild after a toolchain change.
    pub fn prebuild(workspace: &Path, package: &str) -> Result<DepSet> {
        let rustc = rustc_path()?;
        let toolchain = command_output(Command::new(&rustc).arg("-vV"))?;
        let target_dir = target_dir(workspace)?.join("snippet-deps");

        let metadata: Value =
            serde_json::from_str(&command_output(Command::new(cargo()).current_dir(workspace).args([
                "metadata",
                "--format-version",
                "1",
                "--locked",
            ]))?)
            .context("parsing `cargo metadata` output")?;
        let wanted = direct_dependencies(&metadata, package)?;

        let mut child = Command::new(cargo())
            .current_dir(workspace)
            .args(["build", "--locked", "--lib", "--profile", "snippet-deps"])
            .args(["--message-format", "json-render-diagnostics", "--package", package])
            .arg("--target-dir")
            .arg(&target_dir)
            .env("RUSTC", &rustc)
            .env_remove("RUSTFLAGS")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting `cargo build` for the snippet dependencies")?;
        let stdout = child.stdout.take().expect("piped stdout");
        let crates = built_rlibs(BufReader::new(stdout), &wanted)?;
        let status = child.wait()?;
        if !status.success() {
            bail!("building the snippet dependencies of `{package}` failed (see cargo's output above)");
        }
        if crates.len() != wanted.len() {
            let missing: Vec<_> =
                wanted.values().map(|(n, _, _)| n).filter(|n| !crates.contains_key(*n)).collect();
            bail!("cargo built no rlib for snippet dependencies {missing:?}");
        }
        Ok(DepSet { crates, deps_dir: target_dir.join("snippet-deps").join("deps"), rustc, toolchain })
    }

    /// Every crate, as `/meta/crates` lists it.
    pub fn listing(&self) -> Vec<Listed> {
        self.crates
            .iter()
            .map(|(id, dep)| Listed {
                id: id.clone(),
                package: dep.package.clone(),
                version: dep.version.clone(),
            })
            .collect()
    }

    /// The `--extern` and `-L` arguments for rustc.
    pub fn rustc_args(&self) -> Vec<String> {
        let mut args = vec!["-L".to_string(), format!("dependency={}", self.deps_dir.display())];
        for (name, dep) in &self.crates {
            args.push("--extern".into());
            args.push(format!("{name}={}", dep.rlib.display()));
        }
        args
    }
}

/// The rlib of each crate in `wanted` (by package id), read from cargo's
/// `--message-format json` lines: `compiler-artifact` messages name the
/// files a unit produced; build scripts and proc macros produce no rlib, and
/// lines that are not JSON (none expected) are skipped.
fn built_rlibs(messages: impl BufRead, wanted: &Wanted) -> Result<BTreeMap<String, Dep>> {
    let mut crates = BTreeMap::new();
    for line in messages.lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<Value>(&line) else { continue };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let Some(pkg) = msg["package_id"].as_str() else { continue };
        let Some((name, version, package)) = wanted.get(pkg) else { continue };
        let rlib = msg["filenames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|f| f.ends_with(".rlib"));
        if let Some(rlib) = rlib {
            crates.insert(
                name.clone(),
                Dep { rlib: rlib.into(), version: version.clone(), package: package.clone() },
            );
        }
    }
    Ok(crates)
}

/// Package id → (crate name as code uses it, version, package name).
type Wanted = BTreeMap<String, (String, String, String)>;

/// The [`Wanted`] entries of `package`'s normal dependencies, from
/// `cargo metadata --format-version 1`.
fn direct_dependencies(metadata: &Value, package: &str) -> Result<Wanted> {
    let packages = metadata["packages"].as_array().context("cargo metadata: no packages")?;
    let root = packages
        .iter()
        .find(|p| p["name"] == package)
        .with_context(|| format!("no package `{package}` in the workspace"))?;
    let nodes = metadata["resolve"]["nodes"].as_array().context("cargo metadata: no resolve graph")?;
    let node =
        nodes.iter().find(|n| n["id"] == root["id"]).context("cargo metadata: package not resolved")?;
    let mut out = BTreeMap::new();
    for dep in node["deps"].as_array().into_iter().flatten() {
        let normal = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null());
        if !normal {
            continue;
        }
        let id = dep["pkg"].as_str().unwrap_or_default().to_string();
        let found = packages.iter().find(|p| p["id"] == dep["pkg"]);
        let field = |key: &str| found.and_then(|p| p[key].as_str()).unwrap_or_default().to_string();
        out.insert(
            id,
            (dep["name"].as_str().unwrap_or_default().to_string(), field("version"), field("name")),
        );
    }
    Ok(out)
}

/// Cargo's target directory for `workspace`: `CARGO_TARGET_DIR` when set
/// (relative to the current directory, as cargo reads it), else `target/`.
pub fn target_dir(workspace: &Path) -> Result<PathBuf> {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => std::path::absolute(&dir).with_context(|| format!("CARGO_TARGET_DIR {dir:?}")),
        None => Ok(workspace.join("target")),
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The real rustc binary behind the rustup proxy, so runs need no rustup
/// environment.
fn rustc_path() -> Result<PathBuf> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = command_output(Command::new(&rustc).args(["--print", "sysroot"]))?;
    let path = Path::new(sysroot.trim()).join("bin").join("rustc");
    if !path.exists() {
        bail!("rustc not found at {}", path.display());
    }
    Ok(path)
}

fn command_output(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

#[cfg(test)]
mod tests {
    //! Fed by cargo's own output, captured in `src/fixtures/`: `cargo metadata`
    //! of this workspace cut down to the examples crate, its node of the
    //! resolve graph and its dependencies' packages, and the messages of the
    //! `snippet-deps` build (`--message-format json-render-diagnostics`).

    use super::*;

    const METADATA: &str = include_str!("fixtures/cargo-metadata-examples.json");
    const BUILD: &str = include_str!("fixtures/cargo-build-snippet-deps.jsonl");

    fn metadata() -> Value {
        serde_json::from_str(METADATA).unwrap()
    }

    #[test]
    fn the_examples_crates_normal_dependencies_are_wanted_by_the_name_code_uses() {
        let wanted = direct_dependencies(&metadata(), "examples").unwrap();
        let names: Vec<(&str, &str, &str)> =
            wanted.values().map(|(n, v, p)| (n.as_str(), v.as_str(), p.as_str())).collect();
        assert_eq!(
            names,
            [
                ("arc_swap", "1.9.5", "arc-swap"),
                ("crossbeam_channel", "0.5.17", "crossbeam-channel"),
                ("dashmap", "6.2.1", "dashmap"),
                ("libc", "0.2.191", "libc"),
                ("loom", "0.7.3", "loom"),
                ("parking_lot", "0.12.5", "parking_lot"),
                ("serde_json", "1.0.154", "serde_json"),
                ("tokio", "1.54.1", "tokio"),
            ]
        );
        assert!(wanted.contains_key("registry+https://github.com/rust-lang/crates.io-index#loom@0.7.3"));
    }

    #[test]
    fn dev_and_build_dependencies_are_not_offered_to_snippets() {
        let mut metadata = metadata();
        let deps = metadata["resolve"]["nodes"][0]["deps"].as_array_mut().unwrap();
        for dep in deps.iter_mut() {
            if dep["name"] == "loom" {
                dep["dep_kinds"] = serde_json::json!([{ "kind": "dev", "target": null }]);
            }
            if dep["name"] == "libc" {
                dep["dep_kinds"] = serde_json::json!([{ "kind": "build", "target": null }]);
            }
        }
        let wanted = direct_dependencies(&metadata, "examples").unwrap();
        let names: Vec<&str> = wanted.values().map(|(n, _, _)| n.as_str()).collect();
        assert!(!names.contains(&"loom") && !names.contains(&"libc"), "{names:?}");
        assert_eq!(names.len(), 6);
    }

    #[test]
    fn a_package_not_in_the_workspace_is_named() {
        let err = direct_dependencies(&metadata(), "no-such-crate").unwrap_err();
        assert_eq!(err.to_string(), "no package `no-such-crate` in the workspace");
        let err = direct_dependencies(&serde_json::json!({}), "examples").unwrap_err();
        assert_eq!(err.to_string(), "cargo metadata: no packages");
    }

    #[test]
    fn each_wanted_crate_gets_its_rlib_and_build_scripts_and_proc_macros_none() {
        let wanted = direct_dependencies(&metadata(), "examples").unwrap();
        let crates = built_rlibs(BUILD.as_bytes(), &wanted).unwrap();
        assert_eq!(crates.len(), wanted.len(), "every direct dependency was built: {:?}", crates.keys());
        let loom = &crates["loom"];
        assert_eq!(
            loom.rlib,
            Path::new("/work/course/target/snippet-deps/snippet-deps/deps/libloom-65d7322051fc3d8d.rlib")
        );
        assert_eq!((loom.version.as_str(), loom.package.as_str()), ("0.7.3", "loom"));
        assert_eq!(crates["crossbeam_channel"].package, "crossbeam-channel");
        for dep in crates.values() {
            assert!(dep.rlib.extension().is_some_and(|e| e == "rlib"), "{}", dep.rlib.display());
        }
    }

    #[test]
    fn lines_that_are_not_cargo_json_and_unwanted_crates_are_skipped() {
        let wanted = direct_dependencies(&metadata(), "examples").unwrap();
        let noisy = format!("warning: not JSON\n\n{BUILD}{{\"reason\":\"compiler-artifact\"}}\n");
        assert_eq!(built_rlibs(noisy.as_bytes(), &wanted).unwrap().len(), 8);
        assert!(built_rlibs(BUILD.as_bytes(), &Wanted::new()).unwrap().is_empty());
    }
}
