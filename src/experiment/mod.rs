//! Replications in parallel. Each replication draws only from its own streams and results are
//! collected in replication order before anything is summed, so the output is bit-identical
//! whatever the number of threads (guide `statistics.md#determinism-and-statistics`).

pub mod check;
pub mod decide;
pub mod tune;

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::engine::{Options, RunOutput, run_replication};
use crate::scenario::Scenario;
use crate::stats::metrics::Metric;

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
    /// Keep every chat's row for `chats.csv`, in this format.
    pub chats_log: Option<crate::engine::log::LogFormat>,
    /// Measure the `[staffing]` group's chats apart (`ccsim staff`).
    pub staffing_focus: bool,
    /// Of a report merged from this many shards (`ccsim merge`): its wall time is theirs
    /// added up.
    pub shards: Option<u32>,
}

impl Plan {
    pub fn new(scenario: &Scenario, overrides: Overrides, threads: Option<usize>) -> Self {
        Plan {
            replications: overrides
                .replications
                .unwrap_or(scenario.simulation.replications),
            seed: overrides.seed.unwrap_or(scenario.simulation.seed),
            threads,
            chats_log: None,
            staffing_focus: false,
            shards: None,
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

/// After a run: what the run shows to be broken though the scenario was valid. Chats stranded
/// in a `sequential` team's queue that nobody takes from by hand wait until their customer
/// gives up, because sequential distribution hands out only new chats; chats left unplaced
/// (members online but none could take them) wait the same way, for a manual take.
pub fn run_warnings(scenario: &Scenario, outcomes: &[Outcome]) -> Vec<String> {
    let runs: Vec<_> = outcomes.iter().flat_map(|o| &o.runs).collect();
    let total = |m: Metric| -> f64 { runs.iter().map(|r| r.stats.all().metrics[m as usize]).sum() };
    let mut out = Vec::new();
    let per_run = total(Metric::Stranded) / runs.len().max(1) as f64;
    let unswept = crate::scenario::warnings::unswept_sequential_teams(scenario);
    if per_run > 0.0 && !unswept.is_empty() {
        out.push(format!(
            "{per_run:.1} chats per replication were stranded: they came to a `sequential` team ({}) when nobody of it was online, and sequential distribution never hands out a chat already waiting, so they wait until the customer gives up; give a group of the team `pickup`, or use distribution = \"capacity\"",
            unswept.join(", ")
        ));
    }
    let (unplaced, arrivals) = (total(Metric::Unplaced), total(Metric::Arrivals));
    if arrivals > 0.0 && unplaced / arrivals >= UNPLACED_WARNING {
        let sequential: Vec<&str> = scenario
            .teams
            .iter()
            .filter(|t| {
                matches!(
                    t.distribution,
                    crate::scenario::Distribution::Sequential { .. }
                )
            })
            .map(|t| t.name.as_str())
            .collect();
        let assigning = scenario
            .agent_groups
            .iter()
            .any(|g| g.pickup.as_ref().is_some_and(|p| p.assign));
        let pickup = if assigning {
            "give a group of the team `pickup`, or look more often (`pickup.every`)"
        } else {
            "give a group of the team `pickup` (a supervisor with `assign = true` hands them to the agents)"
        };
        out.push(format!(
            "{:.1}% of the chats ({:.1} per replication) were unplaced: they came to a `sequential` team ({}) while members were online but none could take them (all on a break, Not ready after a missed offer, or at `max_chats`), and sequential distribution never hands out a chat already waiting, so they wait for a manual take or until the customer gives up; stagger the breaks, {pickup}, or use distribution = \"capacity\"",
            100.0 * unplaced / arrivals,
            unplaced / runs.len() as f64,
            sequential.join(", ")
        ));
    }
    out
}

/// Below this share of arrivals, unplaced chats are the odd moment, not a plan's flaw.
const UNPLACED_WARNING: f64 = 0.001;

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
    let mut all = run_all(&[scenario], plan, progress)?;
    Ok(all.remove(0))
}

/// Runs every replication of every scenario (variants, sweep points) as one pool of work, so that
/// both cores stay busy however the replications divide among them. Replication `r` of every
/// scenario draws from the same streams (seed, r): common random numbers, the same customers in
/// every variant (guide `statistics.md#determinism-and-statistics`). Each outcome's wall time is
/// the whole run's.
pub fn run_all(
    scenarios: &[&Scenario],
    plan: Plan,
    progress: Option<&AtomicU64>,
) -> Result<Vec<Outcome>, ThreadsError> {
    let work = run_items(scenarios, plan, 0..items(scenarios.len(), plan), progress)?;
    Ok(assemble(
        work.runs,
        scenarios.len(),
        work.wall,
        work.threads,
    ))
}

/// How many (replication, scenario) items a batch of `scenarios` holds.
pub fn items(scenarios: usize, plan: Plan) -> usize {
    scenarios * plan.replications as usize
}

/// Item `i` of a batch of `scenarios`, replication-major: (scenario, replication). A shard
/// takes a contiguous range of items, so it runs every variant or sweep point for about the
/// same number of replications whatever the points cost.
pub fn item(i: usize, scenarios: usize) -> (usize, u32) {
    (i % scenarios, (i / scenarios) as u32)
}

/// The replications a range of items ran, in item order.
pub struct Work {
    pub runs: Vec<RunOutput>,
    pub wall: Duration,
    pub threads: usize,
}

/// Runs the items `range` of the batch (see `item`) on `plan.threads` workers.
pub fn run_items(
    scenarios: &[&Scenario],
    plan: Plan,
    range: std::ops::Range<usize>,
    progress: Option<&AtomicU64>,
) -> Result<Work, ThreadsError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = plan.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().map_err(|source| ThreadsError {
        threads: plan.threads.unwrap_or(0),
        source,
    })?;
    let started = Instant::now();
    let runs: Vec<RunOutput> = pool.install(|| {
        range
            .into_par_iter()
            .map(|i| {
                let (s, r) = item(i, scenarios.len());
                run_replication(
                    scenarios[s],
                    plan.seed,
                    r,
                    Options {
                        chats_log: plan.chats_log,
                        staffing_focus: plan.staffing_focus,
                    },
                    progress,
                )
            })
            .collect()
    });
    Ok(Work {
        runs,
        wall: started.elapsed(),
        threads: pool.current_num_threads(),
    })
}

/// Every item of a batch, in item order, as one outcome per scenario with its replications
/// in order.
pub fn assemble(
    runs: Vec<RunOutput>,
    scenarios: usize,
    wall: Duration,
    threads: usize,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = (0..scenarios)
        .map(|_| Outcome {
            runs: Vec::with_capacity(runs.len() / scenarios.max(1)),
            wall,
            threads,
        })
        .collect();
    for (i, run) in runs.into_iter().enumerate() {
        outcomes[item(i, scenarios).0].runs.push(run);
    }
    outcomes
}

/// The chats one replication of `scenario` is expected to simulate (first contacts, before
/// returns and transfers): what a run costs, said before it starts.
pub fn expected_chats(scenario: &Scenario) -> f64 {
    let horizon = scenario.simulation.horizon;
    scenario
        .arrivals
        .iter()
        .map(|a| a.profile.volume_over(horizon))
        .sum()
}

/// What `compare` and `check` run: the `[[variants]]` (names and scenarios, in order), or the
/// scenario as written, named after itself, when it has none.
pub fn variants(scenario: &Scenario) -> Result<Vec<(String, Scenario)>, String> {
    if scenario.variants.is_empty() {
        return Ok(vec![(scenario.name.clone(), scenario.clone())]);
    }
    scenario
        .variants
        .iter()
        .map(|v| {
            let s = scenario
                .with(&v.set)
                .map_err(|m| format!("variant \"{}\": {m}", v.name))?;
            Ok((v.name.clone(), s))
        })
        .collect()
}

/// A sweep's grid: the swept paths, and every combination of their values (the first path
/// varies slowest), each with its scenario or the reason it is not a valid one.
pub struct Grid {
    pub paths: Vec<String>,
    pub points: Vec<(Vec<String>, Result<Scenario, String>)>,
}

impl Grid {
    /// `path=value, …: reason` for every invalid point.
    pub fn invalid(&self) -> Vec<String> {
        self.points
            .iter()
            .filter_map(|(values, s)| {
                s.as_ref()
                    .err()
                    .map(|m| format!("{}: {m}", describe(&self.paths, values)))
            })
            .collect()
    }
}

/// Keys a sweep cannot vary: every point runs the same replications on the same customers,
/// which is what makes its points comparable.
const NOT_SWEPT: [(&str, &str); 2] = [
    ("simulation.replications", "-r"),
    ("simulation.seed", "--seed"),
];

/// Builds the grid of `sets`, each `PATH=V1,V2,…`. A malformed `--set` is an error; a value
/// that makes an invalid scenario only marks its points.
pub fn grid(scenario: &Scenario, sets: &[String]) -> Result<Grid, String> {
    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    for set in sets {
        let (path, values) = set.split_once('=').ok_or_else(|| {
            format!("--set {set}: expected PATH=V1,V2,… such as agents.suporte.count=2,3,4")
        })?;
        let values: Vec<String> = values
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(format!("--set {set}: give at least one value"));
        }
        let path = path.trim();
        if axes.iter().any(|(p, _)| p == path) {
            return Err(format!("--set {path}: swept twice"));
        }
        if let Some((_, flag)) = NOT_SWEPT.iter().find(|(p, _)| *p == path) {
            return Err(format!(
                "--set {path}: cannot be swept; every point runs the same replications on the same customers (set it for the whole sweep with {flag})"
            ));
        }
        if let Some(twice) = values
            .iter()
            .enumerate()
            .find_map(|(i, v)| values[..i].contains(v).then_some(v))
        {
            return Err(format!("--set {set}: the value {twice} is given twice"));
        }
        axes.push((path.trim().to_string(), values));
    }
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for (_, values) in &axes {
        points = points
            .iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut next = p.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    let paths: Vec<String> = axes.into_iter().map(|(p, _)| p).collect();
    let built = points
        .into_iter()
        .map(|values| {
            let set: Vec<(String, toml::Value)> = paths
                .iter()
                .zip(&values)
                .map(|(p, v)| (p.clone(), crate::scenario::variants::parse_value(v)))
                .collect();
            let s = scenario.with(&set);
            (values, s)
        })
        .collect();
    Ok(Grid {
        paths,
        points: built,
    })
}

/// `path=value, path=value`: how a sweep point is named.
pub fn describe(paths: &[String], values: &[String]) -> String {
    paths
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
