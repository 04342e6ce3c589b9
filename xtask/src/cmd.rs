//! Running external commands: each is echoed before it runs, and a failure
//! says which command failed.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// Prints a step heading.
pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// Prints `cmd` the way a shell would show it.
pub fn echo(cmd: &Command) {
    let envs: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), v.to_string_lossy())))
        .collect();
    let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let prefix = if envs.is_empty() { String::new() } else { format!("{} ", envs.join(" ")) };
    println!("$ {prefix}{} {}", cmd.get_program().to_string_lossy(), args.join(" "));
}

/// Echoes and runs `cmd` with inherited stdio; fails with `what` if it fails.
pub fn run(cmd: &mut Command, what: &str) -> Result<()> {
    echo(cmd);
    let status = cmd.status().with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} ({status})");
    }
    Ok(())
}

/// A `cargo` command run from the workspace root: the cargo running xtask
/// (`$CARGO`, so `cargo +nightly xtask` stays on nightly), else the one on
/// PATH. The one place xtask finds cargo; set another folder with
/// `current_dir`.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(crate::paths::root());
    cmd
}

/// A command run from the workspace root.
pub fn in_root(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(crate::paths::root());
    cmd
}
