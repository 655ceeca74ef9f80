//! What `ccsim run` prints: a compact KPI table and one throughput line.

use std::fmt::Write;

use crate::experiment::Outcome;
use crate::stats::metrics::Metric;
use crate::stats::summary::Estimate;

/// The whole centre's table; `turns` (the turn model, where service level and answer level
/// differ by the agent's typing) adds the note on which of them to staff to.
pub fn kpi_table(title: &str, kpis: &[(Metric, Estimate)], turns: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  {:<24} {:>14}   {:<10}",
        "metric", "mean", "± 95% CI"
    );
    for (m, e) in kpis {
        let (unit, scale) = m.unit().display();
        let (mean, half) = (e.mean * scale, e.half_width() * scale);
        let mean = if mean.is_nan() {
            "-".to_string()
        } else {
            format!("{mean:.3}")
        };
        let half = if half.is_nan() {
            String::new()
        } else {
            format!("± {half:.3}")
        };
        let _ = writeln!(
            out,
            "  {:<24} {:>14}   {:<12} {}",
            m.name(),
            mean,
            half,
            unit
        );
    }
    out.push_str(LEVELS_NOTE);
    if turns {
        out.push_str(TURNS_NOTE);
    }
    out
}

/// Which parts of the centre `run` tabulates under the whole centre's table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// Teams when chats wait in several queues, else streams when there are several.
    #[default]
    Auto,
    Team,
    Stream,
    /// Priority classes (guide `routing.md#priority-classes-and-sla-order`).
    Priority,
    /// The whole centre only.
    None,
}

/// The KPIs of the per-part table: what a planner reads beside each team.
const PART_KPIS: [Metric; 7] = [
    Metric::Arrivals,
    Metric::AbandonRate,
    Metric::ServiceLevel,
    Metric::AnswerLevel,
    Metric::MeanWait,
    Metric::WaitP90,
    Metric::Stranded,
];

/// One row per team (or stream) of `results`, the main KPIs as columns, mean ± 95%
/// half-width; empty when the centre has no such parts.
pub fn parts_table(results: &crate::report::Results, by: By) -> String {
    use crate::scenario::scopes::{Kind, Scopes};
    let parts = Scopes::of(results.scenario);
    let has = |k: &Kind| (0..parts.len()).any(|s| parts.kind(s) == k);
    let teams = |k: &Kind| matches!(k, Kind::Team | Kind::WaitingBox);
    let wanted: &dyn Fn(&Kind) -> bool = match by {
        By::Team => &teams,
        By::Stream => &|k| *k == Kind::Stream,
        By::Priority => &|k| *k == Kind::Priority,
        By::Auto if has(&Kind::Priority) => &|k| *k == Kind::Priority,
        By::Auto if has(&Kind::Team) => &teams,
        By::Auto => &|k| *k == Kind::Stream,
        By::None => return String::new(),
    };
    let chosen: Vec<usize> = (1..parts.len())
        .filter(|&s| wanted(parts.kind(s)))
        .collect();
    if chosen.is_empty() {
        return String::new();
    }
    let heading = match parts.kind(chosen[0]) {
        Kind::Stream => "stream",
        Kind::Priority => "priority",
        _ => "team",
    };
    // A centre whose groups overflow also sees how many of each team's chats went to them.
    let kpis: Vec<Metric> = PART_KPIS
        .into_iter()
        .chain(results.scenario.overflows().then_some(Metric::Overflowed))
        .collect();
    let mut cells = vec![{
        let mut h = vec![heading.to_string()];
        h.extend(kpis.iter().map(|m| {
            let (unit, _) = m.unit().display();
            let name = if *m == Metric::Arrivals {
                "chats"
            } else {
                m.name()
            };
            format!("{name} {unit}").trim_end().to_string()
        }));
        h
    }];
    for s in chosen {
        let name = parts.name(s);
        let mut line = vec![
            name.split_once(':')
                .map_or("Waiting box", |(_, n)| n)
                .to_string(),
        ];
        for &m in &kpis {
            let e = crate::stats::pooled::metric_in(results.runs.iter().map(|r| &r.stats), s, m);
            let (_, scale) = m.unit().display();
            line.push(if e.mean.is_nan() {
                "-".to_string()
            } else if m.unit() == crate::stats::metrics::Unit::Count {
                format!("{:.1}", e.mean)
            } else {
                let digits = if m.unit() == crate::stats::metrics::Unit::Minutes {
                    2
                } else {
                    1
                };
                let (mean, half) = (e.mean * scale, e.half_width() * scale);
                format!("{mean:.digits$} ± {half:.digits$}")
            });
        }
        cells.push(line);
    }
    let mut out = String::from(match heading {
        "stream" => "Per arrival stream:\n",
        "priority" => "Per priority class:\n",
        _ => {
            "Per team (the queue each chat was in when its wait for an agent ended; chats = those that reached it):\n"
        }
    });
    out.push_str(&aligned(&cells, 1));
    out
}

/// Rows of cells as columns: the first `left` left-aligned, the rest right-aligned.
fn aligned(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        out.push(' ');
        for (i, c) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(c.chars().count()));
            if i < left {
                let _ = write!(out, " {c}{pad}");
            } else {
                let _ = write!(out, "  {pad}{c}");
            }
        }
        out.push('\n');
    }
    out
}

/// Which service level a staffing target should use, under every KPI table.
pub const LEVELS_NOTE: &str = "  service_level: first human reply within the target; answer_level: taken by an agent within it.\n";
pub const TURNS_NOTE: &str = "  Staff to answer_level: in the turn model service_level also counts the agent's typing, which more agents cannot shorten.\n";

/// `name (R replications, seed S)`: the heading of every table, and the what-ifs applied
/// to the file on a line of their own.
pub fn title(scenario: &crate::scenario::Scenario, plan: &crate::experiment::Plan) -> String {
    // What the counts cover: each replication's counted days, after its warm-up.
    let counted = scenario.simulation.horizon - scenario.simulation.warmup;
    let mut title = format!(
        "{} ({} of {}, seed {})",
        scenario.name,
        crate::io::counted(plan.replications, "replication"),
        crate::io::period(counted),
        plan.seed
    );
    if !scenario.overrides.is_empty() {
        let _ = write!(
            title,
            "\n  what-if, not the file as written: {}",
            scenario.overrides.join(", ")
        );
    }
    title
}

/// The work done by outcomes of one run (their wall time is the whole run's).
pub fn throughput(outcomes: &[Outcome]) -> String {
    let Some(first) = outcomes.first() else {
        return String::new();
    };
    let secs = first.wall.as_secs_f64().max(1e-9);
    let runs: usize = outcomes.iter().map(|o| o.runs.len()).sum();
    let chats: u64 = outcomes.iter().map(Outcome::chats).sum();
    let events: u64 = outcomes.iter().map(Outcome::events).sum();
    format!(
        "{}, {chats} chats, {events} events in {secs:.3} s on {}: {:.0} chats/s, {:.0} events/s",
        crate::io::counted(runs as u64, "replication"),
        crate::io::counted(first.threads as u64, "thread"),
        chats as f64 / secs,
        events as f64 / secs,
    )
}

/// `compare`: each variant's mean and, after the first, its paired difference from the first
/// with the 95% half-width; `*` marks a difference whose interval excludes zero.
pub fn compare_table(variants: &[crate::report::Results]) -> String {
    use crate::report::csv::{kpis, paired};
    let mut out = String::new();
    let Some((base, rest)) = variants.split_first() else {
        return out;
    };
    // Columns as wide as the longest variant name: a name is never cut.
    let w = variants
        .iter()
        .map(|v| v.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    let _ = write!(out, "  {:<26}{:>w$}", "metric", base.name);
    for v in rest {
        let _ = write!(out, " {:>w$} {:>22}", v.name, "Δ vs first");
    }
    out.push('\n');
    let base_kpis = kpis(base.runs);
    let rest_kpis: Vec<_> = rest.iter().map(|v| kpis(v.runs)).collect();
    for (i, (m, e)) in base_kpis.iter().enumerate() {
        let (unit, scale) = m.unit().display();
        let _ = write!(
            out,
            "  {:<26}{:>w$}",
            format!("{} {}", m.name(), unit),
            fmt(e.mean * scale)
        );
        for (v, k) in rest.iter().zip(&rest_kpis) {
            let d = paired(base.runs, v.runs, *m);
            let significant = d.ci_low > 0.0 || d.ci_high < 0.0;
            let delta = if d.mean.is_nan() {
                "-".to_string()
            } else {
                format!(
                    "{} ± {:.3}{}",
                    crate::io::signed(d.mean * scale, 3),
                    d.half_width() * scale,
                    if significant { " *" } else { "  " }
                )
            };
            let _ = write!(out, " {:>w$} {:>22}", fmt(k[i].1.mean * scale), delta);
        }
        out.push('\n');
    }
    out.push_str("  * the paired 95% interval of the difference excludes 0 (same customers in every variant)\n");
    out
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "-".to_string()
    } else {
        format!("{x:.3}")
    }
}

/// The width of a column of variant names: the longest, so that none is cut.
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(|n| n.chars().count()).max().unwrap_or(0).max(7)
}

/// The KPIs a sweep table shows, side by side for every point.
const SWEEP_KPIS: [Metric; 6] = [
    Metric::ServiceLevel,
    Metric::AnswerLevel,
    Metric::AbandonRate,
    Metric::MeanWait,
    Metric::WaitP90,
    Metric::Occupancy,
];

/// `sweep`: one row per grid point, with the columns `--metrics` chose (the usual KPIs
/// otherwise) as mean ± 95% half-width, whether the point keeps the `[[expect]]` bounds,
/// and the objective's best marked; an invalid point skipped with `--skip-invalid` says so.
pub fn sweep_table(
    paths: &[String],
    rows: &[(Vec<String>, Result<crate::report::Results, String>)],
    decided: &crate::experiment::decide::Decided,
) -> String {
    use crate::experiment::decide::Measure;
    let measures: Vec<Measure> = match decided.decision.metrics.is_empty() {
        true => SWEEP_KPIS
            .iter()
            .map(|&metric| Measure {
                metric,
                scope: "all".into(),
            })
            .collect(),
        false => decided.decision.metrics.clone(),
    };
    let feasible = !decided.feasible.is_empty();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, (values, r))| {
            let mut line = values.clone();
            match r {
                Ok(r) => {
                    let kpis = crate::report::csv::scoped_kpis(r);
                    for m in &measures {
                        let (_, scale) = m.metric.unit().display();
                        line.push(match m.of(&kpis) {
                            None => "-".to_string(),
                            Some(e) if e.mean.is_nan() => "-".to_string(),
                            Some(e) if e.half_width().is_nan() => {
                                format!("{:.2}", e.mean * scale)
                            }
                            Some(e) => {
                                format!("{:.2} ± {:.2}", e.mean * scale, e.half_width() * scale)
                            }
                        });
                    }
                    if feasible {
                        let f = decided.feasible[i].map_or("", |f| f.name());
                        line.push(f.to_string());
                    }
                }
                Err(_) => line.push("skipped (invalid)".to_string()),
            }
            if decided.best.as_ref().is_some_and(|b| b.row == i) {
                line.push("◀ best".to_string());
            }
            line
        })
        .collect();
    let mut header: Vec<String> = paths.to_vec();
    for m in &measures {
        let (unit, _) = m.metric.unit().display();
        header.push(format!("{} {unit}", m.name()));
    }
    if feasible {
        header.push("feasible".into());
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            let body = cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count());
            body.chain([header[i].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&cells) {
        out.push(' ');
        for (i, c) in row.iter().enumerate() {
            let pad = widths
                .get(i)
                .map_or(0, |w| w.saturating_sub(c.chars().count()));
            if i < paths.len() {
                let _ = write!(out, " {c}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{c}", " ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Under the sweep's table: how many points keep the bounds, and the objective's best point
/// with how sure it beats the runner-up.
pub fn sweep_decision(
    rows: &[(Vec<String>, Result<crate::report::Results, String>)],
    decided: &crate::experiment::decide::Decided,
) -> String {
    use crate::experiment::decide::Feasible;
    let mut out = String::new();
    if !decided.feasible.is_empty() {
        let count = |f| decided.feasible.iter().filter(|x| **x == Some(f)).count();
        let _ = writeln!(
            out,
            "  feasible: {} of {} points keep every [[expect]] bound at 95%, {} break one, {} unsure (Holm over every bound of every point)",
            count(Feasible::Yes),
            decided.feasible.iter().flatten().count(),
            count(Feasible::No),
            count(Feasible::Unsure),
        );
    }
    let Some(aim) = &decided.decision.objective else {
        return out;
    };
    let name = |i: usize| match &rows[i].1 {
        Ok(r) => r.name.to_string(),
        Err(_) => String::new(),
    };
    let Some(best) = &decided.best else {
        let _ = writeln!(
            out,
            "  {}: no point to choose (none keeps the bounds)",
            aim.name()
        );
        return out;
    };
    let (unit, scale) = aim.measure.metric.unit().display();
    let value = |i: usize| -> String {
        let Ok(r) = &rows[i].1 else {
            return String::new();
        };
        aim_value(aim, &crate::report::csv::scoped_kpis(r)).unwrap_or_default()
    };
    let among = match (best.among_unsure, decided.feasible.is_empty()) {
        (_, true) => "of every point",
        (false, false) => "of the points that keep the bounds",
        (true, false) => {
            "of the points not shown to break a bound (none is shown to keep them all)"
        }
    };
    let _ = writeln!(
        out,
        "  {}: best {among}: {} ({})",
        aim.name(),
        name(best.row),
        value(best.row)
    );
    // A difference of shares is in percentage points, not a percentage.
    let unit = if unit == "%" { "points" } else { unit };
    if let Some((r, d)) = best.runner_up {
        let verdict = match best.settled() {
            true => "better at 95%",
            false => "not told apart at 95%: more replications, or either",
        };
        let _ = writeln!(
            out,
            "  runner-up: {} ({}); difference {} [{}, {}] {unit}, paired on the same customers: {verdict}",
            name(r),
            value(r),
            crate::io::signed(d.mean * scale, 2),
            crate::io::fixed(d.ci_low * scale, 2),
            crate::io::fixed(d.ci_high * scale, 2),
        );
    }
    out
}

/// `check`: every bound, its interval and its verdict.
pub fn check_table(rows: &[crate::experiment::check::BoundCheck]) -> String {
    use crate::experiment::check::{Bound, Verdict};
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let (unit, scale) = r.metric.unit().display();
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            let bound = match r.bound {
                Bound::Min(v) => format!(">= {}{unit}", fmt(v * scale)),
                Bound::Max(v) => format!("<= {}{unit}", fmt(v * scale)),
            };
            let e = &r.estimate;
            let ci = format!(
                "{} [{}, {}]{unit}",
                fmt(e.mean * scale),
                fmt(e.ci_low * scale),
                fmt(e.ci_high * scale)
            );
            let verdict = match r.verdict {
                Verdict::Pass => "pass".to_string(),
                Verdict::Fail => "FAIL".to_string(),
                Verdict::Inconclusive { needed: Some(n) } => {
                    format!("inconclusive (about {n} replications would settle it)")
                }
                Verdict::Inconclusive { needed: None } => {
                    "inconclusive (the mean sits on the bound)".to_string()
                }
            };
            [r.variant.clone(), r.label(), bound, ci, verdict]
        })
        .collect();
    // Columns as wide as their widest cell: a name, a bound or an interval is never cut.
    let width = |i: usize, least: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
            .max(least)
    };
    let (w, mw, bw, cw) = (width(0, 7), width(1, 22), width(2, 14), width(3, 24));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {:<w$} {:<mw$} {:>bw$} {:>cw$}   verdict",
        "variant", "metric", "bound", "mean [95% CI]"
    );
    for [variant, label, bound, ci, verdict] in &cells {
        let _ = writeln!(
            out,
            "  {variant:<w$} {label:<mw$} {bound:>bw$} {ci:>cw$}   {verdict}"
        );
    }
    out
}

/// A value with its unit as shown on screen (shares in %).
pub fn shown(metric: crate::stats::metrics::Metric, x: f64) -> String {
    let (unit, scale) = metric.unit().display();
    match unit {
        "" => fmt(x * scale),
        "%" => format!("{}%", fmt(x * scale)),
        u => format!("{} {u}", fmt(x * scale)),
    }
}

/// A difference with its unit: shares in points.
fn shown_diff(metric: crate::stats::metrics::Metric, x: f64) -> String {
    let (unit, scale) = metric.unit().display();
    match unit {
        "" => fmt(x * scale),
        "%" => format!("{} points", fmt(x * scale)),
        u => format!("{} {u}", fmt(x * scale)),
    }
}

/// `check --baseline` / `--against`: each expectation's metric before and now, the difference
/// with its interval, the tolerance, and the verdict.
pub fn comparison_table(rows: &[crate::experiment::check::Comparison]) -> String {
    let mut out = String::new();
    let w = name_width(rows.iter().map(|r| r.variant.as_str()));
    let mw = rows
        .iter()
        .map(|r| r.label().chars().count())
        .max()
        .unwrap_or(0)
        .max(20);
    let _ = writeln!(
        out,
        "  {:<w$} {:<mw$} {:>9} {:>12} {:>12} {:>36} {:>14}   verdict",
        "variant", "metric", "against", "before", "now", "now − before [95% CI]", "tolerance"
    );
    for r in rows {
        let (diff, verdict) = match &r.diff {
            None => ("-".to_string(), "not in the reference"),
            Some(d) => (
                format!(
                    "{} [{}, {}]",
                    shown_diff(r.metric, d.mean),
                    fmt(d.ci_low * r.metric.unit().display().1),
                    fmt(d.ci_high * r.metric.unit().display().1)
                ),
                if r.regressed { "REGRESSION" } else { "pass" },
            ),
        };
        let sign = if r.higher_is_worse { "+" } else { "−" };
        let _ = writeln!(
            out,
            "  {:<w$} {:<mw$} {:>9} {:>12} {:>12} {:>36} {:>14}   {verdict}",
            r.variant,
            r.label(),
            r.reference.name(),
            shown(r.metric, r.before),
            shown(r.metric, r.now),
            diff,
            format!("{sign}{}", shown_diff(r.metric, r.tolerance)),
        );
    }
    out
}

/// A failed bound in one line, for a CI annotation.
pub fn bound_line(b: &crate::experiment::check::BoundCheck) -> String {
    use crate::experiment::check::Bound;
    let (sign, v) = match b.bound {
        Bound::Min(v) => (">=", v),
        Bound::Max(v) => ("<=", v),
    };
    format!(
        "{} {sign} {} failed: {} [{}, {}] (variant {})",
        b.label(),
        shown(b.metric, v),
        shown(b.metric, b.estimate.mean),
        shown(b.metric, b.estimate.ci_low),
        shown(b.metric, b.estimate.ci_high),
        b.variant
    )
}

/// A regression in one line, for a CI annotation.
pub fn comparison_line(c: &crate::experiment::check::Comparison) -> String {
    let d = c.diff.map_or(f64::NAN, |d| d.mean);
    format!(
        "{} regressed against {}: {} → {} ({}, beyond the tolerance of {}) (variant {})",
        c.label(),
        c.reference.described(),
        shown(c.metric, c.before),
        shown(c.metric, c.now),
        shown_diff(c.metric, d),
        shown_diff(c.metric, c.tolerance),
        c.variant
    )
}

pub(super) fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub(super) fn trim_number(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub use super::staffing::{staffing_progress, staffing_summary};

/// An aim's metric among a point's KPIs, as mean ± 95% half-width in its unit.
pub fn aim_value(
    aim: &crate::experiment::decide::Aim,
    kpis: &crate::experiment::check::ScopedKpis,
) -> Option<String> {
    let (unit, scale) = aim.measure.metric.unit().display();
    aim.measure.of(kpis).map(|e| {
        format!(
            "{:.2} ± {:.2} {unit}",
            e.mean * scale,
            e.half_width() * scale
        )
        .trim_end()
        .to_string()
    })
}
