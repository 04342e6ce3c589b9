//! What the pages say about the benchmark data, checked against that data.
//!
//! Beside each committed bench JSON (`throughput-counters.json`) sits a
//! claims file (`throughput-counters.claims.toml`) with two kinds of entry:
//!
//! - `[[claim]]`: a sentence a page says about the measurements (`says`, which
//!   must appear in the page, whitespace aside) and the comparisons that make
//!   it true (`checks`, in the language of [`super::expr`]). `each` repeats
//!   the checks for every value of a placeholder: `each = { n = "2..=max" }`
//!   turns `mutex@{n}` into `mutex@2`, `mutex@3`, … — every thread count in
//!   the range that the report measured (a list works too:
//!   `each = { mix = ["r100", "r50"] }`).
//! - `[[figure]]`: a number a page prints (`value`, an expression; `format`:
//!   `percent`, `times`, `number` or `ns`; optional `digits`; with `each`,
//!   `reduce = "min"` or `"max"` over the values). Figures are rendered into
//!   `<stem>.figures.md`, one anchor per figure, which pages include inline:
//!   `{{#include throughput-counters.figures.md:mutex_2_of_1}}`.
//!
//! `cargo xtask test` fails, naming page and claim, when the committed JSON
//! contradicts a claim, when a claim's sentence is no longer in its page, when
//! a page includes a figure that does not exist, or when a generated file
//! (table, plot, figures) differs from what its JSON gives.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Deserialize;

use super::expr::{self, Data};
use super::report::Report;
use crate::problems::Problems;

/// A claims file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    #[serde(default, rename = "figure")]
    pub figures: Vec<Figure>,
}

/// One sentence of a page and the comparisons that make it true.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Stable name, for messages.
    pub id: String,
    /// The page, relative to `src/`.
    pub page: String,
    /// Text that must appear in the page (whitespace-insensitive).
    pub says: String,
    /// Placeholders and their values.
    #[serde(default)]
    pub each: BTreeMap<String, Values>,
    /// Comparisons that must all hold.
    pub checks: Vec<String>,
}

/// A number a page includes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The anchor name in the figures file.
    pub name: String,
    /// An expression.
    pub value: String,
    pub format: Format,
    /// Decimal places (default: percent 0, times 1, number 1, ns 0).
    pub digits: Option<usize>,
    #[serde(default)]
    pub each: BTreeMap<String, Values>,
    /// How to combine the values of `each` into one.
    pub reduce: Option<Reduce>,
}

/// How a figure is printed.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// 0.216 → `22 %`
    Percent,
    /// 2.68 → `2.7×`
    Times,
    /// 36.9 → `36.9`
    Number,
    /// 5.86 → `6 ns`
    Ns,
}

/// Combining the values of a figure's `each`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reduce {
    Min,
    Max,
}

/// A placeholder's values: a list, or a range of thread counts such as
/// `"2..=max"` or `"2 * cores..=max"` (bounds are expressions: `max` is the
/// most threads measured), which stands for every thread count in it that
/// the report measured.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Values {
    List(Vec<toml::Value>),
    Range(String),
}

/// The claims file beside a bench JSON.
pub fn claims_path(json: &Path) -> PathBuf {
    json.with_extension("claims.toml")
}

/// The generated figures file beside a bench JSON.
pub fn figures_path(json: &Path) -> PathBuf {
    json.with_extension("figures.md")
}

/// Reads and parses a claims file, and every check and value in it.
pub fn load(path: &Path) -> Result<Claims> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let claims: Claims =
        toml::from_str(&text).with_context(|| format!("{} is not a claims file", path.display()))?;
    let mut ids = BTreeSet::new();
    for claim in &claims.claims {
        if !ids.insert(claim.id.as_str()) {
            bail!("{}: two claims are named `{}`", path.display(), claim.id);
        }
        if claim.checks.is_empty() {
            bail!("{}: claim `{}` has no checks", path.display(), claim.id);
        }
        for check in &claim.checks {
            expr::parse_comparison(&placeholders_as_one(check))
                .with_context(|| format!("{}: claim `{}`: `{check}`", path.display(), claim.id))?;
        }
    }
    let mut names = BTreeSet::new();
    for figure in &claims.figures {
        if !names.insert(figure.name.as_str()) {
            bail!("{}: two figures are named `{}`", path.display(), figure.name);
        }
        if !figure.each.is_empty() && figure.reduce.is_none() {
            bail!("{}: figure `{}` has `each` but no `reduce` (min or max)", path.display(), figure.name);
        }
        expr::parse_expr(&placeholders_as_one(&figure.value))
            .with_context(|| format!("{}: figure `{}`: `{}`", path.display(), figure.name, figure.value))?;
    }
    Ok(claims)
}

/// `text` with every `{placeholder}` replaced by something of the right
/// kind — `1` after `@` (a thread count), a name elsewhere — enough to check
/// the syntax before the values are known.
fn placeholders_as_one(text: &str) -> String {
    static AFTER_AT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"@\{\w+\}").expect("valid regex"));
    static ANY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\w+\}").expect("valid regex"));
    let threads = AFTER_AT.replace_all(text, "@1");
    ANY.replace_all(&threads, "p").into_owned()
}

/// A report as the data of expressions.
struct ReportData<'a>(&'a Report);

impl Data for ReportData<'_> {
    fn ops(&self, key: &str, threads: u32) -> Result<f64> {
        let series = self.0.series(key).with_context(|| {
            let keys: Vec<&str> = self.0.series.iter().map(|s| s.key.as_str()).collect();
            format!("the report has no series `{key}` (it has {})", keys.join(", "))
        })?;
        series.at(threads).with_context(|| format!("series `{key}` has no point at {threads} threads"))
    }

    fn spread(&self, key: &str, threads: u32) -> Result<f64> {
        let point = self
            .0
            .series(key)
            .and_then(|s| s.points.iter().find(|p| p.threads == threads))
            .with_context(|| format!("no point `{key}@{threads}`"))?;
        let (Some(fast), Some(slow)) = (point.runs_ns.iter().min(), point.runs_ns.iter().max()) else {
            bail!("`{key}@{threads}` has no runs");
        };
        Ok(*slow as f64 / (*fast).max(1) as f64)
    }

    fn cpu(&self, key: &str, threads: u32) -> Result<f64> {
        let series = self.0.series(key).with_context(|| format!("the report has no series `{key}`"))?;
        series
            .points
            .iter()
            .find(|p| p.threads == threads)
            .with_context(|| format!("no point `{key}@{threads}`"))?;
        series.cpu_at(threads).with_context(|| {
            format!(
                "`{key}@{threads}` has no CPU time (only groups that measure it, such as `spin`, have one)"
            )
        })
    }

    fn sleeps(&self, key: &str, threads: u32) -> Result<f64> {
        let point = self
            .0
            .series(key)
            .and_then(|s| s.points.iter().find(|p| p.threads == threads))
            .with_context(|| format!("no point `{key}@{threads}`"))?;
        if point.voluntary_switches.is_empty() {
            bail!(
                "`{key}@{threads}` has no context switches (only groups that measure CPU time, such as `spin`, have them)"
            );
        }
        let mut runs = point.voluntary_switches.clone();
        runs.sort_unstable();
        Ok(runs[runs.len() / 2] as f64)
    }

    fn constant(&self, name: &str) -> Result<f64> {
        Ok(match name {
            "max" => f64::from(self.0.max_threads()),
            "cores" => f64::from(self.0.machine.cores),
            "load_before" => self.0.load_average.before.context("the report has no load average")?[0],
            "load_after" => self.0.load_average.after.context("the report has no load average")?[0],
            "quiet_limit" => self.0.quiet_limit(),
            "interleaved" => f64::from(u8::from(self.0.schedule.as_deref() == Some("interleaved"))),
            "total_ops" => self.0.total_ops as f64,
            _ => bail!(
                "unknown constant `{name}` (known: max, cores, load_before, load_after, quiet_limit, interleaved, total_ops)"
            ),
        })
    }
}

/// Every combination of the placeholders' values.
fn expand(each: &BTreeMap<String, Values>, report: &Report) -> Result<Vec<BTreeMap<String, String>>> {
    let mut combos = vec![BTreeMap::new()];
    for (name, values) in each {
        let values: Vec<String> = match values {
            Values::List(list) => list
                .iter()
                .map(|v| match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            Values::Range(range) => {
                let (from, to) =
                    range.split_once("..=").with_context(|| format!("`{range}` is not `a..=b`"))?;
                // A bound is an expression of numbers and constants: `2`, `max`, `2 * cores`.
                let bound = |text: &str| -> Result<u32> {
                    let value = expr::parse_expr(text)
                        .and_then(|e| expr::eval(&e, &ReportData(report), &mut Vec::new()))
                        .with_context(|| format!("`{}` in `{range}` is not a thread count", text.trim()))?;
                    if value < 0.0 || value.fract() != 0.0 {
                        bail!("`{}` in `{range}` is {value}, not a thread count", text.trim());
                    }
                    Ok(value as u32)
                };
                // Only the counts measured: the spin group skips from 4 to 8.
                let measured = report.thread_counts();
                (bound(from)?..=bound(to)?).filter(|n| measured.contains(n)).map(|n| n.to_string()).collect()
            }
        };
        if values.is_empty() {
            bail!("placeholder `{name}` has no values");
        }
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |v| {
                    let mut next = combo.clone();
                    next.insert(name.clone(), v.clone());
                    next
                })
            })
            .collect();
    }
    Ok(combos)
}

fn substitute(text: &str, combo: &BTreeMap<String, String>) -> Result<String> {
    let mut out = text.to_string();
    for (name, value) in combo {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    if let Some(at) = out.find('{') {
        bail!("`{text}` uses a placeholder that `each` does not define (at `{}`)", &out[at..]);
    }
    Ok(out)
}

fn number(value: f64) -> String {
    if value.abs() >= 1e5 { format!("{:.1} M", value / 1e6) } else { format!("{value:.3}") }
}

/// The claims of `claims` that `report` contradicts, or that cannot be
/// evaluated, each naming the page, the claim and the values.
pub fn verdicts(claims: &Claims, report: &Report, claims_file: &Path) -> Problems {
    let data = ReportData(report);
    let claims_file = relative(claims_file);
    let mut problems = Problems::new();
    for claim in &claims.claims {
        let header = format!(
            "src/{}, claim `{}` (\"{}\"), from {}",
            claim.page,
            claim.id,
            squash(&claim.says),
            claims_file.display()
        );
        let combos = match expand(&claim.each, report) {
            Ok(combos) => combos,
            Err(err) => {
                problems.push(format!("{header}: {err:#}"));
                continue;
            }
        };
        for check in &claim.checks {
            for combo in &combos {
                let result = substitute(check, combo)
                    .and_then(|text| Ok((expr::parse_comparison(&text)?, text)))
                    .and_then(|(comparison, text)| Ok((expr::evaluate(&comparison, &data)?, text)));
                match result {
                    Ok((outcome, _)) if outcome.holds => {}
                    Ok((outcome, text)) => {
                        let values: String = outcome
                            .refs
                            .iter()
                            .map(|(name, v)| format!("; {name} = {}", number(*v)))
                            .collect();
                        problems.push(format!(
                            "{header}: the data contradict it: `{text}` is false ({} vs {}{values})",
                            number(outcome.left),
                            number(outcome.right),
                        ));
                    }
                    Err(err) => problems.push(format!("{header}: `{check}`: {err:#}")),
                }
            }
        }
    }
    problems
}

/// The figures file: every figure of `claims`, evaluated on `report`.
pub fn figures_md(claims: &Claims, report: &Report, json_name: &str) -> Result<String> {
    let data = ReportData(report);
    let mut out = format!(
        "<!-- Generated by `cargo xtask bench` from {json_name} and the figures of its claims file; \
         do not edit. Pages include one figure at a time by its anchor. -->\n"
    );
    for figure in &claims.figures {
        let mut values = Vec::new();
        for combo in expand(&figure.each, report)? {
            let text = substitute(&figure.value, &combo)?;
            let value = expr::eval(&expr::parse_expr(&text)?, &data, &mut Vec::new())
                .with_context(|| format!("figure `{}`: `{text}`", figure.name))?;
            values.push(value);
        }
        let value = match figure.reduce {
            Some(Reduce::Max) => values.into_iter().reduce(f64::max),
            Some(Reduce::Min) | None => values.into_iter().reduce(f64::min),
        }
        .expect("expand gives at least one combination");
        let digits = figure.digits.unwrap_or(match figure.format {
            Format::Percent | Format::Ns => 0,
            Format::Times | Format::Number => 1,
        });
        let text = match figure.format {
            Format::Percent => format!("{:.digits$} %", value * 100.0),
            Format::Times => format!("{value:.digits$}×"),
            Format::Number => format!("{value:.digits$}"),
            Format::Ns => format!("{value:.digits$} ns"),
        };
        writeln!(out, "<!-- ANCHOR: {} -->\n{text}\n<!-- ANCHOR_END: {} -->", figure.name, figure.name)
            .expect("writing to a String");
    }
    Ok(out)
}

/// `path` relative to the workspace root, for messages.
fn relative(path: &Path) -> &Path {
    path.strip_prefix(crate::paths::root()).unwrap_or(path)
}

/// Whitespace runs → one space, so a sentence matches however the page wraps it.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Claims whose sentence is missing from its page.
pub fn sentences_in_pages(claims: &Claims, src: &Path, claims_file: &Path) -> Problems {
    let mut problems = Problems::new();
    let claims_file = relative(claims_file);
    for claim in &claims.claims {
        let page = src.join(&claim.page);
        match std::fs::read_to_string(&page) {
            Ok(text) if squash(&text).contains(&squash(&claim.says)) => {}
            Ok(_) => problems.push(format!(
                "src/{}, claim `{}`: the page no longer says \"{}\": update `says` in {} to the new sentence \
                 (and its checks to what the sentence now claims), or remove the claim",
                claim.page,
                claim.id,
                squash(&claim.says),
                claims_file.display()
            )),
            Err(err) => problems.push(format!(
                "{}: claim `{}` names page src/{}, which cannot be read: {err}",
                claims_file.display(),
                claim.id,
                claim.page
            )),
        }
    }
    problems
}

/// Every `{{#include <x>.figures.md:<name>}}` in the pages under `src`
/// must name a figure of a known figures file: mdBook would include an
/// unknown anchor as nothing at all, leaving a hole in a sentence.
pub fn figure_includes(src: &Path, known: &BTreeMap<PathBuf, BTreeSet<String>>) -> Result<Problems> {
    static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\{\{#include\s+([^\s}]+\.figures\.md)(?::([^\s}]*))?\s*\}\}").expect("valid regex")
    });
    let mut problems = Problems::new();
    let pages = crate::paths::files_with_extension(src, "md")?;
    for page in pages.iter().filter(|p| !p.to_string_lossy().ends_with(".figures.md")) {
        let text = std::fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
        let rel = page.strip_prefix(src.parent().unwrap_or(src)).unwrap_or(page).display().to_string();
        for caps in INCLUDE.captures_iter(&text) {
            let target = crate::paths::normalize(&page.parent().unwrap_or(src).join(&caps[1]));
            let Some(names) = known.get(&target) else {
                problems.push(format!("{rel}: includes {}, which is not a generated figures file", &caps[1]));
                continue;
            };
            match caps.get(2).map(|m| m.as_str()) {
                Some(name) if names.contains(name) => {}
                Some(name) => problems.push(format!(
                    "{rel}: includes figure `{name}` of {}, which has no such figure (it has {})",
                    &caps[1],
                    names.iter().cloned().collect::<Vec<_>>().join(", ")
                )),
                None => problems.push(format!(
                    "{rel}: includes all of {}: include one figure by its anchor (`…figures.md:name`)",
                    &caps[1]
                )),
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"{
        "group": "counters", "title": "Sample", "toolchain": "rustc 1.95.0",
        "machine": {"cpu": "Test CPU", "cores": 2, "os": "linux", "arch": "x86_64"},
        "load_average": {"before": [1.99, 2.17, 3.52], "after": [2.51, 2.27, 3.49]},
        "total_ops": 1000000, "warmup_runs": 1, "repeats": 3, "statistic": "median",
        "series": [
            {"key": "mutex", "label": "Mutex<u64>", "points": [
                {"threads": 1, "ops_per_sec": 170e6, "runs_ns": [1]},
                {"threads": 2, "ops_per_sec": 37e6, "runs_ns": [1]},
                {"threads": 3, "ops_per_sec": 42e6, "runs_ns": [1]}]},
            {"key": "sharded", "label": "sharded", "points": [
                {"threads": 1, "ops_per_sec": 250e6, "runs_ns": [10, 30, 20]},
                {"threads": 2, "ops_per_sec": 470e6, "runs_ns": [1]},
                {"threads": 3, "ops_per_sec": 420e6, "runs_ns": [1]}]}
        ]
    }"#;

    const CLAIMS: &str = r#"
        [[claim]]
        id = "mutex-collapses"
        page = "real-world/throughput.md"
        says = "The `Mutex` counter collapses."
        each = { n = "2..=max" }
        checks = ["mutex@{n} < 0.3 * mutex@1"]

        [[claim]]
        id = "busy"
        page = "real-world/throughput.md"
        says = "busy by the page's own rule"
        checks = ["load_before > quiet_limit"]

        [[figure]]
        name = "mutex_2_of_1"
        value = "mutex@2 / mutex@1"
        format = "percent"

        [[figure]]
        name = "sharded_best_gain"
        value = "sharded@{n} / sharded@1"
        each = { n = "2..=max" }
        reduce = "max"
        format = "times"

        [[figure]]
        name = "mutex_ns"
        value = "ns(mutex@1)"
        format = "ns"

        [[figure]]
        name = "sharded_spread"
        value = "spread(sharded@1)"
        format = "number"
        digits = 2
    "#;

    fn report() -> Report {
        serde_json::from_str(REPORT).unwrap()
    }

    fn claims(text: &str) -> Claims {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn claims_that_the_data_support_pass() {
        let problems = verdicts(&claims(CLAIMS), &report(), Path::new("x.claims.toml"));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_contradicted_claim_fails_naming_page_claim_and_values() {
        let mut report = report();
        // New data: the Mutex counter keeps half its speed at 3 threads.
        report.series[0].points[2].ops_per_sec = 85e6;
        let problems = verdicts(&claims(CLAIMS), &report, Path::new("x.claims.toml"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        let message = &problems[0];
        for part in [
            "src/real-world/throughput.md",
            "claim `mutex-collapses`",
            "The `Mutex` counter collapses.",
            "`mutex@3 < 0.3 * mutex@1` is false",
            "mutex@3 = 85.0 M",
            "mutex@1 = 170.0 M",
        ] {
            assert!(message.contains(part), "{part:?} missing from: {message}");
        }
    }

    #[test]
    fn a_quiet_rerun_contradicts_a_page_that_calls_the_machine_busy() {
        let mut report = report();
        report.load_average.before = Some([0.1, 0.2, 0.3]);
        let problems = verdicts(&claims(CLAIMS), &report, Path::new("x.claims.toml"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("claim `busy`") && problems[0].contains("load_before > quiet_limit"));
    }

    #[test]
    fn broken_checks_are_reported_not_skipped() {
        let text = r#"
            [[claim]]
            id = "typo"
            page = "p.md"
            says = "x"
            checks = ["mutx@2 < 1", "mutex@{m} < 1"]
        "#;
        let problems = verdicts(&claims(text), &report(), Path::new("x.claims.toml"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("no series `mutx`"), "{problems:?}");
        assert!(problems[1].contains("placeholder"), "{problems:?}");
    }

    #[test]
    fn ranges_take_expressions_and_only_measured_thread_counts() {
        let mut report = report();
        // Like the spin group: 1, 2 and 4 threads (3 was not measured).
        for series in &mut report.series {
            series.points[2].threads = 4;
        }
        let values = |range: &str| {
            let each = BTreeMap::from([("n".to_string(), Values::Range(range.into()))]);
            expand(&each, &report).map(|combos| combos.iter().map(|c| c["n"].clone()).collect::<Vec<_>>())
        };
        assert_eq!(values("1..=max").unwrap(), ["1", "2", "4"]);
        assert_eq!(values("2 * cores..=max").unwrap(), ["4"]);
        assert_eq!(values("cores + 1..=max").unwrap(), ["4"]);
        assert!(format!("{:#}", values("cores / 4..=max").unwrap_err()).contains("not a thread count"));
        assert!(format!("{:#}", values("nope..=max").unwrap_err()).contains("unknown constant `nope`"));
        assert!(format!("{:#}", values("5..=max").unwrap_err()).contains("no values"));
    }

    #[test]
    fn figures_are_generated_with_anchors() {
        let md = figures_md(&claims(CLAIMS), &report(), "x.json").unwrap();
        assert!(
            md.contains("<!-- ANCHOR: mutex_2_of_1 -->\n22 %\n<!-- ANCHOR_END: mutex_2_of_1 -->"),
            "{md}"
        );
        assert!(md.contains("\n1.9×\n"), "max of 470/250 and 420/250: {md}");
        assert!(md.contains("\n6 ns\n"), "{md}");
        assert!(md.contains("\n3.00\n"), "{md}");
        // The header must not look like an anchor to mdBook.
        assert!(!md.lines().next().unwrap().contains("ANCHOR"), "{md}");
    }

    #[test]
    fn claims_files_are_checked_when_loaded() {
        let dir = std::env::temp_dir().join(format!("claims-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.claims.toml");
        let load_text = |text: &str| {
            std::fs::write(&file, text).unwrap();
            load(&file).map(|_| ()).map_err(|e| format!("{e:#}"))
        };
        assert_eq!(load_text(CLAIMS), Ok(()));
        assert!(
            load_text("[[claim]]\nid='a'\npage='p'\nsays='s'\nchecks=['a@{n} <']")
                .unwrap_err()
                .contains("`a@{n} <`")
        );
        let twice = "[[claim]]\nid='a'\npage='p'\nsays='s'\nchecks=['1<2']\n".repeat(2);
        assert!(load_text(&twice).unwrap_err().contains("two claims are named `a`"));
        assert!(load_text("[[claim]]\nid='a'\npage='p'\nsays='s'\nchecks=['1<2']\nsay='typo'").is_err());
        assert!(
            load_text("[[figure]]\nname='f'\nvalue='a@{n}'\nformat='number'\neach={n='1..=2'}")
                .unwrap_err()
                .contains("no `reduce`")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sentences_and_figure_includes_are_checked_in_the_pages() {
        let root = std::env::temp_dir().join(format!("claims-pages-{}", std::process::id()));
        let src = root.join("src");
        std::fs::create_dir_all(src.join("real-world")).unwrap();
        std::fs::write(
            src.join("real-world/throughput.md"),
            "The `Mutex`\ncounter collapses. It keeps \
             {{#include throughput-counters.figures.md:mutex_2_of_1}} and \
             {{#include throughput-counters.figures.md:no_such}}.\n",
        )
        .unwrap();
        let claims = claims(CLAIMS);
        let problems = sentences_in_pages(&claims, &src, Path::new("x.claims.toml"));
        assert_eq!(
            problems.len(),
            1,
            "wrapped lines still match; the busy sentence is missing: {problems:?}"
        );
        assert!(problems[0].contains("claim `busy`") && problems[0].contains("no longer says"));
        let known = BTreeMap::from([(
            src.join("real-world/throughput-counters.figures.md"),
            BTreeSet::from(["mutex_2_of_1".to_string()]),
        )]);
        let problems = figure_includes(&src, &known).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("figure `no_such`"), "{problems:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
