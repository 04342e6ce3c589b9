//! Is the machine quiet enough to benchmark? `cargo xtask bench` reads the
//! 1-minute load average before any benchmark starts and refuses to run when
//! it is above [`quiet_limit`], unless `--allow-busy` (which the JSON, the
//! captions and the tables then say).
//!
//! Why a quarter of the cores: the benchmarks' most telling points are those
//! where their threads fill every core. Other work averaging `L` runnable
//! tasks on `C` cores takes about `L ÷ (C + L)` of the CPU time there: at
//! `L = C ÷ 4` that is a fifth, about as much as the run-to-run spread of a
//! quiet machine, and below it the neighbours cannot rearrange the lines.
//! Above it they can: on the 2-vCPU machine that took the committed data
//! (load 2.0 before the run) lines rose from 2 to 4 threads, which two idle
//! cores cannot give. An idle VM or a desktop with a browser open stays
//! under the limit; one running build does not.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::wait::wait_timeout;

/// The highest 1-minute load average, before a run starts, at which a
/// machine with `cores` cores counts as quiet.
pub fn quiet_limit(cores: u32) -> f64 {
    f64::from(cores.max(1)) / 4.0
}

/// How long to wait for the load average to fall below the limit (it decays
/// with a time constant of one minute: from `C` to `C ÷ 4` takes about 85 s
/// once the machine is idle, for example right after the release build).
const SETTLE: Duration = Duration::from_secs(180);
const POLL: Duration = Duration::from_secs(10);

/// What the gate saw, for the bench binary to record in its JSON.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    /// The 1, 5 and 15 minute load averages (None where the OS has none).
    pub load: Option<[f64; 3]>,
    pub limit: f64,
    pub allow_busy: bool,
}

impl Gate {
    /// The bench binary's options that record this gate.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--quiet-limit".to_string(), format!("{}", self.limit)];
        if let Some([a, b, c]) = self.load {
            args.push("--load-before".into());
            args.push(format!("{a},{b},{c}"));
        }
        if self.allow_busy {
            args.push("--allow-busy".into());
        }
        args
    }
}

/// The load averages from `/proc/loadavg` (Linux), as `uptime` prints them.
pub fn read_load() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    parse_loadavg(&text)
}

fn parse_loadavg(text: &str) -> Option<[f64; 3]> {
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
}

/// Checks the load before a benchmark: waits up to [`SETTLE`] for it to drop
/// below the limit, then fails with what to do, unless `allow_busy`.
pub fn check(allow_busy: bool) -> Result<Gate> {
    let cores = thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let limit = quiet_limit(cores);
    let Some(mut load) = read_load() else {
        println!(
            "warning: no load average on this OS (/proc/loadavg): cannot tell whether the machine is quiet; \
             the captions will say \"load unknown\""
        );
        return Ok(Gate { load: None, limit, allow_busy });
    };
    if !allow_busy {
        let waited = Instant::now();
        // Settled in time or not, the last reading decides below.
        wait_timeout(SETTLE, POLL, || {
            load = read_load().unwrap_or(load);
            if load[0] <= limit {
                return anyhow::Ok(Some(()));
            }
            println!(
                "load average {:.2} > {limit:.2} (a quarter of {cores} cores): waiting for it to settle ({:.0} s of {} s)…",
                load[0],
                waited.elapsed().as_secs_f64(),
                SETTLE.as_secs()
            );
            Ok(None)
        })?;
    }
    if load[0] > limit {
        if !allow_busy {
            bail!(
                "the machine is busy: 1-minute load average {:.2} is above {limit:.2} (a quarter of its {cores} cores) \
                 before the benchmark starts, and numbers taken now would describe the other jobs, not the locks. \
                 Close builds and browsers and run it again, or pass --allow-busy to measure anyway \
                 (the JSON and every caption then say the run was busy; never commit such data over quiet data)",
                load[0]
            );
        }
        println!(
            "warning: busy machine (load average {:.2} > {limit:.2}); measuring anyway (--allow-busy)",
            load[0]
        );
    } else {
        println!("load average {:.2} ≤ {limit:.2}: quiet enough", load[0]);
    }
    Ok(Gate { load: Some(load), limit, allow_busy })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_a_quarter_of_the_cores() {
        assert_eq!(quiet_limit(2), 0.5);
        assert_eq!(quiet_limit(8), 2.0);
        assert_eq!(quiet_limit(0), 0.25);
    }

    #[test]
    fn loadavg_is_parsed_like_uptime_shows_it() {
        assert_eq!(parse_loadavg("1.99 2.17 3.52 2/311 4242\n"), Some([1.99, 2.17, 3.52]));
        assert_eq!(parse_loadavg("garbage"), None);
    }

    #[test]
    fn the_gate_is_recorded_for_the_bench_binary() {
        let gate = Gate { load: Some([0.1, 0.2, 0.3]), limit: 0.5, allow_busy: true };
        assert_eq!(gate.args(), ["--quiet-limit", "0.5", "--load-before", "0.1,0.2,0.3", "--allow-busy"]);
    }
}
