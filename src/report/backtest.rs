//! What `ccsim backtest` writes and prints: `backtest.csv`, every interval's actual value
//! beside the simulated mean and band, and one line of how well they agree.

use super::csv::{calendar_cells, number};
use crate::backtest::{Agreement, Backtest, KPIS};

pub fn csv(b: &Backtest) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["interval", "day", "weekday", "time"]
        .map(String::from)
        .to_vec();
    for &m in &KPIS {
        let s = m.column();
        for part in ["actual", "sim_mean", "sim_low", "sim_high"] {
            header.push(format!("{s}_{part}"));
        }
    }
    w.write_record(&header).expect("in memory");
    for (i, r) in b.rows.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(calendar_cells(&b.scenario.simulation, r.start));
        row.extend(r.values.iter().flatten().map(|&x| number(x)));
        w.write_record(&row).expect("in memory");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// The whole log against the replay's KPIs: `abandon_rate: log 6.43%, simulated 6.77% ± 0.07`.
pub fn whole_log_line(b: &Backtest) -> String {
    let actual = b.whole_log();
    let parts: Vec<String> = KPIS
        .iter()
        .zip(actual)
        .skip(1)
        .map(|(&m, a)| {
            let metric = crate::stats::metrics::Metric::from_name(m.name())
                .expect("every backtest KPI is a summary metric too");
            let e = crate::stats::pooled::metric(b.outcome.runs.iter().map(|r| &r.stats), metric);
            let (unit, scale) = m.unit().display();
            let space = if unit == "%" { "" } else { " " };
            format!(
                "{}: log {:.2}{space}{unit}, simulated {:.2} ± {:.2}{space}{unit}",
                m.name(),
                a * scale,
                e.mean * scale,
                e.half_width() * scale
            )
        })
        .collect();
    format!("whole log — {}", parts.join("; "))
}

/// `arrivals: MAE 0, 100% inside; abandon_rate: MAE 1.2%, 94% inside; …`, shares in %.
pub fn agreement_line(agreements: &[Agreement]) -> String {
    let parts: Vec<String> = KPIS
        .iter()
        .zip(agreements)
        .map(|(&m, a)| {
            let (unit, scale) = m.unit().display();
            let mae = a.mae * scale;
            let mae = match unit {
                "%" => format!("{mae:.2} points"),
                "" => format!("{mae:.2}"),
                u => format!("{mae:.3} {u}"),
            };
            format!(
                "{}: MAE {mae}, {:.1}% inside",
                m.name(),
                a.share_inside() * 100.0
            )
        })
        .collect();
    let compared = agreements.iter().map(|a| a.compared).max().unwrap_or(0);
    format!("backtest over {compared} intervals — {}", parts.join("; "))
}
