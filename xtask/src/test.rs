//! `cargo xtask test`: every check, in order, each echoed; the first failure
//! stops the run and says which check failed.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::{
    bench, book, browser, cmd, exercises, links, programs, puzzles, quizzes, reader, snippets, takeaway,
    tools, workbench,
};

/// One check: a step of `test` (and of `check-book` when it is one an
/// author needs after editing a page or a quiz).
pub struct Check {
    pub name: &'static str,
    slow: bool,
    run: fn() -> Result<()>,
}

pub const EXERCISE_FILES: Check =
    Check { name: "exercise files", slow: false, run: exercises::check_consistency };
pub const QUIZZES: Check = Check { name: "quizzes", slow: false, run: || quizzes::check(true) };
pub const BENCHMARK_CLAIMS: Check = Check { name: "benchmark claims", slow: false, run: bench::check };
pub const SCHEDULER_PUZZLES: Check = Check { name: "scheduler puzzles", slow: false, run: puzzles::check };
pub const BOOK_BUILD: Check = Check { name: "book build", slow: false, run: book::mdbook_build };
pub const BOOK_SNIPPETS: Check = Check { name: "book snippets", slow: false, run: snippets::check };
pub const INTERNAL_LINKS: Check = Check { name: "internal links", slow: false, run: links::check };
pub const SPELLING: Check = Check { name: "spelling", slow: false, run: spelling };

const CHECKS: &[Check] = &[
    Check { name: "external programs", slow: false, run: programs::check },
    Check { name: "tools and packages", slow: false, run: tools_and_packages },
    Check { name: "formatting", slow: false, run: fmt },
    EXERCISE_FILES,
    Check { name: "clippy", slow: false, run: clippy },
    Check { name: "workspace tests", slow: false, run: workspace_tests },
    Check { name: "loom model checks", slow: true, run: loom },
    Check { name: "exercises", slow: false, run: exercises::check_solutions },
    Check { name: "fault corpus", slow: true, run: exercises::check_corpus },
    Check { name: "exercise workbench", slow: false, run: workbench::check },
    QUIZZES,
    BENCHMARK_CLAIMS,
    Check { name: "reader scripts", slow: false, run: reader::check_scripts },
    SCHEDULER_PUZZLES,
    BOOK_BUILD,
    Check { name: "exercises zip", slow: false, run: takeaway::check },
    BOOK_SNIPPETS,
    Check { name: "browser tests", slow: true, run: browser::check },
    INTERNAL_LINKS,
    SPELLING,
    Check { name: "workflow lint", slow: false, run: workflows },
];

/// Runs the checks; `quick` skips the slow ones.
pub fn run(quick: bool) -> Result<()> {
    run_checks(CHECKS, quick)
}

/// Runs `checks` in order, each timed, stopping at the first failure
/// (which names the check); `quick` skips the slow ones. Ends with the
/// timings and the closing line CI reads.
pub fn run_checks(checks: &[Check], quick: bool) -> Result<()> {
    let started = Instant::now();
    let mut timings = Vec::new();
    for check in checks {
        if quick && check.slow {
            println!("\n==> skipping {} (--quick)", check.name);
            continue;
        }
        let t = Instant::now();
        if let Err(err) = (check.run)() {
            println!("\nchecks: {} passed, 1 failed", timings.len());
            return Err(err).with_context(|| format!("check `{}` failed", check.name));
        }
        timings.push((check.name, t.elapsed()));
    }
    println!("\nAll checks passed in {:.0} s:", started.elapsed().as_secs_f64());
    for (name, d) in &timings {
        println!("  {name:<20} {:>6.1} s", d.as_secs_f64());
    }
    // The plain closing line CI reads.
    println!("checks: {} passed, 0 failed", timings.len());
    Ok(())
}

/// Every pinned tool, then every Debian package a check calls (as root,
/// one apt-get for all; elsewhere each check that needs one says so).
fn tools_and_packages() -> Result<()> {
    tools::install_all()?;
    cmd::step("Debian packages");
    if tools::ensure_packages(tools::PACKAGES, "the checks that use them")? {
        let names: Vec<&str> = tools::PACKAGES.iter().map(|p| p.name).collect();
        println!("{} are installed", names.join(", "));
    }
    Ok(())
}

fn fmt() -> Result<()> {
    cmd::step("Formatting (cargo fmt --check)");
    cmd::run(cmd::cargo().args(["fmt", "--all", "--check"]), "code is not formatted: run `cargo fmt --all`")
}

fn clippy() -> Result<()> {
    cmd::step("Lints (clippy)");
    cmd::run(
        cmd::cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
        "clippy found problems (see above)",
    )
}

fn workspace_tests() -> Result<()> {
    cmd::step("Workspace tests");
    cmd::run(cmd::cargo().args(["test", "--workspace", "--locked"]), "a workspace test failed (see above)")
}

fn loom() -> Result<()> {
    cmd::step("loom model checks (--cfg loom, release, own target dir)");
    let mut cmd = cmd::cargo();
    cmd.env("RUSTFLAGS", "--cfg loom")
        .args(["test", "--locked", "--release", "--package", "examples", "--target-dir"])
        .arg(crate::paths::target_dir().join("loom"))
        .args(["--lib", "--", "loom"]);
    cmd::run(&mut cmd, "a loom model check failed (see the model's panic above)")
}

fn spelling() -> Result<()> {
    cmd::step("Spelling (typos)");
    cmd::run(
        cmd::in_root("typos").args(["src", "README.md", "CONTRIBUTING.md", "STYLE.md"]),
        "misspelling found: fix it, or add a real word to _typos.toml",
    )
}

fn workflows() -> Result<()> {
    cmd::step("GitHub workflows (zizmor)");
    cmd::run(
        cmd::in_root("zizmor").args(["--offline", "--min-severity", "medium", ".github/workflows"]),
        "zizmor rates a workflow finding medium or higher",
    )
}
