//! The local playground server: the built book plus a play.rust-lang.org
//! compatible API (`POST /evaluate.json`, `GET|POST /meta/crates`) and the
//! exercise workbench's `POST /exercise/check` on one origin, bound to
//! 127.0.0.1. See the crate's README for the threat model.

mod error;
mod exercise;
mod guard;
mod wire;

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
use tokio::sync::Semaphore;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

pub use error::ApiError;
pub use exercise::{ExerciseCheckRequest, ExerciseCheckResponse};
pub use guard::host_allowed;
pub use wire::{CrateInfo, CratesResponse, EvaluateRequest, EvaluateResponse};

use crate::runner::Execute;
use crate::types::Request;

/// The path of the workbench's check (local only: play.rust-lang.org has no
/// such route, and no loom).
pub const EXERCISE_CHECK_PATH: &str = "/exercise/check";

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

struct AppState {
    runner: Arc<dyn Execute>,
    book_dir: PathBuf,
    permits: Semaphore,
    queue_timeout: Duration,
    body_limit: usize,
    port: u16,
}

/// A server bound to its port, not yet serving.
pub struct Bound {
    listener: tokio::net::TcpListener,
    app: Router,
}

impl Bound {
    /// Binds 127.0.0.1:`config.port` and builds the routes.
    pub async fn bind(config: Config, runner: Arc<dyn Execute>) -> Result<Bound> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .with_context(|| format!("binding 127.0.0.1:{}", config.port))?;
        let port = listener.local_addr()?.port();
        let state = Arc::new(AppState {
            runner,
            book_dir: config.book_dir.clone(),
            permits: Semaphore::new(config.max_concurrent.max(1)),
            queue_timeout: config.queue_timeout,
            body_limit: config.body_limit,
            port,
        });
        let api = Router::new()
            .route("/evaluate.json", post(evaluate).fallback(method_not_allowed))
            .route("/meta/crates", any(meta_crates))
            .route(EXERCISE_CHECK_PATH, post(exercise_check).fallback(exercise_method_not_allowed))
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
pub fn serve_until_ctrl_c(
    config: Config,
    runner: Arc<dyn Execute>,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let bound = Bound::bind(config, runner).await?;
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
    pub fn start(config: Config, runner: Arc<dyn Execute>) -> Result<Running> {
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

/// Refuses requests from other hosts and sites before any route runs.
async fn guard(State(state): State<Arc<AppState>>, req: HttpRequest, next: Next) -> Response {
    match guard::check_request(req.method(), req.headers(), state.port) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// Adds `Cache-Control` where the answer has none.
async fn cache_headers(req: HttpRequest, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        let value = guard::cache_control(&path, resp.status().is_success());
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    resp
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("use POST with a JSON body for /evaluate.json")
}

async fn exercise_method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("use POST with a JSON body for /exercise/check")
}

async fn meta_crates(State(state): State<Arc<AppState>>, method: Method) -> Response {
    if method != Method::GET && method != Method::POST {
        return ApiError::MethodNotAllowed("use GET or POST for /meta/crates").into_response();
    }
    let crates = state.runner.crates().into_iter().map(CrateInfo::from).collect();
    let mut resp = axum::Json(CratesResponse { crates }).into_response();
    // Lets the theme script recognise this server.
    resp.headers_mut().insert("x-fearless-playground", HeaderValue::from_static("1"));
    resp
}

/// The body as JSON of type `T`: over the limit, not JSON, or malformed,
/// each gets its own clear error.
fn read_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge { limit_bytes: state.body_limit },
        status => ApiError::Unreadable(status, rejection.to_string()),
    })?;
    if !guard::is_json(headers) {
        return Err(ApiError::NotJson);
    }
    serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Runs `job` on a blocking thread once a run slot is free.
async fn with_permit<T: Send + 'static>(
    state: &AppState,
    job: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = match tokio::time::timeout(state.queue_timeout, state.permits.acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => return Err(ApiError::Busy { retry_after: Duration::from_secs(2) }),
    };
    let outcome = tokio::task::spawn_blocking(job).await;
    drop(permit);
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ApiError::Internal(format!("{e:#}"))),
        Err(_) => Err(ApiError::Internal("a bug: the runner panicked".into())),
    }
}

async fn evaluate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::Json<EvaluateResponse>, ApiError> {
    let request: EvaluateRequest = read_json(&state, &headers, body)?;
    let req = Request::try_from(request)?;
    let runner = Arc::clone(&state.runner);
    let report = with_permit(&state, move || runner.execute(&req)).await?;
    Ok(axum::Json(EvaluateResponse::from(&report)))
}

async fn exercise_check(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::Json<ExerciseCheckResponse>, ApiError> {
    let request: ExerciseCheckRequest = read_json(&state, &headers, body)?;
    let data = exercise::load(&state.book_dir, &request.id)?;
    let code = crate::exercise::assemble(&request.code, &data.tail);
    let runner = Arc::clone(&state.runner);
    let half = request.half;
    let verdict =
        with_permit(&state, move || crate::exercise::check_half(runner.as_ref(), half, &code)).await?;
    Ok(axum::Json(ExerciseCheckResponse::new(&request.id, &verdict)))
}
