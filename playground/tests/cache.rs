//! The binary cache under a burst of distinct programs: it stays under its
//! cap, and a hit (no compile) stays fast.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use playground::{DepSet, Edition, Limits, Request, Runner};

#[test]
fn the_cache_stays_under_its_cap_in_a_burst_and_hits_stay_fast() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let deps = DepSet::prebuild(workspace, "examples").unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground-cache-burst");
    let _ = std::fs::remove_dir_all(&dir);
    let program = |i: usize| format!("fn main() {{ println!(\"program {i}\"); }}\n");
    // The cap: room for three binaries of this size.
    let probe = Runner::new(deps.clone(), Limits::default(), dir.join("probe")).unwrap();
    probe.execute(&Request::new(program(0), Edition::E2021)).unwrap();
    let one = probe.cache().size();
    assert!(one > 0 && one < 4 * 1024 * 1024, "a hello world binary is {one} bytes");
    let cap = one * 7 / 2;
    let cache = playground::cache::BinaryCache::new(dir.join("capped"), cap).unwrap();
    let runner = Runner::with_cache(deps, Limits::default(), cache).unwrap();
    // A burst: 12 distinct programs, 3 at a time.
    let misses = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..3 {
            let (runner, misses) = (&runner, &misses);
            s.spawn(move || {
                for i in (worker..12).step_by(3) {
                    let started = Instant::now();
                    let report = runner.execute(&Request::new(program(i), Edition::E2021)).unwrap();
                    assert_eq!(report.run.unwrap().stdout, format!("program {i}\n"));
                    misses.lock().unwrap().push(started.elapsed());
                    let size = runner.cache().size();
                    assert!(size <= cap + one, "{size} bytes cached, cap {cap} (+ one in flight)");
                }
            });
        }
    });
    assert!(runner.cache().size() <= cap, "{} bytes cached over the cap of {cap}", runner.cache().size());
    // The most recent program is still cached, and a hit is fast.
    let mut hits = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let report = runner.execute(&Request::new(program(11), Edition::E2021)).unwrap();
        assert!(report.cached, "the most recently used binary was evicted");
        hits.push(started.elapsed());
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (hit, miss) = (median(hits), median(misses.into_inner().unwrap()));
    assert!(hit * 3 < miss, "a hit ({hit:?}) should be much faster than a compile ({miss:?})");
}
