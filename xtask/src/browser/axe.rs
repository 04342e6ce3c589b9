//! axe-core, the accessibility engine the browser tests inject into pages.
//!
//! Its version and integrity (sha512) are pinned in `xtask/axe/package-lock.json`;
//! `npm ci` installs exactly that into `<target dir>/axe/` and refuses a
//! tarball whose hash differs. Installed once, reused while the lock file is
//! unchanged.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Browser;
use super::pages::js;
use crate::{cmd, paths};

/// Where `npm ci` installs axe-core: under cargo's target directory.
fn install_dir() -> PathBuf {
    paths::target_dir().join("axe")
}

/// The version the lock file pins, and its integrity string.
fn pinned(lock: &str) -> Result<(String, String)> {
    let lock: Value = serde_json::from_str(lock).context("xtask/axe/package-lock.json is not JSON")?;
    let entry = &lock["packages"]["node_modules/axe-core"];
    let version = entry["version"].as_str().context("the lock file pins no axe-core version")?;
    let integrity = entry["integrity"].as_str().unwrap_or_default();
    ensure!(
        integrity.starts_with("sha512-"),
        "the lock file has no sha512 integrity for axe-core (regenerate it with `npm install --package-lock-only` in xtask/axe/)"
    );
    Ok((version.to_string(), integrity.to_string()))
}

/// axe-core's script, installed with `npm ci` when missing or when the lock
/// file changed since the last install.
pub fn source() -> Result<String> {
    let src = paths::root().join("xtask/axe");
    let lock =
        fs::read_to_string(src.join("package-lock.json")).context("reading xtask/axe/package-lock.json")?;
    let (version, integrity) = pinned(&lock)?;
    let dir = install_dir();
    let script = dir.join("node_modules/axe-core/axe.min.js");
    let installed_lock = fs::read_to_string(dir.join("package-lock.json")).unwrap_or_default();
    if installed_lock != lock || !script.exists() {
        println!("installing axe-core {version} ({integrity}) into {}", dir.display());
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for file in ["package.json", "package-lock.json"] {
            fs::copy(src.join(file), dir.join(file)).with_context(|| format!("copying xtask/axe/{file}"))?;
        }
        let mut npm = cmd::in_root("npm");
        npm.current_dir(&dir).args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
        cmd::run(
            &mut npm,
            "`npm ci` could not install the pinned axe-core (see above; it needs the npm registry once)",
        )?;
    }
    #[derive(Deserialize)]
    struct Manifest {
        version: String,
    }
    let manifest: Manifest =
        serde_json::from_str(&fs::read_to_string(dir.join("node_modules/axe-core/package.json"))?)
            .context("reading the installed axe-core's package.json")?;
    if manifest.version != version {
        bail!(
            "{} holds axe-core {}, the lock pins {version}: delete it and re-run",
            dir.display(),
            manifest.version
        );
    }
    fs::read_to_string(&script).with_context(|| format!("reading {}", script.display()))
}

/// One failed axe rule on one element.
#[derive(Debug, Clone, Deserialize)]
pub struct Violation {
    /// The rule (`color-contrast`, `aria-allowed-attr`, …).
    pub rule: String,
    /// `critical`, `serious`, `moderate` or `minor`.
    pub impact: String,
    /// A CSS selector of the element.
    pub target: String,
    /// What is wrong, in axe's words.
    pub summary: String,
}

/// Injects axe (once per page) and runs every default rule on the page that
/// is open; returns each violating element.
pub async fn run(b: &Browser, axe: &str) -> Result<Vec<Violation>> {
    let loaded: bool = js(b, "return typeof window.axe === 'object';", vec![]).await?;
    if !loaded {
        b.driver().execute(axe, vec![]).await.context("injecting axe-core")?;
    }
    js(
        b,
        "return axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.flatMap(v =>
             v.nodes.map(n => ({rule: v.id, impact: n.impact || v.impact || 'unknown',
                                target: n.target.join(' '),
                                summary: (n.failureSummary || v.help).replace(/\\s+/g, ' ').slice(0, 300)}))));",
        vec![json!(null)],
    )
    .await
    .context("running axe-core")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed lock file, as `npm install --package-lock-only` wrote it.
    const LOCK: &str = include_str!("../../axe/package-lock.json");

    #[test]
    fn the_lock_file_pins_axe_core_with_a_sha512() {
        let (version, integrity) = pinned(LOCK).unwrap();
        let manifest: Value = serde_json::from_str(include_str!("../../axe/package.json")).unwrap();
        assert_eq!(manifest["dependencies"]["axe-core"], version.as_str(), "package.json and its lock agree");
        assert!(integrity.starts_with("sha512-") && integrity.len() > 80, "{integrity}");
    }

    #[test]
    fn a_lock_without_axe_core_or_its_hash_says_how_to_fix_it() {
        let mut lock: Value = serde_json::from_str(LOCK).unwrap();
        lock["packages"]["node_modules/axe-core"]["integrity"] = json!("sha1-abc");
        let err = pinned(&lock.to_string()).unwrap_err().to_string();
        assert!(err.contains("npm install --package-lock-only"), "{err}");
        lock["packages"] = json!({});
        assert_eq!(
            pinned(&lock.to_string()).unwrap_err().to_string(),
            "the lock file pins no axe-core version"
        );
        assert!(pinned("<html>").unwrap_err().to_string().contains("is not JSON"));
    }
}
