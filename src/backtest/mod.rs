//! `ccsim backtest`: a log's arrivals replayed through a scenario's teams, agents and rules,
//! and what the simulation says of each interval set against what the log says happened.
//! The simulated band is where a further replication would fall 95% of the time (order
//! statistics of the replications), so the actual interval, one more draw from the same
//! system if the scenario is right, should fall inside it about that often.

use std::path::Path;

use toml_edit::{InlineTable, Item, Table, value};

use crate::chatlog::{self, Columns};
use crate::error::ScenarioError;
use crate::experiment::Outcome;
use crate::scenario::Scenario;
use crate::stats::metrics::IntervalMetric;
use crate::time::{DAY, MINUTE, Millis};

/// What is compared, per interval, in `backtest.csv` order.
pub const KPIS: [IntervalMetric; 4] = [
    IntervalMetric::Arrivals,
    IntervalMetric::AbandonRate,
    IntervalMetric::ServiceLevel,
    IntervalMetric::MeanWait,
];

/// One interval: per KPI the actual value and the simulated mean and band.
#[derive(Clone, Debug)]
pub struct Row {
    /// Simulated time at the interval's start.
    pub start: Millis,
    /// Per KPI: [actual, simulated mean, band low, band high]; NaN where undefined.
    pub values: [[f64; 4]; 4],
}

/// How far the simulation is from the log on one KPI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agreement {
    /// Mean absolute difference between the actual value and the simulated mean.
    pub mae: f64,
    /// Intervals whose actual value lies inside the simulated band, of those compared.
    pub inside: usize,
    pub compared: usize,
}

impl Agreement {
    pub fn share_inside(&self) -> f64 {
        self.inside as f64 / self.compared.max(1) as f64
    }
}

/// Per KPI, over the intervals where the log and the simulation both define it.
pub fn agreement(rows: &[[f64; 4]]) -> Agreement {
    let compared: Vec<&[f64; 4]> = rows
        .iter()
        .filter(|v| v.iter().all(|x| x.is_finite()))
        .collect();
    let n = compared.len();
    Agreement {
        mae: compared.iter().map(|v| (v[0] - v[1]).abs()).sum::<f64>() / n.max(1) as f64,
        inside: compared
            .iter()
            .filter(|v| v[2] <= v[0] && v[0] <= v[3])
            .count(),
        compared: n,
    }
}

pub struct Backtest {
    /// The base scenario with the log as its arrivals, over the log's days.
    pub scenario: Scenario,
    pub outcome: Outcome,
    pub rows: Vec<Row>,
}

impl Backtest {
    /// The log's values over all its chats, in `KPIS` order.
    pub fn whole_log(&self) -> [f64; 4] {
        tally(&self.scenario, |_| 0, 1)[0]
    }

    pub fn agreements(&self) -> Vec<Agreement> {
        (0..KPIS.len())
            .map(|k| {
                let column: Vec<[f64; 4]> = self.rows.iter().map(|r| r.values[k]).collect();
                agreement(&column)
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error(transparent)]
    Log(#[from] chatlog::LogError),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

/// The base scenario replaying the log at `log` (absolute, or relative to where ccsim runs):
/// its arrivals replaced by the log, no warm-up (the log starts where it starts), and a
/// horizon to the end of the log's last day.
pub fn replay_scenario(
    base: &Scenario,
    log: &Path,
    columns: &Columns,
    trace_times: bool,
) -> Result<Scenario, BacktestError> {
    let names: Vec<&str> = base.teams.iter().map(|t| t.name.as_str()).collect();
    let summary = chatlog::read(log, columns, &names, |_| {})?;
    let origin = chatlog::timestamp::week_origin(summary.first, base.simulation.start);
    let days = (summary.last - origin) / DAY + 1;
    let mut doc = base.document();
    let absolute = std::path::absolute(log).unwrap_or_else(|_| log.to_path_buf());
    let mut stream = Table::new();
    stream.insert("name", value("log"));
    stream.insert("trace", value(absolute.display().to_string()));
    if trace_times {
        stream.insert("trace_times", value(true));
    }
    let pairs = columns.renamed();
    if !pairs.is_empty() {
        let mut t = InlineTable::new();
        for (field, header) in pairs {
            t.insert(field, header.into());
        }
        stream.insert("columns", value(t));
    }
    let mut arrivals = toml_edit::ArrayOfTables::new();
    arrivals.push(stream);
    doc.insert("arrivals", Item::ArrayOfTables(arrivals));
    let simulation = doc["simulation"]
        .as_table_mut()
        .expect("a validated scenario has [simulation]");
    simulation.insert("horizon", value(format!("{days}d")));
    simulation.insert("warmup", value("0s"));
    doc.insert("name", value(format!("{}-backtest", base.name)));
    Scenario::parse(&doc.to_string(), &base.path).map_err(Into::into)
}

/// Sets every interval's simulated values (`outcome`, a run of `scenario` from
/// `replay_scenario`) against the log's.
pub fn compare(scenario: Scenario, outcome: Outcome) -> Backtest {
    let sim = &scenario.simulation;
    let intervals = outcome
        .runs
        .first()
        .map_or(0, |r| r.stats.all().intervals.len());
    let actual = tally(&scenario, |at| (at / sim.interval) as usize, intervals);
    let rows = (0..intervals)
        .map(|i| {
            let start = i as Millis * sim.interval;
            let mut values = [[f64::NAN; 4]; 4];
            for (k, &m) in KPIS.iter().enumerate() {
                let mut sims: Vec<f64> = outcome
                    .runs
                    .iter()
                    .map(|r| r.stats.all().intervals[i][m as usize])
                    .filter(|x| x.is_finite())
                    .collect();
                sims.sort_by(f64::total_cmp);
                let (low, high) = band(&sims);
                let mean =
                    crate::stats::pooled::interval(outcome.runs.iter().map(|r| &r.stats), i, m)
                        .mean;
                values[k] = [actual[i][k], mean, low, high];
            }
            Row { start, values }
        })
        .collect();
    Backtest {
        scenario,
        outcome,
        rows,
    }
}

/// The 95% prediction band from sorted replications: the k-th lowest to the k-th highest,
/// k = max(1, ⌊0.025 (n + 1)⌋), which a further replication falls within with probability
/// (n + 1 − 2k) / (n + 1) — 95% from 39 replications, (n − 1)/(n + 1) below.
fn band(sorted: &[f64]) -> (f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let k = ((0.025 * (n + 1) as f64).floor() as usize).max(1);
    (sorted[k - 1], sorted[n - k])
}

/// The log's own values per group of chats (`group` of an arrival time, below `groups`), as
/// the simulation counts them: arrivals, the share abandoned, the share with a first reply
/// within the service-level target, and the mean wait in minutes.
fn tally(scenario: &Scenario, group: impl Fn(Millis) -> usize, groups: usize) -> Vec<[f64; 4]> {
    let sim = &scenario.simulation;
    let mut sums = vec![[0.0f64; 4]; groups];
    for trace in scenario.arrivals.iter().filter_map(|a| a.trace.as_ref()) {
        for c in &trace.chats {
            let Some(s) = sums.get_mut(group(c.at)) else {
                continue;
            };
            s[0] += 1.0;
            s[1] += c.abandoned as u8 as f64;
            s[2] += (!c.abandoned && c.wait <= sim.service_level_target) as u8 as f64;
            s[3] += c.wait as f64 / MINUTE as f64;
        }
    }
    sums.iter()
        .map(|s| {
            let n = s[0];
            let share = |x: f64| if n > 0.0 { x / n } else { f64::NAN };
            [n, share(s[1]), share(s[2]), share(s[3])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_is_where_a_further_replication_falls() {
        let xs: Vec<f64> = (1..=39).map(f64::from).collect();
        assert_eq!(band(&xs), (1.0, 39.0));
        let xs: Vec<f64> = (1..=99).map(f64::from).collect();
        assert_eq!(band(&xs), (2.0, 98.0));
        assert_eq!(band(&[3.0]), (3.0, 3.0));
    }

    #[test]
    fn agreement_counts_only_intervals_both_sides_define() {
        let rows = [
            [1.0, 1.5, 0.5, 2.0],
            [3.0, 1.0, 0.0, 2.0],
            [f64::NAN, 1.0, 0.0, 2.0],
        ];
        let a = agreement(&rows);
        assert_eq!((a.inside, a.compared), (1, 2));
        assert!((a.mae - 1.25).abs() < 1e-12);
    }
}
