//! `cargo xtask …`: the course's build, serve and test commands.

mod bench;
mod book;
mod browser;
mod check_book;
mod cmd;
mod course;
mod exercises;
mod links;
mod parallel;
mod paths;
mod preprocessor;
mod problems;
mod programs;
mod puzzles;
mod quizzes;
mod reader;
mod snippets;
mod takeaway;
mod test;
mod tools;
mod wait;
mod workbench;

use clap::{Parser, Subcommand};

/// Build, serve and check the Fearless Locking course.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the pinned tools — the book's (mdbook, mdbook-quiz) and the
    /// linters `test` runs (typos, zizmor) — with `cargo install --locked`,
    /// skipping those already at the pinned version.
    InstallTools,
    /// Check the quiz files, then build the book into `book/`.
    Build,
    /// Build the book and serve it on 127.0.0.1, with runnable snippets.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Run every check, in order, stopping at the first failure.
    Test {
        /// Skip the slow steps (loom models, browser tests) while iterating.
        #[arg(long)]
        quick: bool,
    },
    /// The authoring checks, for the edit loop: exercise files, quizzes (with
    /// their Tracing programs and the answer-length limit), benchmark claims,
    /// scheduler puzzles (without loom), the book build, its snippets, links
    /// and spelling. No clippy, workspace tests, loom or browser: run `test`
    /// before you push.
    CheckBook,
    /// Compile and run every Rust block of the book (part of `test`).
    Snippets,
    /// Validate every quiz and run its Tracing programs (part of `test`).
    Quizzes,
    /// List every external program the checks call and where CI gets it
    /// from; fail if a source starts one that is not listed (part of `test`).
    Programs,
    /// Check internal links and anchors of the built book in `book/` (part of `test`).
    Links,
    /// The exercises: list them with your progress, or check one
    /// (`cargo xtask exercises counter`) and get its failures explained.
    Exercises(exercises::Args),
    /// Check the exercise pages' workbench: its bundles are the checker's,
    /// solutions pass and starters fail through the local playground, and
    /// the page words compile errors as the terminal does (part of `test`).
    Workbench,
    /// mdBook preprocessor (book.toml runs it): lists the quizzes on the
    /// progress page and links every quiz to it.
    #[command(hide = true)]
    ProgressData {
        /// `supports <renderer>`, as mdbook asks.
        args: Vec<String>,
    },
    /// Check the scheduler puzzles: each level explored by the page's engine
    /// under node, its shown lines found in its loom twin, the verdicts
    /// agreeing, then the twins' loom models run (part of `test`).
    Puzzles {
        /// Skip running the loom models (the loom step of `test` runs them).
        #[arg(long)]
        no_loom: bool,
    },
    /// mdBook preprocessor (book.toml runs it): puts the scheduler puzzles
    /// into their pages, the puzzles page and the progress page.
    #[command(hide = true)]
    PuzzlesData {
        /// `supports <renderer>`, as mdbook asks.
        args: Vec<String>,
    },
    /// Build the book and run the browser tests in headless Chromium (part of `test`).
    Browser {
        /// Run only one file's tests (`run`, `themes`, … : a file name in
        /// xtask/src/browser/), or the tests whose name contains this text.
        filter: Option<String>,
    },
    /// Run benchmarks in release mode and regenerate their JSON, plots and
    /// tables: `cargo xtask bench` runs every one the book includes,
    /// `cargo xtask bench locks` just one. Refuses a busy machine unless
    /// `--allow-busy`; checks the pages' claims against the new data.
    Bench(bench::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::InstallTools => tools::install_all(),
        Command::Build => book::build(),
        Command::Serve { port } => book::serve(port),
        Command::Test { quick } => test::run(quick),
        Command::CheckBook => check_book::run(),
        Command::Snippets => snippets::check(),
        Command::Quizzes => quizzes::check(true),
        Command::Programs => programs::check(),
        Command::Links => links::check(),
        Command::Exercises(args) => exercises::command(args),
        Command::Workbench => workbench::check(),
        Command::ProgressData { args } => reader::preprocessor(&args),
        Command::Puzzles { no_loom } => puzzles::command(no_loom),
        Command::PuzzlesData { args } => puzzles::preprocessor(&args),
        Command::Browser { filter } => browser::build_and_check(filter.as_deref()),
        Command::Bench(args) => bench::run(args),
    };
    if let Err(err) = result {
        eprintln!("\nerror: {err:#}");
        std::process::exit(1);
    }
}
