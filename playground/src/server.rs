//! The local playground server: the built book plus a play.rust-lang.org
//! compatible API (`POST /evaluate.json`, `GET|POST /meta/crates`) on one
//! origin, bound to 127.0.0.1. See the crate's README for the threat model.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request as HttpRequest, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::runner::{Edition, Exit, Mode, Report, Request, Runner, seconds};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The built book (`book/`), served at `/`.
    pub book_dir: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Compiles and runs at the same time.
    pub max_concurrent: usize,
    /// How long a request waits for a free slot before it is answered "busy".
    pub queue_timeout: Duration,
    /// Largest request body.
    pub body_limit: usize,
}

impl Config {
    /// Defaults for serving `book_dir` on `port`: as many concurrent runs as
    /// cores, a 10 s queue, 256 KiB bodies.
    pub fn new(book_dir: PathBuf, port: u16) -> Config {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            book_dir,
            port,
            max_concurrent: cores,
            queue_timeout: Duration::from_secs(10),
            body_limit: 256 * 1024,
        }
    }
}

/// play.rust-lang.org's `/evaluate.json` request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// `stable`, `beta` or `nightly` (all run the installed toolchain here).
    pub version: String,
    /// `"0"` for a debug build, anything else for release.
    pub optimize: String,
    pub code: String,
    /// `2015`, `2018`, `2021`, `2024`; empty means 2015, as on play.rust-lang.org.
    #[serde(default)]
    pub edition: String,
    /// Compile with `--test` and run the tests.
    #[serde(default)]
    pub tests: bool,
}

/// play.rust-lang.org's `/evaluate.json` answer: `result` is always present
/// (mdBook's book.js shows it), `error` is set when something failed.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EvaluateResponse {
    pub result: String,
    pub error: Option<String>,
}

/// One crate of `/meta/crates`.
#[derive(Debug, Serialize, Deserialize)]
pub struct CrateInfo {
    /// The package name (`crossbeam-channel`).
    pub name: String,
    pub version: String,
    /// The name code uses (`crossbeam_channel`); book.js compares `extern crate` names with it.
    pub id: String,
}

/// `/meta/crates`.
#[derive(Debug, Serialize, Deserialize)]
pub struct CratesResponse {
    pub crates: Vec<CrateInfo>,
}

struct AppState {
    runner: Arc<Runner>,
    permits: Semaphore,
    queue_timeout: Duration,
    port: u16,
    crates: Vec<CrateInfo>,
}

/// A server bound to its port, not yet serving.
pub struct Bound {
    listener: tokio::net::TcpListener,
    app: Router,
}

impl Bound {
    /// Binds 127.0.0.1:`config.port` and builds the routes.
    pub async fn bind(config: Config, runner: Arc<Runner>) -> Result<Bound> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .with_context(|| format!("binding 127.0.0.1:{}", config.port))?;
        let port = listener.local_addr()?.port();
        let crates = runner
            .deps()
            .crates
            .iter()
            .map(|(id, dep)| CrateInfo {
                name: dep.package.clone(),
                version: dep.version.clone(),
                id: id.clone(),
            })
            .collect();
        let state = Arc::new(AppState {
            runner,
            permits: Semaphore::new(config.max_concurrent.max(1)),
            queue_timeout: config.queue_timeout,
            port,
            crates,
        });
        let api = Router::new()
            .route("/evaluate.json", post(evaluate).fallback(method_not_allowed))
            .route("/meta/crates", any(meta_crates))
            .layer(DefaultBodyLimit::max(config.body_limit));
        let static_files = ServeDir::new(&config.book_dir).append_index_html_on_directories(true);
        let app = api
            .fallback_service(static_files)
            .layer(middleware::from_fn(cache_headers))
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
            .layer(middleware::from_fn_with_state(Arc::clone(&state), guard))
            .with_state(state);
        Ok(Bound { listener, app })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes open requests.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        axum::serve(self.listener, self.app).with_graceful_shutdown(shutdown).await.context("serving")
    }
}

/// Serves on the current thread until Ctrl-C; calls `ready` with the address
/// once it listens. For `cargo xtask serve` and the `playground` binary.
/// After Ctrl-C, running snippets get a few seconds to finish.
pub fn serve_until_ctrl_c(config: Config, runner: Runner, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let bound = Bound::bind(config, Arc::new(runner)).await?;
        ready(bound.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut server = tokio::spawn(bound.serve(async {
            let _ = stopped.await;
        }));
        tokio::select! {
            finished = &mut server => return finished.context("the server task failed")?,
            signal = tokio::signal::ctrl_c() => signal.context("listening for Ctrl-C")?,
        }
        println!("\nStopping the server (Ctrl-C).");
        let _ = stop.send(());
        match tokio::time::timeout(Duration::from_secs(5), server).await {
            Ok(finished) => finished.context("the server task failed")?,
            Err(_) => Ok(()),
        }
    })?;
    // A snippet still running after the grace period is abandoned with the
    // runtime; its run is bounded by the runner's limits.
    rt.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// A server on a background thread, stopped on drop (for tests and benchmarks).
pub struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Running {
    /// Starts serving; returns once the port is bound.
    pub fn start(config: Config, runner: Arc<Runner>) -> Result<Running> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            rt.block_on(async move {
                let bound = match Bound::bind(config, runner).await {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e));
                        return Ok(());
                    }
                };
                let _ = addr_tx.send(Ok(bound.local_addr()));
                bound
                    .serve(async {
                        let _ = stopped.await;
                    })
                    .await
            })
        });
        let addr = addr_rx.recv().context("the server thread ended before binding")??;
        Ok(Running { addr, stop: Some(stop), thread: Some(thread) })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A JSON answer in play.rust-lang.org's shape.
fn answer(status: StatusCode, result: String, error: Option<String>) -> Response {
    (status, axum::Json(EvaluateResponse { result, error })).into_response()
}

/// A JSON error: `result` says what is wrong (book.js shows it), `error` too.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let message = message.into();
    answer(status, message.clone(), Some(message))
}

/// DNS rebinding and cross-site protection for every request: the Host must
/// be this server's loopback address; requests that change anything (all but
/// GET/HEAD) must come from the book's own pages.
async fn guard(State(state): State<Arc<AppState>>, req: HttpRequest, next: Next) -> Response {
    let headers = req.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return refuse(StatusCode::FORBIDDEN, "refused: the request has no Host header");
    };
    if !host_allowed(host, state.port) {
        return refuse(
            StatusCode::FORBIDDEN,
            format!("refused: Host `{host}` is not this server (use http://127.0.0.1:{}/)", state.port),
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        if let Some(site) = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok())
            && site != "same-origin"
            && site != "none"
        {
            return refuse(StatusCode::FORBIDDEN, format!("refused: a {site} request (Sec-Fetch-Site)"));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let own = format!("http://{host}");
            if origin.as_bytes() != own.as_bytes() {
                let shown = String::from_utf8_lossy(origin.as_bytes()).into_owned();
                return refuse(StatusCode::FORBIDDEN, format!("refused: Origin `{shown}` is not {own}"));
            }
        }
    }
    next.run(req).await
}

/// `127.0.0.1`, `localhost` or `[::1]`, with the bound port (implicit only for 80).
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    host_port == Some(port)
        && matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Hashed mdBook assets (`book-3a9f1c2e.js`) never change under that name;
/// everything else (HTML above all) must be revalidated.
async fn cache_headers(req: HttpRequest, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    if resp.headers().contains_key(header::CACHE_CONTROL) {
        return resp;
    }
    let value = if resp.status().is_success() && is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    resp
}

/// `name-<8+ hex digits>.ext`, the shape of mdBook's `hash-files` names.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    if ext == "html" {
        return false;
    }
    let Some((_, hash)) = stem.rsplit_once('-') else { return false };
    hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

async fn method_not_allowed() -> Response {
    refuse(StatusCode::METHOD_NOT_ALLOWED, "use POST with a JSON body for /evaluate.json")
}

async fn meta_crates(State(state): State<Arc<AppState>>, method: Method) -> Response {
    if method != Method::GET && method != Method::POST {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST for /meta/crates");
    }
    let crates = state
        .crates
        .iter()
        .map(|c| CrateInfo { name: c.name.clone(), version: c.version.clone(), id: c.id.clone() })
        .collect();
    let mut resp = axum::Json(CratesResponse { crates }).into_response();
    // Lets the theme script recognise this server.
    resp.headers_mut().insert("x-fearless-playground", HeaderValue::from_static("1"));
    resp
}

async fn evaluate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request is too large (the limit is 256 KiB of code)",
            );
        }
        Err(rejection) => {
            return refuse(rejection.status(), format!("could not read the request: {rejection}"));
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with("application/json") {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as Content-Type: application/json",
        );
    }
    let request: EvaluateRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
    };
    let req = match to_runner_request(&request) {
        Ok(r) => r,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let permit = match tokio::time::timeout(state.queue_timeout, state.permits.acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            let mut resp = refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "the playground is busy running other snippets; try again in a few seconds",
            );
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            return resp;
        }
    };
    let runner = Arc::clone(&state.runner);
    let outcome = tokio::task::spawn_blocking(move || runner.execute(&req)).await;
    drop(permit);
    match outcome {
        Ok(Ok(report)) => evaluate_response(&report),
        Ok(Err(e)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("the playground failed: {e:#}")),
        Err(_) => {
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "the playground failed (a bug: the runner panicked)")
        }
    }
}

/// Checks the fields as play.rust-lang.org does.
fn to_runner_request(r: &EvaluateRequest) -> Result<Request, String> {
    if !matches!(r.version.as_str(), "stable" | "beta" | "nightly") {
        return Err(format!("unsupported version `{}` (use stable, beta or nightly)", r.version));
    }
    let edition: Edition = if r.edition.is_empty() { Ok(Edition::E2015) } else { r.edition.parse() }?;
    let mut req = Request::new(r.code.clone(), edition);
    req.mode = if r.optimize == "0" { Mode::Debug } else { Mode::Release };
    req.tests = r.tests;
    Ok(req)
}

/// Success: the program's stdout. Failure: rustc's or the program's stderr,
/// then stdout, then one line saying what happened.
fn evaluate_response(report: &Report) -> Response {
    if !report.compile.exit.success() {
        let mut text = report.compile.stderr.clone();
        if let Exit::TimedOut(_) = report.compile.exit {
            text.push_str(&format!("\nThe compiler {}.\n", report.compile.exit));
        }
        let error = report.failure_summary().unwrap_or_else(|| "compilation failed".into());
        return answer(StatusCode::OK, text, Some(error));
    }
    let Some(run) = &report.run else { return answer(StatusCode::OK, String::new(), None) };
    if run.exit.success() {
        return answer(StatusCode::OK, run.stdout.clone(), None);
    }
    let mut text = format!("{}{}", run.stderr, run.stdout);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let summary = match &run.exit {
        Exit::TimedOut(d) => format!(
            "The program was stopped after {}: it did not finish (likely an infinite loop or a deadlock).",
            seconds(*d)
        ),
        other => format!("The program {other}."),
    };
    text.push_str(&summary);
    answer(StatusCode::OK, text, Some(summary))
}
