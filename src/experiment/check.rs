//! `ccsim check`: KPI bounds judged with their confidence intervals (guide `experiments.md`), and a
//! run held against a baseline report or, paired on the same customers, against an older version of
//! the scenario. Every comparison one `check` makes is a test, and the whole family is held to a 5%
//! chance of a false alarm (Holm's step-down procedure): a change that only redraws the random
//! numbers fails about one build in twenty at most, however many bounds and variants there are. A
//! difference smaller than the expectation's tolerance is never a regression, however sure.

use std::collections::BTreeMap;
use std::path::Path;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::scenario::{Expect, Tolerance};
use crate::stats::metrics::{Metric, Unit};
use crate::stats::summary::{Estimate, t_quantile};

/// The family-wise error rate of one `check`.
pub const ALPHA: f64 = 0.05;

/// One bound of one variant, judged.
#[derive(Clone, Debug)]
pub struct BoundCheck {
    pub variant: String,
    /// The part of the centre bounded, as `summary.csv` names it (`all`, `team:vendas`).
    pub scope: String,
    pub metric: Metric,
    /// Its `[[expect]]`'s position in the scenario, to point at its line.
    pub expect: usize,
    pub bound: Bound,
    pub estimate: Estimate,
    /// One-sided p-value of "the bound holds": small when the data say it does not.
    pub p: f64,
    pub verdict: Verdict,
}

/// A metric as a check names it: `abandon_rate`, or `abandon_rate (team:vendas)` for a part.
pub fn label(metric: Metric, scope: &str) -> String {
    if scope == "all" {
        metric.name().to_string()
    } else {
        format!("{} ({scope})", metric.name())
    }
}

impl BoundCheck {
    pub fn label(&self) -> String {
        label(self.metric, &self.scope)
    }
}

impl Comparison {
    pub fn label(&self) -> String {
        label(self.metric, &self.scope)
    }
}

/// What a run is held against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// A baseline report folder: independent customers, a Welch interval.
    Baseline,
    /// An older scenario run in the same process on the same customers: a paired interval.
    Against,
}

impl Reference {
    /// As `check.csv`'s `kind` and the terminal's `against` column write it.
    pub fn name(&self) -> &'static str {
        match self {
            Reference::Baseline => "baseline",
            Reference::Against => "against",
        }
    }

    /// As a sentence says it.
    pub fn described(&self) -> &'static str {
        match self {
            Reference::Baseline => "the baseline report",
            Reference::Against => "the older scenario",
        }
    }
}

/// One expectation's metric of one variant, now against the reference.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub variant: String,
    pub scope: String,
    pub metric: Metric,
    pub expect: usize,
    pub reference: Reference,
    /// The reference's value and this run's.
    pub before: f64,
    pub now: f64,
    /// Now minus before, with its 95% interval; `None` when the reference lacks the metric.
    pub diff: Option<Estimate>,
    /// The difference in the worse direction below which nothing is a regression, in the
    /// metric's unit.
    pub tolerance: f64,
    /// Whether higher values are worse (a `max` bound) or lower ones (a `min`).
    pub higher_is_worse: bool,
    /// One-sided p-value of "no worse than the tolerance".
    pub p: f64,
    pub regressed: bool,
}

/// The standard error and degrees of freedom of a difference.
#[derive(Clone, Copy, Debug)]
struct Spread {
    se: f64,
    df: f64,
}

/// A variant's estimates per part of the centre: (scope name, estimates), the whole centre's
/// first.
pub type ScopedKpis = Vec<(String, Vec<(Metric, Estimate)>)>;

/// The part `scope` of `kpis` and its name there: a team or stream the run does not report
/// apart (the only team, say) is the whole centre.
pub fn part<'k>(
    kpis: &'k ScopedKpis,
    scope: &str,
) -> Option<&'k (String, Vec<(Metric, Estimate)>)> {
    kpis.iter()
        .find(|(s, _)| s == scope)
        .or_else(|| kpis.iter().find(|(s, _)| s == "all"))
}

/// Every bound of every variant: `kpis` gives each variant's name and estimates per part.
/// Verdicts are final only after `decide`.
pub fn evaluate(kpis: &[(String, ScopedKpis)], expects: &[Expect]) -> Vec<BoundCheck> {
    let mut out = Vec::new();
    for (variant, scoped) in kpis {
        for (i, x) in expects.iter().enumerate() {
            let Some(&(_, e)) = part(scoped, &x.scope)
                .and_then(|(_, estimates)| estimates.iter().find(|(m, _)| *m == x.metric))
            else {
                continue;
            };
            for bound in bounds(x) {
                out.push(BoundCheck {
                    variant: variant.clone(),
                    scope: x.scope.clone(),
                    metric: x.metric,
                    expect: i,
                    bound,
                    estimate: e,
                    p: p_violated(bound, &e),
                    verdict: Verdict::Inconclusive { needed: None },
                });
            }
        }
    }
    out
}

/// Every expectation's metric of every variant against the baseline report.
pub fn hold_against(
    kpis: &[(String, ScopedKpis)],
    expects: &[Expect],
    baseline: &BTreeMap<(String, String, String), BaselineRow>,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for (variant, scoped) in kpis {
        for (i, x) in expects.iter().enumerate() {
            let Some((scope, estimates)) = part(scoped, &x.scope) else {
                continue;
            };
            let Some(&(_, e)) = estimates.iter().find(|(m, _)| *m == x.metric) else {
                continue;
            };
            let key = (variant.clone(), scope.clone(), x.metric.name().to_string());
            let base = baseline.get(&key);
            let diff = base.map(|b| against_baseline(&e, b));
            out.push(comparison(
                variant,
                x,
                i,
                Reference::Baseline,
                base.map_or(f64::NAN, |b| b.mean),
                e.mean,
                diff,
            ));
        }
    }
    out
}

/// Every expectation's metric of every variant against the same variant of the older
/// scenario, paired: `paired(variant, scope, metric)` gives (before, now, now − before).
pub fn hold_paired(
    variants: &[String],
    expects: &[Expect],
    paired: impl Fn(&str, &str, Metric) -> Option<(f64, f64, Estimate)>,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for variant in variants {
        for (i, x) in expects.iter().enumerate() {
            let found = paired(variant, &x.scope, x.metric);
            let spread = found.map(|(_, _, d)| {
                (
                    d,
                    Spread {
                        se: d.std / (d.n.max(1) as f64).sqrt(),
                        df: d.n as f64 - 1.0,
                    },
                )
            });
            out.push(comparison(
                variant,
                x,
                i,
                Reference::Against,
                found.map_or(f64::NAN, |f| f.0),
                found.map_or(f64::NAN, |f| f.1),
                spread,
            ));
        }
    }
    out
}

fn comparison(
    variant: &str,
    x: &Expect,
    expect: usize,
    reference: Reference,
    before: f64,
    now: f64,
    diff: Option<(Estimate, Spread)>,
) -> Comparison {
    let higher_is_worse = x.max.is_some();
    let tolerance = x.tolerance.of(before);
    let p = diff.map_or(1.0, |(d, s)| {
        let worse = if higher_is_worse { d.mean } else { -d.mean };
        p_above(worse - tolerance, s)
    });
    Comparison {
        variant: variant.to_string(),
        scope: x.scope.clone(),
        metric: x.metric,
        expect,
        reference,
        before,
        now,
        diff: diff.map(|(d, _)| d),
        tolerance,
        higher_is_worse,
        p,
        regressed: false,
    }
}

/// The one-sided p-value of "the true value of `excess` is at most 0" given its estimate.
fn p_above(excess: f64, s: Spread) -> f64 {
    if excess.is_nan() || s.se.is_nan() || s.df < 1.0 {
        return 1.0;
    }
    if s.se <= 0.0 {
        return if excess > 0.0 { 0.0 } else { 1.0 };
    }
    StudentsT::new(0.0, 1.0, s.df)
        .map(|t| 1.0 - t.cdf(excess / s.se))
        .unwrap_or(1.0)
}

/// The one-sided p-value of "the bound holds", from the estimate's standard error.
fn p_violated(bound: Bound, e: &Estimate) -> f64 {
    let excess = match bound {
        Bound::Max(v) => e.mean - v,
        Bound::Min(v) => v - e.mean,
    };
    p_above(
        excess,
        Spread {
            se: e.std / (e.n.max(1) as f64).sqrt(),
            df: e.n as f64 - 1.0,
        },
    )
}

/// Holm's step-down procedure at `ALPHA` over `ps`: which hypotheses are rejected. The
/// smallest p-value is held to α/m, the next to α/(m − 1), and so on until one is not
/// rejected; the family's chance of any false rejection stays at most α.
pub fn holm(ps: &[f64]) -> Vec<bool> {
    let m = ps.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| ps[a].total_cmp(&ps[b]).then(a.cmp(&b)));
    let mut rejected = vec![false; m];
    for (k, &i) in order.iter().enumerate() {
        if ps[i] <= ALPHA / (m - k) as f64 {
            rejected[i] = true;
        } else {
            break;
        }
    }
    rejected
}

/// Decides every bound and comparison of one `check` together: a bound fails and a
/// comparison regresses only where Holm's procedure rejects over the whole family.
pub fn decide(bounds: &mut [BoundCheck], comparisons: &mut [Comparison]) {
    let ps: Vec<f64> = bounds
        .iter()
        .map(|b| b.p)
        .chain(comparisons.iter().map(|c| c.p))
        .collect();
    let rejected = holm(&ps);
    for (b, &r) in bounds.iter_mut().zip(&rejected) {
        b.verdict = verdict(b.bound, &b.estimate, r);
    }
    for (c, &r) in comparisons.iter_mut().zip(&rejected[bounds.len()..]) {
        c.regressed = r;
    }
}

/// Every verdict of one `check`, for `--junit`, `--json` and CI annotations.
pub struct CheckOutcome {
    pub scenario: String,
    pub bounds: Vec<BoundCheck>,
    pub compared: Vec<Comparison>,
    pub tally: Tally,
    /// `::error file=…,line=…::…` per failure, on the `[[expect]]` it comes from (GitHub
    /// Actions shows them on the file).
    pub annotations: Vec<String>,
}

/// How a `check` came out: its verdicts counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub inconclusive: usize,
    /// `--strict`: inconclusive bounds fail too.
    pub strict: bool,
}

impl Tally {
    /// Bounds by verdict; comparisons pass or regress (one the reference lacks is
    /// inconclusive).
    pub fn of(bounds: &[BoundCheck], compared: &[Comparison], strict: bool) -> Tally {
        let mut t = Tally {
            passed: 0,
            failed: 0,
            inconclusive: 0,
            strict,
        };
        for b in bounds {
            match b.verdict {
                Verdict::Pass => t.passed += 1,
                Verdict::Fail => t.failed += 1,
                Verdict::Inconclusive { .. } => t.inconclusive += 1,
            }
        }
        for c in compared {
            match (c.diff.is_some(), c.regressed) {
                (false, _) => t.inconclusive += 1,
                (true, true) => t.failed += 1,
                (true, false) => t.passed += 1,
            }
        }
        t
    }

    pub fn failed(&self) -> bool {
        self.failed > 0 || (self.strict && self.inconclusive > 0)
    }

    /// `passed (5 passed, 1 inconclusive)` or `FAILED (1 failed, 5 passed)`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        parts.push(format!("{} passed", self.passed));
        if self.inconclusive > 0 {
            let strict = if self.strict {
                ", failing with --strict"
            } else {
                ""
            };
            parts.push(format!("{} inconclusive{strict}", self.inconclusive));
        }
        let word = if self.failed() { "FAILED" } else { "passed" };
        format!("{word} ({})", parts.join(", "))
    }

    /// What the verdicts rest on, under the tables.
    pub fn footnote(&self, comparisons: usize) -> String {
        format!(
            "  {comparisons} check{} judged together (Holm): a run that only redraws the random numbers fails at most {:.0}% of the time\n",
            if comparisons == 1 { "" } else { "s" },
            100.0 * ALPHA
        )
    }
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
    /// Neither shown to hold nor to fail; about `needed` replications would settle it (none
    /// would when the mean sits on the bound).
    Inconclusive {
        needed: Option<u64>,
    },
    Fail,
}

fn bounds(expect: &Expect) -> impl Iterator<Item = Bound> {
    expect
        .min
        .map(Bound::Min)
        .into_iter()
        .chain(expect.max.map(Bound::Max))
}

/// A bound's verdict: `failed` when the family's test rejected it; a pass when the 95%
/// interval lies wholly on the right side; inconclusive otherwise.
fn verdict(bound: Bound, e: &Estimate, failed: bool) -> Verdict {
    if failed {
        return Verdict::Fail;
    }
    let v = bound.value();
    if e.ci_low.is_nan() {
        // One replication: no interval to judge with.
        return Verdict::Inconclusive { needed: None };
    }
    let right = match bound {
        Bound::Min(_) => e.ci_low >= v,
        Bound::Max(_) => e.ci_high <= v,
    };
    if right {
        return Verdict::Pass;
    }
    // The half-width shrinks as 1/sqrt(n): about n' = n (h / |mean - bound|)^2 settles it
    // (a little fewer, as Student's t also narrows with n).
    let gap = (e.mean - v).abs();
    let needed =
        (gap > 0.0).then(|| (e.n as f64 * (e.half_width() / gap).powi(2) - 1e-9).ceil() as u64);
    Verdict::Inconclusive { needed }
}

/// One row of a baseline report's `summary.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaselineRow {
    pub mean: f64,
    pub std: f64,
    pub n: usize,
}

/// Reads `summary.csv` of an earlier report: (variant, scope, metric) → its row (scope `all`
/// in a report written before teams were reported apart). A baseline that
/// cannot be trusted (a mean or spread that is not a number, fewer than two replications) is
/// refused rather than compared against: a `NaN` would make every comparison pass.
pub fn read_baseline(
    dir: &Path,
) -> Result<BTreeMap<(String, String, String), BaselineRow>, String> {
    let path = dir.join("summary.csv");
    let bad = |what: String| format!("{}: bad baseline: {what}", path.display());
    let unreadable =
        |e: std::io::Error| format!("{}: cannot read the baseline: {e}", path.display());
    let text = crate::io::read_to_string(&path).map_err(unreadable)?;
    // A baseline opened and saved again by a spreadsheet may come back `;`-separated with
    // decimal commas.
    let separator = crate::io::Separator::of(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator.byte())
        .from_reader(text.as_bytes());
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
    let scope = header.iter().position(|h| h == "scope");
    let mut rows = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| bad(format!("line {line}: {e}")))?;
        let number = |j: usize, what: &str| -> Result<f64, String> {
            let cell = r.get(j).unwrap_or("");
            match separator.number(cell) {
                Some(x) if x.is_finite() => Ok(x),
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
            let part = scope.map_or("all", |s| &r[s]);
            rows.insert((r[v].to_string(), part.to_string(), r[m].to_string()), row);
        }
    }
    Ok(rows)
}

/// Refuses a baseline that lacks a variant of this run: it is of another scenario (or the
/// variants were renamed), and comparing would silently check nothing.
pub fn covers(
    variants: &[String],
    baseline: &BTreeMap<(String, String, String), BaselineRow>,
) -> Result<(), String> {
    let quoted = |names: &mut dyn Iterator<Item = &String>| {
        names
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let has = |v: &String| baseline.keys().any(|(bv, _, _)| bv == v);
    if variants.iter().all(has) {
        return Ok(());
    }
    let mut present: Vec<&String> = baseline.keys().map(|(v, _, _)| v).collect();
    present.dedup();
    Err(format!(
        "bad baseline: it has no variant {} of this scenario (it has {}); was it written by another scenario?",
        quoted(&mut variants.iter().filter(|v| !has(v))),
        quoted(&mut present.into_iter())
    ))
}

/// Now minus baseline, with a Welch 95% interval (the runs are independent).
fn against_baseline(now: &Estimate, base: &BaselineRow) -> (Estimate, Spread) {
    let (v1, v2) = (
        now.std.powi(2) / now.n as f64,
        base.std.powi(2) / base.n as f64,
    );
    let se = (v1 + v2).sqrt();
    let df = (v1 + v2).powi(2)
        / (v1.powi(2) / (now.n as f64 - 1.0) + v2.powi(2) / (base.n as f64 - 1.0));
    let df = if df.is_nan() { 1.0 } else { df.max(1.0) };
    let half = t_quantile(0.95, df.floor() as usize) * se;
    let diff = now.mean - base.mean;
    (
        Estimate {
            mean: diff,
            std: f64::NAN,
            ci_low: diff - half,
            ci_high: diff + half,
            n: now.n,
        },
        Spread { se, df },
    )
}

impl Tolerance {
    /// The tolerance in the metric's unit, for a reference value `before`.
    pub fn of(self, before: f64) -> f64 {
        match self {
            Tolerance::Absolute(x) => x,
            Tolerance::Relative(r) => r * before.abs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(mean: f64, half: f64) -> Estimate {
        // n = 10: half = t(0.975, 9) · std / √10.
        let std = half * 10f64.sqrt() / t_quantile(0.95, 9);
        Estimate {
            mean,
            std,
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
            tolerance: Tolerance::Absolute(0.005),
            scope: "all".into(),
        }
    }

    /// One variant's whole-centre estimate of abandonment.
    fn centre(name: &str, e: Estimate) -> (String, ScopedKpis) {
        (
            name.into(),
            vec![("all".into(), vec![(Metric::AbandonRate, e)])],
        )
    }

    fn judged(x: &Expect, e: Estimate) -> Vec<Verdict> {
        let mut b = evaluate(&[centre("v", e)], std::slice::from_ref(x));
        decide(&mut b, &mut []);
        b.iter().map(|b| b.verdict).collect()
    }

    #[test]
    fn a_bound_fails_only_when_the_data_show_it_broken() {
        let max = expect(None, Some(0.08));
        assert_eq!(judged(&max, est(0.10, 0.01)), vec![Verdict::Fail]);
        assert_eq!(judged(&max, est(0.05, 0.01)), vec![Verdict::Pass]);
        let min = expect(Some(0.8), None);
        assert_eq!(judged(&min, est(0.70, 0.05)), vec![Verdict::Fail]);
        assert_eq!(judged(&min, est(0.90, 0.05)), vec![Verdict::Pass]);
    }

    #[test]
    fn inside_the_interval_is_inconclusive_and_says_how_many_replications_would_settle_it() {
        // Half-width 0.02 at n = 10, mean 0.01 from the bound: the half-width must halve,
        // which takes 4 × 10 = 40 replications.
        let max = expect(None, Some(0.08));
        assert_eq!(
            judged(&max, est(0.07, 0.02)),
            vec![Verdict::Inconclusive { needed: Some(40) }]
        );
        assert_eq!(
            judged(&max, est(0.08, 0.02)),
            vec![Verdict::Inconclusive { needed: None }]
        );
    }

    #[test]
    fn holm_holds_each_p_value_to_its_step() {
        // Sorted: 0.005 ≤ 0.05/4, 0.01 ≤ 0.05/3, 0.03 > 0.05/2: the first two only.
        assert_eq!(
            holm(&[0.01, 0.04, 0.03, 0.005]),
            vec![true, false, false, true]
        );
        // Alone, a p-value is held to α itself.
        assert_eq!(holm(&[0.049]), vec![true]);
        assert_eq!(holm(&[0.051]), vec![false]);
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn a_bound_that_fails_alone_may_not_fail_among_many() {
        // One-sided p ≈ 0.02: a failure on its own, not beside 9 other bounds (0.05/10).
        let x = expect(None, Some(0.08));
        let e = est(0.0875, 0.0070);
        let mut alone = evaluate(&[centre("v", e)], std::slice::from_ref(&x));
        decide(&mut alone, &mut []);
        assert!((0.01..0.03).contains(&alone[0].p), "{}", alone[0].p);
        assert_eq!(alone[0].verdict, Verdict::Fail);
        let kpis: Vec<_> = (0..10).map(|i| centre(&format!("v{i}"), e)).collect();
        let mut many = evaluate(&kpis, &[x]);
        decide(&mut many, &mut []);
        assert!(many.iter().all(|b| b.verdict != Verdict::Fail));
    }

    #[test]
    fn a_baseline_regression_needs_the_difference_beyond_the_tolerance() {
        let base = BaselineRow {
            mean: 0.05,
            std: 0.005,
            n: 20,
        };
        let now = |mean: f64| Estimate {
            mean,
            std: 0.005,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 20,
        };
        let held = |x: &Expect, mean: f64| {
            let rows = BTreeMap::from([(("v".into(), "all".into(), "abandon_rate".into()), base)]);
            let mut c = hold_against(&[centre("v", now(mean))], std::slice::from_ref(x), &rows);
            decide(&mut [], &mut c);
            c.remove(0)
        };
        let max = expect(None, Some(0.08));
        // A point worse, clearly beyond the half-point tolerance.
        let c = held(&max, 0.06);
        assert!(c.regressed, "{c:?}");
        assert_eq!((c.before, c.now), (0.05, 0.06));
        // Worse by a fifth of a point: detectable with enough replications, but within the
        // tolerance, so not a regression.
        assert!(!held(&max, 0.052).regressed);
        // Lower abandonment is better for a max bound; for a min bound lower is worse.
        assert!(!held(&max, 0.04).regressed);
        assert!(held(&expect(Some(0.0), None), 0.04).regressed);
        // With no tolerance, a tenth of a point worse with tiny spread is a regression.
        let strict = Expect {
            tolerance: Tolerance::Absolute(0.0),
            ..max.clone()
        };
        let base = BaselineRow { std: 1e-5, ..base };
        let rows = BTreeMap::from([(("v".into(), "all".into(), "abandon_rate".into()), base)]);
        let mut c = hold_against(
            &[centre(
                "v",
                Estimate {
                    std: 1e-5,
                    ..now(0.051)
                },
            )],
            &[strict],
            &rows,
        );
        decide(&mut [], &mut c);
        assert!(c[0].regressed);
    }
}
