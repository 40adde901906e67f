//! `cargo xtask snapshots`: the snapshot review chore.
//!
//! Runs the tests with `INSTA_UPDATE=new INSTA_FORCE_PASS=1`: a snapshot
//! that changed (or is new) is written next to the old one as `.snap.new`
//! and does not fail the run, so one run collects every change. Then it
//! lists the pending files and how to review them; `--accept` and
//! `--reject` settle all of them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::new_provider;

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask snapshots [-p <crate>]... | --list | --accept | --reject

  (no option)   run the tests (the workspace, or the crates given with -p) with
                INSTA_UPDATE=new INSTA_FORCE_PASS=1: changed and new snapshots are
                written as .snap.new without failing the run; then list them
  -p <crate>    only this crate's tests (repeatable)
  --list        list the pending .snap.new files without running anything
  --accept      accept every pending snapshot (.snap.new replaces .snap)
  --reject      delete every pending snapshot
";

enum Mode {
    Run(Vec<String>),
    List,
    Accept,
    Reject,
}

fn parse(args: &[String]) -> Result<Option<Mode>, String> {
    let mut packages = Vec::new();
    let mut mode = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let set = |m: Mode, mode: &mut Option<Mode>| {
            if mode.is_some() {
                Err(format!(
                    "--list, --accept and --reject exclude each other\n\n{USAGE}"
                ))
            } else {
                *mode = Some(m);
                Ok(())
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "-p" | "--package" => packages.push(
                it.next()
                    .ok_or("-p needs a crate name (e.g. -p provider-paypro)")?
                    .clone(),
            ),
            "--list" => set(Mode::List, &mut mode)?,
            "--accept" => set(Mode::Accept, &mut mode)?,
            "--reject" => set(Mode::Reject, &mut mode)?,
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    match mode {
        Some(_) if !packages.is_empty() => Err(format!(
            "-p only applies to a test run, not to --list/--accept/--reject\n\n{USAGE}"
        )),
        Some(m) => Ok(Some(m)),
        None => Ok(Some(Mode::Run(packages))),
    }
}

/// Entry point: `cargo xtask snapshots ...`.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(mode) = parse(args)? else {
        print!("{USAGE}");
        return Ok(());
    };
    let root = new_provider::workspace_root();
    match mode {
        Mode::Run(packages) => {
            let mut cargo_args = vec!["test".to_owned()];
            if packages.is_empty() {
                cargo_args.push("--workspace".into());
            }
            for p in packages {
                cargo_args.push("-p".into());
                cargo_args.push(p);
            }
            let cargo_args: Vec<&str> = cargo_args.iter().map(String::as_str).collect();
            let tests = new_provider::exec(
                &root,
                "cargo",
                &cargo_args,
                &[("INSTA_UPDATE", "new"), ("INSTA_FORCE_PASS", "1")],
            );
            list(&root)?;
            tests.map_err(|e| format!("{e} (a failure other than a snapshot change)"))
        }
        Mode::List => list(&root),
        Mode::Accept => settle(&root, true),
        Mode::Reject => settle(&root, false),
    }
}

/// Prints the pending snapshots and what to do with them.
fn list(root: &Path) -> Result<(), String> {
    let pending = pending(root)?;
    if pending.is_empty() {
        println!("No pending snapshots: every snapshot matches.");
        return Ok(());
    }
    println!("{} pending snapshot(s):", pending.len());
    for p in &pending {
        println!("  {}", relative(root, p));
    }
    let insta = Command::new("cargo")
        .args(["insta", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    println!();
    if insta {
        println!("Review them one by one: cargo insta review");
    } else {
        println!(
            "Review: compare each .snap.new with its .snap (e.g. `diff X.snap X.snap.new`), or \
             install cargo-insta (`cargo install cargo-insta`) and run `cargo insta review`."
        );
    }
    println!("Accept one: mv X.snap.new X.snap    Accept all: cargo xtask snapshots --accept");
    println!("Reject all: cargo xtask snapshots --reject");
    Ok(())
}

/// Accepts (`.snap.new` replaces `.snap`) or rejects (deletes) every pending snapshot.
fn settle(root: &Path, accept: bool) -> Result<(), String> {
    let pending = pending(root)?;
    if pending.is_empty() {
        println!("No pending snapshots (run `cargo xtask snapshots` to collect changes).");
        return Ok(());
    }
    for new in &pending {
        let shown = relative(root, new);
        if new.extension().is_some_and(|e| e == "new") {
            if accept {
                let text =
                    fs::read_to_string(new).map_err(|e| format!("cannot read {shown}: {e}"))?;
                let snap = new.with_extension("");
                fs::write(&snap, without_assertion_line(&text))
                    .map_err(|e| format!("cannot write {}: {e}", snap.display()))?;
            }
            fs::remove_file(new).map_err(|e| format!("cannot remove {shown}: {e}"))?;
            println!("{} {shown}", if accept { "accepted" } else { "rejected" });
        } else if accept {
            println!("skipped {shown}: inline snapshots need `cargo insta review`");
        } else {
            fs::remove_file(new).map_err(|e| format!("cannot remove {shown}: {e}"))?;
            println!("rejected {shown}");
        }
    }
    Ok(())
}

/// A `.snap.new` header carries `assertion_line:`, which insta leaves out of
/// accepted `.snap` files.
fn without_assertion_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            fences += 1;
        }
        if fences == 1 && line.starts_with("assertion_line:") {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Every pending snapshot under `root` (`*.snap.new`, `.*.pending-snap`),
/// outside `target/` and `.git/`, sorted.
fn pending(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                if name != "target" && name != ".git" {
                    dirs.push(path);
                }
            } else if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_snapshot_drops_the_assertion_line() {
        let new =
            "---\nsource: t.rs\nassertion_line: 12\nexpression: x\n---\nassertion_line: body\n";
        assert_eq!(
            without_assertion_line(new),
            "---\nsource: t.rs\nexpression: x\n---\nassertion_line: body\n"
        );
    }

    #[test]
    fn modes_exclude_each_other() {
        let args = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(parse(&args(&["--accept", "--reject"])).is_err());
        assert!(parse(&args(&["--accept", "-p", "x"])).is_err());
        assert!(parse(&args(&["-p"])).is_err());
        assert!(matches!(
            parse(&args(&["-p", "a", "-p", "b"])),
            Ok(Some(Mode::Run(p))) if p == ["a", "b"]
        ));
        assert!(matches!(parse(&args(&["--help"])), Ok(None)));
    }
}
