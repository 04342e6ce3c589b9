//! Every external program the checks call, and where it comes from on a
//! fresh CI machine (the `rust:1.95-bookworm` container of the workflows).
//!
//! The "external programs" check proves the list complete: it reads every
//! Rust source of the workspace (with syn, so code inside string literals is
//! not mistaken for code) and finds each program started through
//! `Command::new`, `cmd::in_root` or `cmd::cargo`, plus the first word of
//! every command in the workflows, `.ci/run` and `book.toml`. A program not
//! on the list, or a list entry whose source does not provide it, fails the
//! check, naming the file and line.

use std::collections::BTreeMap;
use std::fs;

use anyhow::{Context, Result};
use quote::ToTokens;
use syn::visit::Visit;

use crate::problems::Problems;
use crate::tools::{self, Package};
use crate::{cmd, paths};

/// The container image both workflows run in.
pub const CI_IMAGE: &str = "rust:1.95-bookworm";

/// Where a program comes from on a fresh CI machine.
pub enum Source {
    /// Part of the `rust:1.95-bookworm` image: rustup's minimal toolchain and
    /// Debian's base (buildpack-deps) tools.
    Image,
    /// A rustup component the CI workflow adds (`rustup component add …`).
    Component(&'static str),
    /// A pinned tool `cargo xtask` installs from crates.io (`tools::TOOLS`).
    Pinned,
    /// A Debian package `cargo xtask` installs with apt-get as root
    /// (`tools::PACKAGES`).
    Debian(&'static Package),
    /// Built by the checks themselves (a compiled snippet, a test binary).
    Built,
}

/// One external program.
pub struct Program {
    /// The name (or absolute path) the code calls it by.
    pub name: &'static str,
    pub source: Source,
    /// Which checks call it.
    pub used_by: &'static str,
}

/// Every external program any check calls.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "cargo",
        source: Source::Image,
        used_by: "every step; book.toml's progress preprocessor",
    },
    Program {
        name: "rustc",
        source: Source::Image,
        used_by: "snippets, quizzes, the local playground, mdbook-quiz's Tracing validation",
    },
    Program { name: "rustup", source: Source::Image, used_by: "the CI workflow (components)" },
    Program {
        name: "apt-get",
        source: Source::Image,
        used_by: "installing the Debian packages below (as root)",
    },
    Program { name: "bash", source: Source::Image, used_by: ".ci/run" },
    Program { name: "cargo fmt", source: Source::Component("rustfmt"), used_by: "formatting" },
    Program { name: "cargo clippy", source: Source::Component("clippy"), used_by: "clippy" },
    Program { name: "mdbook", source: Source::Pinned, used_by: "book build (build, serve, test)" },
    Program { name: "mdbook-quiz", source: Source::Pinned, used_by: "book build (mdbook runs it)" },
    Program { name: "typos", source: Source::Pinned, used_by: "spelling" },
    Program { name: "zizmor", source: Source::Pinned, used_by: "workflow lint" },
    Program { name: "/usr/bin/chromium", source: Source::Debian(&tools::CHROMIUM), used_by: "browser tests" },
    Program {
        name: "/usr/bin/chromedriver",
        source: Source::Debian(&tools::CHROMEDRIVER),
        used_by: "browser tests, bench pages",
    },
    Program { name: "node", source: Source::Debian(&tools::NODE), used_by: "reader scripts; npm" },
    Program { name: "npm", source: Source::Debian(&tools::NPM), used_by: "browser tests (axe-core)" },
    Program { name: "(built)", source: Source::Built, used_by: "snippets, exercises, playground runs" },
];

/// Calls whose program is not a literal, keyed by file and the argument as
/// written, with the program it names — or, in parentheses, why every
/// program it can name is checked elsewhere. A refactor that changes one of
/// these fails the check until this table is updated.
const DYNAMIC: &[(&str, &str, &str)] = &[
    ("xtask/src/cmd.rs", "std::env::var_os(\"CARGO\").unwrap_or_else(||\"cargo\".into())", "cargo"),
    ("xtask/src/cmd.rs", "program", "(cmd::in_root: each caller's program is checked)"),
    ("xtask/src/tools.rs", "bin", "(`bin --version` of the pinned tools, each on the list)"),
    ("xtask/src/bench/playground.rs", "&deps.rustc", "rustc"),
    ("xtask/src/bench/playground.rs", "dir.join(\"main\")", "(built)"),
    ("playground/src/deps.rs", "&rustc", "rustc"),
    ("playground/src/deps.rs", "cargo()", "cargo"),
    ("playground/src/runner.rs", "&self.deps.rustc", "rustc"),
    ("playground/src/runner.rs", "bin", "(built)"),
    ("playground/src/runner.rs", "&place.exe", "(built)"),
];

/// Listed programs that the sources do not start themselves: another
/// program does (mdbook runs mdbook-quiz; chromedriver runs Chromium; npm is
/// `cargo fmt` and `cargo clippy` are cargo subcommands).
const INDIRECT: &[&str] = &["mdbook-quiz", "/usr/bin/chromium", "cargo fmt", "cargo clippy"];

/// The workspace folders whose Rust sources are read.
const SOURCE_DIRS: &[&str] = &["xtask", "playground", "examples", "exercises"];

/// One program start found in the sources.
#[derive(Debug, PartialEq)]
struct Call {
    file: String,
    line: usize,
    /// The program, or the argument as written when it is not a literal.
    program: String,
    literal: bool,
}

/// `cargo xtask test`'s "external programs" step.
pub fn check() -> Result<()> {
    cmd::step("External programs (every program a check calls, and where it comes from)");
    let root = paths::root();
    let mut problems = source_problems();
    let mut calls = Vec::new();
    for dir in SOURCE_DIRS {
        for file in paths::files_with_extension(&root.join(dir), "rs")? {
            let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().into_owned();
            let text = fs::read_to_string(&file).with_context(|| format!("reading {rel}"))?;
            calls.extend(calls_in(&rel, &text).with_context(|| format!("reading {rel} as Rust"))?);
        }
    }
    for (file, text) in command_files()? {
        calls.extend(commands_in(&file, &text));
    }
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    // Starts per program: a listed program nothing starts is reported below.
    for call in &calls {
        let name = if call.literal {
            Some(call.program.as_str())
        } else {
            DYNAMIC.iter().find(|(f, arg, _)| *f == call.file && *arg == call.program).map(|(_, _, p)| *p)
        };
        match name.filter(|n| n.starts_with('(') || PROGRAMS.iter().any(|p| p.name == *n)) {
            Some(n) => *used.entry(n).or_default() += 1,
            None if call.literal => problems.push(format!(
                "{}:{}: starts `{}`, which is not in PROGRAMS (xtask/src/programs.rs): add it with where CI gets it from",
                call.file, call.line, call.program
            )),
            None => problems.push(format!(
                "{}:{}: starts a program named by `{}`; the check cannot tell which. Use a literal name, or add (\"{}\", \"{}\", \"<program>\") to DYNAMIC in xtask/src/programs.rs",
                call.file, call.line, call.program, call.file, call.program
            )),
        }
    }
    println!("{:<22} {:<50} used by", "program", "comes from");
    for p in PROGRAMS {
        println!("{:<22} {:<50} {}", p.name, describe(&p.source), p.used_by);
    }
    for p in PROGRAMS.iter().filter(|p| !used.contains_key(p.name) && !INDIRECT.contains(&p.name)) {
        println!("note: {} is listed, but no source starts it (remove it if nothing needs it)", p.name);
    }
    problems.fail_if_any(|n| format!("{n} problem(s) with external programs"))?;
    println!("{} program starts found in the sources, all on the list", calls.len());
    Ok(())
}

fn describe(source: &Source) -> String {
    match source {
        Source::Image => format!("the {CI_IMAGE} image"),
        Source::Component(c) => format!("rustup component `{c}` (CI workflow)"),
        Source::Pinned => "cargo install, by xtask (tools.rs)".into(),
        Source::Debian(p) => format!("Debian package `{}`, by xtask as root", p.name),
        Source::Built => "compiled by the checks".into(),
    }
}

/// Each list entry is really provided by its source: pinned tools are in
/// `tools::TOOLS`, packages in `tools::PACKAGES`, components added by the CI
/// workflow, and both workflows run in the image as root.
fn source_problems() -> Problems {
    let mut problems = Problems::new();
    let ci = fs::read_to_string(paths::root().join(".github/workflows/ci.yml")).unwrap_or_default();
    let pages = fs::read_to_string(paths::root().join(".github/workflows/pages.yml")).unwrap_or_default();
    for (name, text) in [("ci.yml", &ci), ("pages.yml", &pages)] {
        if !text.lines().any(|l| l.trim() == format!("container: {CI_IMAGE}")) {
            problems.push(format!(".github/workflows/{name}: does not run in `container: {CI_IMAGE}`"));
        }
        if text.contains("--user") {
            problems.push(format!(
                ".github/workflows/{name}: runs as another user; xtask installs Debian packages only as root"
            ));
        }
    }
    for p in PROGRAMS {
        match &p.source {
            Source::Pinned if !tools::TOOLS.iter().any(|t| t.bin == p.name) => {
                problems.push(format!(
                    "{} is listed as a pinned tool but tools::TOOLS has no such binary",
                    p.name
                ));
            }
            Source::Debian(pkg) if !tools::PACKAGES.iter().any(|q| q.name == pkg.name && q.bin == p.name) => {
                problems.push(format!(
                    "{} is listed as Debian's {} but tools::PACKAGES does not install it",
                    p.name, pkg.name
                ));
            }
            Source::Component(c)
                if !ci.lines().any(|l| l.contains("rustup component add") && l.contains(c)) =>
            {
                problems
                    .push(format!("{} needs the rustup component {c}, which ci.yml does not add", p.name));
            }
            _ => {}
        }
    }
    problems
}

/// The program starts in one Rust file.
fn calls_in(file: &str, text: &str) -> Result<Vec<Call>> {
    let ast = syn::parse_file(text)?;
    let mut finder = Finder { file, consts: BTreeMap::new(), calls: Vec::new() };
    // Constants first, so `Command::new(CHROMEDRIVER)` reads as its value.
    for item in &ast.items {
        if let syn::Item::Const(c) = item
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &*c.expr
        {
            finder.consts.insert(c.ident.to_string(), s.value());
        }
    }
    finder.visit_file(&ast);
    Ok(finder.calls)
}

struct Finder<'a> {
    file: &'a str,
    consts: BTreeMap<String, String>,
    calls: Vec<Call>,
}

impl Finder<'_> {
    fn push(&mut self, span: proc_macro2::Span, program: String, literal: bool) {
        self.calls.push(Call { file: self.file.to_string(), line: span.start().line, program, literal });
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func {
            let segments: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let tail: Vec<&str> = segments.iter().rev().take(2).rev().map(String::as_str).collect();
            let span =
                func.path.segments.first().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            let starts = matches!(tail.as_slice(), ["Command", "new"] | [_, "in_root"] | ["in_root"]);
            if starts && let Some(arg) = call.args.first() {
                let (program, literal) = self.resolve(arg);
                self.push(span, program, literal);
            } else if matches!(tail.as_slice(), ["cmd", "cargo"]) {
                self.push(span, "cargo".into(), true);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}

impl Finder<'_> {
    /// A literal, a constant of this file, or a `tools::PACKAGE.bin`
    /// resolves to a name; anything else is returned as written.
    fn resolve(&self, arg: &syn::Expr) -> (String, bool) {
        match arg {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => (s.value(), true),
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                match self.consts.get(&name) {
                    Some(value) => (value.clone(), true),
                    None => (name, false),
                }
            }
            syn::Expr::Field(f) if f.member.to_token_stream().to_string() == "bin" => {
                let package = f.base.to_token_stream().to_string().replace(' ', "");
                let ident = package.rsplit("::").next().unwrap_or_default();
                match package_bin(ident) {
                    Some(bin) => (bin.to_string(), true),
                    None => (package, false),
                }
            }
            other => (other.to_token_stream().to_string().replace(' ', ""), false),
        }
    }
}

/// The program of the `tools` package constant named `ident`.
fn package_bin(ident: &str) -> Option<&'static str> {
    [
        ("CHROMIUM", &tools::CHROMIUM),
        ("CHROMEDRIVER", &tools::CHROMEDRIVER),
        ("NODE", &tools::NODE),
        ("NPM", &tools::NPM),
    ]
    .into_iter()
    .find(|(name, _)| *name == ident)
    .map(|(_, p)| p.bin)
}

/// The files that hold shell commands: the workflows, `.ci/run`, `book.toml`.
fn command_files() -> Result<Vec<(String, String)>> {
    let root = paths::root();
    let mut files = vec![".ci/run".to_string(), "book.toml".to_string()];
    let workflows = root.join(".github/workflows");
    for entry in fs::read_dir(&workflows).with_context(|| format!("listing {}", workflows.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            files.push(path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned());
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|f| Ok((f.clone(), fs::read_to_string(root.join(&f)).with_context(|| format!("reading {f}"))?)))
        .collect()
}

/// The programs the commands of a workflow (`run:`), a shell script or
/// book.toml (`command = "…"`) start: the first word of each command.
fn commands_in(file: &str, text: &str) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut push = |line: usize, command: &str| {
        let word = command.split_whitespace().next().unwrap_or_default().trim_matches('"');
        if !word.is_empty() && !word.starts_with('#') && !matches!(word, "set" | "cd" | "export" | "exit") {
            let program = if word == "cargo" && command.split_whitespace().nth(1) == Some("fmt") {
                "cargo fmt"
            } else {
                word
            };
            calls.push(Call { file: file.to_string(), line, program: program.to_string(), literal: true });
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    if file.ends_with(".yml") || file.ends_with(".yaml") {
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let body = line.trim_start().trim_start_matches("- ").trim_start();
            if let Some(run) = body.strip_prefix("run:") {
                let run = run.trim();
                if run == "|" || run == ">" {
                    let indent = line.len() - line.trim_start().len();
                    while i + 1 < lines.len()
                        && (lines[i + 1].trim().is_empty()
                            || lines[i + 1].len() - lines[i + 1].trim_start().len() > indent)
                    {
                        i += 1;
                        push(i + 1, lines[i].trim());
                    }
                } else {
                    push(i + 1, run);
                }
            }
            i += 1;
        }
    } else if file == "book.toml" {
        for (i, line) in lines.iter().enumerate() {
            if let Some(value) = line.trim().strip_prefix("command").map(str::trim_start)
                && let Some(value) = value.strip_prefix('=')
            {
                push(i + 1, value.trim().trim_matches('"'));
            }
        }
    } else {
        if lines.first().is_some_and(|l| l.starts_with("#!")) {
            let shebang = lines[0].trim_start_matches("#!").trim();
            let interpreter = shebang.strip_prefix("/usr/bin/env ").unwrap_or(shebang);
            push(1, interpreter.rsplit('/').next().unwrap_or(interpreter));
        }
        for (i, line) in lines.iter().enumerate().skip(1) {
            push(i + 1, line.trim());
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs(calls: &[Call]) -> Vec<(&str, bool)> {
        calls.iter().map(|c| (c.program.as_str(), c.literal)).collect()
    }

    #[test]
    fn finds_literal_constant_and_dynamic_program_starts() {
        let src = r#"
            const DRIVER: &str = "/usr/bin/chromedriver";
            fn f(bin: &str) {
                Command::new("gdb").arg("-batch");
                std::process::Command::new(DRIVER);
                cmd::in_root("typos");
                cmd::cargo().arg("fmt");
                Command::new(tools::NODE.bin);
                Command::new(bin);
                // Code in a string is not a call:
                let snippet = "Command::new(\"sleep\")";
            }
        "#;
        let calls = calls_in("x.rs", src).unwrap();
        assert_eq!(
            programs(&calls),
            [
                ("gdb", true),
                ("/usr/bin/chromedriver", true),
                ("typos", true),
                ("cargo", true),
                ("node", true),
                ("bin", false)
            ]
        );
        assert_eq!(calls[0].line, 4);
    }

    #[test]
    fn reads_the_first_word_of_workflow_script_and_book_commands() {
        let workflow = "steps:\n  - name: a\n    run: rustup component add rustfmt\n  - run: |\n      cargo xtask test\n      npm ci\n  - uses: x\n";
        assert_eq!(
            programs(&commands_in("w.yml", workflow)),
            [("rustup", true), ("cargo", true), ("npm", true)]
        );
        let script = "#!/usr/bin/env bash\nset -e\ncd x\ncargo xtask test\n";
        assert_eq!(programs(&commands_in(".ci/run", script)), [("bash", true), ("cargo", true)]);
        let book = "[preprocessor.progress]\ncommand = \"cargo run --package xtask\"\n";
        assert_eq!(programs(&commands_in("book.toml", book)), [("cargo", true)]);
    }

    #[test]
    fn every_listed_program_has_a_real_source() {
        assert_eq!(*source_problems(), [] as [String; 0]);
    }
}
