//! Running commands and finding the workspace root.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Runs `program args...` in the workspace root, echoing it and its time.
pub fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_env(program, args, &[])
}

/// As [`run`], with extra environment variables.
pub fn run_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    crate::new_provider::exec(&root(), program, args, env)
}

/// Makes `at` a symbolic link to `target` (relative to `at`'s directory);
/// where symbolic links are not available, a copy of the file it names.
///
/// # Errors
/// When the link (or copy) cannot be made.
pub fn link(target: &Path, at: &Path) -> Result<(), String> {
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(target, at);
    #[cfg(not(unix))]
    let made = std::fs::copy(at.parent().unwrap_or(at).join(target), at).map(|_| ());
    made.map_err(|e| format!("cannot link {} to {}: {e}", at.display(), target.display()))
}
