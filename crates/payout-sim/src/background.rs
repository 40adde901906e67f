//! [`BackgroundSimulator`]: the simulator on a Tokio runtime of its own, for
//! callers without one (tests that drive the `payout` binary, scripts).

use std::ops::Deref;

use crate::{SimConfig, SimError, SimHandle, Simulator};

/// Worker threads of the simulator's own runtime.
const WORKERS: usize = 2;

/// The simulator serving from a runtime of its own (two worker threads),
/// started from synchronous code; it shuts down when dropped. Dereferences
/// to its [`SimHandle`].
///
/// ```
/// use payout_sim::{BackgroundSimulator, SimConfig};
/// let sim = BackgroundSimulator::start(SimConfig::default())?;
/// assert!(sim.base_url("paypro", "indonesia").starts_with("http://127.0.0.1:"));
/// # Ok::<(), payout_sim::SimError>(())
/// ```
#[derive(Debug)]
pub struct BackgroundSimulator {
    handle: Option<SimHandle>,
    runtime: tokio::runtime::Runtime,
}

impl BackgroundSimulator {
    /// Builds the runtime and starts the simulator on it.
    ///
    /// # Errors
    /// As [`Simulator::start`]; [`SimError::Runtime`] when the runtime
    /// cannot be built.
    pub fn start(config: SimConfig) -> Result<Self, SimError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("payout-sim")
            .enable_all()
            .build()
            .map_err(SimError::Runtime)?;
        let handle = runtime.block_on(Simulator::start(config))?;
        Ok(Self {
            handle: Some(handle),
            runtime,
        })
    }

    /// The running simulator.
    pub fn handle(&self) -> &SimHandle {
        // Taken only by `drop`.
        self.handle.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl Deref for BackgroundSimulator {
    type Target = SimHandle;

    fn deref(&self) -> &SimHandle {
        self.handle()
    }
}

impl Drop for BackgroundSimulator {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.runtime.block_on(handle.shutdown());
        }
    }
}
