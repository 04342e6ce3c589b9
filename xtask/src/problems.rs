//! Checks that look at everything before they fail: a reader fixing a quiz
//! wants every mistake in the file, not one per run. They collect what is
//! wrong in [`Problems`] and fail once, listing all of it.

use anyhow::{Result, bail};

/// What a check found wrong so far, each a message that names its file
/// (and line, question or page).
#[derive(Debug, Default)]
pub struct Problems(Vec<String>);

impl Problems {
    /// No problems yet.
    pub fn new() -> Problems {
        Problems(Vec::new())
    }

    /// Records one problem.
    pub fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    /// `Ok` when there are none; else an error that starts with `headline`
    /// (given the count) and lists every problem: one per line, or separated
    /// by blank lines when any of them spans several lines (compiler output).
    pub fn fail_if_any(self, headline: impl FnOnce(usize) -> String) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let list = if self.0.iter().any(|p| p.contains('\n')) {
            format!("\n\n{}", self.0.join("\n\n"))
        } else {
            format!("\n  {}", self.0.join("\n  "))
        };
        bail!("{}:{list}", headline(self.0.len()))
    }
}

/// The messages so far, in the order they were found.
impl std::ops::Deref for Problems {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl Extend<String> for Problems {
    fn extend<I: IntoIterator<Item = String>>(&mut self, problems: I) {
        self.0.extend(problems);
    }
}

impl IntoIterator for Problems {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_problems_pass() {
        assert!(Problems::new().fail_if_any(|n| format!("{n} problems")).is_ok());
    }

    #[test]
    fn every_problem_is_listed_under_the_headline() {
        let mut p = Problems::new();
        p.push("a.toml: question `a-1`: no context");
        p.extend(["b.toml: no questions".to_string()]);
        let err = p.fail_if_any(|n| format!("{n} quiz problem(s)")).unwrap_err().to_string();
        assert_eq!(err, "2 quiz problem(s):\n  a.toml: question `a-1`: no context\n  b.toml: no questions");
    }

    #[test]
    fn long_problems_are_separated_by_blank_lines() {
        let mut p = Problems::new();
        p.push("src/a.md:3: rustc says:\nerror[E0382]: borrow of moved value");
        p.push("src/b.md:9: runs");
        let err = p.fail_if_any(|n| format!("{n} of 9 Rust blocks failed")).unwrap_err().to_string();
        assert_eq!(
            err,
            "2 of 9 Rust blocks failed:\n\nsrc/a.md:3: rustc says:\nerror[E0382]: borrow of moved value\n\nsrc/b.md:9: runs"
        );
    }
}
