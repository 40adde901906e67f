//! Starting the simulator child process and reading its CPU time.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::proc_stat;

/// The simulator running in a child process (this binary with `sim`).
/// Dropping it closes the child's standard input, which stops it.
pub struct SimProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The base URL of PayPro Indonesia on the child.
    pub base_url: String,
}

impl SimProcess {
    /// Starts the child with `threads` runtime workers and waits until it
    /// listens.
    pub fn start(threads: usize) -> Result<Self, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find this program to start the simulator: {e}"))?;
        let mut child = Command::new(exe)
            .args(["sim", "--threads", &threads.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the simulator process: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or("the simulator process has no standard output")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the simulator's address: {e}"))?;
        let base_url = line
            .trim()
            .strip_prefix("base_url ")
            .ok_or_else(|| format!("the simulator did not start (said {line:?})"))?
            .to_owned();
        Ok(Self {
            child,
            stdin,
            base_url,
        })
    }

    /// CPU time (user + system) the simulator has used so far.
    pub fn cpu_time(&self) -> Option<Duration> {
        proc_stat::cpu_time(&format!("/proc/{}/stat", self.child.id()))
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
