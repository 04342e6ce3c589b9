//! The "exercise workbench" step of `cargo xtask test`: for every exercise,
//! what the page sends is what the terminal checks, and both answer alike.
//!
//! A local playground server (the real one, in-process, on a free port)
//! serves a book holding only `workbench/<id>.json`. For each exercise:
//!
//! 1. the page's script (`theme/workbench-core.js`, under node) assembles
//!    the bundles of the reference solution, the starter and two broken
//!    files, and each is byte for byte `playground::exercise::assemble`'s;
//! 2. the solution passes both halves of `POST /exercise/check`, and the
//!    scenario bundle sent as the published page sends it to
//!    play.rust-lang.org (`POST /evaluate.json`, here answered by the local
//!    server, which mirrors it) reads as passed, with the same report;
//! 3. the starter fails the scenarios as the terminal checker says it does
//!    (the same binary, the same failed checks), and the published page
//!    reads what play.rust-lang.org would answer for that run as its report;
//! 4. a file that removes a function the checks call, and one with a type
//!    error, get rustc's first error formatted by the page exactly as
//!    `playground::diagnosis::compile_errors` formats it.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use playground::Runner;
use playground::diagnosis::{self, SourceMap};
use playground::exercise::{DATA_DIR, Half, WorkbenchData, assemble};
use playground::server::{Config, EvaluateResponse, ExerciseCheckResponse, Running};
use serde_json::{Value, json};

use crate::exercises::{self, Exercise};
use crate::{cmd, tools};

/// Runs the page's script under node: each job is `{op, …}`, answered in
/// order. Written to [`jobs_script`] by the step.
const NODE_JOBS: &str = r#"
const wb = require(require('path').resolve(process.argv[2]));
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
    const out = JSON.parse(input).map((j) => {
        switch (j.op) {
            case 'assemble': return wb.assemble(j.source, j.tail);
            case 'request': return wb.evaluateRequest(j.code);
            case 'compile': return wb.compileErrors(j.stderr, j.code, j.words);
            case 'verdict': return wb.publicVerdict(j.answer, j.label, j.code, j.words);
            default: throw new Error('unknown job ' + j.op);
        }
    });
    process.stdout.write(JSON.stringify(out));
});
"#;

/// The step.
pub fn check() -> Result<()> {
    cmd::step("Exercise workbench: the page's bundles, checked through the local playground");
    if !tools::ensure_packages(&[&tools::NODE], "the exercise workbench's check")? {
        return Ok(());
    }
    let started = Instant::now();
    let list = exercises::list()?;
    let book = crate::paths::target_dir().join("workbench-check");
    fs::create_dir_all(book.join(DATA_DIR)).with_context(|| format!("creating {}", book.display()))?;
    for exercise in &list {
        let data = serde_json::to_string(&super::workbench_data(exercise)?)?;
        fs::write(book.join(DATA_DIR).join(format!("{}.json", exercise.id)), data)?;
    }
    fs::write(jobs_script(), NODE_JOBS).with_context(|| format!("writing {}", jobs_script().display()))?;
    let runner = Arc::new(exercises::check::runner()?);
    let server = Running::start(Config::new(book.clone(), 0), runner.clone())?;
    println!("local playground on http://{} (book: {})", server.addr(), book.display());
    let results = crate::parallel::map(&list, |exercise| {
        let t = Instant::now();
        let result = check_one(exercise, &runner, server.addr(), &book);
        match &result {
            Ok(()) => println!("  {:<12} ok ({:.1} s)", exercise.id, t.elapsed().as_secs_f64()),
            Err(e) => println!("  {:<12} FAILED: {e:#}", exercise.id),
        }
        result
    });
    let failures: Vec<&str> =
        list.iter().zip(&results).filter(|(_, r)| r.is_err()).map(|(e, _)| e.id.as_str()).collect();
    if !failures.is_empty() {
        bail!(
            "the workbench of {} does not check what the terminal checks (see above; \
             `cargo xtask exercises <id> --print-bundle` shows the terminal's bundle)",
            failures.join(", ")
        );
    }
    println!(
        "{} exercises: the page's bundles equal the checker's, solutions pass, starters fail with the \
         terminal's words, compile errors read alike ({:.0} s)",
        list.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The checks of one exercise (see the module's doc).
fn check_one(exercise: &Exercise, runner: &Runner, addr: SocketAddr, book: &Path) -> Result<()> {
    let page = super::page_data(exercise)?;
    let data: WorkbenchData = serde_json::from_str(&fs::read_to_string(
        book.join(DATA_DIR).join(format!("{}.json", exercise.id)),
    )?)?;
    let words = serde_json::to_value(&data.words)?;
    let broken_checks = rename_first_function(&page.starter)
        .with_context(|| format!("{} has no `pub fn` to rename", page.label))?;
    let broken_learner = format!("{}\nfn broken() -> u32 {{\n    \"not a number\"\n}}\n", page.starter);
    let sources = [&page.solution, &page.starter, &broken_checks, &broken_learner];

    // 1. The page's bundles are the checker's.
    let jobs: Vec<Value> =
        sources.iter().map(|s| json!({"op": "assemble", "source": s, "tail": data.tail})).collect();
    let bundles = node(&jobs)?;
    let mut codes = Vec::new();
    for (source, bundle) in sources.iter().zip(&bundles) {
        let ours = assemble(source, &data.tail);
        ensure!(
            bundle.as_str() == Some(ours.as_str()),
            "workbench-core.js assembles another bundle than playground::exercise::assemble"
        );
        codes.push(ours);
    }
    let [solution, starter, checks_broken, learner_broken] = &codes[..] else { unreachable!() };
    let requests = node(&codes.iter().map(|c| json!({"op": "request", "code": c})).collect::<Vec<_>>())?;
    ensure!(
        serde_json::from_value::<playground::server::EvaluateRequest>(requests[0].clone())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .and_then(|r| playground::Request::try_from(r).map_err(|e| anyhow::anyhow!("{e}")))
            .is_ok_and(|r| r == Half::Scenarios.request(solution.clone())),
        "the page's evaluate.json request builds another program than the scenario half: {}",
        requests[0]
    );

    // 2. The solution passes, in the page as in the terminal.
    let scenarios = exercise_check(addr, &exercise.id, &page.solution, Half::Scenarios)?;
    ensure!(
        scenarios.passed,
        "the reference solution fails the scenarios in the workbench:\n{}",
        scenarios.text
    );
    let models = exercise_check(addr, &exercise.id, &page.solution, Half::Models)?;
    ensure!(models.passed, "the reference solution fails the models in the workbench:\n{}", models.text);
    let public = evaluate(addr, &requests[0])?;
    let verdict = published_verdict(&public, &page.label, solution, &words)?;
    ensure!(
        verdict["state"] == "passed" && verdict["text"] == scenarios.text.as_str(),
        "the published page reads the solution's evaluate answer as {verdict}, not as the scenarios' report"
    );

    // 3. The starter fails with the terminal's diagnosis: the terminal runs
    // the very binary the page's request built, and reports the same
    // failed checks. (Their details may differ from run to run: with two
    // `todo!()`s, which one a thread reaches first is up to the scheduler.)
    let failed = exercise_check(addr, &exercise.id, &page.starter, Half::Scenarios)?;
    ensure!(!failed.passed, "the starter passes the scenarios in the workbench");
    let terminal = exercises::check::check_source(runner, exercise, &page.label, &page.starter, &mut |_| {})?;
    ensure!(
        terminal.timings.first().is_some_and(|(_, what, _)| what.contains("already compiled")),
        "the terminal compiled the starter's bundle anew: it is not the page's"
    );
    ensure!(
        headlines(&failed.text) == headlines(&terminal.text),
        "the workbench's diagnosis of the starter differs from the terminal's:\n--- workbench\n{}\n--- terminal\n{}",
        failed.text,
        terminal.text
    );
    ensure!(
        headlines(&failed.text).len() > 1,
        "the starter's diagnosis explains no failed check:\n{}",
        failed.text
    );
    // What play.rust-lang.org would answer for this run (stderr, then
    // stdout), read by the published page: the program's report, "stopped"
    // exactly when the runner's side would have to explain the end.
    let report = runner.execute(&Half::Scenarios.request(starter.clone()))?;
    let run = report.run.context("the starter's bundle did not run")?;
    let answer = EvaluateResponse {
        result: format!("{}{}", run.stderr, run.stdout),
        error: Some(run.exit.to_string()),
    };
    let verdict = published_verdict(&answer, &page.label, starter, &words)?;
    let stopped = diagnosis::unexplained_exit(&run, &SourceMap::of_bundle(starter)).is_some();
    ensure!(
        verdict["state"] == "failed"
            && verdict["text"] == run.stdout.as_str()
            && verdict["stopped"] == stopped,
        "the published page reads the starter's run as {verdict}, not as its report (stopped: {stopped})"
    );

    // 4. Compile errors read alike, in the checks and in the learner's file.
    for (code, request, place) in
        [(checks_broken, &requests[2], "checker's code"), (learner_broken, &requests[3], page.label.as_str())]
    {
        let public = evaluate(addr, request)?;
        ensure!(public.error.is_some(), "a broken file compiled:\n{}", public.result);
        let rust = diagnosis::compile_errors(&public.result, &SourceMap::of_bundle(code));
        let job = json!({"op": "compile", "stderr": public.result, "code": code, "words": words});
        let js = node(&[job])?;
        ensure!(
            js[0].as_str() == Some(rust.as_str()),
            "the page formats rustc's errors otherwise than the checker:\n--- page\n{}\n--- checker\n{rust}",
            js[0].as_str().unwrap_or_default()
        );
        ensure!(rust.contains(place), "the compile error does not point at the {place}:\n{rust}");
    }
    Ok(())
}

/// The lines that say what failed: each `✗ <check>` and the closing line.
fn headlines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().filter(|l| l.starts_with(diagnosis::FAILED_MARK)).collect();
    lines.extend(text.lines().rev().find(|l| !l.trim().is_empty()));
    lines
}

/// `source` with its first `pub fn name(` renamed: the checks then call a
/// function that no longer exists, as when a learner renames one.
fn rename_first_function(source: &str) -> Option<String> {
    let at = source.find("pub fn ")? + "pub fn ".len();
    let len = source[at..].find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(format!("{}{}_renamed{}", &source[..at], &source[at..at + len], &source[at + len..]))
}

/// Where the step writes [`NODE_JOBS`].
fn jobs_script() -> std::path::PathBuf {
    crate::paths::target_dir().join("workbench-check").join("node-jobs.js")
}

/// The page script's answers to `jobs` (JSON on node's stdin).
fn node(jobs: &[Value]) -> Result<Vec<Value>> {
    let mut cmd = cmd::in_root("node");
    cmd.arg(jobs_script()).arg("theme/workbench-core.js");
    cmd::echo(&cmd);
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().context("could not start node")?;
    let input = serde_json::to_vec(jobs)?;
    let mut stdin = child.stdin.take().context("node's stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().context("waiting for node")?;
    writer.join().map_err(|_| anyhow::anyhow!("writing to node panicked"))??;
    ensure!(output.status.success(), "node failed running theme/workbench-core.js ({})", output.status);
    let answers: Vec<Value> = serde_json::from_slice(&output.stdout).context("node's answer")?;
    ensure!(answers.len() == jobs.len(), "node answered {} of {} jobs", answers.len(), jobs.len());
    Ok(answers)
}

/// The published page's reading of an evaluate answer.
fn published_verdict(answer: &EvaluateResponse, label: &str, code: &str, words: &Value) -> Result<Value> {
    let job = json!({"op": "verdict", "answer": {"result": answer.result, "error": answer.error}, "label": label, "code": code, "words": words});
    Ok(node(&[job])?.remove(0))
}

fn exercise_check(addr: SocketAddr, id: &str, code: &str, half: Half) -> Result<ExerciseCheckResponse> {
    let body = json!({"id": id, "code": code, "half": half});
    let (status, reply) = post(addr, "/exercise/check", &body)?;
    ensure!(status == 200, "POST /exercise/check answered {status}: {}", String::from_utf8_lossy(&reply));
    serde_json::from_slice(&reply).context("reading /exercise/check's answer")
}

fn evaluate(addr: SocketAddr, request: &Value) -> Result<EvaluateResponse> {
    let (status, reply) = post(addr, "/evaluate.json", request)?;
    ensure!(status == 200, "POST /evaluate.json answered {status}: {}", String::from_utf8_lossy(&reply));
    serde_json::from_slice(&reply).context("reading /evaluate.json's answer")
}

/// POSTs JSON as the book's own page does (same origin); the status and body.
fn post(addr: SocketAddr, path: &str, body: &Value) -> Result<(u16, Vec<u8>)> {
    let body = serde_json::to_vec(body)?;
    let mut stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    // Longer than any check: compile (60 s at most) and run (10 s).
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).with_context(|| format!("reading the answer to POST {path}"))?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").context("an incomplete HTTP answer")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    ensure!(
        !head.to_ascii_lowercase().contains("transfer-encoding: chunked"),
        "a chunked answer to POST {path}"
    );
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("an HTTP answer without a status")?;
    Ok((status, raw[split + 4..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_public_function_is_renamed() {
        assert_eq!(
            rename_first_function("fn a() {}\npub fn count(x: u8) {}\npub fn b() {}").as_deref(),
            Some("fn a() {}\npub fn count_renamed(x: u8) {}\npub fn b() {}")
        );
        assert_eq!(rename_first_function("fn private() {}"), None);
    }
}
