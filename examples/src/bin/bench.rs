//! The course's benchmark runner. Build it in release mode; `cargo xtask bench`
//! runs it and turns its JSON into the book's plots and tables:
//!
//! ```text
//! cargo run --release -p examples --bin bench -- counters --out results.json
//! cargo run --release -p examples --bin bench -- caches --out results.json
//! ```
//!
//! Methodology: for each workload and each thread count (1 ..= 2 × cores by
//! default), one warm-up run, then `--repeats` timed runs of the same fixed
//! total number of operations; the median is reported, every run is kept.
//! Every run checks its own result (a lost update panics). The load average
//! (`/proc/loadavg`, what `uptime` prints) is recorded before and after, so a
//! reader can tell a quiet machine from a busy one.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use examples::beyond::measuring;
use examples::real_world::throughput::workload::{self, Workload};
use serde_json::json;

const USAGE: &str =
    "usage: bench <group> [--ops N] [--repeats N] [--max-threads N] [--toolchain TEXT] [--out FILE]
groups: counters, caches";

struct Options {
    group: String,
    ops: u64,
    repeats: usize,
    max_threads: usize,
    toolchain: String,
    out: Option<PathBuf>,
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
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag} {value}: {e}"));
        match flag.as_str() {
            "--ops" => options.ops = number()? as u64,
            "--repeats" => options.repeats = number()?.max(1),
            "--max-threads" => options.max_threads = number()?.max(1),
            "--toolchain" => options.toolchain = value,
            "--out" => options.out = Some(PathBuf::from(value)),
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
    eprintln!(
        "{title}: {} ops per point, 1 warm-up + {} runs, median; threads {threads:?}",
        options.ops, options.repeats
    );

    let load_before = load_average();
    let mut series = Vec::new();
    for workload in workloads {
        let mut points = Vec::new();
        for &n in &threads {
            (workload.run)(n, options.ops); // warm-up
            let runs: Vec<Duration> = (0..options.repeats).map(|_| (workload.run)(n, options.ops)).collect();
            let median = median(&runs);
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
                "runs_ns": runs.iter().map(|d| d.as_nanos() as u64).collect::<Vec<_>>(),
            }));
        }
        series.push(json!({
            "key": workload.key,
            "label": workload.label,
            "facet": workload.facet,
            "points": points,
        }));
    }
    let load_after = load_average();

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
        "load_average": { "before": load_before, "after": load_after },
        "total_ops": options.ops,
        "warmup_runs": 1,
        "repeats": options.repeats,
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
