//! `cargo xtask licenses`: every package the published crates ship
//! (themselves included; normal and build dependencies as Cargo.lock
//! resolves them, all target platforms) has an SPDX licence expression
//! that the allow-list satisfies. `OR` needs one side allowed, `AND` both,
//! `A WITH E` needs the licence and the exception allowed; the legacy `/`
//! reads as `OR`. Docs: docs/ci.md.

use crate::metadata::{Metadata, Reached};
use crate::new_provider;

/// Licences a shipped package may be used under: permissive ones, and
/// MPL-2.0 (file-level copyleft: using an unmodified dependency puts no
/// duty on this project's code).
pub const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "BSL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "CC0-1.0",
    "Unlicense",
    "CDLA-Permissive-2.0",
    "MPL-2.0",
];

/// Licence exceptions (`WITH`) allowed.
pub const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask licenses

Checks that every package the published crates ship (normal and build
dependencies, as resolved by Cargo.lock) has an SPDX licence expression the
allow-list satisfies (xtask/src/licenses.rs, docs/ci.md).
";

/// A parsed SPDX licence expression.
#[derive(Debug, PartialEq, Eq)]
pub enum Expr {
    /// `ID` or `ID WITH EXCEPTION`.
    License {
        /// Licence id (`MIT`, `GPL-2.0+`, ...).
        id: String,
        /// Exception id.
        exception: Option<String>,
    },
    /// Both must be allowed.
    And(Box<Expr>, Box<Expr>),
    /// One must be allowed.
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    With,
    Id(String),
}

fn tokens(text: &str) -> Vec<Token> {
    let spaced = text
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    spaced
        .split_whitespace()
        .map(|word| match word {
            "(" => Token::Open,
            ")" => Token::Close,
            w if w.eq_ignore_ascii_case("AND") => Token::And,
            w if w.eq_ignore_ascii_case("OR") => Token::Or,
            w if w.eq_ignore_ascii_case("WITH") => Token::With,
            w => Token::Id(w.to_owned()),
        })
        .collect()
}

/// Recursive descent: `or := and (OR and)*`, `and := atom (AND atom)*`,
/// `atom := ( or ) | ID [WITH ID]`.
struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.at);
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.atom()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a `(` is not closed".into()),
                }
            }
            Some(Token::Id(id)) => {
                let id = id.clone();
                let exception = if self.peek() == Some(&Token::With) {
                    self.at += 1;
                    match self.next() {
                        Some(Token::Id(e)) => Some(e.clone()),
                        _ => return Err(format!("`{id} WITH` names no exception")),
                    }
                } else {
                    None
                };
                Ok(Expr::License { id, exception })
            }
            Some(other) => Err(format!("expected a licence id, found {other:?}")),
            None => Err("the expression ends where a licence id was expected".into()),
        }
    }
}

impl Expr {
    /// Parses an SPDX licence expression.
    ///
    /// # Errors
    /// When it is empty or malformed, saying where.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser {
            tokens: tokens(text),
            at: 0,
        };
        let expr = parser.or()?;
        match parser.peek() {
            None => Ok(expr),
            Some(extra) => Err(format!("unexpected {extra:?} after a complete expression")),
        }
    }

    /// Whether the allow-lists satisfy it.
    pub fn allowed(&self, licenses: &[&str], exceptions: &[&str]) -> bool {
        match self {
            Self::License { id, exception } => {
                licenses.contains(&id.as_str())
                    && exception.as_deref().is_none_or(|e| exceptions.contains(&e))
            }
            Self::And(a, b) => a.allowed(licenses, exceptions) && b.allowed(licenses, exceptions),
            Self::Or(a, b) => a.allowed(licenses, exceptions) || b.allowed(licenses, exceptions),
        }
    }
}

/// The problem with one shipped package's licence, if any.
pub fn problem(reached: &Reached<'_>) -> Option<String> {
    let p = reached.package;
    let why = match &p.license {
        None => match &p.license_file {
            Some(file) => format!(
                "no SPDX licence expression, only the file {file}: a person must read it \
                 (this check cannot)"
            ),
            None => "no licence at all".to_owned(),
        },
        Some(text) => match Expr::parse(text) {
            Err(e) => format!("unreadable licence expression {text:?}: {e}"),
            Ok(expr) if expr.allowed(ALLOWED, ALLOWED_EXCEPTIONS) => return None,
            Ok(_) => format!("licence {text:?} is not within the allow-list"),
        },
    };
    Some(format!("  {}: {why}  ({})", p.label(), reached.path_text()))
}

/// Entry point: `cargo xtask licenses`.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => {}
        ["-h" | "--help"] => {
            print!("{USAGE}");
            return Ok(());
        }
        _ => return Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    }
    let metadata = Metadata::load(&new_provider::workspace_root())?;
    let shipped = metadata.shipped();
    let problems: Vec<String> = shipped.iter().filter_map(problem).collect();
    if problems.is_empty() {
        eprintln!(
            "licences: all {} shipped packages are within the allow-list ({})",
            shipped.len(),
            ALLOWED.join(", ")
        );
        Ok(())
    } else {
        Err(format!(
            "{} shipped packages have a licence outside the allow-list \
             (xtask/src/licenses.rs, docs/ci.md):\n{}",
            problems.len(),
            problems.join("\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> bool {
        Expr::parse(text)
            .unwrap()
            .allowed(ALLOWED, ALLOWED_EXCEPTIONS)
    }

    #[test]
    fn or_needs_one_side_and_needs_both() {
        assert!(ok("MIT"));
        assert!(ok("MIT OR Apache-2.0"));
        assert!(ok("GPL-3.0-only OR MIT"));
        assert!(ok("MIT OR Apache-2.0 OR LGPL-2.1-or-later"));
        assert!(ok("Apache-2.0 AND ISC"));
        assert!(!ok("MIT AND GPL-3.0-only"));
        assert!(!ok("GPL-3.0-only"));
        assert!(!ok("AGPL-3.0-or-later OR SSPL-1.0"));
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        // MIT OR (GPL AND Apache): MIT suffices.
        assert!(ok("MIT OR GPL-3.0-only AND Apache-2.0"));
        // (MIT OR GPL) AND GPL: GPL is required.
        assert!(!ok("(MIT OR GPL-3.0-only) AND GPL-3.0-only"));
        assert!(ok("(MIT OR Apache-2.0) AND Unicode-3.0"));
    }

    #[test]
    fn with_needs_an_allowed_exception() {
        assert!(ok("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"));
        assert!(ok("Apache-2.0 WITH LLVM-exception"));
        assert!(!ok("GPL-2.0-only WITH Classpath-exception-2.0"));
        assert!(!ok("Apache-2.0 WITH Some-other-exception"));
    }

    #[test]
    fn legacy_slash_reads_as_or() {
        assert!(ok("MIT/Apache-2.0"));
        assert!(ok("Apache-2.0 / MIT"));
        assert!(!ok("GPL-3.0/AGPL-3.0"));
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for bad in [
            "",
            "MIT OR",
            "(MIT",
            "MIT)",
            "MIT Apache-2.0",
            "AND MIT",
            "MIT WITH",
        ] {
            assert!(Expr::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn shipped_packages_without_an_expression_are_reported() {
        use crate::metadata::tests::sample;
        let m = sample(&[]);
        let shipped = m.shipped();
        assert!(shipped.iter().all(|r| problem(r).is_none()));
        let json = format!(
            r#"{{"packages": [{}], "workspace_members": ["gpl 1.0.0"],
                "resolve": {{"nodes": [{{"id": "gpl 1.0.0", "deps": []}}]}}}}"#,
            crate::metadata::tests::package("gpl", None, Some("GPL-3.0-only"))
        );
        let m = Metadata::parse(&json).unwrap();
        let found = problem(&m.shipped()[0]).unwrap();
        assert!(found.contains("gpl 1.0.0") && found.contains("GPL-3.0-only"));
    }
}
