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
        let mut crates = BTreeMap::new();
        let stdout = child.stdout.take().expect("piped stdout");
        for line in BufReader::new(stdout).lines() {
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

/// Package id → (crate name as code uses it, version, package name) of
/// `package`'s normal dependencies.
fn direct_dependencies(
    metadata: &Value,
    package: &str,
) -> Result<BTreeMap<String, (String, String, String)>> {
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
