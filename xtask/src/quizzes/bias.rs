//! Answer-length bias in MultipleChoice questions.
//!
//! A reader who has answered a few quizzes learns the test-taker's trick:
//! the longest option, the one with the careful qualifications, is usually
//! right. If that holds across the book, the quizzes measure test-wiseness,
//! not understanding. By chance the longest of four options is the right one
//! about a quarter of the time; this check fails when the correct answer is
//! *strictly* the longest option in more than [`MAX_SHARE`] of the book's
//! MultipleChoice questions, and names the files and questions that count.
//!
//! Length is the option's text as written in the TOML (Markdown included,
//! trimmed), counted in characters: that is what the reader sees, give or
//! take the backticks.

use std::path::PathBuf;

use crate::course::quiz::{Kind, QuizFile};

/// The largest share of MultipleChoice questions whose correct answer may be
/// strictly the longest option (chance alone gives about 1 in 4).
pub const MAX_SHARE: f64 = 0.30;

/// The MultipleChoice questions of one quiz file, and which of them have the
/// correct answer as their strictly longest option.
#[derive(Debug)]
pub struct FileTally {
    /// The quiz file, relative to the workspace.
    pub file: PathBuf,
    /// How many MultipleChoice questions the file has.
    pub multiple_choice: usize,
    /// Ids of the questions whose correct answer is strictly the longest option.
    pub longest_correct: Vec<String>,
}

/// Whether one correct answer is strictly longer than every other option
/// (every distractor and every other correct answer).
pub fn longest_is_correct(answers: &[String], distractors: &[String]) -> bool {
    let len = |s: &String| s.trim().chars().count();
    let Some(longest_answer) = answers.iter().map(len).max() else { return false };
    let longest_distractor = distractors.iter().map(len).max().unwrap_or(0);
    let at_max = answers.iter().filter(|a| len(a) == longest_answer).count();
    longest_answer > longest_distractor && at_max == 1
}

/// Tallies the MultipleChoice questions of one quiz file.
pub fn tally(quiz: &QuizFile) -> FileTally {
    let mut out = FileTally { file: quiz.file.clone(), multiple_choice: 0, longest_correct: Vec::new() };
    for q in &quiz.questions {
        if let Kind::MultipleChoice { answers, distractors } = &q.kind {
            out.multiple_choice += 1;
            if longest_is_correct(answers, distractors) {
                out.longest_correct.push(q.id.clone());
            }
        }
    }
    out
}

/// Book-wide verdict: `Ok` with a one-line summary, or `Err` with the
/// summary and a per-file report (worst files first).
pub fn verdict(tallies: &[FileTally]) -> Result<String, String> {
    let total: usize = tallies.iter().map(|t| t.multiple_choice).sum();
    let biased: usize = tallies.iter().map(|t| t.longest_correct.len()).sum();
    let share = if total == 0 { 0.0 } else { biased as f64 / total as f64 };
    let summary = format!(
        "answer-length bias: the correct answer is strictly the longest option in {biased} of {total} \
         MultipleChoice questions ({:.0} %, limit {:.0} %)",
        share * 100.0,
        MAX_SHARE * 100.0
    );
    if share <= MAX_SHARE {
        return Ok(summary);
    }
    let mut files: Vec<&FileTally> = tallies.iter().filter(|t| !t.longest_correct.is_empty()).collect();
    files.sort_by(|a, b| {
        let ratio = |t: &FileTally| t.longest_correct.len() as f64 / t.multiple_choice as f64;
        ratio(b).total_cmp(&ratio(a)).then_with(|| a.file.cmp(&b.file))
    });
    let mut report = format!(
        "{summary}.\n  A reader who always picks the longest option scores well without understanding. \
         Rewrite options so that distractors are as specific as the answer (or the answer as short), \
         starting with these files:"
    );
    for t in files {
        report.push_str(&format!(
            "\n    {}: {} of {} ({})",
            t.file.display(),
            t.longest_correct.len(),
            t.multiple_choice,
            t.longest_correct.join(", ")
        ));
    }
    Err(report)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::course::quiz::QuizReader;

    fn tally_of(file: &str, text: &str) -> FileTally {
        let mut reader = QuizReader::default();
        let quiz = reader.read(Path::new(file), text);
        tally(&quiz)
    }

    #[test]
    fn biased_fixture_fails_and_names_the_file_and_questions() {
        let tallies = [tally_of("src/quizzes/biased.toml", include_str!("fixtures/biased.toml"))];
        assert_eq!(tallies[0].multiple_choice, 4, "Tracing questions are not counted");
        assert_eq!(tallies[0].longest_correct, ["biased-1", "biased-2", "biased-4"]);
        let err = verdict(&tallies).expect_err("3 of 4 is over the limit");
        assert!(err.contains("3 of 4 MultipleChoice questions (75 %"), "{err}");
        assert!(err.contains("src/quizzes/biased.toml: 3 of 4 (biased-1, biased-2, biased-4)"), "{err}");
    }

    #[test]
    fn fair_fixture_passes() {
        let tallies = [tally_of("src/quizzes/fair.toml", include_str!("fixtures/fair.toml"))];
        assert_eq!(tallies[0].multiple_choice, 4);
        assert_eq!(tallies[0].longest_correct, ["fair-1"]);
        let summary = verdict(&tallies).expect("1 of 4 is within the limit");
        assert!(summary.contains("1 of 4"), "{summary}");
    }

    #[test]
    fn the_limit_is_book_wide() {
        // A file may be biased on its own as long as the book as a whole is not.
        let biased = tally_of("a.toml", include_str!("fixtures/biased.toml"));
        let fair = tally_of("b.toml", include_str!("fixtures/fair.toml"));
        let both = [biased, fair];
        let err = verdict(&both).expect_err("4 of 8 is over 30 %");
        assert!(err.contains("a.toml: 3 of 4") && err.contains("b.toml: 1 of 4"), "{err}");
        assert!(err.find("a.toml").unwrap() < err.find("b.toml").unwrap(), "worst file first: {err}");
        let fair_twice = [
            tally_of("b.toml", include_str!("fixtures/fair.toml")),
            tally_of("c.toml", include_str!("fixtures/fair.toml")),
        ];
        assert!(verdict(&fair_twice).is_ok());
    }

    #[test]
    fn ties_and_multiple_answers() {
        let strings = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let biased = |answers: &[&str], distractors: &[&str]| {
            longest_is_correct(&strings(answers), &strings(distractors))
        };
        // A tie for longest is not "strictly the longest".
        assert!(!biased(&["abcd"], &["wxyz", "ab"]));
        assert!(biased(&["abcde"], &["wxyz", "ab"]));
        // Surrounding whitespace does not count.
        assert!(!biased(&["  abc  "], &["wxyz"]));
        // Several correct answers: biased when one of them is strictly the longest.
        assert!(biased(&["abcdef", "a"], &["wxyz"]));
        assert!(!biased(&["abcdef", "uvwxyz"], &["wxyz"]));
    }
}
