//! `cargo xtask ci`: the checks CI runs, in the order that fails fastest,
//! ending with the template check: `cargo xtask new-provider` scaffolds
//! throw-away providers into a temporary copy of the workspace, which must
//! build, pass clippy and rustfmt, and pass their tests (snapshots and
//! conformance), so the generator can never drift from the code.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::metadata::Metadata;
use crate::{licenses, msrv, new_provider, package, util};

/// The README's test command.
pub const TEST_COMMAND: &[&str] = &["test", "--workspace", "--locked"];

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask ci [--skip-template | --template-only]

  (no option)        fmt --check, msrv, licenses, clippy -D warnings,
                     feature-combination builds of the facade, cargo test --workspace,
                     cargo doc -D warnings, package (cargo publish --dry-run), then
                     the template check
  --skip-template    everything but the template check (faster locally)
  --template-only    only the template check: new-provider scaffolds throw-away
                     providers into a temporary copy of the workspace, which must
                     build, pass clippy, rustfmt and their tests
";

/// The throw-away providers of the template check: one per signer.
pub const THROWAWAY: &[(&str, &str)] = &[
    ("throwaway", "hmac-sha256"),
    ("throwaway-md5", "md5-sorted"),
];

/// Runs every CI step but the template check.
pub fn run_all() -> Result<(), String> {
    util::run("cargo", &["fmt", "--all", "--", "--check"])?;
    // No build needed: Cargo.lock's graph against rust-version and the licence allow-list.
    eprintln!("==> cargo xtask msrv");
    msrv::run(&[])?;
    eprintln!("==> cargo xtask licenses");
    licenses::run(&[])?;
    util::run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    for features in [
        "paypro",
        "vexora",
        "xendit",
        "paypro,vexora",
        "paypro,vexora,xendit,axum",
        "paypro,metrics",
    ] {
        util::run(
            "cargo",
            &[
                "build",
                "--locked",
                "-p",
                "payout",
                "--no-default-features",
                "--features",
                features,
            ],
        )?;
    }
    util::run("cargo", TEST_COMMAND)?;
    // Every public item documented, every intra-doc link resolving.
    util::run_env(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    lean_facade()?;
    eprintln!("==> cargo xtask package");
    package::run(&[])?;
    Ok(())
}

/// Entry point: `cargo xtask ci`.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => {
            run_all()?;
            template_check()
        }
        ["--skip-template"] => run_all(),
        ["--template-only"] => template_check(),
        ["-h" | "--help"] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    }
}

/// The template check: scaffolds [`THROWAWAY`] into a temporary copy of the
/// workspace with `new-provider` (which records their snapshots), checks
/// their crates.io metadata ([`package::check_manifests`]), then builds the facade with their features, checks them with rustfmt and
/// clippy, runs their tests, and deletes the copy. Builds share this
/// workspace's target directory, so dependencies are not rebuilt from scratch.
///
/// # Errors
/// On the first step that fails.
pub fn template_check() -> Result<(), String> {
    let start = Instant::now();
    let root = new_provider::workspace_root();
    let target = target_dir(&root);
    let copy = TempCopy::of(&root, &target)?;
    let dir = copy.path();
    let target = target.to_string_lossy().into_owned();
    let env = [("CARGO_TARGET_DIR", target.as_str())];
    let cargo = |args: &[&str]| new_provider::exec(dir, "cargo", args, &env);

    for (name, signer) in THROWAWAY {
        let args = [(*name).to_owned(), "--signer".into(), (*signer).to_owned()];
        new_provider::scaffold(dir, &args, &env)
            .map_err(|e| format!("template check: new-provider {name}: {e}"))?;
    }
    // Generated crates are ready for crates.io: metadata, README, licence texts.
    package::check_manifests(&Metadata::load(dir)?, dir)
        .map_err(|e| format!("template check: {e}"))?;
    let crates: Vec<String> = THROWAWAY
        .iter()
        .flat_map(|(name, _)| ["-p".to_owned(), format!("provider-{name}")])
        .collect();
    let crates: Vec<&str> = crates.iter().map(String::as_str).collect();
    let all_features = THROWAWAY
        .iter()
        .map(|(name, _)| *name)
        .chain(["paypro", "vexora", "xendit"])
        .collect::<Vec<_>>()
        .join(",");
    for features in [THROWAWAY[0].0, all_features.as_str()] {
        cargo(&[
            "build",
            "-p",
            "payout",
            "--no-default-features",
            "--features",
            features,
        ])?;
    }
    cargo(&[&["fmt", "-p", "payout"], &crates[..], &["--", "--check"]].concat())?;
    cargo(
        &[
            &["clippy", "--all-targets"],
            &crates[..],
            &["--", "-D", "warnings"],
        ]
        .concat(),
    )?;
    cargo(&[&["test"], &crates[..]].concat())?;
    drop(copy);
    eprintln!("template check passed in {:.1?}", start.elapsed());
    Ok(())
}

/// The target directory builds of this workspace use.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// A copy of the workspace in a temporary directory, deleted on drop.
struct TempCopy(PathBuf);

impl TempCopy {
    /// Copies the working tree at `root` (everything but `.git/`, `target/`
    /// and the target directory `skip`), keeping modification times so
    /// that the shared target directory's artifacts stay fresh.
    fn of(root: &Path, skip: &Path) -> Result<Self, String> {
        let dir =
            std::env::temp_dir().join(format!("payout-template-check-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .map_err(|e| format!("cannot remove the stale {}: {e}", dir.display()))?;
        }
        let copy = Self(dir);
        let start = Instant::now();
        copy_tree(root, &copy.0, skip, true)?;
        eprintln!(
            "copied the workspace to {} ({:.1?})",
            copy.0.display(),
            start.elapsed()
        );
        Ok(copy)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        match fs::remove_dir_all(&self.0) {
            Ok(()) => eprintln!("removed {}", self.0.display()),
            Err(e) => eprintln!("could not remove {}: {e}", self.0.display()),
        }
    }
}

/// Copies `from` into `to` recursively (files with their modification
/// times, symbolic links as links), leaving out `skip`, and at the top
/// level `.git` and `target`.
fn copy_tree(from: &Path, to: &Path, skip: &Path, top: bool) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", from.display()))?;
        let (src, name) = (entry.path(), entry.file_name());
        if src == skip || (top && (name == ".git" || name == "target")) {
            continue;
        }
        let dst = to.join(&name);
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot stat {}: {e}", src.display()))?;
        if kind.is_dir() {
            copy_tree(&src, &dst, skip, false)?;
        } else if kind.is_symlink() {
            copy_link(&src, &dst)?;
        } else {
            copy_file(&src, &dst)?;
        }
    }
    Ok(())
}

fn copy_file(src: &Path, dst: &Path) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("cannot copy {} to {}: {e}", src.display(), dst.display());
    fs::copy(src, dst).map_err(fail)?;
    let modified = fs::metadata(src).and_then(|m| m.modified()).map_err(fail)?;
    fs::File::options()
        .write(true)
        .open(dst)
        .and_then(|f| f.set_modified(modified))
        .map_err(fail)
}

/// A symbolic link as a link (where there are none, as a copy of what it names:
/// its target may not be copied yet).
fn copy_link(src: &Path, dst: &Path) -> Result<(), String> {
    if !cfg!(unix) {
        return copy_file(src, dst);
    }
    let target = fs::read_link(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    util::link(&target, dst)
}

/// Crates a one-provider facade must never pull in: databases, servers,
/// the CLI's, test-only ones (a dev-dependency slipping into
/// `[dependencies]` shows here).
const NOT_IN_A_LEAN_FACADE: &[&str] = &[
    "sqlx",
    "rusqlite",
    "mimalloc",
    "axum",
    "clap",
    "indicatif",
    "tracing-subscriber",
    "metrics",
    "payout-journal",
    "payout-sim",
];

/// `payout` with one provider and no optional feature depends on none of
/// [`NOT_IN_A_LEAN_FACADE`].
///
/// # Errors
/// Naming every crate found.
pub fn lean_facade() -> Result<(), String> {
    eprintln!(
        "==> lean facade: cargo tree -p payout --no-default-features --features paypro -e normal"
    );
    let out = std::process::Command::new("cargo")
        .args([
            "tree",
            "-p",
            "payout",
            "--no-default-features",
            "--features",
            "paypro",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--locked",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let mut names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    names.sort_unstable();
    names.dedup();
    let found: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| NOT_IN_A_LEAN_FACADE.contains(n))
        .collect();
    if found.is_empty() {
        eprintln!(
            "lean facade: {} crates, none of the excluded ones",
            names.len()
        );
        Ok(())
    } else {
        Err(format!(
            "the facade with only `paypro` pulls in {}: a dev-dependency or an optional one became a normal dependency",
            found.join(", ")
        ))
    }
}
