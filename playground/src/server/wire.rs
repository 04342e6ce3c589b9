//! play.rust-lang.org's JSON shapes and their conversions to and from the
//! runner's types.

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::deps::Listed;
use crate::types::{Edition, Mode, Report, Request};

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

impl TryFrom<EvaluateRequest> for Request {
    type Error = ApiError;

    /// Checks the fields as play.rust-lang.org does.
    fn try_from(r: EvaluateRequest) -> Result<Request, ApiError> {
        if !matches!(r.version.as_str(), "stable" | "beta" | "nightly") {
            return Err(ApiError::BadRequest(format!(
                "unsupported version `{}` (use stable, beta or nightly)",
                r.version
            )));
        }
        let edition: Edition = if r.edition.is_empty() { Ok(Edition::E2015) } else { r.edition.parse() }
            .map_err(ApiError::BadRequest)?;
        let mut req = Request::new(r.code, edition);
        req.mode = if r.optimize == "0" { Mode::Debug } else { Mode::Release };
        req.tests = r.tests;
        Ok(req)
    }
}

impl From<&Report> for EvaluateResponse {
    /// Success: the program's stdout. Failure: rustc's or the program's
    /// stderr, then stdout, then what happened (the deadlock report, the
    /// limit that was hit and how to run without it); `error` is one line.
    fn from(report: &Report) -> EvaluateResponse {
        let error = report.failure_summary();
        let Some(error) = error else {
            let stdout = report.run.as_ref().map(|r| r.stdout.clone()).unwrap_or_default();
            return EvaluateResponse { result: stdout, error: None };
        };
        let mut text = match &report.run {
            Some(run) => format!("{}{}", run.stderr, run.stdout),
            None => report.compile.stderr.clone(),
        };
        let explanation = report.explanation();
        if !text.is_empty() && !explanation.is_empty() {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            if report.run.is_none() {
                text.push('\n');
            }
        }
        text.push_str(&explanation);
        EvaluateResponse { result: text, error: Some(error) }
    }
}

impl From<Listed> for CrateInfo {
    fn from(c: Listed) -> CrateInfo {
        CrateInfo { name: c.package, version: c.version, id: c.id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Exit, ProcessOutput};

    fn request(version: &str, edition: &str, optimize: &str) -> EvaluateRequest {
        EvaluateRequest {
            version: version.into(),
            optimize: optimize.into(),
            code: "fn main() {}".into(),
            edition: edition.into(),
            tests: false,
        }
    }

    #[test]
    fn requests_are_checked_like_play_rust_lang_org() {
        let req = Request::try_from(request("stable", "", "0")).unwrap();
        assert_eq!((req.edition, req.mode), (Edition::E2015, Mode::Debug));
        let req = Request::try_from(request("nightly", "2024", "3")).unwrap();
        assert_eq!((req.edition, req.mode), (Edition::E2024, Mode::Release));
        let bad = Request::try_from(request("1.95", "2021", "0")).unwrap_err();
        assert!(bad.to_string().contains("unsupported version `1.95`"), "{bad}");
        let bad = Request::try_from(request("stable", "2027", "0")).unwrap_err();
        assert!(bad.to_string().contains("unsupported edition `2027`"), "{bad}");
    }

    fn out(exit: Exit, stdout: &str, stderr: &str) -> ProcessOutput {
        ProcessOutput { exit, stdout: stdout.into(), stderr: stderr.into() }
    }

    #[test]
    fn answers_put_what_happened_last() {
        let ok = out(Exit::Code(0), "", "");
        let report = Report {
            compile: ok.clone(),
            cached: false,
            run: Some(out(Exit::Code(0), "hi\n", "")),
            limit: None,
        };
        assert_eq!(EvaluateResponse::from(&report), EvaluateResponse { result: "hi\n".into(), error: None });

        let panicked = out(Exit::Code(101), "partial", "thread 'main' panicked\n");
        let report = Report { compile: ok, cached: true, run: Some(panicked), limit: None };
        let answer = EvaluateResponse::from(&report);
        assert_eq!(answer.result, "thread 'main' panicked\npartial\nThe program exited with status 101.\n");
        assert_eq!(answer.error.as_deref(), Some("the program exited with status 101"));

        let compile_error = out(Exit::Code(1), "", "error[E0308]: mismatched types\n");
        let report = Report { compile: compile_error, cached: false, run: None, limit: None };
        let answer = EvaluateResponse::from(&report);
        assert_eq!(answer.result, "error[E0308]: mismatched types\n");
        assert_eq!(answer.error.as_deref(), Some("the snippet does not compile"));
    }
}
