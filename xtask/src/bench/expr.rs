//! The little language of benchmark claims: a comparison of two arithmetic
//! expressions over the measured throughput, for example
//! `mutex@2 < 0.3 * mutex@1` ("with a second thread the Mutex counter keeps
//! less than 30 % of its 1-thread throughput").
//!
//! - `key@N` is the median throughput (operations per second) of the series
//!   `key` at `N` threads; `N` is a number, `max` (the most threads
//!   measured) or `cores`.
//! - Numbers (`0.5`, `1e9`), `+ - * /`, parentheses.
//! - Constants: `max` and `cores` (thread counts), `load_before` and
//!   `load_after` (the 1-minute load average before and after the run),
//!   `quiet_limit` (the highest load average before a run at which the
//!   machine counts as quiet), `interleaved` (1 if the runs were
//!   interleaved, else 0), `total_ops` (operations per data point).
//! - Functions: `min(…)`, `max(…)`; of one `key@N`: `eff` (scaling
//!   efficiency, throughput ÷ (N × 1-thread throughput)), `ns` (nanoseconds
//!   per operation, 1e9 ÷ throughput), `spread` (slowest ÷ fastest run),
//!   `cpu` (median CPU nanoseconds per operation, all threads) and `sleeps`
//!   (median voluntary context switches per run: how often a thread went
//!   to sleep), for the groups that measure them, such as `spin`.
//! - A comparison is `<`, `<=`, `>` or `>=` between two expressions.

use anyhow::{Result, anyhow, bail};

/// Where the values of references and constants come from.
pub trait Data {
    /// Throughput of `key` at `threads` threads, operations per second.
    fn ops(&self, key: &str, threads: u32) -> Result<f64>;
    /// Slowest ÷ fastest timed run of `key` at `threads`.
    fn spread(&self, key: &str, threads: u32) -> Result<f64>;
    /// Median CPU nanoseconds per operation of `key` at `threads`.
    fn cpu(&self, key: &str, threads: u32) -> Result<f64>;
    /// Median voluntary context switches per run of `key` at `threads`.
    fn sleeps(&self, key: &str, threads: u32) -> Result<f64>;
    /// A named constant (`max`, `cores`, `load_before`, …).
    fn constant(&self, name: &str) -> Result<f64>;
}

/// Which thread count a reference names.
#[derive(Debug, Clone, PartialEq)]
pub enum Threads {
    Count(u32),
    /// A constant that is a thread count (`max`, `cores`).
    Named(String),
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Constant(String),
    Ref { key: String, threads: Threads },
    Neg(Box<Expr>),
    Binary(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// A comparison: the whole of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Expr,
    pub op: &'static str,
    pub right: Expr,
}

/// The evaluated sides of a comparison, and every reference's value, for
/// messages.
#[derive(Debug)]
pub struct Outcome {
    pub holds: bool,
    pub left: f64,
    pub right: f64,
    /// `key@N = value` for every reference, in order of appearance.
    pub refs: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Ident(String),
    Op(&'static str),
}

fn tokens(text: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || chars[i] == 'e'
                    || (matches!(chars[i], '+' | '-') && chars[i - 1] == 'e'))
            {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            out.push(Token::Number(number.parse().map_err(|_| anyhow!("`{number}` is not a number"))?));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "<=" => "<=",
                ">=" => ">=",
                _ => match c {
                    '<' => "<",
                    '>' => ">",
                    '+' => "+",
                    '-' => "-",
                    '*' => "*",
                    '/' => "/",
                    '(' => "(",
                    ')' => ")",
                    ',' => ",",
                    '@' => "@",
                    _ => bail!("unexpected `{c}`"),
                },
            };
            i += op.len();
            out.push(Token::Op(op));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Op(o)) if *o == op);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, op: &str) -> Result<()> {
        if self.eat(op) { Ok(()) } else { bail!("expected `{op}`, found {}", self.describe()) }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end".into(),
            Some(Token::Number(n)) => format!("`{n}`"),
            Some(Token::Ident(s)) => format!("`{s}`"),
            Some(Token::Op(op)) => format!("`{op}`"),
        }
    }

    fn binary_op(&mut self, ops: &[&'static str]) -> Option<char> {
        match self.peek() {
            Some(Token::Op(op)) if ops.contains(op) => {
                let c = op.chars().next().expect("operators are not empty");
                self.at += 1;
                Some(c)
            }
            _ => None,
        }
    }

    fn sum(&mut self) -> Result<Expr> {
        let mut left = self.product()?;
        while let Some(op) = self.binary_op(&["+", "-"]) {
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr> {
        let mut left = self.unary()?;
        while let Some(op) = self.binary_op(&["*", "/"]) {
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.binary_op(&["-"]).is_some() {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr> {
        match self.peek().cloned() {
            Some(Token::Number(n)) => {
                self.at += 1;
                Ok(Expr::Number(n))
            }
            Some(Token::Ident(name)) => {
                self.at += 1;
                if self.eat("@") {
                    let threads = match self.peek().cloned() {
                        Some(Token::Number(n)) if n >= 1.0 && n.fract() == 0.0 => Threads::Count(n as u32),
                        Some(Token::Ident(c)) if c == "max" || c == "cores" => Threads::Named(c),
                        _ => bail!(
                            "`{name}@` needs a thread count, `max` or `cores`, found {}",
                            self.describe()
                        ),
                    };
                    self.at += 1;
                    Ok(Expr::Ref { key: name, threads })
                } else if self.eat("(") {
                    let mut args = vec![self.sum()?];
                    while self.eat(",") {
                        args.push(self.sum()?);
                    }
                    self.expect(")")?;
                    check_call(&name, &args)?;
                    Ok(Expr::Call(name, args))
                } else {
                    Ok(Expr::Constant(name))
                }
            }
            Some(Token::Op("(")) => {
                self.at += 1;
                let inner = self.sum()?;
                self.expect(")")?;
                Ok(inner)
            }
            _ => bail!("expected a number, a name or `(`, found {}", self.describe()),
        }
    }
}

fn check_call(name: &str, args: &[Expr]) -> Result<()> {
    match name {
        "min" | "max" => Ok(()),
        "eff" | "ns" | "spread" | "cpu" | "sleeps" => match args {
            [Expr::Ref { .. }] => Ok(()),
            _ => bail!("`{name}(…)` takes one `key@threads`"),
        },
        _ => bail!("unknown function `{name}` (known: min, max, eff, ns, spread, cpu, sleeps)"),
    }
}

/// Parses `left <op> right`.
pub fn parse_comparison(text: &str) -> Result<Comparison> {
    let tokens = tokens(text)?;
    let split = tokens
        .iter()
        .position(|t| matches!(t, Token::Op("<" | "<=" | ">" | ">=")))
        .ok_or_else(|| anyhow!("no comparison (<, <=, >, >=)"))?;
    let Token::Op(op) = tokens[split] else { unreachable!("position found an operator") };
    let left = parse_expr_tokens(tokens[..split].to_vec())?;
    let right = parse_expr_tokens(tokens[split + 1..].to_vec())?;
    Ok(Comparison { left, op, right })
}

/// Parses an expression without a comparison (a figure's value).
pub fn parse_expr(text: &str) -> Result<Expr> {
    let tokens = tokens(text)?;
    if tokens.iter().any(|t| matches!(t, Token::Op("<" | "<=" | ">" | ">="))) {
        bail!("a value cannot contain a comparison");
    }
    parse_expr_tokens(tokens)
}

fn parse_expr_tokens(tokens: Vec<Token>) -> Result<Expr> {
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.sum()?;
    if parser.at != parser.tokens.len() {
        bail!("unexpected {} after a complete expression", parser.describe());
    }
    Ok(expr)
}

fn threads(data: &dyn Data, threads: &Threads) -> Result<u32> {
    match threads {
        Threads::Count(n) => Ok(*n),
        Threads::Named(name) => Ok(data.constant(name)? as u32),
    }
}

/// Evaluates `expr`, pushing every reference's value onto `refs`.
pub fn eval(expr: &Expr, data: &dyn Data, refs: &mut Vec<(String, f64)>) -> Result<f64> {
    Ok(match expr {
        Expr::Number(n) => *n,
        Expr::Constant(name) => data.constant(name)?,
        Expr::Ref { key, threads: t } => {
            let n = threads(data, t)?;
            let value = data.ops(key, n)?;
            refs.push((format!("{key}@{n}"), value));
            value
        }
        Expr::Neg(inner) => -eval(inner, data, refs)?,
        Expr::Binary(op, left, right) => {
            let (l, r) = (eval(left, data, refs)?, eval(right, data, refs)?);
            match op {
                '+' => l + r,
                '-' => l - r,
                '*' => l * r,
                '/' => l / r,
                _ => unreachable!("the parser makes only + - * /"),
            }
        }
        Expr::Call(name, args) => match (name.as_str(), args.as_slice()) {
            ("min" | "max", _) => {
                let values = args.iter().map(|a| eval(a, data, refs)).collect::<Result<Vec<f64>>>()?;
                let fold = if name == "min" { f64::min } else { f64::max };
                values.into_iter().reduce(fold).expect("the parser requires one argument")
            }
            (_, [Expr::Ref { key, threads: t }]) => {
                let n = threads(data, t)?;
                let value = match name.as_str() {
                    "eff" => data.ops(key, n)? / (f64::from(n) * data.ops(key, 1)?),
                    "ns" => 1e9 / data.ops(key, n)?,
                    "spread" => data.spread(key, n)?,
                    "cpu" => data.cpu(key, n)?,
                    "sleeps" => data.sleeps(key, n)?,
                    _ => unreachable!("check_call knows every function"),
                };
                refs.push((format!("{name}({key}@{n})"), value));
                value
            }
            _ => unreachable!("check_call checked the arguments"),
        },
    })
}

/// Evaluates a comparison.
pub fn evaluate(comparison: &Comparison, data: &dyn Data) -> Result<Outcome> {
    let mut refs = Vec::new();
    let left = eval(&comparison.left, data, &mut refs)?;
    let right = eval(&comparison.right, data, &mut refs)?;
    let holds = match comparison.op {
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        _ => unreachable!("the parser makes only comparisons"),
    };
    Ok(Outcome { holds, left, right, refs })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

    impl Data for Fake {
        fn ops(&self, key: &str, threads: u32) -> Result<f64> {
            match (key, threads) {
                ("mutex", 1) => Ok(100e6),
                ("mutex", 2) => Ok(20e6),
                ("sharded", 1) => Ok(50e6),
                ("sharded", 2) => Ok(90e6),
                _ => bail!("no series `{key}` at {threads} threads"),
            }
        }
        fn spread(&self, _: &str, _: u32) -> Result<f64> {
            Ok(1.5)
        }
        fn cpu(&self, key: &str, threads: u32) -> Result<f64> {
            match (key, threads) {
                ("mutex", 1) => Ok(10.0),
                ("mutex", 2) => Ok(45.0),
                _ => bail!("`{key}@{threads}` has no CPU time"),
            }
        }
        fn sleeps(&self, _: &str, threads: u32) -> Result<f64> {
            Ok(f64::from(threads) * 100.0)
        }
        fn constant(&self, name: &str) -> Result<f64> {
            match name {
                "max" => Ok(2.0),
                "cores" => Ok(2.0),
                _ => bail!("unknown constant `{name}`"),
            }
        }
    }

    fn holds(text: &str) -> bool {
        evaluate(&parse_comparison(text).unwrap(), &Fake).unwrap().holds
    }

    #[test]
    fn comparisons_of_references_and_arithmetic() {
        assert!(holds("mutex@2 < 0.3 * mutex@1"));
        assert!(!holds("mutex@2 > 0.3 * mutex@1"));
        assert!(holds("sharded@max >= 1.8 * sharded@1"));
        assert!(holds("(sharded@2 - sharded@1) / sharded@1 > 0.7"));
        assert!(holds("-mutex@1 < 0"));
        assert!(holds("ns(mutex@1) <= 10"));
        assert!(holds("eff(sharded@2) > 0.89"));
        assert!(holds("max(mutex@2, sharded@1) < 1e8"));
        assert!(holds("min(mutex@2, sharded@1) < 2.1e7"));
        assert!(holds("spread(mutex@cores) < 2"));
        assert!(holds("cpu(mutex@2) > 4 * cpu(mutex@1)"));
        assert!(!holds("cpu(mutex@2) < cpu(mutex@1)"));
        assert!(holds("sleeps(mutex@2) > 1.5 * sleeps(mutex@1)"));
    }

    #[test]
    fn the_outcome_names_every_value() {
        let outcome = evaluate(&parse_comparison("mutex@2 < 0.1 * mutex@1").unwrap(), &Fake).unwrap();
        assert!(!outcome.holds);
        assert_eq!(outcome.refs, [("mutex@2".to_string(), 20e6), ("mutex@1".to_string(), 100e6)]);
        assert_eq!((outcome.left, outcome.right), (20e6, 10e6));
    }

    #[test]
    fn bad_claims_are_errors_that_say_why() {
        let err = |text: &str| format!("{:#}", parse_comparison(text).unwrap_err());
        assert!(err("mutex@2 * 3").contains("no comparison"), "{}", err("mutex@2 * 3"));
        assert!(err("mutex@ < 1").contains("needs a thread count"));
        assert!(err("mutex@2 < 1 1").contains("unexpected `1`"));
        assert!(err("median(mutex@2) < 1").contains("unknown function `median`"));
        assert!(err("mutex@2 < 1 % 2").contains("unexpected `%`"));
        assert!(err("eff(3) < 1").contains("takes one"));
        assert!(err("cpu(mutex@1, mutex@2) < 1").contains("takes one"));
        let no_cpu = evaluate(&parse_comparison("cpu(sharded@1) < 1").unwrap(), &Fake).unwrap_err();
        assert!(no_cpu.to_string().contains("no CPU time"), "{no_cpu}");
        let missing = evaluate(&parse_comparison("rwlock@2 < 1").unwrap(), &Fake).unwrap_err();
        assert!(missing.to_string().contains("no series `rwlock`"), "{missing}");
        assert!(parse_expr("mutex@1 < 2").is_err());
    }
}
