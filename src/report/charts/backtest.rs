//! `backtest`'s chart: per KPI, the log's value in each interval under the simulated mean and
//! the band a further replication falls in 95% of the time, over the whole log (a long one
//! averaged down to what the plot shows; `backtest.csv` has every interval).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::time::{draw_band, thin};
use super::*;
use crate::backtest::KPIS;

pub(super) struct Backtest<'a>(pub(super) &'a ReportData);

const ACTUAL: RGBColor = RGBColor(20, 20, 20);

impl Backtest<'_> {
    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, k: usize) -> Result<()> {
        let rows = &self.0.backtest;
        let metric = KPIS[k];
        let step = self.0.run["interval_s"].as_f64().unwrap_or(1800.0) / 86_400.0;
        let days = (rows.len().max(2) - 1) as f64 * step;
        let share = metric.unit() == crate::stats::metrics::Unit::Fraction;
        let top = if share {
            1.0
        } else {
            (finite_max(rows.iter().flat_map(|r| [r.values[k][0], r.values[k][3]])) * 1.1).max(1.0)
        };
        let label = |x: &f64| {
            let i = (x / step).round().max(0.0) as usize;
            rows.get(i).map_or(String::new(), |r| day_of(&r.label))
        };
        let (unit, _) = metric.unit().display();
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .x_label_area_size(22)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..days.max(step), 0.0..top)
            .map_err(fail)?;
        // A tick a day (its weekday) up to five weeks, smaller where there are many: a tick
        // every few days would name a different weekday at each.
        let ticks = (days.ceil() as usize + 1).clamp(2, 36);
        chart
            .configure_mesh()
            .label_style((FONT, if ticks > 15 { 10 } else { 12 }))
            .y_desc(format!(
                "{}{}",
                super::time::nice(metric.name()),
                if unit == "min" { " (min)" } else { "" }
            ))
            .axis_desc_style((FONT, 13))
            .y_labels(4)
            .x_labels(ticks)
            .x_label_formatter(&label)
            .y_label_formatter(&y_label(share, top))
            .draw()
            .map_err(fail)?;
        // The log first, the simulation over it: the simulated mean must not hide under
        // the log's line.
        let actual: Vec<Band> = rows
            .iter()
            .map(|r| Band {
                mean: r.values[k][0],
                low: f64::NAN,
                high: f64::NAN,
            })
            .collect();
        let (actual, thinned) = thin(&actual, step);
        draw_band(&mut chart, &actual, thinned, ACTUAL, true, 0)?;
        let sim: Vec<Band> = rows
            .iter()
            .map(|r| Band {
                mean: r.values[k][1],
                low: r.values[k][2],
                high: r.values[k][3],
            })
            .collect();
        let (sim, thinned) = thin(&sim, step);
        draw_band(&mut chart, &sim, thinned, color(0), true, 0)
    }
}

impl Draw for Backtest<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let keys = [
            Key::new("simulated mean and 95% band", color(0), Mark::Box),
            Key::new("actual (the log)", ACTUAL, Mark::Line),
        ];
        let days = self.0.backtest.len() as f64
            * self.0.run["interval_s"].as_f64().unwrap_or(1800.0)
            / 86_400.0;
        let root = &root
            .titled(
                &format!("Backtest: the log against the simulation, {days:.0} days"),
                (FONT, 22),
            )
            .map_err(fail)?;
        let root = &with_key(root, &keys)?;
        for (k, area) in root.split_evenly((KPIS.len(), 1)).iter().enumerate() {
            self.panel(area, k)?;
        }
        Ok(())
    }
}
