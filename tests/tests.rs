//! The integration suite, one binary: the product as a user runs it.

mod adversarial;
mod broken;
mod centre_staffing;
mod charts;
mod cli;
mod concurrency;
mod decide;
mod determinism;
mod erlang;
mod estimators;
mod experiments;
mod fit_logs;
mod from_data;
mod gate;
mod guide;
mod handoffs;
mod inactivity;
mod layers;
mod overflow;
mod policies;
mod priorities;
mod seed_rules;
mod shards;
mod shifts;
mod speeds;
mod spreadsheets;
mod staffing;
mod synthetic_log;
mod trust;
mod turns;
mod what_if;

use std::path::{Path, PathBuf};

use ccsim::experiment::{self, Overrides, Plan};
use ccsim::scenario::Scenario;
use ccsim::stats::collector::ReplicationStats;

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn ccsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ccsim").expect("the ccsim binary is built")
}

/// The first of `names` that runs (`--version`), for a test that opens a report as a person
/// would (a spreadsheet, a browser); `None` where none is installed. CI installs `package`,
/// so there a missing one fails rather than skips.
pub fn installed(names: &[&'static str], package: &str) -> Option<&'static str> {
    let found = names.iter().copied().find(|p| {
        std::process::Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have {} (.ci/run installs Debian's {package})",
            names[0]
        );
        eprintln!(
            "skipped: {} is not installed (apt-get install {package})",
            names[0]
        );
    }
    found
}

/// A scenario written inline by a test; a mistake in it fails the test with the message.
pub fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("inline-test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every replication's statistics, as the scenario asks for them, on two threads.
pub fn replications(s: &Scenario) -> Vec<ReplicationStats> {
    let plan = Plan::new(s, Overrides::default(), Some(2));
    experiment::run(s, plan, None)
        .unwrap()
        .runs
        .into_iter()
        .map(|r| r.stats)
        .collect()
}

/// Metric `m` of part `scope` pooled over `runs` as the report pools it (a ratio of sums),
/// with its 99.9% half-width: what the checks against exact answers hold the simulator to.
pub fn at_999(
    runs: &[ReplicationStats],
    scope: usize,
    m: ccsim::stats::metrics::Metric,
) -> (f64, f64) {
    let e = ccsim::stats::pooled::metric_in(runs, scope, m);
    let t = ccsim::stats::summary::t_quantile(0.999, e.n - 1);
    (e.mean, t * e.std / (e.n as f64).sqrt())
}

/// The stationary distribution of a continuous-time Markov chain given each state's
/// transitions `(to, rate)`, by Gauss–Seidel on the balance equations: what the exact-answer
/// tests of routing rules compare the simulator with.
pub fn stationary(moves: &[Vec<(usize, f64)>]) -> Vec<f64> {
    let n = moves.len();
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut out = vec![0.0; n];
    for (from, list) in moves.iter().enumerate() {
        for &(to, rate) in list {
            incoming[to].push((from, rate));
            out[from] += rate;
        }
    }
    let mut p = vec![1.0 / n as f64; n];
    for _ in 0..100_000 {
        let mut change: f64 = 0.0;
        for i in 0..n {
            let v = incoming[i].iter().map(|&(j, r)| p[j] * r).sum::<f64>() / out[i];
            change = change.max((v - p[i]).abs());
            p[i] = v;
        }
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
        if change < 1e-16 {
            break;
        }
    }
    p
}
