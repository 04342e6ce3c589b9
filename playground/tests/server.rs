//! The local playground against a real server on a free port: every bad input
//! of issue 3 gets a clear JSON answer and leaves the server healthy.
//!
//! Limits are short here (2 s runs, 1 MiB files) so the suite stays fast.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, OnceLock};
use std::time::Duration;

use playground::exercise::Half;
use playground::server::{Config, EvaluateResponse, ExerciseCheckResponse, Running};
use playground::{DepSet, Limits, Runner};

/// The examples crate's dependencies, built once for all tests.
fn deps() -> DepSet {
    static DEPS: OnceLock<DepSet> = OnceLock::new();
    DEPS.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        DepSet::prebuild(workspace, "examples").expect("prebuilding the snippet dependencies")
    })
    .clone()
}

fn test_limits() -> Limits {
    Limits {
        run_timeout: Duration::from_secs(2),
        file_size_bytes: 1024 * 1024,
        memory_bytes: 256 * 1024 * 1024,
        ..Limits::default()
    }
}

/// A runner with its own cache, so tests do not see each other's binaries.
fn runner(name: &str) -> Arc<Runner> {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("playground-cache-{name}"));
    let _ = std::fs::remove_dir_all(&cache);
    Arc::new(Runner::new(deps(), test_limits(), cache).expect("runner"))
}

/// A tiny book: enough to check static serving without running mdBook.
fn book_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground-test-book");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!("<html><body>{}</body></html>", "the course ".repeat(200)),
    )
    .unwrap();
    std::fs::write(dir.join("book-0123abcd.js"), "console.log('hashed asset');\n".repeat(100)).unwrap();
    dir
}

struct Server {
    running: Running,
    runner: Arc<Runner>,
}

impl Server {
    fn start(name: &str) -> Server {
        Server::with(name, |_| {})
    }

    fn with(name: &str, adjust: impl FnOnce(&mut Config)) -> Server {
        let runner = runner(name);
        let mut config = Config::new(book_dir(), 0);
        adjust(&mut config);
        let running = Running::start(config, runner.clone()).expect("server starts");
        Server { running, runner }
    }

    fn addr(&self) -> SocketAddr {
        self.running.addr()
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.addr().port())
    }

    /// POSTs `body` to /evaluate.json as book.js does (same origin).
    fn evaluate_raw(&self, body: &str) -> Reply {
        let origin = format!("http://{}", self.host());
        http(
            self.addr(),
            "POST",
            "/evaluate.json",
            &[
                ("Host", &self.host()),
                ("Content-Type", "application/json"),
                ("Origin", &origin),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            body.as_bytes(),
        )
    }

    /// Runs `code` (edition 2021, debug).
    fn run(&self, code: &str) -> Reply {
        let body = serde_json::json!({"version": "stable", "optimize": "0", "code": code, "edition": "2021"});
        self.evaluate_raw(&body.to_string())
    }

    /// The server answers a trivial program correctly, and left no temp dir behind.
    fn assert_healthy(&self) {
        let reply = self.run(r#"fn main() { println!("still here"); }"#);
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.json(), EvaluateResponse { result: "still here\n".into(), error: None });
        assert_eq!(self.runner.scratch_dirs(), Vec::<PathBuf>::new(), "temporary directories left behind");
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as play.rust-lang.org's answer (`result` must be present).
    fn json(&self) -> EvaluateResponse {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("not an evaluate JSON answer ({e}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    /// An error answer: status, `result` present and mentioning `needle`.
    fn assert_error(&self, status: u16, needle: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"), "{self:?}");
        let json = self.json();
        assert!(json.error.is_some(), "error should be set: {json:?}");
        assert!(json.result.contains(needle), "`{needle}` not in result:\n{}", json.result);
    }
}

/// A minimal HTTP/1.1 client (one request per connection), so the tests
/// control every header, Host included.
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the reply");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete reply");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: raw[split + 4..].to_vec() }
}

#[test]
fn runs_a_program_and_lists_crates() {
    let server = Server::start("runs");
    let reply = server.run(
        r#"fn main() { let v = parking_lot::Mutex::new(41); *v.lock() += 1; println!("{}", v.lock()); }"#,
    );
    assert_eq!(reply.json(), EvaluateResponse { result: "42\n".into(), error: None });
    assert!(reply.header("access-control-allow-origin").is_none(), "no CORS headers");

    // Edition "" means 2015, as on play.rust-lang.org: `async` is an identifier there.
    let reply = server.evaluate_raw(
        r#"{"version":"stable","optimize":"0","code":"fn main() { let async = 1; println!(\"{}\", async); }","edition":""}"#,
    );
    assert_eq!(reply.json().result, "1\n");

    // tests mode and release mode.
    let reply = server.evaluate_raw(
        r##"{"version":"stable","optimize":"3","code":"#[test] fn adds() { assert_eq!(2 + 2, 4); }","edition":"2024","tests":true}"##,
    );
    let json = reply.json();
    assert!(json.result.contains("test adds ... ok"), "{json:?}");

    for method in ["GET", "POST"] {
        let crates = http(server.addr(), method, "/meta/crates", &[("Host", &server.host())], b"");
        assert_eq!(crates.status, 200);
        let list: serde_json::Value = serde_json::from_slice(&crates.body).unwrap();
        let ids: Vec<&str> =
            list["crates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        for id in ["loom", "parking_lot", "dashmap"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }
    server.assert_healthy();
}

#[test]
fn malformed_requests_get_json_errors() {
    let server = Server::start("malformed");
    server.evaluate_raw("print this please").assert_error(400, "bad request");
    server.evaluate_raw(r#"{"version":"stable","optimize":"0","code":"#).assert_error(400, "bad request");
    server.evaluate_raw(r#"{"version":"stable","optimize":"0"}"#).assert_error(400, "missing field `code`");
    server
        .evaluate_raw(r#"{"version":"stable","optimize":"0","code":"fn main(){}","channel":"stable"}"#)
        .assert_error(400, "unknown field `channel`");
    server
        .evaluate_raw(r#"{"version":"stable","optimize":"0","code":"fn main(){}","edition":"2027"}"#)
        .assert_error(400, "unsupported edition `2027`");
    server
        .evaluate_raw(r#"{"version":"1.95","optimize":"0","code":"fn main(){}","edition":"2021"}"#)
        .assert_error(400, "unsupported version `1.95`");
    let huge = format!("fn main() {{}} // {}", "x".repeat(300 * 1024));
    server.run(&huge).assert_error(413, "too large (the limit is 256 KiB of code)");
    let wrong_method = http(server.addr(), "GET", "/evaluate.json", &[("Host", &server.host())], b"");
    wrong_method.assert_error(405, "POST");
    server.assert_healthy();
}

#[test]
fn compile_errors_return_rustcs_message() {
    let server = Server::start("compile-error");
    let reply = server.run(r#"fn main() { let x: i32 = "one"; }"#);
    reply.assert_error(200, "error[E0308]: mismatched types");
    server.assert_healthy();
}

#[test]
fn runaway_programs_are_stopped() {
    let server = Server::start("runaway");
    let busy = server.run("fn main() { loop {} }");
    busy.assert_error(
        200,
        "The program was stopped at the time limit (2 s): it did not finish and was still running — an infinite loop or a spin?",
    );
    busy.assert_error(200, "This run hit the playground's time limit (2 s).");
    busy.assert_error(200, "`cargo run`");
    let spam = server.run(r#"fn main() { loop { println!("spam"); } }"#);
    spam.assert_error(200, "[output truncated]");
    spam.assert_error(200, "output limit (64 KiB each of stdout and stderr)");
    let hog = r#"fn main() { let v = vec![1u8; 1 << 31]; println!("{}", v.len()); }"#;
    let hog = server.run(hog);
    hog.assert_error(200, "memory allocation of 2147483648 bytes failed");
    hog.assert_error(200, "memory limit (256 MiB of address space)");
    let writer = r#"
        use std::io::Write;
        fn main() {
            let mut f = std::fs::File::create("big.bin").unwrap();
            let chunk = vec![0u8; 1 << 20];
            for _ in 0..100 { f.write_all(&chunk).unwrap(); }
            println!("wrote 100 MiB");
        }"#;
    server.run(writer).assert_error(200, "file size limit (1 MiB per file)");
    let sleeper = r#"
        use std::sync::Mutex;
        fn main() {
            let m = Mutex::new(0);
            let _guard = m.lock().unwrap();
            std::thread::sleep(std::time::Duration::from_secs(60));
        }"#;
    server
        .run(sleeper)
        .assert_error(200, "it did not finish; it was waiting (sleeping, a wait with a timeout");
    let threads = r#"
        fn main() {
            let handles: Vec<_> = (0..400)
                .map(|_| std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(500))))
                .collect();
            for h in handles { h.join().unwrap(); }
        }"#;
    let threads = server.run(threads);
    threads.assert_error(200, "failed to spawn thread");
    threads.assert_error(200, "threads limit (256 processes and threads, in 256 MiB of address space)");
    server.assert_healthy();
}

#[test]
fn the_time_limit_is_exact() {
    let server = Server::start("exact");
    // Ends 5 ms after the 2 s limit: over it, whatever the machine's load.
    let late =
        r#"fn main() { std::thread::sleep(std::time::Duration::from_millis(2005)); println!("late"); }"#;
    server.run(late).assert_error(200, "time limit (2 s)");
    let early =
        r#"fn main() { std::thread::sleep(std::time::Duration::from_millis(1500)); println!("early"); }"#;
    assert_eq!(server.run(early).json(), EvaluateResponse { result: "early\n".into(), error: None });
}

#[test]
fn a_deadlock_is_answered_with_its_report() {
    let server = Server::start("deadlock");
    let code = r#"use std::sync::{Arc, Barrier, Mutex};
use std::thread;

fn main() {
    let a = Arc::new(Mutex::new(0));
    let b = Arc::new(Mutex::new(0));
    let both = Arc::new(Barrier::new(2));
    let (a2, b2, both2) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&both));
    let t = thread::spawn(move || {
        let _a = a2.lock().unwrap();
        both2.wait();
        let _b = b2.lock().unwrap();
    });
    let _b = b.lock().unwrap();
    both.wait();
    println!("both hold one lock");
    let _a = a.lock().unwrap();
    t.join().unwrap();
}
"#;
    let reply = server.run(code);
    reply.assert_error(
        200,
        "both hold one lock\nDeadlock: all 2 threads are asleep, and none of them can wake the others.\n",
    );
    reply.assert_error(
        200,
        "  main waits for a lock at src/main.rs:17, in `main`\n      let _a = a.lock().unwrap();\n",
    );
    reply.assert_error(200, "  thread 1 waits for a lock at src/main.rs:12");
    assert_eq!(
        reply.json().error.as_deref(),
        Some("the program was stopped: deadlock — all 2 threads were asleep for good")
    );
    server.assert_healthy();
}

/// Processes whose command line contains `marker` and that are not zombies.
fn live_with_marker(marker: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let zombie = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
            .unwrap_or(false);
        if !zombie && String::from_utf8_lossy(&cmdline).replace('\0', " ").contains(marker) {
            out.push(pid);
        }
    }
    out
}

#[test]
fn no_process_of_a_run_survives_it() {
    let server = Server::start("processes");
    // A unique sleep length marks this test's processes; a few hundred at
    // most, some in new sessions (escaping the process group) when root.
    let marker = format!("300.{}", std::process::id());
    let escape = if server.runner.sandboxed() { "setsid" } else { "env" };
    let code = format!(
        r#"
        use std::process::Command;
        fn main() {{
            let mut started = 0;
            for i in 0..200 {{
                let child = if i % 2 == 0 {{
                    Command::new("sleep").arg("{marker}").spawn()
                }} else {{
                    Command::new("{escape}").args(["sh", "-c", "sleep {marker} & sleep {marker}"]).spawn()
                }};
                if child.is_ok() {{ started += 1; }}
            }}
            println!("started {{}} processes", started);
        }}"#
    );
    let reply = server.run(&code);
    let json = reply.json();
    assert!(json.result.starts_with("started "), "{json:?}");
    let started: u32 = json.result.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(started >= 50, "the program should have started many processes: {json:?}");
    assert_eq!(live_with_marker(&marker), Vec::<i32>::new(), "processes of the run survived it");
    server.assert_healthy();
}

#[test]
fn too_many_requests_get_busy_then_recover() {
    let server = Server::with("busy", |c| {
        c.max_concurrent = 1;
        c.queue_timeout = Duration::from_millis(300);
    });
    let slow =
        r#"fn main() { std::thread::sleep(std::time::Duration::from_millis(1500)); println!("done"); }"#;
    let n = 6;
    let barrier = Barrier::new(n);
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    server.run(slow)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let done = replies.iter().filter(|r| r.status == 200 && r.json().result == "done\n").count();
    let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
    assert!(done >= 1, "one request should have run: {replies:?}");
    assert!(!busy.is_empty(), "some requests should have been answered busy: {replies:?}");
    assert_eq!(done + busy.len(), n, "{replies:?}");
    for reply in busy {
        reply.assert_error(503, "busy");
        assert_eq!(reply.header("retry-after"), Some("2"));
    }
    server.assert_healthy();
}

#[test]
fn foreign_hosts_and_cross_site_requests_are_refused() {
    let server = Server::start("security");
    let port = server.addr().port();
    let body = br#"{"version":"stable","optimize":"0","code":"fn main() {}","edition":"2021"}"#;
    let post = |headers: &[(&str, &str)]| {
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        http(server.addr(), "POST", "/evaluate.json", &all, body)
    };
    let own = server.host();
    // DNS rebinding: the right address and port, a foreign name.
    post(&[("Host", &format!("attacker.example:{port}"))]).assert_error(403, "Host");
    post(&[("Host", &format!("127.0.0.1:{}", port.wrapping_add(1)))]).assert_error(403, "Host");
    let get = http(server.addr(), "GET", "/", &[("Host", "attacker.example")], b"");
    assert_eq!(get.status, 403, "static files need the right Host too");
    // Cross-site POSTs.
    post(&[("Host", &own), ("Origin", "https://attacker.example")]).assert_error(403, "Origin");
    post(&[("Host", &own), ("Origin", "null")]).assert_error(403, "Origin");
    post(&[("Host", &own), ("Sec-Fetch-Site", "cross-site")]).assert_error(403, "cross-site");
    post(&[("Host", &own), ("Sec-Fetch-Site", "same-site")]).assert_error(403, "same-site");
    let refused = post(&[("Host", &own), ("Origin", "https://attacker.example")]);
    assert!(refused.header("access-control-allow-origin").is_none());
    // The book's own pages, under each loopback name.
    for name in ["127.0.0.1", "localhost", "[::1]"] {
        let host = format!("{name}:{port}");
        let origin = format!("http://{host}");
        let reply = post(&[("Host", &host), ("Origin", &origin), ("Sec-Fetch-Site", "same-origin")]);
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    server.assert_healthy();
}

#[test]
fn static_files_are_compressed_with_cache_headers() {
    let server = Server::start("static");
    let host = server.host();
    let page = http(server.addr(), "GET", "/", &[("Host", &host), ("Accept-Encoding", "gzip")], b"");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let asset =
        http(server.addr(), "GET", "/book-0123abcd.js", &[("Host", &host), ("Accept-Encoding", "br")], b"");
    assert_eq!(asset.status, 200);
    assert_eq!(asset.header("content-encoding"), Some("br"));
    assert_eq!(asset.header("cache-control"), Some("public, max-age=31536000, immutable"));
}

#[test]
fn an_unchanged_snippet_reuses_its_binary() {
    let runner = runner("cache");
    let mut req = playground::Request::new("fn main() { println!(\"once\"); }", playground::Edition::E2021);
    let first = runner.execute(&req).unwrap();
    let again = runner.execute(&req).unwrap();
    assert!(!first.cached && again.cached, "second run should come from the cache");
    assert_eq!(again.run.unwrap().stdout, "once\n");
    req.mode = playground::Mode::Release;
    assert!(!runner.execute(&req).unwrap().cached, "release is another binary");
    req.tests = true;
    assert!(!runner.execute(&req).unwrap().cached, "the test harness is another binary");
    assert!(runner.scratch_dirs().is_empty());
}

/// A stand-in for the runner (the `Execute` seam): no rustc, answers at
/// once with the request's code as output, and can be held inside
/// `execute` until the test lets it go.
struct Fake {
    started: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    hold: bool,
}

impl playground::Execute for Fake {
    fn execute(&self, req: &playground::Request) -> anyhow::Result<playground::Report> {
        if self.hold {
            self.started.lock().unwrap().send(()).unwrap();
            // A timeout turns a broken test into a failure instead of a hang.
            self.release.lock().unwrap().recv_timeout(Duration::from_secs(30))?;
        }
        let out = |stdout: &str| playground::ProcessOutput {
            exit: playground::Exit::Code(0),
            stdout: stdout.into(),
            stderr: String::new(),
        };
        Ok(playground::Report { compile: out(""), cached: false, run: Some(out(&req.code)), limit: None })
    }

    fn crates(&self) -> Vec<playground::deps::Listed> {
        vec![playground::deps::Listed {
            id: "fake_crate".into(),
            package: "fake-crate".into(),
            version: "1.2.3".into(),
        }]
    }
}

fn fake_server(
    hold: bool,
    adjust: impl FnOnce(&mut Config),
) -> (Running, std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>) {
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel();
    let fake =
        Fake { started: std::sync::Mutex::new(started_tx), release: std::sync::Mutex::new(release_rx), hold };
    let mut config = Config::new(book_dir(), 0);
    adjust(&mut config);
    (Running::start(config, Arc::new(fake)).expect("server starts"), started_rx, release_tx)
}

fn post_code(addr: SocketAddr, code: &str) -> Reply {
    let host = format!("127.0.0.1:{}", addr.port());
    let body = serde_json::json!({"version": "stable", "optimize": "0", "code": code, "edition": "2021"});
    http(
        addr,
        "POST",
        "/evaluate.json",
        &[("Host", &host), ("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

#[test]
fn a_full_queue_answers_busy_with_retry_after_without_rustc() {
    let (server, started, release) = fake_server(true, |c| {
        c.max_concurrent = 1;
        c.queue_timeout = Duration::from_millis(200);
    });
    let addr = server.addr();
    std::thread::scope(|s| {
        let first = s.spawn(|| post_code(addr, "first"));
        started.recv_timeout(Duration::from_secs(30)).expect("the first request reached the runner");
        // The only slot is taken until we release it: this one must give up.
        let busy = post_code(addr, "second");
        busy.assert_error(503, "busy");
        assert_eq!(busy.header("retry-after"), Some("2"));
        release.send(()).unwrap();
        assert_eq!(first.join().unwrap().json(), EvaluateResponse { result: "first".into(), error: None });
    });
    // The slot is free again (released in advance, so the fake does not wait).
    release.send(()).unwrap();
    assert_eq!(post_code(addr, "third").json(), EvaluateResponse { result: "third".into(), error: None });
}

#[test]
fn the_body_limit_message_uses_the_configured_limit() {
    let (server, _, _) = fake_server(false, |c| c.body_limit = 1024);
    post_code(server.addr(), &"x".repeat(2048)).assert_error(413, "the limit is 1 KiB of code");
    assert_eq!(post_code(server.addr(), "small").json().result, "small");
}

#[test]
fn crates_come_from_the_runner() {
    let (server, _, _) = fake_server(false, |_| {});
    let host = format!("127.0.0.1:{}", server.addr().port());
    let reply = http(server.addr(), "GET", "/meta/crates", &[("Host", &host)], b"");
    assert_eq!(reply.header("x-fearless-playground"), Some("1"));
    let list: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(
        list,
        serde_json::json!({"crates": [{"name": "fake-crate", "version": "1.2.3", "id": "fake_crate"}]})
    );
}

/// A tiny exercise in the test book: `double` must double its argument.
/// Its tail stands in for the checker's: a `main` per half that prints a
/// verdict, as the harness does.
fn with_double_exercise() {
    use playground::diagnosis::{FILE_MARKER, INTERNAL, LEARNER_MARKER};
    use playground::exercise::{DATA_DIR, DATA_VERSION, WorkbenchData, words};
    let tail = format!(
        "\n{LEARNER_MARKER}exercises/src/double.rs\n{FILE_MARKER}(generated by the checker){INTERNAL}\n\
         #[cfg(not(loom))]\nfn main() -> std::process::ExitCode {{\n    let got = double(2);\n    \
         if got == 4 {{ println!(\"All 1 scenario passed.\"); std::process::ExitCode::SUCCESS }}\n    \
         else {{ println!(\"✗ double\\n  expected: 4\\n  got:      {{got}}\"); std::process::ExitCode::FAILURE }}\n}}\n\
         #[cfg(loom)]\nfn main() {{ let _ = LEARNER_SOURCE; println!(\"All 1 model passed in every interleaving.\"); }}\n"
    );
    let data = WorkbenchData {
        v: DATA_VERSION,
        id: "double".into(),
        label: "exercises/src/double.rs".into(),
        tail,
        words: words(),
    };
    let dir = book_dir().join(DATA_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("double.json"), serde_json::to_string(&data).unwrap()).unwrap();
}

impl Server {
    /// POSTs `body` to /exercise/check from the book's own page.
    fn exercise_raw(&self, body: &str) -> Reply {
        let origin = format!("http://{}", self.host());
        http(
            self.addr(),
            "POST",
            "/exercise/check",
            &[
                ("Host", &self.host()),
                ("Content-Type", "application/json"),
                ("Origin", &origin),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            body.as_bytes(),
        )
    }

    fn check_exercise(&self, code: &str, half: &str) -> ExerciseCheckResponse {
        let reply =
            self.exercise_raw(&serde_json::json!({"id": "double", "code": code, "half": half}).to_string());
        assert_eq!(reply.status, 200, "{reply:?}");
        serde_json::from_slice(&reply.body).expect("an exercise check answer")
    }
}

#[test]
fn an_exercise_is_checked_half_by_half_with_the_books_tail() {
    with_double_exercise();
    let server = Server::start("exercise");
    let right = "pub fn double(x: i32) -> i32 {\n    x * 2\n}\n";
    let scenarios = server.check_exercise(right, "scenarios");
    assert!(scenarios.passed, "{scenarios:?}");
    assert_eq!((scenarios.id.as_str(), scenarios.half), ("double", Half::Scenarios));
    assert_eq!(scenarios.text, "All 1 scenario passed.\n");
    let models = server.check_exercise(right, "models");
    assert!(models.passed && models.text.contains("every interleaving"), "{models:?}");
    let again = server.check_exercise(right, "scenarios");
    assert!(again.cached, "the same code is not compiled twice: {again:?}");

    let wrong = server.check_exercise("pub fn double(x: i32) -> i32 {\n    x + 3\n}\n", "scenarios");
    assert!(!wrong.passed && wrong.text.contains("got:      5"), "{wrong:?}");

    let broken = server.check_exercise("pub fn double(x: i32) -> i32 {\n    x * \"2\"\n}\n", "scenarios");
    assert!(!broken.passed, "{broken:?}");
    assert!(broken.text.starts_with("Your code does not compile yet."), "{}", broken.text);
    assert!(
        broken.text.contains("--> exercises/src/double.rs:2:"),
        "mapped to the learner's line: {}",
        broken.text
    );

    let gone = server.check_exercise("pub fn triple(x: i32) -> i32 { x * 3 }\n", "scenarios");
    assert!(gone.text.contains("cannot find function `double`"), "{}", gone.text);

    let hang = server.check_exercise("pub fn double(x: i32) -> i32 {\n    loop {}\n}\n", "scenarios");
    assert!(!hang.passed && hang.text.contains("busy loop"), "{}", hang.text);
    server.assert_healthy();
}

#[test]
fn bad_exercise_requests_get_json_errors() {
    with_double_exercise();
    let server = Server::start("exercise-bad");
    let ask = |body: serde_json::Value| server.exercise_raw(&body.to_string());
    ask(serde_json::json!({"id": "triple", "code": "", "half": "scenarios"}))
        .assert_error(404, "no exercise `triple`");
    ask(serde_json::json!({"id": "../double", "code": "", "half": "scenarios"}))
        .assert_error(400, "not an exercise id");
    ask(serde_json::json!({"id": "double", "code": "", "half": "both"}))
        .assert_error(400, "unknown variant `both`");
    ask(serde_json::json!({"id": "double", "code": ""})).assert_error(400, "missing field `half`");
    ask(serde_json::json!({"id": "double", "code": "", "half": "models", "tests": true}))
        .assert_error(400, "unknown field");
    let huge = serde_json::json!({"id": "double", "code": "x".repeat(300 * 1024), "half": "scenarios"});
    ask(huge).assert_error(413, "too large");
    let get = http(server.addr(), "GET", "/exercise/check", &[("Host", &server.host())], b"");
    get.assert_error(405, "use POST");
    let cross = http(
        server.addr(),
        "POST",
        "/exercise/check",
        &[("Host", &server.host()), ("Content-Type", "application/json"), ("Sec-Fetch-Site", "cross-site")],
        br#"{"id":"double","code":"","half":"scenarios"}"#,
    );
    cross.assert_error(403, "cross-site");
    server.assert_healthy();
}
