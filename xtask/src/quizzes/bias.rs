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

use std::path::{Path, PathBuf};

use toml::{Table, Value};

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

/// Whether a MultipleChoice question's correct answer is strictly longer than
/// every other option. `None` for other question types and for questions too
/// malformed to judge (the schema check reports those).
pub fn longest_is_correct(question: &Table) -> Option<bool> {
    if question.get("type").and_then(Value::as_str) != Some("MultipleChoice") {
        return None;
    }
    let answers: Vec<&str> = match question.get("answer")?.get("answer")? {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().map(Value::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    let distractors: Vec<&str> = question
        .get("prompt")?
        .get("distractors")?
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    let len = |s: &str| s.trim().chars().count();
    let longest_answer = answers.iter().map(|a| len(a)).max()?;
    let longest_distractor = distractors.iter().map(|d| len(d)).max().unwrap_or(0);
    // Strictly longest: one correct answer beats every distractor and every
    // other correct answer.
    let at_max = answers.iter().filter(|a| len(a) == longest_answer).count();
    Some(longest_answer > longest_distractor && at_max == 1)
}

/// Tallies one parsed quiz file.
pub fn tally(file: &Path, quiz: &Table) -> FileTally {
    let mut out = FileTally { file: file.to_path_buf(), multiple_choice: 0, longest_correct: Vec::new() };
    let questions = quiz.get("questions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (n, q) in questions.iter().enumerate() {
        let Some(q) = q.as_table() else { continue };
        let Some(biased) = longest_is_correct(q) else { continue };
        out.multiple_choice += 1;
        if biased {
            let id =
                q.get("id").and_then(Value::as_str).map_or_else(|| format!("#{}", n + 1), str::to_string);
            out.longest_correct.push(id);
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
    use super::*;

    fn parse(text: &str) -> Table {
        text.parse().expect("fixture is valid TOML")
    }

    #[test]
    fn biased_fixture_fails_and_names_the_file_and_questions() {
        let quiz = parse(include_str!("fixtures/biased.toml"));
        let tallies = [tally(Path::new("src/quizzes/biased.toml"), &quiz)];
        assert_eq!(tallies[0].multiple_choice, 4, "Tracing questions are not counted");
        assert_eq!(tallies[0].longest_correct, ["biased-1", "biased-2", "biased-4"]);
        let err = verdict(&tallies).expect_err("3 of 4 is over the limit");
        assert!(err.contains("3 of 4 MultipleChoice questions (75 %"), "{err}");
        assert!(err.contains("src/quizzes/biased.toml: 3 of 4 (biased-1, biased-2, biased-4)"), "{err}");
    }

    #[test]
    fn fair_fixture_passes() {
        let quiz = parse(include_str!("fixtures/fair.toml"));
        let tallies = [tally(Path::new("src/quizzes/fair.toml"), &quiz)];
        assert_eq!(tallies[0].multiple_choice, 4);
        assert_eq!(tallies[0].longest_correct, ["fair-1"]);
        let summary = verdict(&tallies).expect("1 of 4 is within the limit");
        assert!(summary.contains("1 of 4"), "{summary}");
    }

    #[test]
    fn the_limit_is_book_wide() {
        // A file may be biased on its own as long as the book as a whole is not.
        let biased = tally(Path::new("a.toml"), &parse(include_str!("fixtures/biased.toml")));
        let fair = tally(Path::new("b.toml"), &parse(include_str!("fixtures/fair.toml")));
        let both = [biased, fair];
        let err = verdict(&both).expect_err("4 of 8 is over 30 %");
        assert!(err.contains("a.toml: 3 of 4") && err.contains("b.toml: 1 of 4"), "{err}");
        assert!(err.find("a.toml").unwrap() < err.find("b.toml").unwrap(), "worst file first: {err}");
        let fair_twice = [
            tally(Path::new("b.toml"), &parse(include_str!("fixtures/fair.toml"))),
            tally(Path::new("c.toml"), &parse(include_str!("fixtures/fair.toml"))),
        ];
        assert!(verdict(&fair_twice).is_ok());
    }

    #[test]
    fn ties_and_multiple_answers() {
        let q = |answer: &str, distractors: &str| {
            parse(&format!(
                "type = \"MultipleChoice\"\nanswer.answer = {answer}\nprompt.distractors = {distractors}\n"
            ))
        };
        // A tie for longest is not "strictly the longest".
        assert_eq!(longest_is_correct(&q(r#""abcd""#, r#"["wxyz", "ab"]"#)), Some(false));
        assert_eq!(longest_is_correct(&q(r#""abcde""#, r#"["wxyz", "ab"]"#)), Some(true));
        // Surrounding whitespace does not count.
        assert_eq!(longest_is_correct(&q(r#""  abc  ""#, r#"["wxyz"]"#)), Some(false));
        // Several correct answers: biased when one of them is strictly the longest.
        assert_eq!(longest_is_correct(&q(r#"["abcdef", "a"]"#, r#"["wxyz"]"#)), Some(true));
        assert_eq!(longest_is_correct(&q(r#"["abcdef", "uvwxyz"]"#, r#"["wxyz"]"#)), Some(false));
        // Not MultipleChoice, or malformed: not judged.
        assert_eq!(longest_is_correct(&parse("type = \"Tracing\"")), None);
        assert_eq!(longest_is_correct(&parse("type = \"MultipleChoice\"\nanswer.answer = 3")), None);
    }
}
