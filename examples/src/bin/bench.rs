//! The course's benchmark runner. Build it in release mode; `cargo xtask bench`
//! runs it (after checking that the machine is quiet) and turns its JSON into
//! the book's plots, tables and figures:
//!
//! ```text
//! cargo run --release -p examples --bin bench -- counters --out results.json
//! cargo run --release -p examples --bin bench -- caches --out results.json
//! ```
//!
//! Methodology: every workload at every thread count (1 ..= 2 × cores by
//! default) is one *variant*. One untimed warm-up pass runs every variant
//! once; then `--repeats` timed passes each run every variant once, starting
//! the pass at a different variant each time, so slow drift on the machine
//! (another job starting, the CPU clock changing) lands on all variants
//! alike instead of on whichever ran last. Every variant does the same fixed
//! total number of operations; the median of its timed runs is reported and
//! every run is kept. Every run checks its own result (a lost update panics).
//!
//! The 1-minute load average (`/proc/loadavg`, what `uptime` prints) is
//! recorded before and after. `cargo xtask bench` reads it before any
//! benchmark starts and refuses to run on a busy machine unless told
//! `--allow-busy`; it passes its reading, its limit and that choice here
//! (`--load-before`, `--quiet-limit`, `--allow-busy`) so the JSON says them.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use examples::beyond::measuring;
use examples::real_world::throughput::workload::{self, Workload};
use serde_json::json;

const USAGE: &str =
    "usage: bench <group> [--ops N] [--repeats N] [--max-threads N] [--toolchain TEXT] [--out FILE]
             [--load-before L1,L5,L15] [--quiet-limit X] [--allow-busy]
groups: counters, caches";

#[derive(Debug)]
struct Options {
    group: String,
    ops: u64,
    repeats: usize,
    max_threads: usize,
    toolchain: String,
    out: Option<PathBuf>,
    /// The load average `cargo xtask bench` read before any benchmark ran.
    load_before: Option<[f64; 3]>,
    /// The 1-minute load average above which xtask calls the machine busy.
    quiet_limit: Option<f64>,
    /// Whether the run was allowed on a busy machine.
    allow_busy: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut options = Options {
        group: args.next().ok_or("missing <group>")?,
        ops: 4_000_000,
        repeats: 5,
        max_threads: 2 * cores,
        toolchain: "unknown".into(),
        out: None,
        load_before: None,
        quiet_limit: None,
        allow_busy: false,
    };
    while let Some(flag) = args.next() {
        if flag == "--allow-busy" {
            options.allow_busy = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag} {value}: {e}"));
        let decimal = |text: &str| text.trim().parse::<f64>().map_err(|e| format!("{flag} {value}: {e}"));
        match flag.as_str() {
            "--ops" => options.ops = number()? as u64,
            "--repeats" => options.repeats = number()?.max(1),
            "--max-threads" => options.max_threads = number()?.max(1),
            "--toolchain" => options.toolchain = value.clone(),
            "--out" => options.out = Some(PathBuf::from(&value)),
            "--quiet-limit" => options.quiet_limit = Some(decimal(&value)?),
            "--load-before" => {
                let loads = value.split(',').map(decimal).collect::<Result<Vec<f64>, String>>()?;
                let loads: [f64; 3] =
                    loads.try_into().map_err(|_| format!("{flag} {value}: expected three numbers"))?;
                options.load_before = Some(loads);
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

/// A group's plot title, what one operation is, the row header of its table,
/// and its workloads.
struct Group {
    title: &'static str,
    unit: &'static str,
    row_header: &'static str,
    workloads: &'static [Workload],
}

fn group(name: &str) -> Option<Group> {
    match name {
        "counters" => Some(Group {
            title: "Counting from many threads",
            unit: "increments",
            row_header: "counter",
            workloads: workload::COUNTERS,
        }),
        "caches" => Some(Group {
            title: "A shared map under three read/write mixes",
            unit: "operations",
            row_header: "map",
            workloads: measuring::CACHES,
        }),
        _ => None,
    }
}

/// The 1, 5 and 15 minute load averages, as `uptime` shows them (Linux only).
fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
}

fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

/// The order of one pass over `variants` variants: pass `pass` starts at a
/// different variant each time (a rotation), so no variant always runs first
/// or last.
fn pass_order(variants: usize, pass: usize) -> impl Iterator<Item = usize> {
    let start = if variants == 0 { 0 } else { pass % variants };
    (0..variants).map(move |i| (start + i) % variants.max(1))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("bench: {err}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let Some(Group { title, unit, row_header, workloads }) = group(&options.group) else {
        eprintln!("bench: unknown group `{}`\n{USAGE}", options.group);
        return ExitCode::FAILURE;
    };
    if cfg!(debug_assertions) {
        eprintln!("bench: warning: this is a debug build; run it with `--release`");
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: Vec<usize> = (1..=options.max_threads).collect();
    // Every (workload, thread count) pair, in plot order.
    let variants: Vec<(usize, usize)> =
        (0..workloads.len()).flat_map(|w| threads.iter().map(move |&n| (w, n))).collect();
    eprintln!(
        "{title}: {} ops per point, 1 warm-up pass + {} timed passes over {} variants (interleaved), median; threads {threads:?}",
        options.ops,
        options.repeats,
        variants.len()
    );

    let group_start = load_average();
    let load_before = options.load_before.or(group_start);
    let run = |(w, n): (usize, usize)| (workloads[w].run)(n, options.ops);
    for &variant in &variants {
        run(variant); // warm-up
    }
    let mut runs: Vec<Vec<Duration>> = vec![Vec::with_capacity(options.repeats); variants.len()];
    for pass in 0..options.repeats {
        for v in pass_order(variants.len(), pass) {
            runs[v].push(run(variants[v]));
        }
        eprintln!("  pass {}/{} done", pass + 1, options.repeats);
    }
    let load_after = load_average();

    let mut series = Vec::new();
    for (w, workload) in workloads.iter().enumerate() {
        let mut points = Vec::new();
        for (v, &(_, n)) in variants.iter().enumerate().filter(|(_, (vw, _))| *vw == w) {
            let median = median(&runs[v]);
            let ops_per_sec = options.ops as f64 / median.as_secs_f64();
            eprintln!(
                "  {:<24} {:<22} {n} threads: {:>8.1} M ops/s",
                workload.label,
                workload.facet,
                ops_per_sec / 1e6
            );
            points.push(json!({
                "threads": n,
                "median_ns": median.as_nanos() as u64,
                "ops_per_sec": ops_per_sec,
                "runs_ns": runs[v].iter().map(|d| d.as_nanos() as u64).collect::<Vec<_>>(),
            }));
        }
        series.push(json!({
            "key": workload.key,
            "label": workload.label,
            "facet": workload.facet,
            "points": points,
        }));
    }

    let report = json!({
        "group": options.group,
        "title": title,
        "unit": unit,
        "row_header": row_header,
        "machine": {
            "cpu": cpu_model(),
            "cores": cores,
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "toolchain": options.toolchain,
        "load_average": { "before": load_before, "group_start": group_start, "after": load_after },
        "quiet_limit": options.quiet_limit,
        "allow_busy": options.allow_busy,
        "total_ops": options.ops,
        "warmup_runs": 1,
        "repeats": options.repeats,
        "schedule": "interleaved",
        "statistic": "median",
        "series": series,
    });
    let text = serde_json::to_string_pretty(&report).expect("JSON values serialize") + "\n";
    match &options.out {
        Some(path) => {
            if let Err(err) = std::fs::write(path, text) {
                eprintln!("bench: cannot write {}: {err}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_runs_every_variant_once_from_a_different_start() {
        let passes: Vec<Vec<usize>> = (0..4).map(|p| pass_order(3, p).collect()).collect();
        assert_eq!(passes, [vec![0, 1, 2], vec![1, 2, 0], vec![2, 0, 1], vec![0, 1, 2]]);
        assert_eq!(pass_order(0, 5).count(), 0);
    }

    #[test]
    fn options_record_the_gate() {
        let args = ["counters", "--load-before", "0.2,0.3,0.4", "--quiet-limit", "0.5", "--allow-busy"];
        let options = parse(args.into_iter().map(String::from)).unwrap();
        assert_eq!(options.load_before, Some([0.2, 0.3, 0.4]));
        assert_eq!(options.quiet_limit, Some(0.5));
        assert!(options.allow_busy);
        let bad = parse(["counters", "--load-before", "1,2"].into_iter().map(String::from));
        assert!(bad.unwrap_err().contains("three numbers"));
    }
}
