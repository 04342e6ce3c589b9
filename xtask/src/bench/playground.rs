//! `cargo xtask bench playground`: what a click on ▶ Run costs.
//!
//! For each snippet (std only, parking_lot, loom) it alternates, `runs`
//! times, a bare `rustc` compile + run of the source (the floor: nothing can
//! be faster) with a POST to the local server's `/evaluate.json` (HTTP, JSON,
//! queue, leased uid, limits, temp dirs, cache store). Each run changes a
//! comment so neither side hits a cache. Then it re-sends one unchanged
//! snippet, which the binary cache answers without compiling. Last, the
//! deadlock detector: the time from a deadlock to its report over the
//! shapes the book shows, and the detector's cost on a normal snippet.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use playground::server::{Config, EvaluateResponse, Running};
use playground::{Edition, Limits, Request, Runner};

use crate::cmd;

const STD: &str = r#"use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..1000 {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("total: {}", *counter.lock().unwrap());
}
"#;

const PARKING_LOT: &str = r#"use parking_lot::Mutex;
use std::sync::Arc;
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..1000 {
                    *counter.lock() += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("total: {}", *counter.lock());
}
"#;

const LOOM: &str = r#"use loom::sync::{Arc, Mutex};
use loom::thread;

fn main() {
    loom::model(|| {
        let counter = Arc::new(Mutex::new(0));
        let other = Arc::clone(&counter);
        let t = thread::spawn(move || *other.lock().unwrap() += 1);
        *counter.lock().unwrap() += 1;
        t.join().unwrap();
        assert_eq!(*counter.lock().unwrap(), 2);
    });
    println!("every interleaving ends with 2");
}
"#;

/// The deadlock shapes of issue 13; each prints `DEADLOCK_AT <ns since the
/// epoch>` just before its last thread blocks for good.
const SHAPES: &[(&str, &str)] = &[
    (
        "relock",
        r#"use std::sync::Mutex;
fn main() {
    let m = Mutex::new(0);
    let _a = m.lock().unwrap();
    println!("DEADLOCK_AT {}", std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos());
    let _b = m.lock().unwrap();
}
"#,
    ),
    (
        "two locks, opposite orders",
        r#"use std::sync::{Arc, Barrier, Mutex};
use std::thread;
fn main() {
    let (a, b, both) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)), Arc::new(Barrier::new(2)));
    let (a2, b2, both2) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&both));
    let _t = thread::spawn(move || {
        let _a = a2.lock().unwrap();
        both2.wait();
        let _b = b2.lock().unwrap();
    });
    let _b = b.lock().unwrap();
    both.wait();
    println!("DEADLOCK_AT {}", std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos());
    let _a = a.lock().unwrap();
}
"#,
    ),
    (
        "Condvar nobody notifies",
        r#"use std::sync::{Condvar, Mutex};
fn main() {
    let (m, cv) = (Mutex::new(false), Condvar::new());
    let g = m.lock().unwrap();
    println!("DEADLOCK_AT {}", std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos());
    let _g = cv.wait(g).unwrap();
}
"#,
    ),
    (
        "recv, sender kept",
        r#"fn main() {
    let (tx, rx) = std::sync::mpsc::channel::<u32>();
    println!("DEADLOCK_AT {}", std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos());
    let _ = rx.recv();
    drop(tx);
}
"#,
    ),
    (
        "join on a thread blocked on our lock",
        r#"use std::sync::{Arc, Mutex};
fn main() {
    let m = Arc::new(Mutex::new(0));
    let g = m.lock().unwrap();
    let m2 = Arc::clone(&m);
    let t = std::thread::spawn(move || *m2.lock().unwrap() += 1);
    println!("DEADLOCK_AT {}", std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos());
    t.join().unwrap();
    drop(g);
}
"#,
    ),
];

/// A normal snippet that runs for a while: four threads sharing a counter.
const NORMAL: &str = r#"use std::sync::{Arc, Mutex};
use std::thread;
fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..400_000 {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("total: {}", *counter.lock().unwrap());
}
"#;

/// Time from each shape's `DEADLOCK_AT` to the runner's report, `n` runs
/// of each (compiled once, then from the cache).
fn detection_latency(runner: &Runner, n: usize) -> Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for (name, code) in SHAPES {
        for _ in 0..n {
            let report = runner.execute(&Request::new(*code, Edition::E2021))?;
            let reported = std::time::UNIX_EPOCH.elapsed()?;
            let run = report.run.with_context(|| format!("{name}: did not compile"))?;
            if !matches!(run.exit, playground::Exit::Deadlock(_)) {
                bail!("{name}: expected a deadlock report, the program {}", run.exit);
            }
            let at: u128 = run
                .stdout
                .split_whitespace()
                .nth(1)
                .and_then(|t| t.parse().ok())
                .with_context(|| format!("{name}: no DEADLOCK_AT line in {:?}", run.stdout))?;
            samples.push(reported.saturating_sub(Duration::from_nanos(at as u64)));
        }
    }
    Ok(samples)
}

/// What the detector costs on the normal snippet (a cache hit: the run
/// only), alternating a runner with the detector and one without over the
/// same cache: wall time of each, and the CPU the supervising thread spent
/// (the detector samples on it) against the CPU the program used.
struct Overhead {
    with: Stats,
    without: Stats,
    /// Extra CPU of the supervising thread per run, with the detector on.
    detector_cpu: Duration,
    /// CPU the program used per run.
    program_cpu: Duration,
}

fn detector_overhead(runner: &Runner, n: usize) -> Result<Overhead> {
    let cache = runner.cache().dir().to_path_buf();
    let without = Runner::new(runner.deps().clone(), Limits::default(), cache)?.with_detector(None);
    let req = Request::new(NORMAL, Edition::E2021);
    runner.execute(&req)?;
    let (mut on, mut off) = (Vec::new(), Vec::new());
    let (mut cpu_on, mut cpu_off, mut program) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..n {
        for (detecting, r) in [(true, runner), (false, &without)] {
            let (thread_before, children_before) = (thread_cpu()?, children_cpu()?);
            let started = Instant::now();
            let report = r.execute(&req)?;
            let elapsed = started.elapsed();
            let thread = thread_cpu()? - thread_before;
            if !report.cached || !report.run.as_ref().is_some_and(|run| run.exit.success()) {
                bail!(
                    "the normal snippet should run from the cache and succeed: {:?}",
                    report.failure_summary()
                );
            }
            if detecting {
                on.push(elapsed);
                cpu_on += thread;
                program += children_cpu()? - children_before;
            } else {
                off.push(elapsed);
                cpu_off += thread;
            }
        }
    }
    let per_run = |d: Duration| d / n as u32;
    Ok(Overhead {
        with: stats(&on),
        without: stats(&off),
        detector_cpu: per_run(cpu_on.saturating_sub(cpu_off)),
        program_cpu: per_run(program),
    })
}

/// CPU time of the calling thread (`/proc/thread-self/schedstat`, ns).
fn thread_cpu() -> Result<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let ns: u64 = text.split_whitespace().next().and_then(|n| n.parse().ok()).context("schedstat")?;
    Ok(Duration::from_nanos(ns))
}

/// CPU time of this process's waited-for children (`cutime + cstime` of
/// `/proc/self/stat`, in 10 ms ticks).
fn children_cpu() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let fields: Vec<&str> = stat.rsplit_once(')').context("/proc/self/stat")?.1.split_whitespace().collect();
    // After the name: cutime and cstime are fields 16 and 17 (1-based).
    let ticks: u64 = fields[13].parse::<u64>()? + fields[14].parse::<u64>()?;
    Ok(Duration::from_millis(ticks * 10))
}

/// p50 and p95 of some durations, in ms.
struct Stats {
    p50: f64,
    p95: f64,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Stats { p50: at(0.5), p95: at(0.95) }
}

/// Measures and prints the table; fails only if a measurement fails.
pub fn run(runs: usize) -> Result<()> {
    if runs < 20 {
        bail!("use at least 20 runs (p95 of fewer samples means little)");
    }
    cmd::step("Benchmark: the local playground against bare rustc");
    let deps = playground::DepSet::prebuild(crate::paths::root(), "examples")?;
    let cache = crate::paths::target_dir().join("bench-playground-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let runner = Arc::new(Runner::new(deps, Limits::default(), cache)?);
    let config = Config::new(crate::paths::root().join("book"), 0);
    let server = Running::start(config, runner.clone())?;
    let floor_dir = crate::paths::target_dir().join("bench-playground-floor");
    let _ = std::fs::remove_dir_all(&floor_dir);
    std::fs::create_dir_all(&floor_dir)?;
    println!(
        "{runs} runs per row, alternating floor and server; server runs {}",
        if runner.sandboxed() { "as leased uids (root)" } else { "as this user" }
    );

    let snippets = [("std only", STD), ("parking_lot", PARKING_LOT), ("loom", LOOM)];
    let mut rows = Vec::new();
    for (name, code) in snippets {
        let mut floor = Vec::new();
        let mut served = Vec::new();
        for i in 0..runs {
            let code = format!("{code}// run {i}\n");
            floor.push(bare_rustc(&runner, &floor_dir, &code).with_context(|| format!("{name}: floor"))?);
            served.push(evaluate(server.addr(), &code).with_context(|| format!("{name}: server"))?);
        }
        rows.push((name, stats(&floor), stats(&served)));
    }
    let rerun_code = format!("{STD}// unchanged\n");
    evaluate(server.addr(), &rerun_code)?;
    let reruns: Vec<Duration> =
        (0..runs).map(|_| evaluate(server.addr(), &rerun_code)).collect::<Result<_>>()?;
    let rerun = stats(&reruns);

    println!();
    println!("| snippet | bare rustc + run p50 / p95 | /evaluate.json p50 / p95 | overhead (p50) |");
    println!("|---|---|---|---|");
    for (name, floor, served) in &rows {
        println!(
            "| {name} | {:.0} / {:.0} ms | {:.0} / {:.0} ms | {:+.1}% |",
            floor.p50,
            floor.p95,
            served.p50,
            served.p95,
            (served.p50 / floor.p50 - 1.0) * 100.0
        );
    }
    println!("| std only, unchanged re-run (cache hit) | — | {:.0} / {:.0} ms | — |", rerun.p50, rerun.p95);

    let std_served = rows[0].2.p50;
    let overhead = rows[0].2.p50 / rows[0].1.p50 - 1.0;
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!();
    println!("targets:");
    println!(
        "  std overhead over the floor ≤ 10%: {:+.1}% — {}",
        overhead * 100.0,
        verdict(overhead <= 0.10)
    );
    for (name, _, served) in &rows[1..] {
        let ratio = served.p50 / std_served;
        println!("  {name} ≤ 1.5× the std snippet: {ratio:.2}× — {}", verdict(ratio <= 1.5));
    }
    let speedup = std_served / rerun.p50;
    println!("  re-run ≥ 5× faster than a first run: {speedup:.1}× — {}", verdict(speedup >= 5.0));

    println!();
    let per_shape = (runs / 2).max(10);
    println!("deadlock detector: {per_shape} runs of each of {} deadlock shapes", SHAPES.len());
    let latency = stats(&detection_latency(&runner, per_shape)?);
    let o = detector_overhead(&runner, runs)?;
    let wall = o.with.p50 / o.without.p50 - 1.0;
    // The detector's own cost: one sample of a process with a few threads
    // (this one: the server's runtime), every 100 ms while a program runs.
    let (per_sample, threads) = playground::deadlock::watch::sample_cost(std::process::id() as i32, 500);
    let interval = playground::deadlock::DetectorConfig::default().interval;
    let cpu = per_sample.as_secs_f64() / interval.as_secs_f64();
    println!("| detector | p50 | p95 |");
    println!("|---|---|---|");
    println!("| deadlock → report (all shapes) | {:.0} ms | {:.0} ms |", latency.p50, latency.p95);
    println!("| normal snippet, detector off | {:.0} ms | {:.0} ms |", o.without.p50, o.without.p95);
    println!("| normal snippet, detector on | {:.0} ms | {:.0} ms |", o.with.p50, o.with.p95);
    println!(
        "one sample of {threads} threads: {:.0} µs, every {} ms: {:.2}% of a core while a program runs",
        per_sample.as_secs_f64() * 1e6,
        interval.as_millis(),
        cpu * 100.0
    );
    println!(
        "supervising thread's extra CPU per run of the normal snippet: {:.2} ms, against {:.0} ms of the program's own CPU (includes the run-to-run spread of the uid sweeps)",
        o.detector_cpu.as_secs_f64() * 1000.0,
        o.program_cpu.as_secs_f64() * 1000.0,
    );
    println!("targets:");
    println!(
        "  deadlock → report p50 ≤ 1.5 s: {:.2} s — {}",
        latency.p50 / 1000.0,
        verdict(latency.p50 <= 1500.0)
    );
    println!("  detector overhead ≤ 2% (its samples' CPU): {:.2}% — {}", cpu * 100.0, verdict(cpu <= 0.02));
    println!(
        "  (wall-clock p50 with vs without: {:+.1}%, within the run-to-run noise of a loaded machine)",
        wall * 100.0
    );
    let _ = std::fs::remove_dir_all(&floor_dir);
    Ok(())
}

/// The floor: the runner's own rustc command, then the binary, nothing else.
fn bare_rustc(runner: &Runner, dir: &Path, code: &str) -> Result<Duration> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src").join("main.rs"), code)?;
    let started = Instant::now();
    let mut rustc = runner.rustc_command(&Request::new(code, Edition::E2021), dir, &dir.join("main"));
    let out = rustc.output().context("running rustc")?;
    if !out.status.success() {
        bail!("rustc failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = Command::new(dir.join("main")).current_dir(dir).output().context("running the program")?;
    if !out.status.success() {
        bail!("the program failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(started.elapsed())
}

/// One `/evaluate.json` round trip, as book.js sends it.
fn evaluate(addr: SocketAddr, code: &str) -> Result<Duration> {
    let body = serde_json::json!({"version": "stable", "optimize": "0", "code": code, "edition": "2021"})
        .to_string();
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr)?;
    let host = format!("127.0.0.1:{}", addr.port());
    write!(
        stream,
        "POST /evaluate.json HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let elapsed = started.elapsed();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").context("incomplete HTTP reply")?;
    let reply: EvaluateResponse =
        serde_json::from_slice(&raw[split + 4..]).context("reply is not evaluate JSON")?;
    if let Some(error) = reply.error {
        bail!("the server reported an error: {error}\n{}", reply.result);
    }
    Ok(elapsed)
}
