//! What `ccsim tune` writes besides the sweep report of the points it evaluated:
//! `tune.csv`, `tuned.toml` and the lines the terminal shows (guide
//! `experiments.md#tuning-with-ccsim-tune`).

use std::fmt::Write;
use std::path::Path;

use crate::experiment::check::ScopedKpis;
use crate::experiment::decide::{Aim, Best, Decided, Decision, Feasible, Goal, Measure};
use crate::experiment::tune::{Axis, Tuned};
use crate::experiment::{Outcome, Plan};
use crate::scenario::{Expect, Scenario};

use super::csv::number;
use super::{Report, Results};

/// What `tune` shows and writes: the terminal's lines (under `title`) and the report, the
/// sweep report of every point evaluated with `tune.csv` and `tuned.toml`; `outcome` gives
/// the search's wall time and threads.
pub fn present<'a>(
    scenario: &Scenario,
    axes: &[Axis],
    decision: Decision,
    tuned: &'a Tuned,
    plan: &Plan,
    outcome: &Outcome,
) -> Result<(String, Report<'a>), String> {
    let aim = decision
        .objective
        .clone()
        .ok_or("tune needs an objective")?;
    let paths: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    // The runner-up: the neighbour closest to the best on the objective.
    let runner_up = tuned
        .neighbours
        .iter()
        .min_by(|a, b| a.1.mean.abs().total_cmp(&b.1.mean.abs()))
        .copied();
    let feasible = match scenario.expects.is_empty() {
        true => Vec::new(),
        false => tuned.points.iter().map(|p| p.feasible).collect(),
    };
    let decided = Decided {
        decision,
        feasible,
        best: Some(Best {
            row: tuned.best,
            runner_up,
            among_unsure: tuned.points[tuned.best].feasible == Some(Feasible::Unsure),
        }),
    };
    let rows: Vec<(Vec<String>, Result<Results, String>)> = tuned
        .points
        .iter()
        .map(|p| {
            let r = Results {
                name: &p.name,
                scenario: &p.scenario,
                runs: &p.runs,
            };
            (p.values.clone(), Ok(r))
        })
        .collect();
    let mut report = Report::for_sweep(&paths, &rows, &decided, plan, outcome);
    report.add("tune.csv", csv(axes, &aim, tuned));
    report.add(
        "tuned.toml",
        toml(scenario, axes, tuned, &aim)?.into_bytes(),
    );
    let text = format!(
        "{} — tuned over {}\n{}",
        super::terminal::title(scenario, plan),
        paths.join(" × "),
        summary(axes, &aim, tuned, &scenario.expects)
    );
    Ok((text, report))
}

/// `tune.csv`: every point evaluated, in the order first evaluated: its values, the
/// replications of its last evaluation, whether it keeps the bounds, the objective's mean and
/// 95% interval, and its part in the search (`best`, `neighbour` of the best, `visited`).
fn csv(axes: &[Axis], aim: &Aim, tuned: &Tuned) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let metric = aim.measure.name();
    let header: Vec<String> = axes
        .iter()
        .map(|a| a.path.clone())
        .chain(
            [
                "replications",
                "feasible",
                "role",
                &format!("{metric}_mean"),
                &format!("{metric}_ci95_low"),
                &format!("{metric}_ci95_high"),
            ]
            .map(String::from),
        )
        .collect();
    w.write_record(&header).expect("in memory");
    for (i, p) in tuned.points.iter().enumerate() {
        let e = aim.measure.of(&p.kpis);
        let role = if i == tuned.best {
            "best"
        } else if tuned.neighbours.iter().any(|(n, _)| *n == i) {
            "neighbour"
        } else {
            "visited"
        };
        let mut row = p.values.clone();
        row.extend([
            p.runs.len().to_string(),
            p.feasible.map_or("", |f| f.name()).to_string(),
            role.to_string(),
            e.map_or(String::new(), |e| number(e.mean)),
            e.map_or(String::new(), |e| number(e.ci_low)),
            e.map_or(String::new(), |e| number(e.ci_high)),
        ]);
        w.write_record(&row).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// `tuned.toml`: the scenario as written, comments kept, with the best point's values set
/// and its data files named from wherever it is run.
pub fn toml(
    scenario: &Scenario,
    axes: &[Axis],
    tuned: &Tuned,
    aim: &Aim,
) -> Result<String, String> {
    let best = &tuned.points[tuned.best];
    let sets: Vec<String> = axes
        .iter()
        .zip(&best.values)
        .map(|(a, v)| format!("{}={v}", a.path))
        .collect();
    let set = scenario
        .overridden(&sets, None)
        .map_err(|e| e.to_string())?;
    let mut doc = set.document();
    crate::planning::plan_file::anchor_files(
        doc.as_table_mut(),
        scenario.path.parent().unwrap_or(Path::new(".")),
    );
    let header = format!(
        "# Tuned by `ccsim tune` from {} for \"{}\": {}.\n# The best point {} its feasible neighbours at 95% on {} replications.\n\n",
        scenario.path.display(),
        aim.name(),
        sets.join(", "),
        if tuned.settled {
            "beats"
        } else {
            "does not yet beat"
        },
        tuned.replications,
    );
    Ok(header + &doc.to_string())
}

/// The terminal's account of the search.
fn summary(axes: &[Axis], aim: &Aim, tuned: &Tuned, expects: &[Expect]) -> String {
    let mut out = String::new();
    let (unit, scale) = aim.measure.metric.unit().display();
    let value = |i: usize| {
        super::terminal::aim_value(aim, &tuned.points[i].kpis).unwrap_or_else(|| "-".into())
    };
    let name = |i: usize| {
        axes.iter()
            .zip(&tuned.points[i].values)
            .map(|(a, v)| format!("{}={v}", a.path))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let size: usize = axes.iter().map(|a| a.values.len()).product();
    let _ = writeln!(
        out,
        "  searched {} of {size} grid points in {} moves, {} simulations (point × replication)",
        tuned.points.len(),
        tuned.moves,
        tuned.simulations
    );
    if tuned.points[tuned.best].feasible == Some(Feasible::No) {
        let _ = writeln!(
            out,
            "  no point of the box keeps every [[expect]] bound; the nearest tried:"
        );
    }
    let _ = writeln!(
        out,
        "  {}: best {} ({})",
        aim.name(),
        name(tuned.best),
        value(tuned.best)
    );
    if tuned.points[tuned.best].feasible == Some(Feasible::Unsure) {
        // The optimum of a trade-off often sits where a bound binds: say how close it is,
        // and which point is shown to keep every bound.
        let _ = writeln!(
            out,
            "    not shown to keep every bound at 95% (unsure): {}",
            bounds(expects, &tuned.points[tuned.best].kpis)
        );
        let safe = (0..tuned.points.len())
            .filter(|&i| tuned.points[i].feasible == Some(Feasible::Yes))
            .filter_map(|i| aim.measure.of(&tuned.points[i].kpis).map(|e| (i, e.mean)))
            .min_by(|a, b| match aim.goal {
                Goal::Min => a.1.total_cmp(&b.1),
                Goal::Max => b.1.total_cmp(&a.1),
            });
        if let Some((i, _)) = safe {
            let _ = writeln!(
                out,
                "    best shown to keep them: {} ({})",
                name(i),
                value(i)
            );
        }
    }
    let points = match unit {
        "%" => " points".to_string(),
        "" => String::new(),
        u => format!(" {u}"),
    };
    for (n, d) in &tuned.neighbours {
        let _ = writeln!(
            out,
            "    neighbour {} ({}): {} [{}, {}]{points} against the best",
            name(*n),
            value(*n),
            crate::io::signed(d.mean * scale, 2),
            crate::io::fixed(d.ci_low * scale, 2),
            crate::io::fixed(d.ci_high * scale, 2)
        );
    }
    let _ = writeln!(
        out,
        "  {} on {} replications{}",
        match tuned.settled {
            true => "settled: the best beats every feasible neighbour at 95%",
            false => "not settled: a neighbour is not told apart from the best at 95%",
        },
        tuned.replications,
        match tuned.settled {
            true => String::new(),
            false => " (raise --max-replications, or take either)".into(),
        }
    );
    out
}

/// Each `[[expect]]` bound beside the point's estimate: `service_level 85.1 % [84.6, 85.6] (≥ 85 %)`.
fn bounds(expects: &[Expect], kpis: &ScopedKpis) -> String {
    expects
        .iter()
        .map(|e| {
            let (unit, scale) = e.metric.unit().display();
            let measure = Measure {
                metric: e.metric,
                scope: e.scope.clone(),
            };
            let part = match e.scope.as_str() {
                "all" => String::new(),
                s => format!("@{s}"),
            };
            let bound = match (e.min, e.max) {
                (Some(lo), None) => format!("≥ {}{unit}", lo * scale),
                (None, Some(hi)) => format!("≤ {}{unit}", hi * scale),
                (Some(lo), Some(hi)) => format!("{}–{}{unit}", lo * scale, hi * scale),
                (None, None) => "no bound".into(),
            };
            match measure.of(kpis) {
                Some(est) => format!(
                    "{}{part} {:.2}{unit} [{:.2}, {:.2}] ({bound})",
                    e.metric.name(),
                    est.mean * scale,
                    est.ci_low * scale,
                    est.ci_high * scale
                ),
                None => format!("{}{part} - ({bound})", e.metric.name()),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
