//! The mdBook preprocessor protocol, typed: `cargo xtask progress-data` and
//! `cargo xtask puzzles-data` read the book with `mdbook-preprocessor`, the
//! crate mdBook 0.5.4 itself uses for it, change chapters through its
//! [`Book`], and write the book back.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use mdbook_preprocessor::MDBOOK_VERSION;
use mdbook_preprocessor::book::Book;

/// Where the book is that mdBook handed over.
pub struct Input {
    /// The book's folder (where book.toml is).
    pub root: PathBuf,
    /// Its source folder relative to `root` (`src`), as book.toml sets it.
    pub src: PathBuf,
}

impl Input {
    /// The source folder itself.
    pub fn src_dir(&self) -> PathBuf {
        self.root.join(&self.src)
    }
}

/// Answers `supports <renderer>` (the HTML renderer only: other renderers
/// would print the markers), or reads `[context, book]` from stdin, lets
/// `change` edit the book, and writes the book to stdout.
pub fn run(name: &str, args: &[String], change: impl FnOnce(&Input, &mut Book) -> Result<()>) -> Result<()> {
    if let [supports, renderer] = args
        && supports == "supports"
    {
        std::process::exit(if renderer == "html" { 0 } else { 1 });
    }
    let (context, mut book) = mdbook_preprocessor::parse_input(std::io::stdin().lock())
        .with_context(|| format!("{name}: mdbook sent something other than [context, book]"))?;
    if context.mdbook_version != MDBOOK_VERSION {
        eprintln!(
            "warning: {name} speaks the preprocessor protocol of mdBook {MDBOOK_VERSION}, but mdbook {} runs it: \
             install the pinned version with `cargo xtask install-tools`",
            context.mdbook_version
        );
    }
    let input = Input { root: context.root.clone(), src: context.config.book.src.clone() };
    change(&input, &mut book)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &book)
        .with_context(|| format!("{name}: writing the book back to mdbook"))?;
    out.flush()?;
    Ok(())
}
