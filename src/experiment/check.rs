//! `ccsim check`: KPI bounds judged with their confidence intervals (SPEC §5), and a run held
//! against a baseline report. A bound fails only when the 95% interval lies wholly on the
//! wrong side of it, so noise alone does not fail a build.

use std::collections::BTreeMap;
use std::path::Path;

use crate::scenario::Expect;
use crate::stats::metrics::{Metric, Unit};
use crate::stats::summary::{Estimate, t_quantile};

/// One bound of one variant, judged.
#[derive(Clone, Debug)]
pub struct BoundCheck {
    pub variant: String,
    pub metric: Metric,
    pub bound: Bound,
    pub estimate: Estimate,
    pub verdict: Verdict,
}

/// One expectation of one variant against the baseline report.
#[derive(Clone, Debug)]
pub struct BaselineCheck {
    pub variant: String,
    pub metric: Metric,
    /// Now minus baseline; `None` when the baseline has no such variant and metric.
    pub diff: Option<Estimate>,
    pub regressed: bool,
}

/// Every bound of every variant: `kpis` gives each variant's name and estimates.
pub fn evaluate(kpis: &[(String, Vec<(Metric, Estimate)>)], expects: &[Expect]) -> Vec<BoundCheck> {
    let mut out = Vec::new();
    for (variant, estimates) in kpis {
        for x in expects {
            let Some(&(_, e)) = estimates.iter().find(|(m, _)| *m == x.metric) else {
                continue;
            };
            for (bound, verdict) in judge(x, &e) {
                out.push(BoundCheck {
                    variant: variant.clone(),
                    metric: x.metric,
                    bound,
                    estimate: e,
                    verdict,
                });
            }
        }
    }
    out
}

/// Every expectation's metric of every variant against the baseline.
pub fn hold_against(
    kpis: &[(String, Vec<(Metric, Estimate)>)],
    expects: &[Expect],
    baseline: &BTreeMap<(String, String), BaselineRow>,
) -> Vec<BaselineCheck> {
    let mut out = Vec::new();
    for (variant, estimates) in kpis {
        for x in expects {
            let Some(&(_, e)) = estimates.iter().find(|(m, _)| *m == x.metric) else {
                continue;
            };
            let diff = baseline
                .get(&(variant.clone(), x.metric.name().to_string()))
                .map(|b| against_baseline(&e, b));
            out.push(BaselineCheck {
                variant: variant.clone(),
                metric: x.metric,
                regressed: diff.is_some_and(|d| regressed(x, &d)),
                diff,
            });
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    Min(f64),
    Max(f64),
}

impl Bound {
    pub fn value(self) -> f64 {
        match self {
            Bound::Min(v) | Bound::Max(v) => v,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// The bound lies inside the interval; about `needed` replications would settle it (none
    /// would when the mean sits on the bound).
    Inconclusive {
        needed: Option<u64>,
    },
    Fail,
}

/// The bounds of an expectation, each judged against the metric's estimate over `n`
/// replications.
pub fn judge(expect: &Expect, e: &Estimate) -> Vec<(Bound, Verdict)> {
    let bounds = expect
        .min
        .map(Bound::Min)
        .into_iter()
        .chain(expect.max.map(Bound::Max));
    bounds.map(|b| (b, verdict(b, e))).collect()
}

fn verdict(bound: Bound, e: &Estimate) -> Verdict {
    let v = bound.value();
    let (wrong, right) = match bound {
        Bound::Min(_) => (e.ci_high < v, e.ci_low >= v),
        Bound::Max(_) => (e.ci_low > v, e.ci_high <= v),
    };
    if e.ci_low.is_nan() {
        // One replication: no interval to judge with.
        return Verdict::Inconclusive { needed: None };
    }
    if wrong {
        Verdict::Fail
    } else if right {
        Verdict::Pass
    } else {
        // The half-width shrinks as 1/sqrt(n): about n' = n (h / |mean - bound|)^2 settles it
        // (a little fewer, as Student's t also narrows with n).
        let gap = (e.mean - v).abs();
        let needed =
            (gap > 0.0).then(|| (e.n as f64 * (e.half_width() / gap).powi(2) - 1e-9).ceil() as u64);
        Verdict::Inconclusive { needed }
    }
}

/// One row of a baseline report's `summary.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaselineRow {
    pub mean: f64,
    pub std: f64,
    pub n: usize,
}

/// Reads `summary.csv` of an earlier report: (variant, metric) → its row. A baseline that
/// cannot be trusted (a mean or spread that is not a number, fewer than two replications) is
/// refused rather than compared against: a `NaN` would make every comparison pass.
pub fn read_baseline(dir: &Path) -> Result<BTreeMap<(String, String), BaselineRow>, String> {
    let path = dir.join("summary.csv");
    let bad = |what: String| format!("{}: bad baseline: {what}", path.display());
    let unreadable =
        |e: std::io::Error| format!("{}: cannot read the baseline: {e}", path.display());
    let text = crate::io::read_to_string(&path).map_err(unreadable)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            bad(format!(
                "not a ccsim summary.csv: no `{name}` column (header {})",
                header.join(",")
            ))
        })
    };
    let (v, m, mean, std, n) = (
        column("variant")?,
        column("metric")?,
        column("mean")?,
        column("std")?,
        column("replications")?,
    );
    let mut rows = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| bad(format!("line {line}: {e}")))?;
        let number = |j: usize, what: &str| -> Result<f64, String> {
            let cell = r.get(j).unwrap_or("");
            match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(bad(format!(
                    "line {line}: {what} of {} is \"{cell}\", not a number",
                    &r[m]
                ))),
            }
        };
        let undefined = r.get(mean).is_some_and(str::is_empty);
        let row = if undefined {
            // No chat to average over in the baseline (an empty cell, as ccsim writes it):
            // nothing to hold this run against for that metric.
            None
        } else {
            let replications: usize = r.get(n).and_then(|c| c.parse().ok()).unwrap_or(0);
            if replications < 2 {
                return Err(bad(format!(
                    "line {line}: {} has {replications} replications; a baseline needs at least 2 to compare with",
                    &r[m]
                )));
            }
            let row = BaselineRow {
                mean: number(mean, "the mean")?,
                std: number(std, "the std")?,
                n: replications,
            };
            // A spread that is negative, or so large that its square is infinite, would make
            // every interval [-inf, inf] and every check pass.
            if row.std < 0.0 || !(row.std * row.std).is_finite() {
                return Err(bad(format!(
                    "line {line}: the std of {} is {}; a spread is a finite number of at least 0",
                    &r[m], row.std
                )));
            }
            if let Some(metric) = Metric::from_name(&r[m]) {
                let unit = metric.unit();
                let inside = match unit {
                    Unit::Fraction => (0.0..=1.0).contains(&row.mean),
                    Unit::Count | Unit::Minutes | Unit::Hours => row.mean >= 0.0,
                };
                if !inside {
                    return Err(bad(format!(
                        "line {line}: the mean of {} is {}, outside what a {} can be",
                        &r[m],
                        row.mean,
                        match unit {
                            Unit::Fraction => "share (0 to 1)",
                            _ => "count or time (0 or more)",
                        }
                    )));
                }
            }
            Some(row)
        };
        if let Some(row) = row {
            rows.insert((r[v].to_string(), r[m].to_string()), row);
        }
    }
    Ok(rows)
}

/// Refuses a baseline that lacks a variant of this run: it is of another scenario (or the
/// variants were renamed), and comparing would silently check nothing.
pub fn covers(
    variants: &[String],
    baseline: &BTreeMap<(String, String), BaselineRow>,
) -> Result<(), String> {
    let quoted = |names: &mut dyn Iterator<Item = &String>| {
        names
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let has = |v: &String| baseline.keys().any(|(bv, _)| bv == v);
    if variants.iter().all(has) {
        return Ok(());
    }
    let mut present: Vec<&String> = baseline.keys().map(|(v, _)| v).collect();
    present.dedup();
    Err(format!(
        "bad baseline: it has no variant {} of this scenario (it has {}); was it written by another scenario?",
        quoted(&mut variants.iter().filter(|v| !has(v))),
        quoted(&mut present.into_iter())
    ))
}

/// Now minus baseline, with a Welch 95% interval (the runs are independent).
pub fn against_baseline(now: &Estimate, base: &BaselineRow) -> Estimate {
    let (v1, v2) = (
        now.std.powi(2) / now.n as f64,
        base.std.powi(2) / base.n as f64,
    );
    let se = (v1 + v2).sqrt();
    let df = (v1 + v2).powi(2)
        / (v1.powi(2) / (now.n as f64 - 1.0) + v2.powi(2) / (base.n as f64 - 1.0));
    let half = t_quantile(0.95, df.max(1.0).floor() as usize) * se;
    let diff = now.mean - base.mean;
    Estimate {
        mean: diff,
        std: f64::NAN,
        ci_low: diff - half,
        ci_high: diff + half,
        n: now.n,
    }
}

/// A regression against the baseline: the difference lies wholly on the side the bound calls
/// worse (higher for a `max`, lower for a `min`).
pub fn regressed(expect: &Expect, diff: &Estimate) -> bool {
    if expect.max.is_some() {
        diff.ci_low > 0.0
    } else {
        diff.ci_high < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(mean: f64, half: f64) -> Estimate {
        Estimate {
            mean,
            std: 1.0,
            ci_low: mean - half,
            ci_high: mean + half,
            n: 10,
        }
    }

    fn expect(min: Option<f64>, max: Option<f64>) -> Expect {
        Expect {
            metric: Metric::AbandonRate,
            min,
            max,
        }
    }

    #[test]
    fn a_bound_fails_only_when_the_interval_is_wholly_on_the_wrong_side() {
        // SPEC §5: fail when the 95% CI lies wholly on the wrong side, inconclusive when the
        // bound falls inside it, pass otherwise.
        let max = expect(None, Some(0.08));
        assert_eq!(
            judge(&max, &est(0.10, 0.01)),
            vec![(Bound::Max(0.08), Verdict::Fail)]
        );
        assert_eq!(
            judge(&max, &est(0.05, 0.01)),
            vec![(Bound::Max(0.08), Verdict::Pass)]
        );
        let min = expect(Some(0.8), None);
        assert_eq!(
            judge(&min, &est(0.70, 0.05)),
            vec![(Bound::Min(0.8), Verdict::Fail)]
        );
        assert_eq!(
            judge(&min, &est(0.90, 0.05)),
            vec![(Bound::Min(0.8), Verdict::Pass)]
        );
    }

    #[test]
    fn inside_the_interval_is_inconclusive_and_says_how_many_replications_would_settle_it() {
        // Half-width 0.02 at n = 10, mean 0.01 from the bound: the half-width must halve,
        // which takes 4 × 10 = 40 replications.
        let v = judge(&expect(None, Some(0.08)), &est(0.07, 0.02));
        assert_eq!(
            v,
            vec![(Bound::Max(0.08), Verdict::Inconclusive { needed: Some(40) })]
        );
        let on = judge(&expect(None, Some(0.08)), &est(0.08, 0.02));
        assert_eq!(on[0].1, Verdict::Inconclusive { needed: None });
    }

    #[test]
    fn a_baseline_regression_needs_the_whole_difference_on_the_worse_side() {
        let base = BaselineRow {
            mean: 0.05,
            std: 0.01,
            n: 20,
        };
        let worse = Estimate {
            mean: 0.06,
            std: 0.01,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 20,
        };
        let d = against_baseline(&worse, &base);
        assert!(d.ci_low > 0.0, "{d:?}");
        assert!(regressed(&expect(None, Some(0.08)), &d));
        assert!(
            !regressed(&expect(Some(0.0), None), &d),
            "higher is better for a min bound"
        );
        let same = Estimate {
            mean: 0.0502,
            ..worse
        };
        assert!(!regressed(
            &expect(None, Some(0.08)),
            &against_baseline(&same, &base)
        ));
    }
}
