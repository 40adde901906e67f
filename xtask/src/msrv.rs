//! `cargo xtask msrv`: the declared minimum Rust version holds for what
//! the published crates ship. Every package reached from a published crate
//! in the graph Cargo.lock resolves to (normal and build dependencies, all
//! features the workspace enables, all target platforms) must declare a
//! `rust-version` no higher than the published crates' own; the check fails
//! listing every one that needs more, with the path that pulls it in.
//!
//! Dev-dependencies are not held to it: a user of the crates never builds
//! them. The workspace's own code is held to it by clippy's
//! `incompatible_msrv` lint (standard-library items newer than the
//! `rust-version`), which `cargo xtask ci` runs with `-D warnings`.

use std::fmt;
use std::str::FromStr;

use crate::metadata::{Metadata, Package, Reached};
use crate::new_provider;

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask msrv

Checks that every package the published crates depend on (through normal and
build dependencies, as resolved by Cargo.lock) declares a rust-version no
higher than the workspace's `rust-version`, and lists each one that does with
the path that pulls it in.
";

/// A Rust version as `rust-version` writes it: `1.85` or `1.85.0`
/// (a missing patch is 0, so the two are equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RustVersion {
    major: u64,
    minor: u64,
    patch: u64,
}

impl FromStr for RustVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!("invalid rust-version {text:?}: expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.85")
        };
        let parts: Vec<&str> = text.trim().split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let number = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<u64>().map_err(|_| bad())
        };
        Ok(Self {
            major: number(parts[0])?,
            minor: number(parts[1])?,
            patch: parts.get(2).map_or(Ok(0), |p| number(p))?,
        })
    }
}

impl fmt::Display for RustVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// A shipped package that needs a newer Rust than declared.
#[derive(Debug)]
pub struct TooNew {
    /// `name version`.
    pub package: String,
    /// What it declares.
    pub needs: RustVersion,
    /// `published crate → … → package`.
    pub path: String,
}

/// What the check found.
#[derive(Debug)]
pub struct Findings {
    /// The published crates' `rust-version`.
    pub declared: RustVersion,
    /// The highest `rust-version` among shipped packages (the true minimum
    /// the dependencies allow), with the package declaring it.
    pub highest: Option<(RustVersion, String)>,
    /// Packages needing more than declared, highest first.
    pub too_new: Vec<TooNew>,
    /// How many shipped packages were checked.
    pub checked: usize,
    /// Shipped packages that declare no rust-version (cannot be checked).
    pub undeclared: Vec<String>,
}

/// The one `rust-version` of the published crates.
///
/// # Errors
/// When one declares none, one's is invalid, or they disagree.
pub fn declared(published: &[&Package]) -> Result<RustVersion, String> {
    let mut seen: Vec<(RustVersion, &str)> = Vec::new();
    let mut missing = Vec::new();
    for p in published {
        match &p.rust_version {
            None => missing.push(p.name.as_str()),
            Some(v) => seen.push((v.parse().map_err(|e| format!("{}: {e}", p.name))?, &p.name)),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "published crates without a rust-version: {} (add `rust-version.workspace = true` to \
             their [package])",
            missing.join(", ")
        ));
    }
    let first = seen.first().ok_or("the workspace publishes no crate")?.0;
    let differing: Vec<String> = seen
        .iter()
        .filter(|(v, _)| *v != first)
        .map(|(v, name)| format!("{name} ({v})"))
        .collect();
    if !differing.is_empty() {
        return Err(format!(
            "the published crates disagree on rust-version: {} against {first} for the rest; \
             inherit the workspace's (`rust-version.workspace = true`)",
            differing.join(", ")
        ));
    }
    Ok(first)
}

/// Compares every shipped package with `declared`.
///
/// # Errors
/// When a package's rust-version cannot be read.
pub fn check(declared: RustVersion, shipped: &[Reached<'_>]) -> Result<Findings, String> {
    let mut findings = Findings {
        declared,
        highest: None,
        too_new: Vec::new(),
        checked: 0,
        undeclared: Vec::new(),
    };
    for reached in shipped {
        let p = reached.package;
        let Some(text) = &p.rust_version else {
            findings.undeclared.push(p.label());
            continue;
        };
        let needs: RustVersion = text.parse().map_err(|e| format!("{}: {e}", p.label()))?;
        findings.checked += 1;
        if findings.highest.as_ref().is_none_or(|(h, _)| needs > *h) {
            findings.highest = Some((needs, p.label()));
        }
        if needs > declared {
            findings.too_new.push(TooNew {
                package: p.label(),
                needs,
                path: reached.path_text(),
            });
        }
    }
    findings
        .too_new
        .sort_by(|a, b| b.needs.cmp(&a.needs).then(a.package.cmp(&b.package)));
    Ok(findings)
}

impl Findings {
    /// The failure message, or `None` when the declared version holds.
    pub fn failure(&self) -> Option<String> {
        let highest = self.too_new.first()?.needs;
        let lines: String = self
            .too_new
            .iter()
            .map(|t| format!("  {} needs {}  ({})\n", t.package, t.needs, t.path))
            .collect();
        Some(format!(
            "the declared rust-version {} is below what {} resolved dependencies need:\n{lines}\
             Raise `rust-version` in the workspace Cargo.toml to {highest}, or hold those \
             dependencies back in Cargo.lock (`cargo update -p NAME --precise VERSION`).",
            self.declared,
            self.too_new.len()
        ))
    }

    /// The one-paragraph summary of a passing check.
    pub fn summary(&self) -> String {
        let highest = self
            .highest
            .as_ref()
            .map_or("none declares one".to_owned(), |(v, p)| {
                format!("the highest need is {v} ({p})")
            });
        let mut out = format!(
            "rust-version {} holds: {} shipped packages checked, {highest}",
            self.declared, self.checked
        );
        if !self.undeclared.is_empty() {
            out.push_str(&format!(
                "; {} declare no rust-version and are not checked",
                self.undeclared.len()
            ));
        }
        out
    }
}

/// Entry point: `cargo xtask msrv`.
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
    let declared = declared(&metadata.published())?;
    let findings = check(declared, &metadata.shipped())?;
    match findings.failure() {
        Some(message) => Err(message),
        None => {
            eprintln!("{}", findings.summary());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::tests::sample;

    fn v(text: &str) -> RustVersion {
        text.parse().unwrap()
    }

    #[test]
    fn a_missing_patch_is_zero() {
        assert_eq!(v("1.85"), v("1.85.0"));
        assert!(v("1.85.1") > v("1.85"));
        assert!(v("1.9") < v("1.85"), "numeric, not textual, order");
        assert!(v("1.88") > v("1.87.9"));
        assert!(v("2.0") > v("1.99.99"));
        assert_eq!(v(" 1.80 "), v("1.80.0"));
        assert_eq!(v("1.85.0").to_string(), "1.85");
        assert_eq!(v("1.85.2").to_string(), "1.85.2");
    }

    #[test]
    fn refuses_what_is_not_a_rust_version() {
        for bad in [
            "",
            "1",
            "1.",
            ".85",
            "1.85.0.1",
            "1.x",
            "1.85-beta",
            "v1.85",
            "1.-2",
        ] {
            let err = bad.parse::<RustVersion>().unwrap_err();
            assert!(err.contains("MAJOR.MINOR"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn lists_every_dependency_above_the_declared_version_with_its_path() {
        let m = sample(&[
            ("lib", Some("1.80")),
            ("mid", Some("1.85.0")),
            ("leaf", Some("1.88")),
            ("devonly", Some("1.95")),
            ("tooldep", Some("1.95")),
        ]);
        let declared = declared(&m.published()).unwrap();
        assert_eq!(declared, v("1.80"));
        let findings = check(declared, &m.shipped()).unwrap();
        let message = findings.failure().unwrap();
        assert_eq!(findings.too_new.len(), 2, "{message}");
        assert!(message.contains("leaf 1.0.0 needs 1.88  (lib → mid → leaf)"));
        assert!(message.contains("mid 1.0.0 needs 1.85  (lib → mid)"));
        assert!(message.contains("to 1.88"), "{message}");
        assert!(
            !message.contains("devonly") && !message.contains("tooldep"),
            "dev-dependencies and unpublished crates are not held to it: {message}"
        );
    }

    #[test]
    fn passes_when_equal_counting_a_missing_patch_as_zero() {
        let m = sample(&[
            ("lib", Some("1.88")),
            ("mid", Some("1.88.0")),
            ("leaf", None),
        ]);
        let findings = check(declared(&m.published()).unwrap(), &m.shipped()).unwrap();
        assert!(findings.failure().is_none());
        let summary = findings.summary();
        assert!(summary.contains("2 shipped packages checked"), "{summary}");
        assert!(summary.contains("1 declare no rust-version"), "{summary}");
    }

    #[test]
    fn published_crates_must_declare_one() {
        let m = sample(&[]);
        let err = declared(&m.published()).unwrap_err();
        assert!(err.contains("lib") && err.contains("rust-version.workspace"));
    }
}
