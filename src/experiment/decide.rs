//! A sweep that decides (guide `experiments.md#deciding-from-a-sweep`): which metrics a sweep's
//! table shows, which points the scenario's `[[expect]]` bounds rule out, which points no other
//! beats on a trade-off of two metrics, and which feasible point is best for an objective.

use crate::scenario::{Expect, Scenario};
use crate::stats::metrics::{Better, Metric};
use crate::stats::summary::Estimate;

use super::check::{self, ScopedKpis, Verdict};

/// A metric of a part of the centre, as the command line names it: `abandon_rate` for the
/// whole centre, `abandon_rate@vendas` for a team or stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub metric: Metric,
    /// As `summary.csv` names it: `all`, `team:vendas`, `stream:site`.
    pub scope: String,
}

impl Measure {
    /// Reads `metric` or `metric@part`, the part a team or stream of `scenario` (or written
    /// `team:x`/`stream:x`).
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Measure, String> {
        let text = text.trim();
        let (name, part) = match text.split_once('@') {
            Some((m, p)) => (m.trim(), Some(p.trim())),
            None => (text, None),
        };
        let metric = Metric::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            format!(
                "unknown metric \"{name}\"; the metrics are {}",
                known.join(", ")
            )
        })?;
        let Some(part) = part else {
            return Ok(Measure {
                metric,
                scope: "all".into(),
            });
        };
        let teams = scenario.teams.iter().map(|t| format!("team:{}", t.name));
        let streams = scenario
            .arrivals
            .iter()
            .map(|a| format!("stream:{}", a.name));
        let classes = scenario
            .priorities
            .iter()
            .map(|p| format!("priority:{}", p.name));
        let parts: Vec<String> = teams.chain(streams).chain(classes).collect();
        let scope = parts
            .iter()
            .find(|p| *p == part || p.split_once(':').is_some_and(|(_, n)| n == part))
            .ok_or_else(|| {
                format!(
                    "\"{text}\": the scenario has no team, stream or priority class \"{part}\"; it has {}",
                    parts.join(", ")
                )
            })?;
        if !metric.per_scope() {
            return Err(format!(
                "\"{text}\": {name} is measured per agent group, not per team or stream"
            ));
        }
        Ok(Measure {
            metric,
            scope: scope.clone(),
        })
    }

    /// `abandon_rate`, or `abandon_rate@team:vendas`: how sweep.csv's scoped rows and the
    /// report name it.
    pub fn name(&self) -> String {
        match self.scope.as_str() {
            "all" => self.metric.name().to_string(),
            s => format!("{}@{s}", self.metric.name()),
        }
    }

    /// Its estimate among a point's KPIs (`None`: the point does not report the part).
    pub fn of(&self, kpis: &ScopedKpis) -> Option<Estimate> {
        kpis.iter()
            .find(|(s, _)| *s == self.scope)
            .and_then(|(_, es)| es.iter().find(|(m, _)| *m == self.metric))
            .map(|&(_, e)| e)
    }
}

/// Which way a metric should go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    Min,
    Max,
}

impl Goal {
    pub fn name(self) -> &'static str {
        match self {
            Goal::Min => "min",
            Goal::Max => "max",
        }
    }

    /// Whether `a` is better than `b` (strictly).
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Goal::Min => a < b,
            Goal::Max => a > b,
        }
    }
}

/// A metric with the way it should go: `min auto_closed`, `max service_level@vendas`.
#[derive(Clone, Debug, PartialEq)]
pub struct Aim {
    pub goal: Goal,
    pub measure: Measure,
}

impl Aim {
    /// Reads `min METRIC`, `max METRIC` or, for a metric with a way that is better for
    /// customers (abandonment down, service level up), `METRIC` alone.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Aim, String> {
        let text = text.trim();
        let (goal, rest) = match text.split_once(char::is_whitespace) {
            Some(("min", rest)) => (Some(Goal::Min), rest),
            Some(("max", rest)) => (Some(Goal::Max), rest),
            _ => (None, text),
        };
        let measure = Measure::parse(rest, scenario)?;
        let goal = match (goal, measure.metric.better()) {
            (Some(g), _) => g,
            (None, Better::Lower) => Goal::Min,
            (None, Better::Higher) => Goal::Max,
            (None, Better::Neither) => {
                return Err(format!(
                    "\"{text}\": say which way is better, \"min {rest}\" or \"max {rest}\" \
                     ({} is better neither up nor down in general)",
                    measure.metric.name()
                ));
            }
        };
        Ok(Aim { goal, measure })
    }

    /// `min auto_closed`.
    pub fn name(&self) -> String {
        format!("{} {}", self.goal.name(), self.measure.name())
    }
}

/// What the sweep is asked to decide (all optional; none gives today's table).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    /// The table's columns; empty: the default ones.
    pub metrics: Vec<Measure>,
    /// Two metrics set against each other.
    pub tradeoff: Option<[Aim; 2]>,
    pub objective: Option<Aim>,
}

impl Decision {
    /// Reads `--metrics`, `--tradeoff` and `--objective` as given on the command line.
    pub fn parse(
        metrics: Option<&str>,
        tradeoff: Option<&str>,
        objective: Option<&str>,
        scenario: &Scenario,
    ) -> Result<Decision, String> {
        let metrics = match metrics {
            Some(list) => list
                .split(',')
                .filter(|m| !m.trim().is_empty())
                .map(|m| Measure::parse(m, scenario).map_err(|e| format!("--metrics: {e}")))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let tradeoff = match tradeoff {
            Some(pair) => {
                let aims: Vec<Aim> = pair
                    .split(',')
                    .map(|a| Aim::parse(a, scenario).map_err(|e| format!("--tradeoff: {e}")))
                    .collect::<Result<_, _>>()?;
                match <[Aim; 2]>::try_from(aims) {
                    Ok(two) => Some(two),
                    Err(aims) => {
                        return Err(format!(
                            "--tradeoff: two metrics, as \"X,Y\", are set against each other; \
                             \"{pair}\" names {}",
                            aims.len()
                        ));
                    }
                }
            }
            None => None,
        };
        let objective = objective
            .map(|o| Aim::parse(o, scenario).map_err(|e| format!("--objective: {e}")))
            .transpose()?;
        Ok(Decision {
            metrics,
            tradeoff,
            objective,
        })
    }
}

/// Whether a point keeps the scenario's `[[expect]]` bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feasible {
    /// Every bound shown to hold (its 95% interval on the right side).
    Yes,
    /// A bound shown broken (the family's test, Holm at 5% over every bound of every point).
    No,
    /// Neither shown.
    Unsure,
}

impl Feasible {
    pub fn name(self) -> &'static str {
        match self {
            Feasible::Yes => "yes",
            Feasible::No => "no",
            Feasible::Unsure => "unsure",
        }
    }
}

/// Each point's feasibility under `expects`, `points` giving each point's name and KPIs;
/// `None` when there are no bounds. A point is ruled out only when the data show a bound
/// broken, with every bound of every point one family held to a 5% chance of ruling out
/// any feasible point.
pub fn feasibility(points: &[(String, ScopedKpis)], expects: &[Expect]) -> Option<Vec<Feasible>> {
    if expects.is_empty() {
        return None;
    }
    let mut bounds = check::evaluate(points, expects);
    check::decide(&mut bounds, &mut []);
    Some(
        points
            .iter()
            .map(|(name, _)| {
                let mine = bounds.iter().filter(|b| &b.variant == name);
                let mut out = Feasible::Yes;
                for b in mine {
                    match b.verdict {
                        Verdict::Fail => return Feasible::No,
                        Verdict::Inconclusive { .. } => out = Feasible::Unsure,
                        Verdict::Pass => {}
                    }
                }
                out
            })
            .collect(),
    )
}

/// The points no other beats on both aims (on their means): for each, whether it is
/// Pareto-optimal among `candidates` (the others are never optimal).
pub fn pareto(values: &[Option<[f64; 2]>], aims: &[Goal; 2], candidates: &[bool]) -> Vec<bool> {
    let dominates = |a: &[f64; 2], b: &[f64; 2]| {
        let no_worse = (0..2).all(|k| !aims[k].better(b[k], a[k]));
        let better = (0..2).any(|k| aims[k].better(a[k], b[k]));
        no_worse && better
    };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let Some(v) = v.filter(|v| candidates[i] && v.iter().all(|x| x.is_finite())) else {
                return false;
            };
            !values.iter().enumerate().any(|(j, w)| {
                j != i
                    && candidates[j]
                    && w.is_some_and(|w| w.iter().all(|x| x.is_finite()) && dominates(&w, &v))
            })
        })
        .collect()
}

/// The best and the runner-up among the candidate points for `goal`, by their means
/// (undefined means never win).
pub fn ranked(means: &[f64], goal: Goal, candidates: &[bool]) -> (Option<usize>, Option<usize>) {
    let mut order: Vec<usize> = (0..means.len())
        .filter(|&i| candidates[i] && means[i].is_finite())
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (means[a], means[b]);
        let o = x.total_cmp(&y);
        match goal {
            Goal::Min => o,
            Goal::Max => o.reverse(),
        }
        .then(a.cmp(&b))
    });
    (order.first().copied(), order.get(1).copied())
}

/// What a sweep decided, per row of its grid (a skipped point has nothing).
#[derive(Clone, Debug, Default)]
pub struct Decided {
    pub decision: Decision,
    /// Each row's feasibility; empty without `[[expect]]` bounds.
    pub feasible: Vec<Option<Feasible>>,
    pub best: Option<Best>,
}

/// The objective's best point.
#[derive(Clone, Debug)]
pub struct Best {
    pub row: usize,
    /// The runner-up's row and its difference from the best (runner-up − best), paired on
    /// the same customers.
    pub runner_up: Option<(usize, Estimate)>,
    /// No point was shown feasible: the best of those not shown infeasible.
    pub among_unsure: bool,
}

impl Best {
    /// Whether the best beats the runner-up at 95% (the paired interval excludes 0).
    pub fn settled(&self) -> bool {
        self.runner_up
            .is_none_or(|(_, d)| d.ci_low > 0.0 || d.ci_high < 0.0)
    }
}

impl Decided {
    /// Decides for `rows` (each grid row's KPIs, `None` for a skipped point) under
    /// `expects`; `paired(a, b)` is the paired difference b − a of the objective's metric
    /// between rows a and b.
    pub fn of(
        decision: &Decision,
        rows: &[Option<(String, ScopedKpis)>],
        expects: &[Expect],
        paired: impl Fn(usize, usize) -> Estimate,
    ) -> Decided {
        let ran: Vec<(String, ScopedKpis)> = rows.iter().flatten().cloned().collect();
        let mut feasible = Vec::new();
        if let Some(verdicts) = feasibility(&ran, expects) {
            let mut it = verdicts.into_iter();
            feasible = rows
                .iter()
                .map(|r| r.as_ref().and_then(|_| it.next()))
                .collect();
        }
        let best = decision.objective.as_ref().and_then(|aim| {
            let means: Vec<f64> = rows
                .iter()
                .map(|r| {
                    r.as_ref()
                        .and_then(|(_, k)| aim.measure.of(k))
                        .map_or(f64::NAN, |e| e.mean)
                })
                .collect();
            let is = |f: Feasible| -> Vec<bool> {
                (0..rows.len())
                    .map(|i| feasible.is_empty() || feasible[i] == Some(f))
                    .collect()
            };
            let shown = is(Feasible::Yes);
            let (mut best, mut runner) = ranked(&means, aim.goal, &shown);
            let among_unsure = best.is_none() && !feasible.is_empty();
            if among_unsure {
                (best, runner) = ranked(&means, aim.goal, &is(Feasible::Unsure));
            }
            best.map(|row| Best {
                row,
                runner_up: runner.map(|r| (r, paired(row, r))),
                among_unsure,
            })
        });
        Decided {
            decision: decision.clone(),
            feasible,
            best,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_beaten_on_both_aims_is_not_on_the_frontier() {
        let v = |a: f64, b: f64| Some([a, b]);
        // Minimise the first, maximise the second.
        let values = [v(1.0, 1.0), v(2.0, 3.0), v(2.0, 2.0), v(3.0, 3.0), None];
        let all = [true; 5];
        assert_eq!(
            pareto(&values, &[Goal::Min, Goal::Max], &all),
            [true, true, false, false, false]
        );
        // A point left out (infeasible) neither joins the frontier nor pushes others off:
        // without (2, 3), (3, 3) is beaten by nothing.
        let without_second = [true, false, true, true, true];
        assert_eq!(
            pareto(&values, &[Goal::Min, Goal::Max], &without_second),
            [true, false, true, true, false]
        );
    }

    #[test]
    fn the_best_point_is_the_first_by_the_goal_among_candidates() {
        let means = [5.0, 3.0, f64::NAN, 1.0, 4.0];
        let candidates = [true, true, true, false, true];
        assert_eq!(ranked(&means, Goal::Min, &candidates), (Some(1), Some(4)));
        assert_eq!(ranked(&means, Goal::Max, &candidates), (Some(0), Some(4)));
        assert_eq!(ranked(&means, Goal::Min, &[false; 5]), (None, None));
    }
}
