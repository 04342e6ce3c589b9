//! The course's benchmark runner. Build it in release mode; `cargo xtask bench`
//! runs it (after checking that the machine is quiet) and turns its JSON into
//! the book's plots, tables and figures:
//!
//! ```text
//! cargo run --release -p examples --bin bench -- counters --out results.json
//! cargo run --release -p examples --bin bench -- caches --out results.json
//! cargo run --release -p examples --bin bench -- spin --out results.json
//! ```
//!
//! Methodology: every workload at every thread count (1 ..= 2 × cores by
//! default; for `spin`, 1, cores, 2×, 4× and 8× cores) is one *variant*. One untimed warm-up pass runs every variant
//! once; then `--repeats` timed passes each run every variant once, starting
//! the pass at a different variant each time, so slow drift on the machine
//! (another job starting, the CPU clock changing) lands on all variants
//! alike instead of on whichever ran last. Every variant does the same fixed
//! total number of operations; the median of its timed runs is reported and
//! every run is kept. Every run checks its own result (a lost update panics).
//! The `spin` group also records, for every run, the CPU time the process
//! used (user and system, from `getrusage`) and its context switches, and
//! reports the median CPU time per operation.
//!
//! The 1-minute load average (`/proc/loadavg`, what `uptime` prints) is
//! recorded before and after. `cargo xtask bench` reads it before any
//! benchmark starts and refuses to run on a busy machine unless told
//! `--allow-busy`; it passes its reading, its limit and that choice here
//! (`--load-before`, `--quiet-limit`, `--allow-busy`) so the JSON says them.
//! The load average after every pass is kept too (`load_by_pass`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use examples::beyond::measuring;
use examples::beyond::measuring_spin::{self, LockWorkload, Sample};
use examples::real_world::throughput::workload::{self, Workload};
use serde_json::json;

const USAGE: &str =
    "usage: bench <group> [--ops N] [--repeats N] [--max-threads N] [--toolchain TEXT] [--out FILE]
             [--load-before L1,L5,L15] [--quiet-limit X] [--allow-busy]
groups: counters, caches, spin
--max-threads caps the thread counts (default: 2 × cores; spin: 8 × cores)";

#[derive(Debug)]
struct Options {
    group: String,
    ops: u64,
    repeats: usize,
    /// The most threads to measure (None: the group's default).
    max_threads: Option<usize>,
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
    let mut options = Options {
        group: args.next().ok_or("missing <group>")?,
        ops: 4_000_000,
        repeats: 5,
        max_threads: None,
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
            "--ops" => match number()? {
                0 => return Err(format!("{flag} {value}: a data point needs at least one operation")),
                n => options.ops = n as u64,
            },
            "--repeats" => options.repeats = number()?.max(1),
            "--max-threads" => options.max_threads = Some(number()?.max(1)),
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
/// its lines, and the thread counts it measures on `cores` cores.
struct Group {
    title: &'static str,
    unit: &'static str,
    row_header: &'static str,
    lines: Vec<Line>,
    threads: fn(cores: usize) -> Vec<usize>,
}

/// One line of a plot: a workload of any group.
struct Line {
    key: &'static str,
    label: &'static str,
    facet: &'static str,
    /// It runs this many times `--ops` operations per point.
    ops_scale: u64,
    run: Box<dyn Fn(usize, u64) -> Sample>,
}

/// Workloads that time themselves only: no CPU account.
fn timed_lines(workloads: &'static [Workload]) -> Vec<Line> {
    workloads
        .iter()
        .map(|w| Line {
            key: w.key,
            label: w.label,
            facet: w.facet,
            ops_scale: 1,
            run: Box::new(move |threads, ops| Sample { wall: (w.run)(threads, ops), usage: None }),
        })
        .collect()
}

fn measured_lines(workloads: &'static [LockWorkload]) -> Vec<Line> {
    workloads
        .iter()
        .map(|w| Line {
            key: w.key,
            label: w.label,
            facet: w.facet,
            ops_scale: w.ops_scale,
            run: Box::new(w.run),
        })
        .collect()
}

/// 1 ..= 2 × cores: up to the cores, and as far past them again.
fn up_to_twice(cores: usize) -> Vec<usize> {
    (1..=2 * cores).collect()
}

fn group(name: &str) -> Option<Group> {
    match name {
        "counters" => Some(Group {
            title: "Counting from many threads",
            unit: "increments",
            row_header: "counter",
            lines: timed_lines(workload::COUNTERS),
            threads: up_to_twice,
        }),
        "caches" => Some(Group {
            title: "A shared map under three read/write mixes",
            unit: "operations",
            row_header: "map",
            lines: timed_lines(measuring::CACHES),
            threads: up_to_twice,
        }),
        "spin" => Some(Group {
            title: "Spinning or parking",
            unit: "increments",
            row_header: "lock",
            lines: measured_lines(measuring_spin::LOCKS),
            threads: measuring_spin::thread_counts,
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

fn median<T: Copy + PartialOrd>(runs: &[T]) -> T {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("no NaN among the runs"));
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
    let Some(Group { title, unit, row_header, lines, threads }) = group(&options.group) else {
        eprintln!("bench: unknown group `{}`\n{USAGE}", options.group);
        return ExitCode::FAILURE;
    };
    if cfg!(debug_assertions) {
        eprintln!("bench: warning: this is a debug build; run it with `--release`");
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: Vec<usize> =
        threads(cores).into_iter().filter(|&n| options.max_threads.is_none_or(|max| n <= max)).collect();
    // Every (line, thread count) pair, in plot order.
    let variants: Vec<(usize, usize)> =
        (0..lines.len()).flat_map(|w| threads.iter().map(move |&n| (w, n))).collect();
    let scales: Vec<String> = lines
        .iter()
        .filter(|line| line.ops_scale != 1)
        .map(|line| format!("{} × {}", line.key, line.ops_scale))
        .collect();
    let scaled = if scales.is_empty() { String::new() } else { format!(" ({})", scales.join(", ")) };
    eprintln!(
        "{title}: {} ops per point{scaled}, 1 warm-up pass + {} timed passes over {} variants (interleaved), median; threads {threads:?}",
        options.ops,
        options.repeats,
        variants.len()
    );

    let group_start = load_average();
    let load_before = options.load_before.or(group_start);
    let ops_of = |line: &Line| options.ops.saturating_mul(line.ops_scale);
    let run = |(w, n): (usize, usize)| (lines[w].run)(n, ops_of(&lines[w]));
    for &variant in &variants {
        run(variant); // warm-up
    }
    let mut runs: Vec<Vec<Sample>> = vec![Vec::with_capacity(options.repeats); variants.len()];
    let mut load_by_pass = Vec::with_capacity(options.repeats);
    for pass in 0..options.repeats {
        for v in pass_order(variants.len(), pass) {
            runs[v].push(run(variants[v]));
        }
        load_by_pass.push(load_average());
        eprintln!("  pass {}/{} done", pass + 1, options.repeats);
    }
    let load_after = load_average();

    let mut series = Vec::new();
    for (w, line) in lines.iter().enumerate() {
        let ops = ops_of(line);
        let mut points = Vec::new();
        for (v, &(_, n)) in variants.iter().enumerate().filter(|(_, (vw, _))| *vw == w) {
            let walls: Vec<Duration> = runs[v].iter().map(|s| s.wall).collect();
            let median_wall = median(&walls);
            let ops_per_sec = ops as f64 / median_wall.as_secs_f64();
            let mut point = json!({
                "threads": n,
                "median_ns": median_wall.as_nanos() as u64,
                "ops_per_sec": ops_per_sec,
                "runs_ns": walls.iter().map(|d| d.as_nanos() as u64).collect::<Vec<_>>(),
            });
            let usages: Option<Vec<_>> = runs[v].iter().map(|s| s.usage).collect();
            let mut cpu_note = String::new();
            if let Some(usages) = usages {
                let per_op: Vec<f64> =
                    usages.iter().map(|u| u.cpu().as_nanos() as f64 / ops as f64).collect();
                let cpu_ns_per_op = median(&per_op);
                cpu_note = format!(", {cpu_ns_per_op:>8.1} ns CPU per op");
                let ns = |f: fn(&measuring_spin::Usage) -> Duration| {
                    usages.iter().map(|u| f(u).as_nanos() as u64).collect::<Vec<_>>()
                };
                point["cpu_ns_per_op"] = json!(cpu_ns_per_op);
                point["cpu_runs_ns"] = json!(ns(|u| u.cpu()));
                point["system_runs_ns"] = json!(ns(|u| u.system));
                point["voluntary_switches"] =
                    json!(usages.iter().map(|u| u.voluntary_switches).collect::<Vec<_>>());
                point["involuntary_switches"] =
                    json!(usages.iter().map(|u| u.involuntary_switches).collect::<Vec<_>>());
            }
            eprintln!(
                "  {:<28} {:<38} {n:>2} threads: {:>8.2} M ops/s{cpu_note}",
                line.label,
                line.facet,
                ops_per_sec / 1e6
            );
            points.push(point);
        }
        series.push(json!({
            "key": line.key,
            "label": line.label,
            "facet": line.facet,
            "total_ops": ops,
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
        "load_by_pass": load_by_pass,
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
        let none = parse(["spin", "--ops", "0"].into_iter().map(String::from));
        assert!(none.unwrap_err().contains("at least one operation"));
    }

    #[test]
    fn every_group_has_lines_and_thread_counts() {
        for name in ["counters", "caches", "spin"] {
            let group = group(name).unwrap();
            assert!(!group.lines.is_empty(), "{name}");
            assert_eq!((group.threads)(2).first(), Some(&1), "{name}");
        }
        assert_eq!((group("spin").unwrap().threads)(2), [1, 2, 4, 8, 16]);
        assert_eq!((group("counters").unwrap().threads)(2), [1, 2, 3, 4]);
        assert!(group("nope").is_none());
    }

    #[test]
    fn the_median_is_the_middle_run() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[Duration::from_millis(9), Duration::from_millis(1)]), Duration::from_millis(9));
    }
}
