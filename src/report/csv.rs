//! The CSV files of SPEC §6, each rendered to bytes so that it can be tested without files.
//! Numbers are written with six decimals and an undefined value (no chat to average over) as
//! an empty cell, so that the same run always gives the same bytes.

use crate::engine::RunOutput;
use crate::scenario::Scenario;
use crate::scenario::calendar::weekday_name;
use crate::scenario::units::{DAY, HOUR, MINUTE};
use crate::stats::metrics::{GroupMetric, IntervalMetric, Metric};
use crate::stats::summary::{Estimate, estimate};

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

/// Every KPI of every replication, summarised, in `Metric` order.
pub fn kpis(runs: &[RunOutput]) -> Vec<(Metric, Estimate)> {
    Metric::ALL
        .iter()
        .map(|&m| {
            (
                m,
                estimate(runs.iter().map(|r| r.stats.metrics[m as usize])),
            )
        })
        .collect()
}

pub fn summary(variant: &str, runs: &[RunOutput]) -> Vec<u8> {
    let mut w = writer(&["variant", "metric"]);
    for (m, e) in kpis(runs) {
        let mut row = vec![variant.to_string(), m.name().to_string()];
        row.extend(estimate_cells(&e));
        w.write_record(&row).expect("in memory");
    }
    finish(w)
}

pub fn intervals(variant: &str, scenario: &Scenario, runs: &[RunOutput]) -> Vec<u8> {
    let sim = &scenario.simulation;
    let mut w = writer(&["variant", "interval", "day", "weekday", "time", "metric"]);
    let count = runs.first().map_or(0, |r| r.stats.intervals.len());
    for k in 0..count {
        let start = sim.warmup + k as i64 * sim.interval;
        let week_time = sim.start + start;
        let day_of_clock = week_time.rem_euclid(DAY);
        let time = format!(
            "{:02}:{:02}",
            day_of_clock / HOUR,
            day_of_clock % HOUR / MINUTE
        );
        let weekday = weekday_name((week_time.div_euclid(DAY)) as usize);
        let day = (sim.start % DAY + start).div_euclid(DAY);
        for &m in IntervalMetric::ALL {
            let e = estimate(runs.iter().map(|r| r.stats.intervals[k][m as usize]));
            let mut row = vec![
                variant.to_string(),
                k.to_string(),
                day.to_string(),
                weekday.to_string(),
                time.clone(),
                m.name().to_string(),
            ];
            row.extend(estimate_cells(&e));
            w.write_record(&row).expect("in memory");
        }
    }
    finish(w)
}

/// `chats.csv` (`--chats-log`): every replication's rows, in replication order.
pub fn chats(runs: &[RunOutput]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::engine::log::HEADER)
        .expect("in memory");
    let mut bytes = finish(w);
    for r in runs {
        bytes.extend_from_slice(r.chats_log.as_deref().unwrap_or_default());
    }
    bytes
}

pub fn agents(variant: &str, scenario: &Scenario, runs: &[RunOutput]) -> Vec<u8> {
    let mut w = writer(&["variant", "group", "agents", "capacity", "metric"]);
    for (g, group) in scenario.agent_groups.iter().enumerate() {
        for &m in GroupMetric::ALL {
            let e = estimate(runs.iter().map(|r| r.stats.groups[g][m as usize]));
            let mut row = vec![
                variant.to_string(),
                group.name.clone(),
                group.count.to_string(),
                group.capacity.to_string(),
                m.name().to_string(),
            ];
            row.extend(estimate_cells(&e));
            w.write_record(&row).expect("in memory");
        }
    }
    finish(w)
}
