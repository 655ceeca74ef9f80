//! What `ccsim run` prints: a compact KPI table and one throughput line.

use std::fmt::Write;

use crate::experiment::Outcome;
use crate::stats::metrics::Metric;
use crate::stats::summary::Estimate;

fn unit(m: Metric) -> &'static str {
    match m {
        Metric::AbandonRate
        | Metric::PWait
        | Metric::ServiceLevel
        | Metric::ServiceLevelAnswered
        | Metric::Occupancy => "%",
        Metric::MeanWait
        | Metric::MeanWaitServed
        | Metric::WaitP50
        | Metric::WaitP90
        | Metric::WaitP95
        | Metric::WaitP99
        | Metric::MeanTtfr
        | Metric::TtfrP90 => "min",
        _ => "",
    }
}

pub fn kpi_table(title: &str, kpis: &[(Metric, Estimate)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  {:<24} {:>14}   {:<10}",
        "metric", "mean", "± 95% CI"
    );
    for (m, e) in kpis {
        let scale = if unit(*m) == "%" { 100.0 } else { 1.0 };
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
            unit(*m)
        );
    }
    out
}

pub fn throughput(outcome: &Outcome) -> String {
    let secs = outcome.wall.as_secs_f64().max(1e-9);
    format!(
        "{} replications, {} chats, {} events in {:.3} s on {} threads: {:.0} chats/s, {:.0} events/s",
        outcome.runs.len(),
        outcome.chats(),
        outcome.events(),
        secs,
        outcome.threads,
        outcome.chats() as f64 / secs,
        outcome.events() as f64 / secs,
    )
}
