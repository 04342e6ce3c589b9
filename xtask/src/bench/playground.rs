//! `cargo xtask bench playground`: what a click on ▶ Run costs.
//!
//! For each snippet (std only, parking_lot, loom) it alternates, `runs`
//! times, a bare `rustc` compile + run of the source (the floor: nothing can
//! be faster) with a POST to the local server's `/evaluate.json` (HTTP, JSON,
//! queue, leased uid, limits, temp dirs, cache store). Each run changes a
//! comment so neither side hits a cache. Then it re-sends one unchanged
//! snippet, which the binary cache answers without compiling.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use playground::server::{Config, EvaluateResponse, Running};
use playground::{Limits, Runner};

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
    let runner = Arc::new(Runner::new(deps.clone(), Limits::default(), cache)?);
    let config = Config::new(crate::paths::root().join("book"), 0);
    let server = Running::start(config, Arc::clone(&runner))?;
    let floor_dir = crate::paths::target_dir().join("bench-playground-floor");
    let _ = std::fs::remove_dir_all(&floor_dir);
    std::fs::create_dir_all(&floor_dir)?;
    println!(
        "{runs} runs per row, alternating floor and server; server runs {}",
        if runner.sandboxed() { "as leased uids (root)" } else { "as this user" }
    );

    let snippets = [("std only", STD, false), ("parking_lot", PARKING_LOT, true), ("loom", LOOM, true)];
    let mut rows = Vec::new();
    for (name, code, needs_deps) in snippets {
        let mut floor = Vec::new();
        let mut served = Vec::new();
        for i in 0..runs {
            let code = format!("{code}// run {i}\n");
            floor.push(
                bare_rustc(&deps, &floor_dir, &code, needs_deps).with_context(|| format!("{name}: floor"))?,
            );
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
    let _ = std::fs::remove_dir_all(&floor_dir);
    Ok(())
}

/// The floor: rustc with the runner's flags, then the binary, nothing else.
fn bare_rustc(deps: &playground::DepSet, dir: &Path, code: &str, needs_deps: bool) -> Result<Duration> {
    std::fs::write(dir.join("main.rs"), code)?;
    let started = Instant::now();
    let mut rustc = Command::new(&deps.rustc);
    rustc
        .current_dir(dir)
        .args(["--edition", "2021", "--crate-type", "bin", "-C", "debuginfo=0", "-C", "opt-level=0"])
        .args(["main.rs", "-o", "main"]);
    if needs_deps {
        rustc.args(deps.rustc_args());
    }
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
