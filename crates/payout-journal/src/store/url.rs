//! Journal URLs: `sqlite:PATH` or `postgres://user@host:port/db`.

use std::path::PathBuf;

use crate::error::JournalError;

/// Where a journal lives, read from its URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A SQLite file (created if absent).
    Sqlite(PathBuf),
    /// A PostgreSQL server URL, as given (it may hold a password: never
    /// print it).
    Postgres(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
            Target::Postgres(_) => f.write_str("Postgres(***)"),
        }
    }
}

const EXAMPLES: &str = "write sqlite:PATH (e.g. sqlite:payouts.db) or \
                        postgres://USER@HOST:PORT/DATABASE";

/// Reads a journal URL.
pub(crate) fn parse(url: &str) -> Result<Target, JournalError> {
    let url = url.trim();
    let bad = |message: String| JournalError::Url { message };
    if let Some(rest) = url.strip_prefix("sqlite:") {
        // `sqlite:///abs/path` and `sqlite://rel/path` are accepted too.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() {
            return Err(bad(format!("the SQLite URL names no file; {EXAMPLES}")));
        }
        if path.contains(":memory:") || path.starts_with("file:") || path.contains('?') {
            return Err(bad(format!(
                "a journal must be a plain file so that it survives a crash \
                 (no :memory:, file: or ?options); {EXAMPLES}"
            )));
        }
        return Ok(Target::Sqlite(PathBuf::from(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Target::Postgres(url.to_owned()));
    }
    let scheme = url.split(':').next().unwrap_or_default();
    Err(bad(format!("unsupported scheme {scheme:?}; {EXAMPLES}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_forms() {
        assert_eq!(
            parse("sqlite:payouts.db").unwrap(),
            Target::Sqlite("payouts.db".into())
        );
        assert_eq!(
            parse("sqlite:///tmp/j.db").unwrap(),
            Target::Sqlite("/tmp/j.db".into())
        );
        assert_eq!(
            parse("sqlite:/tmp/j.db").unwrap(),
            Target::Sqlite("/tmp/j.db".into())
        );
        for bad in [
            "sqlite:",
            "sqlite::memory:",
            "sqlite:x.db?mode=ro",
            "mysql://x",
            "x.db",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("sqlite:PATH"), "{bad}: {err}");
        }
    }

    #[test]
    fn postgres_urls_are_never_printed() {
        let t = parse("postgres://u:hunter2@127.0.0.1:5432/db").unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
    }
}
