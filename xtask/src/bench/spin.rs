//! `cargo xtask bench spin`: Part 3's spin lock against locks that park, at
//! 1 thread, as many threads as cores, and 2, 4 and 8 times as many —
//! the "Spinning when threads outnumber cores" section of "Measuring
//! contention".

use anyhow::Result;

use super::report::{self, Metric, Report};
use super::{Generated, Group};

/// Four locks × two critical sections × five thread counts: 1 M increments
/// per point with the longer critical section, 10 M with one addition. On
/// the busy 2-core machine of the committed data the spin lock with the
/// longer critical section at 16 threads took 1–3 s per run, and the whole
/// group (a warm-up pass and 5 timed passes) 113 s.
pub const GROUP: Group = Group {
    name: "spin",
    binary_group: "spin",
    json: "src/beyond/measuring-spin.json",
    ops: 1_000_000,
    repeats: 5,
    plot,
    extras,
};

/// Room above the highest point for the legend: the lines of this group
/// end high on both sides of the plot.
const HEADROOM: f64 = 1.45;

fn plot(report: &Report) -> Result<String> {
    report::svg_of(report, &Metric { headroom: HEADROOM, ..Metric::throughput(report) })
}

/// The plot and the table of CPU time per increment, beside the throughput ones.
fn extras(report: &Report, command: &str) -> Result<Vec<Generated>> {
    let cpu = Metric {
        title: "CPU time per increment".into(),
        y_desc: "CPU nanoseconds per increment (all threads)".into(),
        value: |p| p.cpu_ns_per_op,
        headroom: HEADROOM,
    };
    Ok(vec![
        ("src/beyond/measuring-spin-cpu.svg", report::svg_of(report, &cpu)?),
        ("src/beyond/measuring-spin-cpu.md", report::cpu_table(report, command)?),
    ])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::{claims, read_report};
    use super::*;

    /// The committed claims against the committed data with one number
    /// changed: the check must name the page, the claim and the values.
    #[test]
    fn data_in_which_spinning_is_cheap_contradict_the_page() {
        let json = crate::paths::root().join(GROUP.json);
        let claims_file = claims::claims_path(&json);
        let claims = claims::load(&claims_file).unwrap();
        let mut report = read_report(&json).unwrap();
        assert!(claims::verdicts(&claims, &report, &claims_file).is_empty(), "the committed data hold");

        // A re-run in which the spin lock at the most threads costs no more
        // CPU per increment than it does alone.
        let max = report.max_threads();
        let spin = report.series.iter_mut().find(|s| s.key == "spin_work").unwrap();
        let alone = spin.cpu_at(1).unwrap();
        spin.points.iter_mut().find(|p| p.threads == max).unwrap().cpu_ns_per_op = Some(alone);
        let problems = claims::verdicts(&claims, &report, &claims_file);
        let messages: Vec<&str> = problems.iter().map(String::as_str).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("src/beyond/measuring.md, claim `spin-cpu-rises-above-the-others`")
                    && m.contains(&format!("`cpu(spin_work@{max}) > max(cpu(parking_work@{max})"))
                    && m.contains("is false")),
            "{messages:#?}"
        );
    }

    /// A busy re-run contradicts exactly the sentence that calls the machine
    /// quiet.
    #[test]
    fn a_busy_rerun_contradicts_the_quiet_sentence() {
        let json = crate::paths::root().join(GROUP.json);
        let claims_file = claims::claims_path(&json);
        let claims = claims::load(&claims_file).unwrap();
        let mut busy = read_report(&json).unwrap();
        busy.load_average.before = Some([3.0, 3.0, 3.0]);
        let problems = claims::verdicts(&claims, &busy, &claims_file);
        let ids: BTreeSet<&str> = problems.iter().filter_map(|p| p.split('`').nth(1)).collect();
        assert_eq!(ids, BTreeSet::from(["spin-quiet-before-the-run"]), "{problems:#?}");
    }
}
