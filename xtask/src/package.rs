//! `cargo xtask package`: every published crate can go to crates.io.
//! Checks the metadata crates.io and docs.rs show (description, licence,
//! repository, README, keywords, categories, docs.rs settings), then runs
//! `cargo publish --workspace --dry-run`, which packages each published
//! crate in dependency order against a local overlay of the ones packaged
//! before it and builds each package from its `.crate` file, exactly as a
//! user would get it. A dependency of any kind that crates.io could not
//! resolve (a cycle through dev-dependencies, an unpublished workspace
//! crate) fails here.

use std::fs;
use std::path::Path;

use crate::metadata::{Metadata, Package};
use crate::new_provider;

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask package [--no-verify]

Checks the published crates' crates.io and docs.rs metadata, then runs
`cargo publish --workspace --dry-run` (nothing is uploaded): each published
crate is packaged, and built from its package unless --no-verify.
";

/// crates.io's limit on keywords per crate.
const MAX_KEYWORDS: usize = 5;

/// What is missing from one published crate's manifest and directory;
/// `licence_files` are the names of the workspace's licence texts, which
/// every package must carry (links to the root ones).
pub fn manifest_problems(p: &Package, licence_files: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            out.push(what.to_owned());
        }
    };
    need(
        p.description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty()),
        "a description",
    );
    need(
        p.license.is_some(),
        "a license expression (license.workspace = true)",
    );
    need(
        p.repository.is_some(),
        "a repository (repository.workspace = true)",
    );
    let dir = Path::new(&p.manifest_path).parent();
    let readme_exists = match (&p.readme, dir) {
        (Some(readme), Some(dir)) => dir.join(readme).is_file(),
        _ => false,
    };
    need(readme_exists, "a readme that exists");
    for file in licence_files {
        need(
            dir.is_some_and(|d| d.join(file).is_file()),
            &format!("{file} in its directory (a link to the root one)"),
        );
    }
    need(
        !p.keywords.is_empty() && p.keywords.len() <= MAX_KEYWORDS,
        "1 to 5 keywords",
    );
    need(!p.categories.is_empty(), "categories");
    need(
        p.metadata["docs"]["rs"]["all-features"] == serde_json::Value::Bool(true),
        "[package.metadata.docs.rs] all-features = true",
    );
    out
}

/// The names of the licence texts at the workspace root (`LICENSE-*`).
///
/// # Errors
/// When the root cannot be listed or holds none.
pub fn licence_files(root: &Path) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(root).map_err(|e| format!("cannot list {}: {e}", root.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("LICENSE"))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no LICENSE-* file in {}", root.display()));
    }
    Ok(names)
}

/// Every published crate's manifest problems, one line per crate.
///
/// # Errors
/// Listing each crate and what it lacks.
pub fn check_manifests(metadata: &Metadata, root: &Path) -> Result<(), String> {
    let licence_files = licence_files(root)?;
    let problems: Vec<String> = metadata
        .published()
        .iter()
        .filter_map(|p| {
            let missing = manifest_problems(p, &licence_files);
            (!missing.is_empty()).then(|| format!("  {} needs {}", p.name, missing.join(", ")))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "published crates lack crates.io metadata (or add `publish = false`):\n{}",
            problems.join("\n")
        ))
    }
}

/// Entry point: `cargo xtask package`.
pub fn run(args: &[String]) -> Result<(), String> {
    let verify = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => true,
        ["--no-verify"] => false,
        ["-h" | "--help"] => {
            print!("{USAGE}");
            return Ok(());
        }
        _ => return Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    };
    let root = new_provider::workspace_root();
    let metadata = Metadata::load(&root)?;
    check_manifests(&metadata, &root)?;
    let names: Vec<String> = metadata.published().iter().map(|p| p.label()).collect();
    eprintln!("publishable: {}", names.join(", "));
    let skipped: Vec<String> = metadata.unpublished().iter().map(|p| p.label()).collect();
    eprintln!("publish = false: {}", skipped.join(", "));
    // --allow-dirty: this checks what the tree holds, committed or not.
    let mut cargo = vec![
        "publish",
        "--workspace",
        "--dry-run",
        "--locked",
        "--allow-dirty",
    ];
    if !verify {
        cargo.push("--no-verify");
    }
    new_provider::exec(&root, "cargo", &cargo, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(extra: serde_json::Value) -> Package {
        let mut json = serde_json::json!({
            "id": "x 0.1.0", "name": "x", "version": "0.1.0",
            "rust_version": "1.88", "license": "MIT OR Apache-2.0", "license_file": null,
            "publish": null, "description": "X", "repository": "https://example.org/x",
            "readme": "Cargo.toml", "keywords": ["payout"], "categories": ["finance"],
            "metadata": {"docs": {"rs": {"all-features": true}}},
            "manifest_path": concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        });
        if let (Some(base), Some(extra)) = (json.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_complete_manifest_passes() {
        let files = ["Cargo.toml".to_owned()];
        assert_eq!(
            manifest_problems(&package(serde_json::json!({})), &files),
            Vec::<String>::new()
        );
    }

    #[test]
    fn names_each_missing_field() {
        let p = package(serde_json::json!({
            "description": " ", "license": null, "readme": "NO-SUCH-README.md",
            "keywords": ["a", "b", "c", "d", "e", "f"], "categories": [], "metadata": null,
        }));
        let problems = manifest_problems(&p, &["LICENSE-NONE".to_owned()]).join("; ");
        for what in [
            "description",
            "license",
            "readme",
            "keywords",
            "categories",
            "docs.rs",
            "LICENSE-NONE",
        ] {
            assert!(problems.contains(what), "{what} not reported: {problems}");
        }
        assert!(!problems.contains("repository"), "{problems}");
    }
}
