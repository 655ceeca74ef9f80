//! Replications in parallel. Each replication draws only from its own streams and results are
//! collected in replication order before anything is summed, so the output is bit-identical
//! whatever the number of threads (SPEC §7).

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::engine::{RunOutput, run_replication};
use crate::scenario::Scenario;

/// What the command line may override in `[simulation]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub replications: u32,
    pub seed: u64,
    /// Worker threads; `None` lets rayon use every core.
    pub threads: Option<usize>,
    /// Keep every chat's history for `chats.csv`.
    pub chats_log: bool,
}

impl Plan {
    pub fn new(scenario: &Scenario, overrides: Overrides, threads: Option<usize>) -> Self {
        Plan {
            replications: overrides
                .replications
                .unwrap_or(scenario.simulation.replications),
            seed: overrides.seed.unwrap_or(scenario.simulation.seed),
            threads,
            chats_log: false,
        }
    }
}

pub struct Outcome {
    pub runs: Vec<RunOutput>,
    pub wall: Duration,
    pub threads: usize,
}

impl Outcome {
    pub fn events(&self) -> u64 {
        self.runs.iter().map(|r| r.events).sum()
    }

    pub fn chats(&self) -> u64 {
        self.runs.iter().map(|r| r.chats).sum()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot start {threads} worker threads: {source}")]
pub struct ThreadsError {
    threads: usize,
    source: rayon::ThreadPoolBuildError,
}

/// Runs every replication of `plan`; `progress` accumulates simulated milliseconds (a total of
/// `replications × horizon` when done).
pub fn run(
    scenario: &Scenario,
    plan: Plan,
    progress: Option<&AtomicU64>,
) -> Result<Outcome, ThreadsError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = plan.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().map_err(|source| ThreadsError {
        threads: plan.threads.unwrap_or(0),
        source,
    })?;
    let started = Instant::now();
    let runs = pool.install(|| {
        (0..plan.replications)
            .into_par_iter()
            .map(|r| run_replication(scenario, plan.seed, r, plan.chats_log, progress))
            .collect()
    });
    Ok(Outcome {
        runs,
        wall: started.elapsed(),
        threads: pool.current_num_threads(),
    })
}
