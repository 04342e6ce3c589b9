//! A bench report (the JSON `examples/src/bin/bench.rs` writes) rendered as an
//! SVG plot and markdown tables. Scaling efficiency at N threads is
//! throughput(N) ÷ (N × throughput(1)): 100 % is perfect scaling. A report
//! whose series name a `facet` (the cache mixes) gets one plot panel per facet.
//! Points of the `spin` group also carry the CPU time per operation, which
//! [`svg_of`] can plot instead of the throughput.

use anyhow::{Result, anyhow, bail};
use plotters::prelude::*;
use serde::Deserialize;

/// One run of the bench binary.
#[derive(Debug, Deserialize)]
pub struct Report {
    pub title: String,
    /// What one operation is ("increments", "operations").
    #[serde(default = "default_unit")]
    pub unit: String,
    /// The first column's header in the table ("counter", "map").
    #[serde(default = "default_row_header")]
    pub row_header: String,
    pub machine: Machine,
    pub toolchain: String,
    /// `uptime`'s load averages when the run started and ended.
    #[serde(default)]
    pub load_average: LoadAverage,
    /// The highest 1-minute load average before the run at which the
    /// machine counted as quiet (absent in reports older than the rule:
    /// then today's rule, [`super::gate::quiet_limit`], applies).
    #[serde(default)]
    pub quiet_limit: Option<f64>,
    /// Whether the run was made on purpose on a busy machine (`--allow-busy`).
    #[serde(default)]
    pub allow_busy: Option<bool>,
    /// `interleaved` when every pass ran every variant once; absent in
    /// older reports, whose runs of one variant followed each other.
    #[serde(default)]
    pub schedule: Option<String>,
    pub total_ops: u64,
    pub warmup_runs: u32,
    pub repeats: u32,
    pub series: Vec<Series>,
}

/// Where the numbers come from.
#[derive(Debug, Deserialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: u32,
    pub os: String,
    pub arch: String,
}

fn default_unit() -> String {
    "increments".into()
}

fn default_row_header() -> String {
    "counter".into()
}

/// 1, 5 and 15 minute load averages (absent where the OS does not report them).
#[derive(Debug, Default, Deserialize)]
pub struct LoadAverage {
    /// Before any benchmark of the `cargo xtask bench` run started: the
    /// reading the quiet-machine rule applies to.
    pub before: Option<[f64; 3]>,
    pub after: Option<[f64; 3]>,
}

/// One workload across thread counts.
#[derive(Debug, Deserialize)]
pub struct Series {
    #[serde(default)]
    pub key: String,
    pub label: String,
    /// The plot panel it belongs to; empty when the report has one panel.
    #[serde(default)]
    pub facet: String,
    /// Operations per point when this series ran its own number (the spin
    /// group's one-addition lines run more); absent: the report's.
    #[serde(default)]
    pub total_ops: Option<u64>,
    pub points: Vec<Point>,
}

/// One thread count of one workload.
#[derive(Debug, Clone, Deserialize)]
pub struct Point {
    pub threads: u32,
    pub ops_per_sec: f64,
    /// Every timed run, in nanoseconds.
    #[serde(default)]
    pub runs_ns: Vec<u64>,
    /// Median CPU time of the whole process per operation, in nanoseconds
    /// (user + system, all threads; only groups that measure it).
    #[serde(default)]
    pub cpu_ns_per_op: Option<f64>,
    /// Voluntary context switches of every timed run: how often one of the
    /// process's threads went to sleep (only groups that measure CPU time).
    #[serde(default)]
    pub voluntary_switches: Vec<u64>,
}

impl Report {
    /// "Measured on …" — the caption under the plot and the table.
    pub fn caption(&self) -> String {
        format!("{} · {}", self.setup_note(), self.load_note())
    }

    /// What was run, where and with what: the first half of the caption.
    pub fn setup_note(&self) -> String {
        let runs = if self.schedule.as_deref() == Some("interleaved") {
            format!("median of {} interleaved runs after {} warm-up", self.repeats, self.warmup_runs)
        } else {
            format!("median of {} runs after {} warm-up", self.repeats, self.warmup_runs)
        };
        let mut ops: Vec<u64> = self.series.iter().map(|s| s.total_ops.unwrap_or(self.total_ops)).collect();
        ops.sort_unstable();
        let ops = match (ops.first(), ops.last()) {
            (Some(&low), Some(&high)) if low != high => {
                format!("{}–{}", group_digits(low), group_digits(high))
            }
            _ => group_digits(self.total_ops),
        };
        format!(
            "{ops} ops per point, {runs} · {} ({} cores, {} {}) · {}",
            self.machine.cpu, self.machine.cores, self.machine.os, self.machine.arch, self.toolchain,
        )
    }

    /// The load average before and after, and whether the machine was
    /// quiet by the gate's rule: "load average 2.0 before (busy: quiet is
    /// ≤ 0.5 on 2 cores) → 2.5 after".
    pub fn load_note(&self) -> String {
        let Some(before) = self.load_average.before else {
            return "load average unknown: cannot tell a quiet machine from a busy one".into();
        };
        let verdict = if self.busy() == Some(true) {
            let how = if self.allow_busy == Some(true) { ", run with --allow-busy" } else { "" };
            format!("BUSY{how}: quiet is ≤ {:.2} on {} cores", self.quiet_limit(), self.machine.cores)
        } else {
            format!("quiet: ≤ {:.2} on {} cores", self.quiet_limit(), self.machine.cores)
        };
        let after = self.load_average.after.map(|a| format!(" → {:.1} after", a[0])).unwrap_or_default();
        format!("load average {:.1} before ({verdict}){after}", before[0])
    }

    /// The quiet-machine limit this report is judged by.
    pub fn quiet_limit(&self) -> f64 {
        self.quiet_limit.unwrap_or_else(|| super::gate::quiet_limit(self.machine.cores))
    }

    /// Whether the machine was busy before the run (None: no load average).
    pub fn busy(&self) -> Option<bool> {
        self.load_average.before.map(|before| before[0] > self.quiet_limit())
    }

    /// The series with this key.
    pub fn series(&self, key: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.key == key)
    }

    /// The most threads measured.
    pub fn max_threads(&self) -> u32 {
        self.thread_counts().last().copied().unwrap_or(1)
    }

    /// The facets in order of first appearance (one empty facet if none are named).
    fn facets(&self) -> Vec<&str> {
        let mut facets: Vec<&str> = Vec::new();
        for series in &self.series {
            if !facets.contains(&series.facet.as_str()) {
                facets.push(&series.facet);
            }
        }
        facets
    }

    /// Every thread count that appears, sorted.
    pub fn thread_counts(&self) -> Vec<u32> {
        let mut threads: Vec<u32> =
            self.series.iter().flat_map(|s| s.points.iter().map(|p| p.threads)).collect();
        threads.sort_unstable();
        threads.dedup();
        threads
    }
}

impl Series {
    /// The label with its facet, for tables: "Mutex<HashMap>, 90% reads".
    fn full_label(&self) -> String {
        if self.facet.is_empty() { self.label.clone() } else { format!("{}, {}", self.label, self.facet) }
    }

    /// Median throughput at `threads` threads, if measured.
    pub fn at(&self, threads: u32) -> Option<f64> {
        self.points.iter().find(|p| p.threads == threads).map(|p| p.ops_per_sec)
    }

    /// Median CPU nanoseconds per operation at `threads` threads, if measured.
    pub fn cpu_at(&self, threads: u32) -> Option<f64> {
        self.points.iter().find(|p| p.threads == threads).and_then(|p| p.cpu_ns_per_op)
    }

    /// throughput(N) ÷ (N × throughput(1)), if both were measured.
    pub fn efficiency(&self, threads: u32) -> Option<f64> {
        let one = self.at(1).filter(|&t| t > 0.0)?;
        Some(self.at(threads)? / (f64::from(threads) * one))
    }
}

fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Mid-tone colours that read on the plot's light panel (and are told apart
/// by their markers too, for readers who do not see colour).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0xc0, 0x39, 0x2b),
    RGBColor(0xd3, 0x84, 0x00),
    RGBColor(0x7d, 0x3c, 0x98),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2e, 0x8b, 0x57),
    RGBColor(0x55, 0x55, 0x55),
    RGBColor(0x8c, 0x56, 0x4b),
];

/// The light panel behind the plot: it carries its own background, so the
/// plot reads the same in mdBook's light and dark themes.
const PANEL: RGBColor = RGBColor(0xfb, 0xfb, 0xf8);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

/// Height of one plot panel, and of the caption strip (two lines) under the panels.
const PANEL_HEIGHT: u32 = 450;
const FOOTER_HEIGHT: u32 = 48;
/// The load note's colour when the machine was busy: the warning must not
/// be missed.
const WARN: RGBColor = RGBColor(0xb0, 0x20, 0x20);

/// What a plot shows on its y axis.
pub struct Metric {
    /// The plot's title (a facet's name is added after a colon).
    pub title: String,
    /// The y axis' label.
    pub y_desc: String,
    /// The value of one point, if it was measured.
    pub value: fn(&Point) -> Option<f64>,
    /// The y axis reaches this many times the highest value: room for the
    /// legend in the upper left corner.
    pub headroom: f64,
}

impl Metric {
    /// Millions of operations per second: the plot beside every JSON.
    pub fn throughput(report: &Report) -> Metric {
        Metric {
            title: report.title.clone(),
            y_desc: format!("million {} per second", report.unit),
            value: |p| Some(p.ops_per_sec / 1e6),
            headroom: 1.1,
        }
    }
}

/// Throughput (millions of operations per second) against threads, one line
/// per series and one panel per facet, with the machine, toolchain and load
/// average in the caption.
pub fn svg(report: &Report) -> Result<String> {
    svg_of(report, &Metric::throughput(report))
}

/// Where a thread count sits on the x axis: at its own value when the
/// counts are 1, 2, 3 … (every count measured), evenly spaced when they are
/// not (1, 2, 4, 8, 16), with the count as the label either way.
struct XAxis {
    threads: Vec<u32>,
    contiguous: bool,
}

impl XAxis {
    fn new(threads: Vec<u32>) -> XAxis {
        let contiguous = threads.windows(2).all(|w| w[1] == w[0] + 1);
        XAxis { threads, contiguous }
    }

    fn x(&self, threads: u32) -> f64 {
        if self.contiguous {
            f64::from(threads)
        } else {
            self.threads.iter().position(|&t| t == threads).unwrap_or_default() as f64
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        let (first, last) = (self.threads[0], self.threads[self.threads.len() - 1]);
        self.x(first) - 0.2..self.x(last) + 0.2
    }

    fn label(&self, x: f64) -> String {
        if self.contiguous {
            return format!("{x:.0}");
        }
        let index = x.round();
        match self.threads.get(index as usize) {
            Some(t) if (x - index).abs() < 1e-6 && index >= 0.0 => t.to_string(),
            _ => String::new(),
        }
    }
}

/// `metric` against threads, one line per series and one panel per facet,
/// with the machine, toolchain and load average in the caption.
pub fn svg_of(report: &Report, metric: &Metric) -> Result<String> {
    let threads = report.thread_counts();
    if threads.is_empty() {
        bail!("the report has no data points");
    }
    let axis = XAxis::new(threads);
    let facets = report.facets();
    let height = PANEL_HEIGHT * facets.len() as u32 + FOOTER_HEIGHT;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (800, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| anyhow!("drawing the plot: {e:?}");
        root.fill(&PANEL).map_err(err)?;
        let (panels, footer) = root.split_vertically(height - FOOTER_HEIGHT);
        for (area, facet) in panels.split_evenly((facets.len(), 1)).iter().zip(&facets) {
            let series: Vec<&Series> = report.series.iter().filter(|s| s.facet == *facet).collect();
            let top =
                series.iter().flat_map(|s| s.points.iter().filter_map(metric.value)).fold(0.0, f64::max);
            if top <= 0.0 {
                bail!("no point of panel `{facet}` has a value to plot for `{}`", metric.y_desc);
            }
            let title =
                if facet.is_empty() { metric.title.clone() } else { format!("{}: {facet}", metric.title) };
            let mut chart = ChartBuilder::on(area)
                .caption(title, ("sans-serif", 22).into_font().color(&INK))
                .margin(16)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d(axis.range(), 0.0..top * metric.headroom)
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_labels(axis.threads.len())
                .x_label_formatter(&|x| axis.label(*x))
                // Below 10, whole numbers would label two ticks alike.
                .y_label_formatter(&|y| if top < 10.0 { format!("{y:.1}") } else { format!("{y:.0}") })
                .x_desc("threads")
                .y_desc(&metric.y_desc)
                .label_style(("sans-serif", 14).into_font().color(&INK))
                .axis_desc_style(("sans-serif", 15).into_font().color(&INK))
                .max_light_lines(2)
                .light_line_style(RGBColor(0xee, 0xee, 0xea))
                .bold_line_style(RGBColor(0xd0, 0xd0, 0xcc))
                .axis_style(INK)
                .draw()
                .map_err(err)?;
            // Colours and markers follow the position within the panel, so a
            // map keeps its colour from one panel to the next.
            for (i, series) in series.iter().enumerate() {
                let color = PALETTE[i % PALETTE.len()];
                let points: Vec<(f64, f64)> = series
                    .points
                    .iter()
                    .filter_map(|p| Some((axis.x(p.threads), (metric.value)(p)?)))
                    .collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))
                    .map_err(err)?
                    .label(&series.label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
                // Every other series gets hollow markers, so lines differ without colour.
                let filled = i % 2 == 0;
                chart
                    .draw_series(points.iter().map(|&p| {
                        Circle::new(p, 5, if filled { color.filled() } else { color.stroke_width(2) })
                    }))
                    .map_err(err)?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(PANEL.mix(0.9))
                .border_style(RGBColor(0xbb, 0xbb, 0xb5))
                .label_font(("sans-serif", 14).into_font().color(&INK))
                .draw()
                .map_err(err)?;
        }
        footer
            .draw(&Text::new(report.setup_note(), (16, 6), ("sans-serif", 12).into_font().color(&INK)))
            .map_err(err)?;
        let load_color = if report.busy() == Some(false) { INK } else { WARN };
        footer
            .draw(&Text::new(report.load_note(), (16, 24), ("sans-serif", 12).into_font().color(&load_color)))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// A markdown table: throughput per thread count, with scaling efficiency in
/// parentheses, and a note naming the command and the machine.
pub fn table(report: &Report, command: &str) -> String {
    table_of(report, command, |_| true)
}

/// The same table restricted to the series whose key is in `keys` (the
/// std vs parking_lot comparison of the parking_lot page).
pub fn table_for_keys(report: &Report, command: &str, keys: &[&str]) -> Result<String> {
    for key in keys {
        if !report.series.iter().any(|s| s.key == *key) {
            bail!("the report has no series `{key}`");
        }
    }
    Ok(table_of(report, command, |s| keys.contains(&s.key.as_str())))
}

fn escape(text: &str) -> String {
    // `<` would start an HTML tag in markdown: `Mutex<u64>` must stay visible.
    text.replace('<', "&lt;").replace('>', "&gt;")
}

fn table_of(report: &Report, command: &str, keep: impl Fn(&Series) -> bool) -> String {
    let threads = report.thread_counts();
    let mut out = format!("| {} |", report.row_header);
    for &n in &threads {
        out.push_str(&format!(" {n} thread{} |", if n == 1 { "" } else { "s" }));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(threads.len()));
    out.push('\n');
    for series in report.series.iter().filter(|s| keep(s)) {
        out.push_str(&format!("| {} |", escape(&series.full_label())));
        for &n in &threads {
            match (series.at(n), series.efficiency(n)) {
                (Some(t), Some(e)) if n > 1 => {
                    out.push_str(&format!(" {:.1} M/s ({:.0} %) |", t / 1e6, e * 100.0))
                }
                (Some(t), _) => out.push_str(&format!(" {:.1} M/s |", t / 1e6)),
                (None, _) => out.push_str(" – |"),
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n<small>Millions of {} per second (scaling efficiency: throughput at N threads ÷ \
         (N × 1-thread throughput)). Generated by `{command}`: {}.</small>\n",
        report.unit,
        report.caption()
    ));
    out
}

/// A markdown table of the CPU time per operation (user + system, every
/// thread of the process), with the rise over the same line's 1-thread
/// figure in parentheses. Fails if a series has no CPU time.
pub fn cpu_table(report: &Report, command: &str) -> Result<String> {
    let threads = report.thread_counts();
    let mut out = format!("| {} |", report.row_header);
    for &n in &threads {
        out.push_str(&format!(" {n} thread{} |", if n == 1 { "" } else { "s" }));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(threads.len()));
    out.push('\n');
    for series in &report.series {
        out.push_str(&format!("| {} |", escape(&series.full_label())));
        let one = series.cpu_at(1);
        for &n in &threads {
            if series.at(n).is_none() {
                out.push_str(" – |");
                continue;
            }
            let cpu = series.cpu_at(n).ok_or_else(|| {
                anyhow!(
                    "series `{}` has no CPU time at {n} threads: was it measured with this group?",
                    series.key
                )
            })?;
            match one {
                Some(one) if n > 1 && one > 0.0 => {
                    out.push_str(&format!(" {cpu:.0} ns ({:.1}×) |", cpu / one))
                }
                _ => out.push_str(&format!(" {cpu:.0} ns |")),
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n<small>CPU time per operation in nanoseconds: the CPU time of the whole process (every thread, \
         user + system, from `getrusage`) during a run ÷ the operations, median of the runs; in parentheses, \
         × the same line's 1-thread figure. Generated by `{command}`: {}.</small>\n",
        report.caption()
    ));
    Ok(out)
}

/// How much the timed runs of one data point disagree: for each series at 1
/// thread and at the most threads, the fastest, median and slowest run and
/// the slowest ÷ fastest ratio. The evidence for taking medians.
pub fn spread(report: &Report, command: &str) -> String {
    let threads = report.thread_counts();
    let ends: Vec<u32> = match (threads.first(), threads.last()) {
        (Some(&a), Some(&b)) if a != b => vec![a, b],
        (Some(&a), _) => vec![a],
        _ => Vec::new(),
    };
    let mut out = format!(
        "| {} | threads | fastest run | median | slowest run | slowest ÷ fastest |\n",
        report.row_header
    );
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for series in &report.series {
        for &n in &ends {
            let Some(point) = series.points.iter().find(|p| p.threads == n) else { continue };
            let mut runs = point.runs_ns.clone();
            runs.sort_unstable();
            let (Some(&fast), Some(&slow)) = (runs.first(), runs.last()) else { continue };
            let ms = |ns: u64| ns as f64 / 1e6;
            out.push_str(&format!(
                "| {} | {n} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} × |\n",
                escape(&series.full_label()),
                ms(fast),
                ms(runs[runs.len() / 2]),
                ms(slow),
                slow as f64 / fast.max(1) as f64
            ));
        }
    }
    out.push_str(&format!(
        "\n<small>Wall-clock time of each timed run of {} {}. Generated by `{command}`: {}.</small>\n",
        group_digits(report.total_ops),
        report.unit,
        report.caption()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
        "group": "counters", "title": "Sample", "toolchain": "rustc 1.95.0",
        "machine": {"cpu": "Test CPU", "cores": 2, "os": "linux", "arch": "x86_64"},
        "total_ops": 1000000, "warmup_runs": 1, "repeats": 3, "statistic": "median",
        "series": [
            {"key": "mutex", "label": "Mutex<u64>", "points": [
                {"threads": 1, "ops_per_sec": 40e6, "median_ns": 1, "runs_ns": [1]},
                {"threads": 2, "ops_per_sec": 20e6, "median_ns": 1, "runs_ns": [1]}]},
            {"key": "per_thread", "label": "per-thread", "points": [
                {"threads": 1, "ops_per_sec": 300e6, "median_ns": 1, "runs_ns": [1]},
                {"threads": 2, "ops_per_sec": 600e6, "median_ns": 1, "runs_ns": [1]}]}
        ]
    }"#;

    fn sample() -> Report {
        serde_json::from_str(SAMPLE).unwrap()
    }

    #[test]
    fn interleaved_runs_are_named_in_the_caption() {
        let mut report = sample();
        assert!(report.caption().contains("median of 3 runs after 1 warm-up"), "{}", report.caption());
        report.schedule = Some("interleaved".into());
        assert!(
            report.caption().contains("median of 3 interleaved runs after 1 warm-up"),
            "{}",
            report.caption()
        );
    }

    #[test]
    fn efficiency_is_throughput_over_n_times_one_thread() {
        let report = sample();
        assert_eq!(report.series[0].efficiency(2), Some(0.25));
        assert_eq!(report.series[1].efficiency(2), Some(1.0));
        assert_eq!(report.series[1].efficiency(3), None);
    }

    #[test]
    fn table_shows_throughput_efficiency_and_provenance() {
        let table = table(&sample(), "cargo xtask bench locks");
        assert!(table.starts_with("| counter | 1 thread | 2 threads |\n|---|---:|---:|\n"), "{table}");
        assert!(table.contains("| Mutex&lt;u64&gt; | 40.0 M/s | 20.0 M/s (25 %) |"), "{table}");
        assert!(table.contains("| per-thread | 300.0 M/s | 600.0 M/s (100 %) |"), "{table}");
        assert!(table.contains("`cargo xtask bench locks`"), "{table}");
        assert!(table.contains("1,000,000 ops per point, median of 3 runs"), "{table}");
        assert!(table.contains("Test CPU (2 cores, linux x86_64) · rustc 1.95.0"), "{table}");
    }

    /// The text of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        let re = regex::Regex::new(r"<text[^>]*>\s*([^<]*?)\s*</text>").unwrap();
        re.captures_iter(svg).map(|c| c[1].to_string()).collect()
    }

    #[test]
    fn svg_has_labels_as_text_and_a_light_panel() {
        let svg = svg(&sample()).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        let texts = texts(&svg);
        for label in ["Sample", "threads", "million increments per second", "Mutex&lt;u64&gt;", "per-thread"]
        {
            assert!(texts.iter().any(|t| t == label), "no <text> {label:?} in {texts:?}");
        }
        assert!(texts.iter().any(|t| t.contains("Test CPU") && t.contains("rustc 1.95.0")), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("load average unknown")), "{texts:?}");
        assert!(svg.contains(r##"fill="#FBFBF8""##), "the light panel is missing");
    }

    const FACETED: &str = r#"{
        "group": "caches", "title": "Maps", "unit": "operations", "row_header": "map",
        "toolchain": "rustc 1.95.0",
        "machine": {"cpu": "Test CPU", "cores": 2, "os": "linux", "arch": "x86_64"},
        "load_average": {"before": [5.5, 6.0, 6.2], "after": [7.3, 6.5, 6.3]},
        "total_ops": 1000, "warmup_runs": 1, "repeats": 3, "statistic": "median",
        "series": [
            {"key": "mutex_r100", "label": "Mutex<HashMap>", "facet": "100% reads", "points": [
                {"threads": 1, "ops_per_sec": 10e6, "runs_ns": [30000000, 10000000, 20000000]},
                {"threads": 2, "ops_per_sec": 5e6, "runs_ns": [40000000, 40000000, 40000000]}]},
            {"key": "mutex_r50", "label": "Mutex<HashMap>", "facet": "50% reads", "points": [
                {"threads": 1, "ops_per_sec": 8e6, "runs_ns": [100]},
                {"threads": 2, "ops_per_sec": 4e6, "runs_ns": [100]}]}
        ]
    }"#;

    fn faceted() -> Report {
        serde_json::from_str(FACETED).unwrap()
    }

    #[test]
    fn facets_get_a_panel_each_and_a_column_label() {
        let report = faceted();
        let svg = svg(&report).unwrap();
        let texts = texts(&svg);
        for title in ["Maps: 100% reads", "Maps: 50% reads", "million operations per second"] {
            assert!(texts.iter().any(|t| t == title), "no <text> {title:?} in {texts:?}");
        }
        assert!(svg.contains(r#"height="948""#), "two panels and a footer: {}", &svg[..200]);
        let table = table(&report, "cargo xtask bench caches");
        assert!(table.starts_with("| map | 1 thread | 2 threads |"), "{table}");
        assert!(table.contains("| Mutex&lt;HashMap&gt;, 50% reads | 8.0 M/s | 4.0 M/s (25 %) |"), "{table}");
        assert!(table.contains("Millions of operations per second"), "{table}");
    }

    #[test]
    fn the_caption_reports_the_load_average() {
        let caption = faceted().caption();
        assert!(
            caption.ends_with("load average 5.5 before (BUSY: quiet is ≤ 0.50 on 2 cores) → 7.3 after"),
            "{caption}"
        );
        let mut quiet = faceted();
        quiet.load_average.before = Some([0.3, 0.4, 0.5]);
        quiet.allow_busy = Some(false);
        assert!(
            quiet.caption().contains("load average 0.3 before (quiet: ≤ 0.50 on 2 cores)"),
            "{}",
            quiet.caption()
        );
        let mut allowed = faceted();
        allowed.allow_busy = Some(true);
        assert!(
            allowed.caption().contains("(BUSY, run with --allow-busy: quiet is"),
            "{}",
            allowed.caption()
        );
        // Reports without a load average still render, and say so.
        assert!(
            sample().caption().ends_with("load average unknown: cannot tell a quiet machine from a busy one")
        );
    }

    #[test]
    fn a_table_can_keep_only_some_series() {
        let table = table_for_keys(&sample(), "cmd", &["mutex"]).unwrap();
        assert!(table.contains("Mutex&lt;u64&gt;") && !table.contains("per-thread"), "{table}");
        assert!(table_for_keys(&sample(), "cmd", &["no_such_key"]).is_err());
    }

    #[test]
    fn spread_shows_fastest_median_and_slowest_run() {
        let spread = spread(&faceted(), "cmd");
        assert!(
            spread
                .contains("| Mutex&lt;HashMap&gt;, 100% reads | 1 | 10.0 ms | 20.0 ms | 30.0 ms | 3.00 × |"),
            "{spread}"
        );
        assert!(
            spread
                .contains("| Mutex&lt;HashMap&gt;, 100% reads | 2 | 40.0 ms | 40.0 ms | 40.0 ms | 1.00 × |"),
            "{spread}"
        );
    }

    const SPIN: &str = r#"{
        "group": "spin", "title": "Spinning or parking", "row_header": "lock", "toolchain": "rustc 1.95.0",
        "machine": {"cpu": "Test CPU", "cores": 2, "os": "linux", "arch": "x86_64"},
        "total_ops": 1000, "warmup_runs": 1, "repeats": 3, "statistic": "median", "schedule": "interleaved",
        "series": [
            {"key": "spin_add", "label": "SpinLock", "facet": "one addition", "total_ops": 10000, "points": [
                {"threads": 1, "ops_per_sec": 80e6, "cpu_ns_per_op": 12.0, "runs_ns": [1]},
                {"threads": 2, "ops_per_sec": 50e6, "cpu_ns_per_op": 30.0, "runs_ns": [1]},
                {"threads": 4, "ops_per_sec": 20e6, "cpu_ns_per_op": 90.0, "runs_ns": [1]},
                {"threads": 8, "ops_per_sec": 10e6, "cpu_ns_per_op": 180.0, "runs_ns": [1]}]},
            {"key": "std_add", "label": "std Mutex", "facet": "one addition", "points": [
                {"threads": 1, "ops_per_sec": 40e6, "cpu_ns_per_op": 20.0, "runs_ns": [1]},
                {"threads": 2, "ops_per_sec": 30e6, "cpu_ns_per_op": 21.0, "runs_ns": [1]},
                {"threads": 4, "ops_per_sec": 30e6, "cpu_ns_per_op": 22.0, "runs_ns": [1]},
                {"threads": 8, "ops_per_sec": 30e6, "cpu_ns_per_op": 23.0, "runs_ns": [1]}]}
        ]
    }"#;

    #[test]
    fn thread_counts_that_skip_are_spaced_evenly_and_labelled() {
        let report: Report = serde_json::from_str(SPIN).unwrap();
        let texts = texts(&svg(&report).unwrap());
        for label in
            ["1", "2", "4", "8", "Spinning or parking: one addition", "million increments per second"]
        {
            assert!(texts.iter().any(|t| t == label), "no <text> {label:?} in {texts:?}");
        }
        // Evenly spaced: no tick between the measured counts.
        for absent in ["3", "5", "6", "7"] {
            assert!(!texts.iter().any(|t| t == absent), "a tick {absent:?} in {texts:?}");
        }
        let axis = XAxis::new(vec![1, 2, 4, 8]);
        assert_eq!((axis.x(1), axis.x(4), axis.x(8)), (0.0, 2.0, 3.0));
        assert_eq!(
            (axis.label(2.0), axis.label(2.5), axis.label(-1.0)),
            ("4".into(), String::new(), String::new())
        );
        let contiguous = XAxis::new(vec![1, 2, 3]);
        assert_eq!((contiguous.x(3), contiguous.label(3.0)), (3.0, "3".into()));
    }

    #[test]
    fn cpu_time_is_plotted_and_tabulated() {
        let report: Report = serde_json::from_str(SPIN).unwrap();
        let metric = Metric {
            title: "CPU".into(),
            y_desc: "ns of CPU per increment".into(),
            value: |p| p.cpu_ns_per_op,
            headroom: 1.1,
        };
        let texts = texts(&svg_of(&report, &metric).unwrap());
        assert!(texts.iter().any(|t| t == "ns of CPU per increment"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "CPU: one addition"), "{texts:?}");
        let table = cpu_table(&report, "cargo xtask bench spin").unwrap();
        assert!(table.starts_with("| lock | 1 thread | 2 threads | 4 threads | 8 threads |\n"), "{table}");
        assert!(
            table.contains(
                "| SpinLock, one addition | 12 ns | 30 ns (2.5×) | 90 ns (7.5×) | 180 ns (15.0×) |"
            ),
            "{table}"
        );
        assert!(table.contains("| std Mutex, one addition | 20 ns | 21 ns (1.1×) |"), "{table}");
        assert!(table.contains("`cargo xtask bench spin`"), "{table}");
        assert!(table.contains("1,000–10,000 ops per point"), "{table}");
        // A report without CPU times cannot give this table or plot.
        assert!(cpu_table(&sample(), "cmd").unwrap_err().to_string().contains("no CPU time"));
        assert!(svg_of(&sample(), &metric).is_err());
    }

    #[test]
    fn a_report_without_points_is_an_error() {
        let mut report = sample();
        report.series.clear();
        assert!(svg(&report).is_err());
    }
}
