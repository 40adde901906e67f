//! Reading CPU time and memory from `/proc` (Linux).

use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// User + system CPU time of the process whose `stat` file is `path`.
pub fn cpu_time(path: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses:
    // state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis(
        (utime + stime) * 1000 / TICKS_PER_SECOND,
    ))
}

/// This process's CPU time.
pub fn own_cpu_time() -> Option<Duration> {
    cpu_time("/proc/self/stat")
}

/// CPU time of this process's threads whose name starts with `prefix`
/// (Linux keeps the first 15 bytes of a thread's name).
pub fn threads_cpu_time(prefix: &str) -> Option<Duration> {
    let mut total = Duration::ZERO;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = task.ok()?.path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if name.trim_end().starts_with(prefix) {
            total += cpu_time(&dir.join("stat").to_string_lossy()).unwrap_or_default();
        }
    }
    Some(total)
}

/// A memory figure of this process from `/proc/self/status`, in KiB:
/// `VmRSS` (resident now) or `VmHWM` (peak resident).
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let value = line.strip_prefix(field)?.strip_prefix(':')?;
        value.split_whitespace().next()?.parse().ok()
    })
}

/// The machine's CPU time since boot from `/proc/stat`, all cores
/// together: `(busy, idle)` (idle includes waiting for I/O).
pub fn machine_cpu_time() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest time is
    // already counted in user).
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    let idle: u64 = [3, 4].iter().filter_map(|&i| ticks.get(i)).sum();
    let ms = |t: u64| Duration::from_millis(t * 1000 / TICKS_PER_SECOND);
    Some((ms(busy), ms(idle)))
}
