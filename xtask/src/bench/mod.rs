//! `cargo xtask bench …`: the course's benchmarks. `locks`, `caches` and
//! `spin` run a release build of `examples/src/bin/bench.rs` and turn its
//! JSON into the plots, tables and figures the book includes; `all` (or no
//! target) runs the three. `playground` measures the local playground and `pages` what a
//! reader's browser downloads (neither is part of `all`).
//!
//! Before `locks`, `caches` or `spin` run, [`gate`] refuses a busy machine (unless
//! `--allow-busy`). After they run, every claim the pages make about the new
//! data is checked ([`claims`]): the results are written either way, and
//! contradicted claims are listed with their page, so the prose can be
//! rewritten. `cargo xtask test` runs the same claims check on the committed
//! data ([`check`]); no test depends on a timing taken during the test.
//!
//! Each target is a small module; to add a group the book includes, add a
//! [`Group`] (like `locks::GROUP`) to [`GROUPS`] and a variant to [`Target`].

mod caches;
pub mod claims;
mod expr;
pub mod gate;
mod locks;
mod pages;
mod playground;
pub mod report;
mod spin;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::cmd;
use crate::problems::Problems;

/// `cargo xtask bench [options] [target]`.
#[derive(clap::Args)]
pub struct Args {
    /// Measure even if the machine is busy before the run (1-minute load
    /// average above a quarter of the cores). The JSON and every caption then
    /// say so; never commit busy data over quiet data.
    #[arg(long, global = true)]
    allow_busy: bool,
    /// Write the JSON, plots, tables and figures into this directory instead
    /// of over the committed ones in src/ (a scratch run).
    #[arg(long, global = true, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Do not measure: regenerate the plots, tables and figures from the
    /// JSON (the committed one, or the one in --out-dir), and check the claims.
    #[arg(long, global = true)]
    render_only: bool,
    #[command(subcommand)]
    target: Option<Target>,
}

/// What to benchmark.
#[derive(Subcommand)]
pub enum Target {
    /// Everything the book includes: `locks`, `caches`, then `spin`, with
    /// their default settings (what `cargo xtask bench` with no target runs).
    All,
    /// Counters under contention (Mutex, RwLock, parking_lot, atomic, sharded
    /// with and without padding, per-thread) across 1..=2×cores threads;
    /// writes src/real-world/throughput-counters.{json,svg,md,figures.md},
    /// src/beyond/parking-lot-counters.md and src/beyond/measuring-spread.md.
    Locks {
        /// Increments per data point (split over the threads).
        #[arg(long, default_value_t = locks::GROUP.ops)]
        ops: u64,
        /// Timed runs per data point (after one warm-up pass); the median is reported.
        #[arg(long, default_value_t = locks::GROUP.repeats)]
        repeats: u32,
    },
    /// Shared maps (Mutex<HashMap>, RwLock<HashMap>, padded shards, DashMap)
    /// under 100 %, 90 % and 50 % reads across 1..=2×cores threads; writes
    /// src/beyond/measuring-caches.{json,svg,md,figures.md}.
    Caches {
        /// Map operations per data point (split over the threads).
        #[arg(long, default_value_t = caches::GROUP.ops)]
        ops: u64,
        /// Timed runs per data point (after one warm-up pass); the median is reported.
        #[arg(long, default_value_t = caches::GROUP.repeats)]
        repeats: u32,
    },
    /// Part 3's SpinLock, ParkingLock and FutexMutex and std's Mutex, with a
    /// one-addition and a longer (~200 ns) critical section, at 1, cores, and
    /// 2, 4 and 8 × cores threads: throughput and CPU time per increment;
    /// writes src/beyond/measuring-spin.{json,svg,md,figures.md} and
    /// src/beyond/measuring-spin-cpu.{svg,md}.
    Spin {
        /// Increments per data point with the longer critical section (split
        /// over the threads); the one-addition lines run ten times as many
        /// (`ADD_OPS_SCALE` in examples/src/beyond/measuring_spin.rs).
        #[arg(long, default_value_t = spin::GROUP.ops)]
        ops: u64,
        /// Timed runs per data point (after one warm-up pass); the median is reported.
        #[arg(long, default_value_t = spin::GROUP.repeats)]
        repeats: u32,
    },
    /// Measure nothing: check the pages' claims against the committed data,
    /// and that the generated tables, plots and figures match it (the
    /// "benchmark claims" step of `cargo xtask test`).
    Claims,
    /// Round-trip latency of the local playground's /evaluate.json against a
    /// bare rustc compile + run, for std, parking_lot and loom snippets, plus
    /// an unchanged re-run (binary cache hit).
    Playground {
        /// Runs per measurement (p50/p95 need at least 20).
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Load every page in headless Chromium with a cold cache: bytes before
    /// first paint, total bytes, paint and load times, warm-cache bytes of
    /// the next page, and where the bytes go.
    Pages,
}

/// A benchmark group the book includes: what to run and what it writes.
pub struct Group {
    /// The xtask target (`cargo xtask bench locks`).
    pub name: &'static str,
    /// The bench binary's group.
    pub binary_group: &'static str,
    /// The committed JSON, relative to the workspace root; the plot, table,
    /// claims and figures sit beside it with the same stem.
    pub json: &'static str,
    /// Default operations per data point and timed runs.
    pub ops: u64,
    pub repeats: u32,
    /// The plot beside the JSON (`report::svg`: throughput against threads).
    pub plot: fn(&report::Report) -> Result<String>,
    /// Tables for other pages, from the report and the command that made it.
    pub extras: fn(&report::Report, &str) -> Result<Vec<Generated>>,
}

/// A generated file: its path relative to the root, and its contents.
pub type Generated = (&'static str, String);

/// Every group the book includes, in the order `all` runs them.
const GROUPS: [&Group; 3] = [&locks::GROUP, &caches::GROUP, &spin::GROUP];

/// Runs one benchmark target (none: all of the book's).
pub fn run(args: Args) -> Result<()> {
    let plan: Vec<(&Group, u64, u32)> = match args.target.unwrap_or(Target::All) {
        Target::All => GROUPS.iter().map(|g| (*g, g.ops, g.repeats)).collect(),
        Target::Locks { ops, repeats } => vec![(&locks::GROUP, ops, repeats)],
        Target::Caches { ops, repeats } => vec![(&caches::GROUP, ops, repeats)],
        Target::Spin { ops, repeats } => vec![(&spin::GROUP, ops, repeats)],
        Target::Claims => return check(),
        Target::Playground { runs } => return playground::run(runs),
        Target::Pages => return pages::run(),
    };
    let started = Instant::now();
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let gate = if args.render_only {
        None
    } else {
        cmd::step("Building the benchmarks (release)");
        cmd::run(
            cmd::cargo().args(["build", "--release", "--locked", "--package", "examples", "--bin", "bench"]),
            "the bench binary does not build",
        )?;
        cmd::step("Is the machine quiet? (1-minute load average before any benchmark runs)");
        Some(gate::check(args.allow_busy)?)
    };
    let mut problems = Problems::new();
    for (group, ops, repeats) in plan {
        let group_started = Instant::now();
        let json = destination(group.json, args.out_dir.as_deref());
        if let Some(gate) = gate {
            cmd::step(&format!("Benchmark: {} (release build of examples/src/bin/bench.rs)", group.name));
            run_binary(group.binary_group, &json, ops, repeats, &gate)?;
        }
        let report = read_report(&json)?;
        for (path, text) in outputs(group, &report)? {
            let path = destination(&path, args.out_dir.as_deref());
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        let claims_file = claims::claims_path(&crate::paths::root().join(group.json));
        let claims = claims::load(&claims_file)?;
        problems.extend(claims::verdicts(&claims, &report, &claims_file));
        if gate.is_some() {
            println!("bench {} finished in {:.0} s", group.name, group_started.elapsed().as_secs_f64());
        }
    }
    println!("\nbench finished in {:.0} s", started.elapsed().as_secs_f64());
    problems.fail_if_any(|n| {
        format!(
            "the results are written, but {n} claim check(s) of the pages no longer hold: \
             rewrite those sentences for the new data, update their claims files, and run `cargo xtask test`"
        )
    })?;
    println!("every claim the pages make about these data holds");
    Ok(())
}

/// Where a generated file goes: its committed place, or `dir` in a scratch run.
fn destination(committed: &str, dir: Option<&Path>) -> PathBuf {
    match dir {
        Some(dir) => dir.join(Path::new(committed).file_name().expect("generated files have names")),
        None => crate::paths::root().join(committed),
    }
}

/// The toolchain that builds the benchmarks, as `rustc -V` prints it.
fn toolchain() -> Result<String> {
    let output = cmd::in_root("rustc").arg("-V").output().context("could not run `rustc -V`")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs the release-mode bench binary for `group`, writing its JSON to `out`.
fn run_binary(group: &str, out: &Path, ops: u64, repeats: u32, gate: &gate::Gate) -> Result<()> {
    let toolchain = toolchain()?;
    let mut command = cmd::cargo();
    command
        .args(["run", "--release", "--locked", "--package", "examples", "--bin", "bench", "--"])
        .arg(group)
        .arg("--toolchain")
        .arg(&toolchain)
        .arg("--out")
        .arg(out)
        .args(["--ops", &ops.to_string(), "--repeats", &repeats.to_string()])
        .args(gate.args());
    cmd::run(&mut command, &format!("the `{group}` benchmark failed"))
}

fn read_report(json: &Path) -> Result<report::Report> {
    let text = std::fs::read_to_string(json).with_context(|| format!("reading {}", json.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a bench report", json.display()))
}

/// Every file generated from a group's report, with its committed path
/// (relative to the root): the plot, the table, the figures and the extras.
fn outputs(group: &Group, report: &report::Report) -> Result<Vec<(String, String)>> {
    let command = format!("cargo xtask bench {}", group.name);
    let json = Path::new(group.json);
    let claims = claims::load(&claims::claims_path(&crate::paths::root().join(json)))?;
    let file_name = json.file_name().expect("the JSON has a name").to_string_lossy();
    let mut out = vec![
        (json.with_extension("svg").display().to_string(), (group.plot)(report)?),
        (json.with_extension("md").display().to_string(), report::table(report, &command)),
        (claims::figures_path(json).display().to_string(), claims::figures_md(&claims, report, &file_name)?),
    ];
    for (path, text) in (group.extras)(report, &command)? {
        out.push((path.to_string(), text));
    }
    Ok(out)
}

/// `cargo xtask test`'s check of the committed benchmark data: every claim
/// holds, every claim's sentence is in its page, every included figure
/// exists, and every generated file matches its JSON.
pub fn check() -> Result<()> {
    cmd::step("Benchmark claims (the pages' statements about the committed bench data)");
    let root = crate::paths::root();
    let mut problems = Problems::new();
    let mut known_figures = BTreeMap::new();
    let mut count = 0;
    for group in GROUPS {
        let json = root.join(group.json);
        let report = read_report(&json)?;
        let claims_file = claims::claims_path(&json);
        let claims = claims::load(&claims_file)?;
        count += claims.claims.len();
        problems.extend(claims::verdicts(&claims, &report, &claims_file));
        problems.extend(claims::sentences_in_pages(&claims, &root.join("src"), &claims_file));
        known_figures.insert(
            claims::figures_path(&json),
            claims.figures.iter().map(|f| f.name.clone()).collect::<BTreeSet<String>>(),
        );
        for (path, expected) in outputs(group, &report)? {
            let actual = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            if actual != expected {
                problems.push(format!(
                    "{path} does not match {}: it was edited by hand or the claims/renderer changed; \
                     run `cargo xtask bench {} --render-only` and commit the result",
                    group.json, group.name
                ));
            }
        }
    }
    problems.extend(claims::figure_includes(&root.join("src"), &known_figures)?);
    problems.fail_if_any(|n| format!("{n} problem(s) with the benchmark claims"))?;
    println!("{count} claims hold on the committed data; generated tables, plots and figures are up to date");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed claims, against the committed data with one number
    /// changed: the check must name the page and the claim that number
    /// contradicts. (The committed data themselves are checked by
    /// `cargo xtask test`'s "benchmark claims" step.)
    #[test]
    fn new_data_that_contradict_a_page_fail_naming_page_and_claim() {
        let json = crate::paths::root().join(locks::GROUP.json);
        let mut report = read_report(&json).unwrap();
        let claims_file = claims::claims_path(&json);
        let claims = claims::load(&claims_file).unwrap();
        assert!(claims::verdicts(&claims, &report, &claims_file).is_empty(), "the committed data hold");

        // A re-run in which the Mutex counter keeps its speed at 2 threads.
        let one = report.series("mutex").unwrap().at(1).unwrap();
        let mutex = report.series.iter_mut().find(|s| s.key == "mutex").unwrap();
        mutex.points.iter_mut().find(|p| p.threads == 2).unwrap().ops_per_sec = one;
        let problems = claims::verdicts(&claims, &report, &claims_file);
        let messages: Vec<&str> = problems.iter().map(String::as_str).collect();
        assert!(
            messages.iter().any(|m| m.starts_with("src/real-world/throughput.md, claim `mutex-collapses`")
                && m.contains("The `Mutex` counter collapses.")
                && m.contains("`mutex@2 < 0.3 * mutex@1` is false")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("src/beyond/measuring.md, claim `measuring-mutex-collapses`")),
            "{messages:#?}"
        );

        // A busy re-run contradicts every page that calls the machine quiet.
        let mut busy = read_report(&json).unwrap();
        busy.load_average.before = Some([3.0, 3.0, 3.0]);
        let problems = claims::verdicts(&claims, &busy, &claims_file);
        let pages: BTreeSet<&str> = problems.iter().filter_map(|p| p.split(',').next()).collect();
        assert_eq!(
            pages,
            BTreeSet::from([
                "src/real-world/throughput.md",
                "src/beyond/measuring.md",
                "src/beyond/parking-lot.md"
            ]),
            "{problems:#?}"
        );
        assert!(problems.iter().all(|p| p.contains("load_before <= quiet_limit")), "{problems:#?}");
    }

    #[test]
    fn a_scratch_run_writes_beside_nothing_committed() {
        let scratch = Path::new("/tmp/scratch");
        assert_eq!(
            destination("src/real-world/throughput-counters.json", Some(scratch)),
            scratch.join("throughput-counters.json")
        );
        assert_eq!(
            destination("src/beyond/measuring-spread.md", None),
            crate::paths::root().join("src/beyond/measuring-spread.md")
        );
    }
}
