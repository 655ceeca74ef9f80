//! `[[variants]]` and `[[expect]]`: the policies `compare` runs side by side and the KPI
//! bounds `check` holds a run to, each in its metric's own unit.

use super::*;
use crate::scenario::Tolerance;
use crate::scenario::raw::RawExpect;

/// How an absolute tolerance is written for a metric of `unit`.
fn amount(unit: Unit) -> &'static str {
    match unit {
        Unit::Fraction => "a fraction (0.005 is half a point)",
        Unit::Minutes => "minutes, or a duration such as \"30s\"",
        Unit::Hours => "hours",
        Unit::Count => "a number of chats",
    }
}

/// A plain number in text (`"0.5"` of `"0.5 points"`).
fn number_in(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| format!("\"{}\" is not a number", text.trim()))
}

impl Validator<'_> {
    /// The variants as listed (their names are checked with the other sections' names).
    pub(super) fn variants(&mut self, raw: &RawScenario) -> Vec<Variant> {
        raw.variants
            .iter()
            .flatten()
            .map(|v| Variant {
                name: v.name.clone(),
                set: v
                    .set
                    .iter()
                    .flatten()
                    .map(|(p, value)| (p.clone(), value.clone()))
                    .collect(),
            })
            .collect()
    }

    /// The part of the centre a bound's `team = …`, `stream = …` or `priority = …` names, as
    /// `summary.csv` names it (`team:vendas`), or `all` without any. `per_part` says whether the metric
    /// is measured per part.
    pub(super) fn part(
        &mut self,
        k: &KeyPath,
        raw: &RawScenario,
        e: &RawExpect,
        per_part: bool,
    ) -> Option<String> {
        let given: Vec<(&str, &str, &String, Vec<&str>)> = [
            e.team.as_ref().map(|t| {
                (
                    "team",
                    "team",
                    t,
                    raw.teams.iter().map(|t| t.name.as_str()).collect(),
                )
            }),
            e.stream.as_ref().map(|s| {
                let known = raw.arrivals.iter().map(|a| a.name.as_str()).collect();
                ("stream", "arrival stream", s, known)
            }),
            e.priority.as_ref().map(|p| {
                let known = raw
                    .priorities
                    .iter()
                    .flatten()
                    .map(|c| c.name.as_str())
                    .collect();
                ("priority", "priority class", p, known)
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        let (key, kind, name, known) = match given.len() {
            0 => return Some("all".into()),
            1 => given.into_iter().next().expect("one"),
            _ => {
                self.fail(
                    k.key(given[1].0),
                    "give one of `team`, `stream` and `priority`: a bound is on one part of the centre",
                );
                return None;
            }
        };
        if !known.contains(&name.as_str()) {
            self.fail(
                k.key(key),
                format!(
                    "unknown {kind} \"{name}\"; the scenario has {}",
                    quoted(&known)
                ),
            );
            return None;
        }
        if !per_part {
            self.fail(
                k.key(key),
                format!(
                    "`{}` is not measured per {kind}: agents serve several teams, so occupancy is per agent group",
                    e.metric
                ),
            );
            return None;
        }
        Some(format!("{key}:{name}"))
    }

    pub(super) fn expects(&mut self, raw: &RawScenario) -> Vec<Expect> {
        let key = KeyPath::root().key("expect");
        let mut out = Vec::new();
        for (i, e) in raw.expect.iter().flatten().enumerate() {
            let k = key.index(i);
            let Some(metric) = Metric::from_name(&e.metric) else {
                let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
                self.fail(
                    k.key("metric"),
                    format!(
                        "unknown metric \"{}\"; expected one of {}",
                        e.metric,
                        names.join(", ")
                    ),
                );
                continue;
            };
            let min = e
                .min
                .as_ref()
                .and_then(|b| self.bound(k.key("min"), metric.name(), metric.unit(), b));
            let max = e
                .max
                .as_ref()
                .and_then(|b| self.bound(k.key("max"), metric.name(), metric.unit(), b));
            let given = |b: &Option<RawShare>, parsed: Option<f64>| b.is_none() || parsed.is_some();
            if !given(&e.min, min) || !given(&e.max, max) {
                continue;
            }
            let tolerance = match &e.regression {
                None => Tolerance::default_for(metric.unit()),
                Some(raw) => match self.tolerance(k.key("regression"), metric, raw) {
                    Some(t) => t,
                    None => continue,
                },
            };
            match (min, max) {
                (None, None) => self.fail(k.clone(), "needs `min`, `max` or both"),
                (Some(lo), Some(hi)) if lo > hi => {
                    self.fail(k.key("max"), "must not be below `min`")
                }
                _ => {
                    let Some(scope) = self.part(&k, raw, e, metric.per_scope()) else {
                        continue;
                    };
                    out.push(Expect {
                        metric,
                        min,
                        max,
                        tolerance,
                        scope,
                    })
                }
            }
        }
        out
    }

    /// `regression`: `"10%"` of the reference's value, `"0.5 points"` of a share, or an
    /// amount in the metric's own unit (a share as a fraction, a time in minutes or as a
    /// duration, a count as a number).
    fn tolerance(&mut self, key: KeyPath, metric: Metric, raw: &RawShare) -> Option<Tolerance> {
        let parsed = match raw {
            RawShare::Text(t) => {
                let t = t.trim();
                if let Some(x) = t.strip_suffix('%') {
                    number_in(x).map(|x| Tolerance::Relative(x / 100.0))
                } else if let Some(x) = t.strip_suffix("points").or_else(|| t.strip_suffix("point"))
                {
                    if metric.unit() == Unit::Fraction {
                        number_in(x).map(|x| Tolerance::Absolute(x / 100.0))
                    } else {
                        Err(format!(
                            "`{}` is not a share, so it has no percentage points; give \"10%\" (of the reference's value) or an amount: {}",
                            metric.name(),
                            amount(metric.unit())
                        ))
                    }
                } else if metric.unit() == Unit::Minutes {
                    parse_duration(t)
                        .map(|ms| Tolerance::Absolute(ms as f64 / MINUTE as f64))
                        .map_err(|m| format!("`{}` is in minutes: {m}", metric.name()))
                } else {
                    Err(format!(
                        "\"{t}\" is not a tolerance; give \"10%\" (of the reference's value), \"0.5 points\" (of a share) or an amount: {}",
                        amount(metric.unit())
                    ))
                }
            }
            RawShare::Number(x) => Ok(Tolerance::Absolute(*x)),
        };
        match parsed {
            Ok(Tolerance::Absolute(x) | Tolerance::Relative(x)) if !(x >= 0.0 && x.is_finite()) => {
                self.fail(key, "must be 0 or more");
                None
            }
            Ok(t) => Some(t),
            Err(m) => {
                self.fail(key, m);
                None
            }
        }
    }

    /// A KPI bound in the metric's own unit: a share as `0.05` or `"5%"`, a time in minutes
    /// or as a duration (`"90s"`), a count as a number.
    pub(super) fn bound(
        &mut self,
        key: KeyPath,
        metric: &str,
        unit: Unit,
        raw: &RawShare,
    ) -> Option<f64> {
        let parsed = match (unit, raw) {
            (Unit::Fraction, _) => units::parse_share(raw),
            (Unit::Minutes, RawShare::Text(t)) => parse_duration(t)
                .map(|ms| ms as f64 / MINUTE as f64)
                .map_err(|m| format!("`{metric}` is in minutes: {m}")),
            (_, RawShare::Number(x)) if x.is_finite() => Ok(*x),
            (unit, RawShare::Number(x)) => {
                Err(format!("must be a number, got {x} ({})", unit.name()))
            }
            (_, RawShare::Text(t)) => Err(format!(
                "`{metric}` is a count, not a share or a time: write a number, not \"{t}\""
            )),
        };
        match parsed {
            Ok(x) => Some(x),
            Err(m) => {
                self.fail(key, m);
                None
            }
        }
    }
}
