//! The suite's [`Report`]: one line per (region, scenario).

use std::fmt;

/// How one scenario ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every check held.
    Passed,
    /// Not run, because the provider does not declare what it needs.
    Skipped(String),
    /// A check failed: what was expected and what happened.
    Failed(String),
}

/// All scenario outcomes of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `(provider, region, scenario, outcome)` in the order they ran.
    pub rows: Vec<(String, String, &'static str, Outcome)>,
}

impl Report {
    /// Adds a row.
    pub fn record(
        &mut self,
        provider: &str,
        region: &str,
        scenario: &'static str,
        outcome: Outcome,
    ) {
        self.rows
            .push((provider.to_owned(), region.to_owned(), scenario, outcome));
    }

    /// Appends another report's rows.
    pub fn merge(&mut self, other: Report) {
        self.rows.extend(other.rows);
    }

    /// Rows that failed.
    pub fn failures(&self) -> Vec<&(String, String, &'static str, Outcome)> {
        self.rows
            .iter()
            .filter(|r| matches!(r.3, Outcome::Failed(_)))
            .collect()
    }

    /// The scenarios skipped in at least one region, each once, sorted:
    /// what a provider's conformance test pins, so that a scenario never
    /// stops running unnoticed.
    pub fn skipped(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .rows
            .iter()
            .filter(|r| matches!(r.3, Outcome::Skipped(_)))
            .map(|r| r.2)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Number of scenarios that passed.
    pub fn passed(&self) -> usize {
        self.rows.iter().filter(|r| r.3 == Outcome::Passed).count()
    }

    /// Panics, listing every failure, unless all ran scenarios passed and
    /// at least one ran.
    ///
    /// # Panics
    /// On any failure, or when nothing passed.
    pub fn assert_passed(&self) {
        let failures = self.failures();
        assert!(
            failures.is_empty() && self.passed() > 0,
            "conformance failed:\n{self}"
        );
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (provider, region, scenario, outcome) in &self.rows {
            match outcome {
                Outcome::Passed => writeln!(f, "  ok    {provider} {region} {scenario}")?,
                Outcome::Skipped(why) => {
                    writeln!(f, "  skip  {provider} {region} {scenario}: {why}")?
                }
                Outcome::Failed(why) => {
                    writeln!(f, "  FAIL  {provider} {region} {scenario}: {why}")?
                }
            }
        }
        write!(
            f,
            "{} passed, {} failed",
            self.passed(),
            self.failures().len()
        )
    }
}
