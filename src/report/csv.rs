//! The CSV files of guide `outputs.md`, each rendered to bytes so that it can be tested without
//! files. Numbers are written with six decimals and an undefined value (no chat to average over) as
//! an empty cell, so that the same run always gives the same bytes.

use crate::engine::RunOutput;
use crate::experiment::check::{Bound, BoundCheck, Comparison, Verdict};
use crate::experiment::decide::Feasible;
use crate::scenario::calendar::{clock, weekday_name};
use crate::scenario::scopes::{ALL, Scopes};
use crate::scenario::{Scenario, Simulation};
use crate::stats::metrics::{GroupMetric, IntervalMetric, Metric};
use crate::stats::pooled;
use crate::stats::summary::{Estimate, Weighted, paired_ratio_difference, ratio_estimate};
use crate::time::{DAY, MINUTE, Millis, WEEK};

pub fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x:.6}")
    }
}

/// The columns that summarise one metric over replications, in `estimate_cells` order.
const ESTIMATE: [&str; 5] = ["mean", "std", "ci95_low", "ci95_high", "replications"];

/// A CSV writer into memory whose first row is `leading` columns, then `ESTIMATE`.
fn writer(leading: &[&str]) -> csv::Writer<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(leading.iter().chain(ESTIMATE.iter()))
        .expect("in memory");
    w
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

fn estimate_cells(e: &Estimate) -> [String; 5] {
    [
        number(e.mean),
        number(e.std),
        number(e.ci_low),
        number(e.ci_high),
        e.n.to_string(),
    ]
}

/// Every KPI of the whole centre over every replication, summarised, in `Metric` order.
pub fn kpis(runs: &[RunOutput]) -> Vec<(Metric, Estimate)> {
    kpis_in(runs, ALL)
}

/// The KPIs of scope `scope` (see `scenario::scopes`), in `Metric` order: for a team or a
/// stream, those measured per part.
pub fn kpis_in(runs: &[RunOutput], scope: usize) -> Vec<(Metric, Estimate)> {
    Metric::ALL
        .iter()
        .filter(|&&m| (scope == ALL || m.per_scope()) && reported(runs, m))
        .map(|&m| {
            (
                m,
                pooled::metric_in(runs.iter().map(|r| &r.stats), scope, m),
            )
        })
        .collect()
}

/// Whether the runs report `m` (see `pooled::reported`).
pub fn reported(runs: &[RunOutput], m: Metric) -> bool {
    pooled::reported(runs.iter().map(|r| &r.stats), m)
}

/// A variant's KPIs per part of the centre, the whole centre first (what `check` judges).
pub fn scoped_kpis(v: &Results) -> crate::experiment::check::ScopedKpis {
    crate::experiment::tune::scoped_kpis(v.scenario, v.runs)
}

impl Results<'_> {
    /// The index of part `scope` (as `summary.csv` names it) in these runs; the whole centre
    /// for a part they do not report apart.
    pub fn scope_index(&self, scope: &str) -> usize {
        scopes_of(self)
            .into_iter()
            .find(|(_, name)| name == scope)
            .map_or(ALL, |(s, _)| s)
    }
}

/// The scopes a variant's runs report, by index and name.
pub(super) fn scopes_of(v: &Results) -> Vec<(usize, String)> {
    let parts = Scopes::of(v.scenario);
    let count = v.runs.first().map_or(1, |r| r.stats.scopes.len());
    (0..count.min(parts.len()))
        .map(|s| (s, parts.name(s).to_string()))
        .collect()
}

/// One variant's results, as the report files list them.
#[derive(Clone)]
pub struct Results<'a> {
    pub name: &'a str,
    pub scenario: &'a Scenario,
    pub runs: &'a [RunOutput],
}

pub fn summary(variants: &[Results]) -> Vec<u8> {
    let mut w = writer(&["variant", "scope", "metric", "unit"]);
    for v in variants {
        for (s, scope) in scopes_of(v) {
            for (m, e) in kpis_in(v.runs, s) {
                let mut row = vec![
                    v.name.to_string(),
                    scope.clone(),
                    m.name().to_string(),
                    m.unit().name().to_string(),
                ];
                row.extend(estimate_cells(&e));
                w.write_record(&row).expect("in memory");
            }
        }
    }
    finish(w)
}

/// `intervals.csv`, written straight to `out`: it grows with the horizon.
/// `day,weekday,time` of simulated time `t`: the day counted from the first midnight at or
/// before the start, and the calendar the scenario's `start` puts it on.
pub fn calendar_cells(sim: &Simulation, t: Millis) -> [String; 3] {
    let week_time = sim.start + t;
    [
        (sim.start % DAY + t).div_euclid(DAY).to_string(),
        weekday_name(week_time.div_euclid(DAY) as usize).to_string(),
        clock(week_time.rem_euclid(DAY)),
    ]
}

/// How many reporting intervals a variant's runs have.
pub(super) fn interval_count(v: &Results) -> usize {
    v.runs.first().map_or(0, |r| r.stats.all().intervals.len())
}

/// A variant's rows of per-interval numbers, scope by scope and interval by interval: the
/// scope's index and name, the interval, and its `day,weekday,time`.
pub(super) fn interval_rows<'v>(
    v: &'v Results,
) -> impl Iterator<Item = (usize, String, usize, [String; 3])> + 'v {
    let sim = &v.scenario.simulation;
    let count = interval_count(v);
    scopes_of(v).into_iter().flat_map(move |(s, scope)| {
        (0..count).map(move |k| {
            let cells = calendar_cells(sim, sim.warmup + k as i64 * sim.interval);
            (s, scope.clone(), k, cells)
        })
    })
}

/// Whether scope `s` measures interval metric `m`: the whole centre every one, a part its
/// chats' and its queue.
pub(super) fn measured(s: usize, m: IntervalMetric) -> bool {
    s == ALL || m.per_scope()
}

pub fn intervals(out: &mut dyn std::io::Write, variants: &[Results]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(
        [
            "variant", "scope", "interval", "day", "weekday", "time", "metric", "unit",
        ]
        .iter()
        .chain(ESTIMATE.iter()),
    )?;
    for v in variants {
        for (s, scope, k, [day, weekday, time]) in interval_rows(v) {
            for &m in IntervalMetric::ALL.iter().filter(|&&m| measured(s, m)) {
                let e = pooled::interval_in(v.runs.iter().map(|r| &r.stats), s, k, m);
                let mut row = vec![
                    v.name.to_string(),
                    scope.clone(),
                    k.to_string(),
                    day.clone(),
                    weekday.clone(),
                    time.clone(),
                    m.name().to_string(),
                    m.unit().name().to_string(),
                ];
                row.extend(estimate_cells(&e));
                w.write_record(&row)?;
            }
        }
    }
    w.flush()
}

/// One time of the week of a variant and scope, pooled over every week of the run.
pub(super) struct WeekSlot {
    pub scope: String,
    /// Week time of its start (ms since Monday 00:00), and how many intervals fell on it.
    pub at: i64,
    pub intervals: u32,
    /// Per metric of `IntervalMetric::ALL`, its estimate (`None`: not measured in the scope).
    pub values: Vec<Option<Estimate>>,
}

/// The average week of a variant: per scope, each time of the week with every metric pooled
/// over the replications and the intervals that fall on it, as a ratio of sums: the week a
/// planner staffs, however long the run.
pub(super) fn average_week(v: &Results) -> Vec<WeekSlot> {
    let sim = &v.scenario.simulation;
    let count = interval_count(v);
    let metrics = IntervalMetric::ALL;
    let mut out = Vec::new();
    for (s, scope) in scopes_of(v) {
        let mut slots: std::collections::BTreeMap<i64, (u32, Vec<Vec<Weighted>>)> =
            std::collections::BTreeMap::new();
        for k in 0..count {
            let at = (sim.start + sim.warmup + k as i64 * sim.interval).rem_euclid(WEEK);
            let slot = slots
                .entry(at)
                .or_insert_with(|| (0, vec![Vec::new(); metrics.len()]));
            slot.0 += 1;
            for (c, &m) in metrics.iter().enumerate().filter(|(_, m)| measured(s, **m)) {
                slot.1[c].extend(
                    v.runs
                        .iter()
                        .map(|r| pooled::interval_value(&r.stats, s, k, m)),
                );
            }
        }
        for (at, (intervals, values)) in slots {
            let values = metrics
                .iter()
                .zip(values)
                .map(|(&m, values)| (!values.is_empty()).then(|| ratio_estimate(values, m.scale())))
                .collect();
            out.push(WeekSlot {
                scope: scope.clone(),
                at,
                intervals,
                values,
            });
        }
    }
    out
}

/// `week.csv`: the average week (`average_week`), one row per variant, scope, time of the
/// week and metric, as `intervals.csv` writes an interval.
pub fn week(variants: &[Results]) -> Vec<u8> {
    let mut w = writer(&[
        "variant",
        "scope",
        "weekday",
        "time",
        "intervals",
        "metric",
        "unit",
    ]);
    for v in variants {
        for slot in average_week(v) {
            for (&m, e) in IntervalMetric::ALL.iter().zip(&slot.values) {
                let Some(e) = e else { continue };
                let mut row = vec![
                    v.name.to_string(),
                    slot.scope.clone(),
                    weekday_name((slot.at / DAY) as usize).to_string(),
                    clock(slot.at % DAY),
                    slot.intervals.to_string(),
                    m.name().to_string(),
                    m.unit().name().to_string(),
                ];
                row.extend(estimate_cells(e));
                w.write_record(&row).expect("in memory");
            }
        }
    }
    finish(w)
}

/// The paired difference of `metric` between a variant and the base, replication by replication:
/// common random numbers make the pairs share their customers (guide
/// `statistics.md#determinism-and-statistics`).
pub fn paired(base: &[RunOutput], other: &[RunOutput], m: Metric) -> Estimate {
    paired_scopes(base, ALL, other, ALL, m)
}

/// `paired` between scope `s` of the base and scope `t` of the other (the same part, which
/// may sit at another index when the variants' parts differ).
pub fn paired_scopes(
    base: &[RunOutput],
    s: usize,
    other: &[RunOutput],
    t: usize,
    m: Metric,
) -> Estimate {
    let weighted = |runs: &[RunOutput], scope: usize| -> Vec<Weighted> {
        runs.iter()
            .map(|r| pooled::value_in(&r.stats, scope, m))
            .collect()
    };
    paired_ratio_difference(&weighted(base, s), &weighted(other, t))
}

/// `compare.csv`: each variant after the first, minus the first, per scope and metric (a
/// scope the variant does not have, say a team it removed, is left out).
pub fn compare(variants: &[Results]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "scope",
        "metric",
        "unit",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
    ])
    .expect("in memory");
    if let Some((base, rest)) = variants.split_first() {
        for v in rest {
            let theirs = scopes_of(v);
            for (s, scope) in scopes_of(base) {
                let Some(&(t, _)) = theirs.iter().find(|(_, name)| *name == scope) else {
                    continue;
                };
                let shown = |m: Metric| reported(base.runs, m) || reported(v.runs, m);
                for &m in Metric::ALL
                    .iter()
                    .filter(|&&m| (s == ALL || m.per_scope()) && shown(m))
                {
                    let e = paired_scopes(base.runs, s, v.runs, t, m);
                    w.write_record([
                        v.name,
                        &scope,
                        m.name(),
                        m.unit().name(),
                        &number(e.mean),
                        &number(e.ci_low),
                        &number(e.ci_high),
                    ])
                    .expect("in memory");
                }
            }
        }
    }
    finish(w)
}

/// `compare_intervals.csv`: per interval, each variant after the first minus the first,
/// paired replication by replication as `compare.csv` pairs the whole run, for every part the
/// two share: where in the day a change helps or hurts, with its 95% interval.
pub fn compare_intervals(
    out: &mut dyn std::io::Write,
    variants: &[Results],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "variant",
        "scope",
        "interval",
        "day",
        "weekday",
        "time",
        "metric",
        "unit",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
    ])?;
    let Some((base, rest)) = variants.split_first() else {
        return w.flush();
    };
    let count = interval_count(base);
    let mut a: Vec<Weighted> = Vec::with_capacity(base.runs.len());
    let mut b: Vec<Weighted> = Vec::with_capacity(base.runs.len());
    for v in rest {
        let theirs = scopes_of(v);
        for (s, scope, k, [day, weekday, time]) in interval_rows(base) {
            let Some(&(t, _)) = theirs.iter().find(|(_, name)| *name == scope) else {
                continue;
            };
            if k >= count.min(interval_count(v)) {
                continue;
            }
            for &m in IntervalMetric::ALL.iter().filter(|&&m| measured(s, m)) {
                a.clear();
                b.clear();
                a.extend(
                    base.runs
                        .iter()
                        .map(|r| pooled::interval_value(&r.stats, s, k, m)),
                );
                b.extend(
                    v.runs
                        .iter()
                        .map(|r| pooled::interval_value(&r.stats, t, k, m)),
                );
                let e = paired_ratio_difference(&a, &b);
                w.write_record([
                    v.name,
                    &scope,
                    &k.to_string(),
                    &day,
                    &weekday,
                    &time,
                    m.name(),
                    m.unit().name(),
                    &number(e.mean),
                    &number(e.ci_low),
                    &number(e.ci_high),
                ])?;
            }
        }
    }
    w.flush()
}

/// A sweep point's values, and its results or why it was skipped.
pub type SweepRow<'a> = (Vec<String>, Result<&'a Results<'a>, &'a str>);

/// `sweep.csv`: one column per swept path, the point's `status` (`ok`, or `skipped: why`
/// for an invalid point run with `--skip-invalid`, which has one row and no numbers), with
/// `[[expect]]` bounds whether the point keeps them (`feasible`: yes, no, unsure), then the
/// summary columns, per point and metric.
pub fn sweep(paths: &[String], points: &[SweepRow], feasible: &[Option<Feasible>]) -> Vec<u8> {
    // With `[[expect]]` bounds, whether each point keeps them.
    let bounded = !feasible.is_empty();
    let leading: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .chain(["status"])
        .chain(bounded.then_some("feasible"))
        .chain(["scope", "metric", "unit"])
        .collect();
    let mut w = writer(&leading);
    for (i, (values, runs)) in points.iter().enumerate() {
        match runs {
            Ok(results) => {
                for (s, scope) in scopes_of(results) {
                    for (m, e) in kpis_in(results.runs, s) {
                        let mut row = values.clone();
                        row.push("ok".into());
                        if bounded {
                            row.push(feasible[i].map_or("", |f| f.name()).into());
                        }
                        row.extend([&scope, m.name(), m.unit().name()].map(String::from));
                        row.extend(estimate_cells(&e));
                        w.write_record(&row).expect("in memory");
                    }
                }
            }
            Err(why) => {
                let mut row = values.clone();
                row.push(format!("skipped: {why}"));
                let blanks = 3 + usize::from(bounded) + ESTIMATE.len();
                row.extend(std::iter::repeat_n(String::new(), blanks));
                w.write_record(&row).expect("in memory");
            }
        }
    }
    finish(w)
}

/// `waits.csv`: the distribution of waiting times of each variant, all replications pooled,
/// as minutes at every half percentile: what the waiting-time chart draws.
pub fn waits(variants: &[Results]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["variant", "share", "wait_min"])
        .expect("in memory");
    for v in variants {
        let Some(first) = v.runs.first() else {
            continue;
        };
        let mut pooled = first.stats.waits.clone();
        for r in &v.runs[1..] {
            pooled.merge(&r.stats.waits);
        }
        for i in 0..=200 {
            let q = i as f64 / 200.0;
            if let Some(ms) = pooled.quantile(q) {
                w.write_record([v.name, &format!("{q:.3}"), &number(ms / MINUTE as f64)])
                    .expect("in memory");
            }
        }
    }
    finish(w)
}

/// `chats.csv` (`--chats-log`): every replication's rows, in replication order, written
/// straight to `out`.
pub fn chats(
    out: &mut dyn std::io::Write,
    runs: &[RunOutput],
    format: crate::engine::log::LogFormat,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(&mut *out);
    w.write_record(format.header())?;
    w.flush()?;
    drop(w);
    for r in runs {
        out.write_all(r.chats_log.as_deref().unwrap_or_default())?;
    }
    Ok(())
}

pub fn agents(variants: &[Results]) -> Vec<u8> {
    let mut w = writer(&["variant", "group", "agents", "capacity", "metric", "unit"]);
    for v in variants {
        for (g, group) in v.scenario.agent_groups.iter().enumerate() {
            for &m in GroupMetric::ALL {
                let e = pooled::group(v.runs.iter().map(|r| &r.stats), g, m);
                let mut row = vec![
                    v.name.to_string(),
                    group.name.clone(),
                    group.count.to_string(),
                    group.capacity.to_string(),
                    m.name().to_string(),
                    m.unit().name().to_string(),
                ];
                row.extend(estimate_cells(&e));
                w.write_record(&row).expect("in memory");
            }
        }
    }
    finish(w)
}

/// `check.csv`: every bound and comparison `check` judged, with its p-value and verdict.
pub fn check(bounds: &[BoundCheck], compared: &[Comparison]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "scope",
        "metric",
        "unit",
        "kind",
        "bound",
        "mean",
        "ci95_low",
        "ci95_high",
        "before",
        "now",
        "tolerance",
        "p_value",
        "verdict",
    ])
    .expect("in memory");
    for b in bounds {
        let (kind, value) = match b.bound {
            Bound::Min(v) => ("min", v),
            Bound::Max(v) => ("max", v),
        };
        let verdict = match b.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive { .. } => "inconclusive",
        };
        let e = &b.estimate;
        w.write_record([
            &b.variant,
            &b.scope,
            b.metric.name(),
            b.metric.unit().name(),
            kind,
            &value.to_string(),
            &number(e.mean),
            &number(e.ci_low),
            &number(e.ci_high),
            "",
            "",
            "",
            &number(b.p),
            verdict,
        ])
        .expect("in memory");
    }
    for c in compared {
        let (mean, lo, hi) = c.diff.map_or((f64::NAN, f64::NAN, f64::NAN), |d| {
            (d.mean, d.ci_low, d.ci_high)
        });
        let verdict = match (c.diff, c.regressed) {
            (None, _) => "not in reference",
            (_, true) => "regression",
            _ => "pass",
        };
        w.write_record([
            &c.variant,
            &c.scope,
            c.metric.name(),
            c.metric.unit().name(),
            c.reference.name(),
            "",
            &number(mean),
            &number(lo),
            &number(hi),
            &number(c.before),
            &number(c.now),
            &number(c.tolerance),
            &number(c.p),
            verdict,
        ])
        .expect("in memory");
    }
    finish(w)
}

/// `roster.csv` (`staff` with shifts): per planned group, each shift the plan uses as worked
/// (days and hours), the breaks it placed, the agents on it, their paid hours a week, and
/// what the week costs.
pub fn roster(plan: &crate::planning::StaffingPlan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "group",
        "shift",
        "breaks",
        "agents",
        "hours_per_agent",
        "agent_hours",
        "weekly_cost",
    ])
    .expect("in memory");
    for e in &plan.roster {
        w.write_record([
            plan.groups[e.group].name.clone(),
            e.shift.clone(),
            e.breaks_text(),
            e.agents.to_string(),
            number(e.hours),
            number(e.hours * e.agents as f64),
            number(e.cost * e.agents as f64),
        ])
        .expect("in memory");
    }
    finish(w)
}

/// `costs.csv` (`staff`): per planned group, its teams, agent-hours a week and weekly cost
/// (premium-weighted hours when no cost is given), then the whole plan.
pub fn costs(plan: &crate::planning::StaffingPlan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "group",
        "teams",
        "cost_per_agent_hour",
        "agent_hours",
        "weekly_cost",
    ])
    .expect("in memory");
    for g in &plan.groups {
        w.write_record([
            g.name.clone(),
            g.teams.join("+"),
            g.hourly.map_or(String::new(), number),
            number(g.hours.1),
            number(g.cost),
        ])
        .expect("in memory");
    }
    w.write_record([
        "all".to_string(),
        String::new(),
        String::new(),
        number(plan.hours().1),
        number(plan.cost()),
    ])
    .expect("in memory");
    finish(w)
}

/// `staffing.csv`: per planned group and interval of the week, the agents `staff` requires,
/// schedules and Erlang would staff, and each target's metric under the plan with its 95%
/// interval (the same for every group).
pub fn staffing(scenario: &Scenario, plan: &crate::planning::StaffingPlan) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let targets = scenario
        .staffing
        .as_ref()
        .map_or(&[][..], |s| s.targets.as_slice());
    let mut header: Vec<String> = [
        "group",
        "interval",
        "day",
        "weekday",
        "time",
        "required",
        "scheduled",
        "erlang",
        "arrivals",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in targets {
        let name = t.column();
        header.push(name.clone());
        header.push(format!("{name}_ci95_low"));
        header.push(format!("{name}_ci95_high"));
    }
    header.push("confidence".into());
    header.push("met".into());
    w.write_record(&header).expect("in memory");
    for slot in &plan.slots {
        let mut row = vec![
            plan.groups[slot.group].name.clone(),
            slot.first_interval.to_string(),
            slot.day.to_string(),
            weekday_name((slot.week_time / DAY) as usize).to_string(),
            clock(slot.week_time % DAY),
            slot.required.to_string(),
            slot.scheduled.to_string(),
            slot.erlang.map_or(String::new(), |e| e.to_string()),
            number(slot.arrivals),
        ];
        for e in &slot.values {
            row.extend([number(e.mean), number(e.ci_low), number(e.ci_high)]);
        }
        row.push(number(slot.confidence));
        row.push(slot.met.to_string());
        w.write_record(&row).expect("in memory");
    }
    finish(w)
}
