//! What `ccsim tune` writes besides the sweep report of the points it evaluated:
//! `tune.csv`, `tuned.toml` and the lines the terminal shows (README "Tuning with
//! `ccsim tune`").

use std::fmt::Write;
use std::path::Path;

use crate::experiment::decide::Aim;
use crate::experiment::tune::{Axis, Tuned};
use crate::scenario::Scenario;

use super::csv::number;

/// `tune.csv`: every point evaluated, in the order first evaluated: its values, the
/// replications of its last evaluation, whether it keeps the bounds, the objective's mean and
/// 95% interval, and its part in the search (`best`, `neighbour` of the best, `visited`).
pub fn csv(axes: &[Axis], aim: &Aim, tuned: &Tuned, feasible: &[&str]) -> Vec<u8> {
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
        let kpis = crate::experiment::tune::scoped_kpis(&p.scenario, &p.runs);
        let e = aim.measure.of(&kpis);
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
            feasible[i].to_string(),
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
pub fn summary(axes: &[Axis], aim: &Aim, tuned: &Tuned, feasible: &[&str]) -> String {
    let mut out = String::new();
    let (unit, scale) = aim.measure.metric.unit().display();
    let value = |i: usize| {
        let p = &tuned.points[i];
        let kpis = crate::experiment::tune::scoped_kpis(&p.scenario, &p.runs);
        super::terminal::aim_value(aim, &kpis).unwrap_or_else(|| "-".into())
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
    if feasible[tuned.best] == "no" {
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
    let points = match unit {
        "%" => " points".to_string(),
        "" => String::new(),
        u => format!(" {u}"),
    };
    for (n, d) in &tuned.neighbours {
        let _ = writeln!(
            out,
            "    neighbour {} ({}): {:+.2} [{:.2}, {:.2}]{points} against the best",
            name(*n),
            value(*n),
            d.mean * scale,
            d.ci_low * scale,
            d.ci_high * scale
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
