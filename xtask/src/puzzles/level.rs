//! The level files, `src/puzzles/<page>-<n>.toml`: their schema, and
//! loading them with every mistake of shape named. What the ops *mean* is
//! the engine's business (`theme/scheduler.js`); `cargo xtask puzzles` runs
//! it on every level.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Deserialize;
use serde_json::{Value, json};

/// The folder of the level files, under `src/`.
pub const LEVEL_DIR: &str = "puzzles";

/// One level, as written in its TOML file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The file stem: `<page name>-<n>` (`mistakes-deadlocks-1`).
    #[serde(skip)]
    pub id: String,
    /// Markdown, one line: the level's name.
    pub title: String,
    /// Markdown: what the reader has to make happen.
    pub goal: String,
    /// Markdown: the situation, shown above the threads.
    pub intro: String,
    /// The fixed version: no schedule fails, and the reader can claim so.
    pub safe: bool,
    /// What loom panics with when the goal is reached: a panic message, or
    /// `deadlock`. Only for levels that are not safe.
    #[serde(default)]
    pub failure: Option<String>,
    /// The loom model that backs the level, as `cargo test` names it
    /// (`mistakes::deadlocks::puzzle_transfers::loom::opposite_transfers_can_deadlock`).
    pub loom: String,
    /// Markdown: what happened, shown when the reader wins.
    pub won: String,
    /// Where the page explains the fix.
    pub fix: Fix,
    /// Shared values: whole numbers, booleans, lists of them, or `"none"`.
    #[serde(default)]
    pub shared: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub mutexes: Vec<String>,
    #[serde(default)]
    pub rwlocks: Vec<String>,
    #[serde(default)]
    pub condvars: Vec<String>,
    pub threads: Vec<Thread>,
    /// What main checks once every thread has finished.
    #[serde(default)]
    pub finally: Vec<Final>,
}

/// A link to the page's explanation of the fix.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// Markdown: the link's text.
    pub text: String,
    /// `chapter/page.md#anchor`, relative to `src/`.
    pub href: String,
}

/// One thread of a level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thread {
    pub name: String,
    /// How main starts it (`thread::spawn(move || transfer(&alice, &bob, 10))`).
    #[serde(default)]
    pub spawn: Option<String>,
    /// Runs the lines of another thread.
    #[serde(default)]
    pub like: Option<String>,
    /// Shared names the lines use, bound to the level's (`from = "alice"`).
    #[serde(default)]
    pub bind: BTreeMap<String, String>,
    /// The thread's own starting values (its arguments).
    #[serde(default)]
    pub locals: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub lines: Option<Vec<Line>>,
}

/// One source line and the ops it takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The Rust source, as in the loom twin (indentation is kept for display).
    pub code: String,
    #[serde(default)]
    pub ops: Vec<String>,
}

/// A check main makes after joining every thread.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Final {
    /// The Rust source of the check, as in the loom twin.
    pub code: String,
    /// The engine's expression (shared values and threads' results).
    pub check: String,
    pub message: String,
}

impl Level {
    /// The lines thread `t` runs (`like` resolved).
    pub fn lines_of<'a>(&'a self, t: &'a Thread) -> &'a [Line] {
        let model = t.like.as_ref().and_then(|name| self.threads.iter().find(|o| &o.name == name));
        model.and_then(|m| m.lines.as_deref()).or(t.lines.as_deref()).unwrap_or_default()
    }

    /// What the engine reads (`compile` in theme/scheduler.js): the program
    /// and its verdict, not the prose.
    pub fn engine_json(&self) -> Result<Value> {
        let shared = values(&self.shared, &format!("{}: shared", self.id))?;
        let threads = self
            .threads
            .iter()
            .map(|t| {
                let mut thread = json!({ "name": t.name });
                if let Some(spawn) = &t.spawn {
                    thread["spawn"] = json!(spawn);
                }
                if let Some(like) = &t.like {
                    thread["like"] = json!(like);
                }
                if !t.bind.is_empty() {
                    thread["bind"] = json!(t.bind);
                }
                if !t.locals.is_empty() {
                    thread["locals"] = values(&t.locals, &format!("{}: thread {} locals", self.id, t.name))?;
                }
                if let Some(lines) = &t.lines {
                    thread["lines"] =
                        lines.iter().map(|l| json!({ "code": l.code, "ops": l.ops })).collect::<Value>();
                }
                Ok(thread)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut level = json!({
            "id": self.id,
            "safe": self.safe,
            "shared": shared,
            "mutexes": self.mutexes,
            "rwlocks": self.rwlocks,
            "condvars": self.condvars,
            "threads": threads,
            "finally": self.finally.iter().map(|f| json!({ "code": f.code, "check": f.check, "message": f.message })).collect::<Vec<_>>(),
        });
        if let Some(failure) = &self.failure {
            level["failure"] = json!(failure);
        }
        Ok(level)
    }
}

/// TOML values as the engine's JSON: numbers, booleans, lists, and the
/// string `"none"` for Rust's `None` (TOML has no null).
fn values(map: &BTreeMap<String, toml::Value>, what: &str) -> Result<Value> {
    fn one(v: &toml::Value, what: &str) -> Result<Value> {
        Ok(match v {
            toml::Value::Integer(n) => json!(n),
            toml::Value::Boolean(b) => json!(b),
            toml::Value::String(s) if s == "none" => Value::Null,
            toml::Value::Array(items) => items.iter().map(|i| one(i, what)).collect::<Result<Value>>()?,
            other => bail!("{what}: {other} is not a whole number, true/false, a list, or \"none\""),
        })
    }
    map.iter().map(|(k, v)| Ok((k.clone(), one(v, &format!("{what} `{k}`"))?))).collect()
}

/// Every level of `src/puzzles/`, sorted by id, each checked for shape:
/// its id, its fix link's page, a verdict that fits `safe`.
pub fn load_all(src: &Path) -> Result<Vec<Level>> {
    let dir = src.join(LEVEL_DIR);
    static ID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*-[0-9]+$").expect("valid regex"));
    let mut levels = Vec::new();
    let files = crate::paths::files_with_extension(&dir, "toml")
        .with_context(|| format!("reading the level folder {}", dir.display()))?;
    for path in files {
        let id = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let shown = format!("src/{LEVEL_DIR}/{id}.toml");
        if !ID.is_match(&id) {
            bail!(
                "{shown}: name a level after the page it teaches and a number, like mistakes-deadlocks-1.toml"
            );
        }
        let text = fs::read_to_string(&path).with_context(|| format!("reading {shown}"))?;
        let mut level: Level =
            toml::from_str(&text).with_context(|| format!("{shown} is not a valid level"))?;
        level.id = id;
        match (level.safe, &level.failure) {
            (true, Some(_)) => bail!("{shown}: a safe level has no `failure` (nothing can fail)"),
            (false, None) => bail!(
                "{shown}: a level that is not safe needs `failure`: what loom panics with when the goal is reached (a panic message, or \"deadlock\")"
            ),
            _ => {}
        }
        let page = level.fix.href.split('#').next().unwrap_or_default();
        if !page.ends_with(".md") || !src.join(page).is_file() {
            bail!(
                "{shown}: fix.href `{}` must name a page of the book, like `chapter/page.md#anchor`",
                level.fix.href
            );
        }
        level.engine_json()?;
        levels.push(level);
    }
    levels.sort_by(|a, b| a.id.cmp(&b.id));
    if levels.is_empty() {
        bail!("no level files in {}", dir.display());
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Result<Level> {
        let mut l: Level = toml::from_str(text)?;
        l.id = "x-1".into();
        Ok(l)
    }

    const MINIMAL: &str = r#"
        title = "t"
        goal = "g"
        intro = "i"
        safe = true
        loom = "a::loom::b"
        won = "w"
        fix = { text = "f", href = "mutex/guards.md" }
        shared = { entry = "none", items = [1, 2], flag = false }
        [[threads]]
        name = "a"
        lines = [{ code = "x", ops = ["end"] }]
        [[threads]]
        name = "b"
        like = "a"
        locals = { n = 3 }
    "#;

    #[test]
    fn none_becomes_null_and_like_threads_share_lines() {
        let l = level(MINIMAL).unwrap();
        let json = l.engine_json().unwrap();
        assert_eq!(json["shared"], json!({ "entry": null, "items": [1, 2], "flag": false }));
        assert_eq!(json["threads"][1], json!({ "name": "b", "like": "a", "locals": { "n": 3 } }));
        assert_eq!(l.lines_of(&l.threads[1])[0].code, "x");
        assert!(json.get("failure").is_none());
    }

    #[test]
    fn unknown_keys_and_strange_values_are_refused() {
        let err = level(&MINIMAL.replace("safe = true", "safe = true\ncolour = 1")).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field `colour`"), "{err:#}");
        let l = level(&MINIMAL.replace("flag = false", "flag = 1.5")).unwrap();
        let err = l.engine_json().unwrap_err();
        assert!(format!("{err:#}").contains("shared `flag`: 1.5 is not a whole number"), "{err:#}");
    }

    #[test]
    fn the_book_s_levels_load() {
        let levels = load_all(&crate::paths::root().join("src")).unwrap();
        assert!(levels.len() >= 10, "the issue asks for at least 10 levels");
        assert!(levels.iter().filter(|l| l.safe).count() >= 3, "and safe versions of at least three");
    }
}
