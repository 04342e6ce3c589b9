//! `playground [--port N] [--book DIR]`: serves a built book with a local
//! playground (see README.md). `cargo xtask serve` does the same after
//! building the book.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use playground::server::{Config, serve_until_ctrl_c};
use playground::{DepSet, Limits, Runner};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut port = 3000;
    let mut book = workspace.join("book");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().context("--port needs a number")?.parse().context("--port")?,
            "--book" => book = args.next().context("--book needs a directory")?.into(),
            "-h" | "--help" => {
                println!("usage: playground [--port N (0 = any free port)] [--book DIR (default: book/)]");
                return Ok(());
            }
            other => bail!("unknown argument `{other}` (try --help)"),
        }
    }
    if !book.join("index.html").exists() {
        bail!("no built book in {} (run `cargo xtask build` first)", book.display());
    }
    println!("Preparing the snippet dependencies (built once)…");
    let deps = DepSet::prebuild(&workspace, "examples")?;
    let runner = Runner::new(
        deps,
        Limits::default(),
        playground::deps::target_dir(&workspace)?.join("snippet-cache"),
    )?;
    serve_until_ctrl_c(Config::new(book, port), std::sync::Arc::new(runner), |addr| {
        println!("Serving the course at http://{addr}/ (Ctrl-C stops)");
    })
}
