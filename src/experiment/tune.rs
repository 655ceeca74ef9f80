//! `ccsim tune` (guide `experiments.md#tuning-with-ccsim-tune`): where a grid is too big to sweep,
//! a pattern search over a box of settings on a grid of the given steps. From the box's centre it
//! moves to the best neighbour (one step along one path) that keeps the `[[expect]]` bounds, while
//! one is better on the objective's mean; at a point no neighbour beats it asks whether the point
//! beats every feasible neighbour at 95%, paired on the same customers (every point runs the same
//! replications: common random numbers), and doubles the replications of the neighbourhood while it
//! does not, up to a limit.

use std::collections::BTreeMap;

use crate::engine::RunOutput;
use crate::scenario::Scenario;
use crate::scenario::scopes::Scopes;
use crate::scenario::units::{duration, parse_duration};
use crate::stats::metrics::Metric;
use crate::stats::pooled;
use crate::stats::summary::{Estimate, Weighted, paired_ratio_difference};

use super::check::ScopedKpis;
use super::decide::{Aim, Feasible, feasibility};
use super::{Plan, ThreadsError, run_all};

/// One path's values, from `PATH=LO..HI` or `PATH=LO..HI/STEP`.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub path: String,
    pub values: Vec<String>,
}

/// Most values an axis may have: a finer grid is a sweep's job, not a search's.
const MAX_VALUES: usize = 1000;

impl Axis {
    /// Reads `PATH=LO..HI[/STEP]`: whole numbers (step 1 by default), durations (`1m..10m/30s`)
    /// or shares (`5%..50%/5%`), a tenth of the range a step when none is given.
    pub fn parse(text: &str) -> Result<Axis, String> {
        let bad = |why: &str| {
            format!(
                "--vary {text}: {why}; write PATH=LO..HI or PATH=LO..HI/STEP, such as inactivity.auto_close.after=5m..60m/5m"
            )
        };
        let (path, range) = text.split_once('=').ok_or_else(|| bad("no `=`"))?;
        let (range, step) = match range.split_once('/') {
            Some((r, s)) => (r, Some(s.trim())),
            None => (range, None),
        };
        let (lo, hi) = range
            .split_once("..")
            .ok_or_else(|| bad("no `..` between LO and HI"))?;
        let (lo, hi) = (lo.trim(), hi.trim());
        let kind = Kind::of(lo)
            .filter(|k| Kind::of(hi) == Some(*k))
            .ok_or_else(|| bad("LO and HI must be two numbers, two durations or two shares"))?;
        let (a, b) = (kind.read(lo)?, kind.read(hi)?);
        if b <= a {
            return Err(bad("HI must be above LO"));
        }
        let step = match step {
            Some(s) => kind.read(s).map_err(|e| bad(&e))?,
            None if kind == Kind::Whole => 1.0,
            None => (b - a) / 10.0,
        };
        if step <= 0.0 || !step.is_finite() {
            return Err(bad("the step must be above 0"));
        }
        if kind == Kind::Whole && step.fract() != 0.0 {
            return Err(bad("a whole-number range takes a whole step"));
        }
        let count = ((b - a) / step + 1e-9).floor() as usize + 1;
        if count > MAX_VALUES {
            return Err(bad(&format!("{count} values; at most {MAX_VALUES}")));
        }
        let values = (0..count)
            .map(|i| kind.write(a + step * i as f64))
            .collect();
        Ok(Axis {
            path: path.trim().to_string(),
            values,
        })
    }
}

impl Axis {
    /// Every `--vary`, each path once.
    pub fn parse_all(vary: &[String]) -> Result<Vec<Axis>, String> {
        let axes = vary
            .iter()
            .map(|v| Axis::parse(v))
            .collect::<Result<Vec<_>, _>>()?;
        match axes
            .iter()
            .enumerate()
            .find(|(i, a)| axes[..*i].iter().any(|b| b.path == a.path))
        {
            Some((_, twice)) => Err(format!("--vary {}: varied twice", twice.path)),
            None => Ok(axes),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Whole,
    Number,
    Duration,
    Share,
}

impl Kind {
    fn of(text: &str) -> Option<Kind> {
        if text.parse::<i64>().is_ok() {
            Some(Kind::Whole)
        } else if text.parse::<f64>().is_ok_and(f64::is_finite) {
            Some(Kind::Number)
        } else if text.ends_with('%') {
            Some(Kind::Share)
        } else if parse_duration(text).is_ok() {
            Some(Kind::Duration)
        } else {
            None
        }
    }

    /// In the unit the grid is laid in: minutes for a duration, a fraction for a share.
    fn read(self, text: &str) -> Result<f64, String> {
        let text = text.trim();
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .map_err(|_| format!("\"{text}\" is not a number"))
        };
        match self {
            Kind::Whole | Kind::Number => number(text),
            Kind::Share => number(text.trim_end_matches('%')).map(|x| x / 100.0),
            Kind::Duration => parse_duration(text).map(|ms| ms as f64 / 60_000.0),
        }
    }

    fn write(self, x: f64) -> String {
        match self {
            Kind::Whole => format!("{}", x.round() as i64),
            Kind::Number => format!("{}", (x * 1e6).round() / 1e6),
            Kind::Share => format!("{}%", (x * 1e6).round() / 1e4),
            Kind::Duration => duration(x),
        }
    }
}

/// The scenario with `--expect` bounds added, each `METRIC[@PART] <= X` or `>= X` (a share as
/// `5%` or `0.05`, a time as a duration), as `[[expect]]` tables after the file's own: they
/// are checked as the file's are, and `tuned.toml` carries them.
pub fn with_expects(scenario: &Scenario, expects: &[String]) -> Result<Scenario, String> {
    if expects.is_empty() {
        return Ok(scenario.clone());
    }
    let mut text = scenario.text().to_string();
    for e in expects {
        let bad = |why: &str| {
            format!(
                "--expect {e}: {why}; write METRIC<=VALUE or METRIC>=VALUE, such as \"abandon_rate<=5%\" or \"service_level@vendas>=80%\""
            )
        };
        let (left, bound, value) = if let Some((l, v)) = e.split_once("<=") {
            (l, "max", v)
        } else if let Some((l, v)) = e.split_once(">=") {
            (l, "min", v)
        } else {
            return Err(bad("no `<=` or `>=`"));
        };
        let (metric, part) = match left.split_once('@') {
            Some((m, p)) => (m.trim(), Some(p.trim())),
            None => (left.trim(), None),
        };
        let value = value.trim();
        if value.is_empty() || metric.is_empty() {
            return Err(bad("a metric and a value are needed"));
        }
        let value = match value.parse::<f64>() {
            Ok(x) if x.is_finite() => format!("{x}"),
            _ => format!("{value:?}"),
        };
        let part = match part {
            None => String::new(),
            Some(p) => {
                let (kind, name) = match p.split_once(':') {
                    Some((k @ ("team" | "stream"), n)) => (k, n),
                    _ if scenario.teams.iter().any(|t| t.name == p) => ("team", p),
                    _ if scenario.arrivals.iter().any(|a| a.name == p) => ("stream", p),
                    _ => return Err(bad(&format!("the scenario has no team or stream \"{p}\""))),
                };
                format!("{kind} = {name:?}\n")
            }
        };
        text.push_str(&format!(
            "\n# --expect {e}\n[[expect]]\nmetric = {metric:?}\n{bound} = {value}\n{part}"
        ));
    }
    Scenario::parse(&text, &scenario.path).map_err(|err| {
        // The bounds were not in the file: say what the command line gave, not a line of it.
        match err {
            crate::error::ScenarioError::Invalid(problems) => problems
                .iter()
                .map(|p| format!("--expect: {}: {}", p.key, p.message))
                .collect::<Vec<_>>()
                .join("\n"),
            other => format!("--expect: {other}"),
        }
    })
}

/// What `tune` searches for.
pub struct Tuning<'a> {
    pub axes: Vec<Axis>,
    pub objective: Aim,
    /// The replications a point may reach while the best is not settled.
    pub max_replications: u32,
    pub scenario: &'a Scenario,
}

/// A point of the grid as evaluated last: its index along each axis, its values and scenario,
/// and its runs.
pub struct Evaluated {
    pub values: Vec<String>,
    /// `path=value, …`, as a sweep names its points.
    pub name: String,
    pub scenario: Scenario,
    pub runs: Vec<RunOutput>,
    /// Its KPIs per part of the centre, and whether it keeps the bounds, judged on its own
    /// (`None` without bounds): each point a family of its own, so that a verdict does not
    /// change with the neighbourhood it is seen from and the search cannot circle.
    pub kpis: ScopedKpis,
    pub feasible: Option<Feasible>,
}

impl Evaluated {
    /// Not shown to break a bound.
    fn allowed(&self) -> bool {
        self.feasible != Some(Feasible::No)
    }
}

/// What the search found.
pub struct Tuned {
    /// Every point evaluated, in the order first evaluated, with its last evaluation.
    pub points: Vec<Evaluated>,
    /// The chosen point's position in `points`.
    pub best: usize,
    /// Each feasible neighbour of the best, with its difference from it on the objective
    /// (neighbour − best), paired.
    pub neighbours: Vec<(usize, Estimate)>,
    /// Whether the best beats every feasible neighbour at 95%.
    pub settled: bool,
    pub replications: u32,
    /// Simulations run (point × replication), re-runs included.
    pub simulations: u64,
    /// Moves from the start to the best.
    pub moves: usize,
}

/// The KPIs of `runs` per part of the centre, the whole centre first, as `check` judges them.
pub fn scoped_kpis(scenario: &Scenario, runs: &[RunOutput]) -> ScopedKpis {
    let parts = Scopes::of(scenario);
    let count = runs.first().map_or(1, |r| r.stats.scopes.len());
    (0..count.min(parts.len()))
        .map(|s| {
            let kpis = Metric::ALL
                .iter()
                .filter(|&&m| {
                    (s == crate::scenario::scopes::ALL || m.per_scope())
                        && pooled::reported(runs.iter().map(|r| &r.stats), m)
                })
                .map(|&m| (m, pooled::metric_in(runs.iter().map(|r| &r.stats), s, m)))
                .collect();
            (parts.name(s).to_string(), kpis)
        })
        .collect()
}

/// The paired difference `b − a` of `metric` in part `scope` between two points' runs.
fn paired(a: &Evaluated, b: &Evaluated, aim: &Aim) -> Estimate {
    let values = |e: &Evaluated| -> Vec<Weighted> {
        let s = Scopes::of(&e.scenario)
            .position(&aim.measure.scope)
            .unwrap_or(crate::scenario::scopes::ALL);
        e.runs
            .iter()
            .map(|r| pooled::value_in(&r.stats, s, aim.measure.metric))
            .collect()
    };
    paired_ratio_difference(&values(a), &values(b))
}

/// Searches the box. Every evaluation runs `replications` replications from the plan's seed.
pub fn tune(tuning: &Tuning, plan: Plan) -> Result<Tuned, TuneError> {
    let aim = &tuning.objective;
    let mut replications = plan.replications;
    let mut points: Vec<Evaluated> = Vec::new();
    // Each grid point evaluated: its position in `points`.
    let mut at: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut simulations = 0u64;
    let mut current: Vec<usize> = tuning
        .axes
        .iter()
        .map(|a| (a.values.len() - 1) / 2)
        .collect();
    let mut moves = 0;
    let mut invalid: std::collections::BTreeSet<Vec<usize>> = Default::default();
    loop {
        // The current point and its neighbours, each evaluated at the current replications.
        let mut near = vec![current.clone()];
        for (k, axis) in tuning.axes.iter().enumerate() {
            for delta in [-1i64, 1] {
                let i = current[k] as i64 + delta;
                if i >= 0 && (i as usize) < axis.values.len() {
                    let mut n = current.clone();
                    n[k] = i as usize;
                    near.push(n);
                }
            }
        }
        near.retain(|n| !invalid.contains(n) || *n == current);
        let due: Vec<Vec<usize>> = near
            .iter()
            .filter(|n| {
                at.get(*n)
                    .is_none_or(|&p| points[p].runs.len() < replications as usize)
            })
            .cloned()
            .collect();
        let mut built = Vec::new();
        for index in &due {
            let values: Vec<String> = tuning
                .axes
                .iter()
                .zip(index)
                .map(|(a, &i)| a.values[i].clone())
                .collect();
            let set: Vec<(String, toml::Value)> = tuning
                .axes
                .iter()
                .zip(&values)
                .map(|(a, v)| (a.path.clone(), crate::scenario::variants::parse_value(v)))
                .collect();
            match tuning.scenario.with(&set) {
                Ok(scenario) => built.push((index.clone(), values, scenario)),
                // A neighbour that is no valid scenario (a second alert before the first)
                // is outside the box; the start must be inside it.
                Err(why) if *index == current && points.is_empty() => {
                    return Err(TuneError::Invalid(
                        super::describe(&paths(tuning), &values),
                        why,
                    ));
                }
                Err(_) => {
                    invalid.insert(index.clone());
                }
            }
        }
        near.retain(|n| !invalid.contains(n));
        let run_plan = Plan {
            replications,
            ..plan
        };
        let refs: Vec<&Scenario> = built.iter().map(|(_, _, s)| s).collect();
        let outcomes = run_all(&refs, run_plan, None)?;
        simulations += refs.len() as u64 * replications as u64;
        for ((index, values, scenario), outcome) in built.into_iter().zip(outcomes) {
            let name = super::describe(&paths(tuning), &values);
            let kpis = scoped_kpis(&scenario, &outcome.runs);
            let feasible = feasibility(&[(name.clone(), kpis.clone())], &tuning.scenario.expects)
                .map(|f| f[0]);
            let e = Evaluated {
                values,
                name,
                scenario,
                runs: outcome.runs,
                kpis,
                feasible,
            };
            match at.get(&index) {
                Some(&p) => points[p] = e,
                None => {
                    points.push(e);
                    at.insert(index, points.len() - 1);
                }
            }
        }
        // Among the neighbourhood, the points that keep the bounds, by the objective's mean.
        let hood: Vec<usize> = near.iter().map(|n| at[n]).collect();
        let allowed = |i: usize| points[hood[i]].allowed();
        let mean = |i: usize| {
            aim.measure
                .of(&points[hood[i]].kpis)
                .map_or(f64::NAN, |e| e.mean)
        };
        let here = 0;
        let better = (1..hood.len())
            .filter(|&i| allowed(i) && mean(i).is_finite())
            .filter(|&i| !allowed(here) || aim.goal.better(mean(i), mean(here)))
            .min_by(|&a, &b| match aim.goal.better(mean(a), mean(b)) {
                true => std::cmp::Ordering::Less,
                false => std::cmp::Ordering::Greater,
            });
        if let Some(i) = better {
            current = near[i].clone();
            moves += 1;
            if moves > MAX_MOVES {
                return Err(TuneError::Wandering(MAX_MOVES));
            }
            continue;
        }
        let best = hood[here];
        let neighbours: Vec<(usize, Estimate)> = (1..hood.len())
            .filter(|&i| allowed(i))
            .map(|i| (hood[i], paired(&points[best], &points[hood[i]], aim)))
            .collect();
        let beaten = |d: &Estimate| match aim.goal {
            crate::experiment::decide::Goal::Min => d.ci_low > 0.0,
            crate::experiment::decide::Goal::Max => d.ci_high < 0.0,
        };
        let settled = allowed(here) && neighbours.iter().all(|(_, d)| beaten(d));
        // Nothing near keeps the bounds: more replications would not move the search.
        let stuck = !(0..hood.len()).any(allowed);
        if settled || stuck || replications >= tuning.max_replications {
            return Ok(Tuned {
                points,
                best,
                neighbours,
                settled,
                replications,
                simulations,
                moves,
            });
        }
        replications = (replications * 2).min(tuning.max_replications);
    }
}

/// Moves after which a search is taken to wander on noise rather than climb.
const MAX_MOVES: usize = 500;

fn paths(tuning: &Tuning) -> Vec<String> {
    tuning.axes.iter().map(|a| a.path.clone()).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    #[error("the search starts at the middle of the box, {0}, which is not a valid scenario: {1}")]
    Invalid(String, String),
    #[error("the search moved {0} times without settling")]
    Wandering(usize),
    #[error(transparent)]
    Threads(#[from] ThreadsError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_is_a_grid_of_whole_numbers_durations_or_shares() {
        let a = Axis::parse("agents.support.count=2..6").unwrap();
        assert_eq!(a.path, "agents.support.count");
        assert_eq!(a.values, ["2", "3", "4", "5", "6"]);
        let d = Axis::parse("inactivity.auto_close.after=5m..1h/15m").unwrap();
        assert_eq!(d.values, ["5m", "20m", "35m", "50m"]);
        let s = Axis::parse("x=5%..20%/5%").unwrap();
        assert_eq!(s.values, ["5%", "10%", "15%", "20%"]);
        let halves = Axis::parse("x=30s..2m/30s").unwrap();
        assert_eq!(halves.values, ["30s", "1m", "1m30s", "2m"]);
    }

    #[test]
    fn a_malformed_axis_says_how_to_write_one() {
        for bad in [
            "x",
            "x=1..",
            "x=5..2",
            "x=1m..5",
            "x=1..5/0",
            "x=1..5/0.5",
            "x=0..1000000",
        ] {
            let e = Axis::parse(bad).unwrap_err();
            assert!(e.starts_with(&format!("--vary {bad}:")), "{e}");
        }
    }
}
