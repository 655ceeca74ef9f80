//! `staff`'s chart: agents per interval of the week as simulation requires, as the roster
//! schedules, and as per-interval Erlang would staff.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

pub(super) struct Staffing<'a>(pub(super) &'a ReportData);

/// Steps: each interval's number held flat across it, x in days (`per_day` intervals each).
fn steps(values: impl Iterator<Item = f64>, per_day: f64) -> Vec<(f64, f64)> {
    values
        .enumerate()
        .flat_map(|(i, v)| [(i as f64 / per_day, v), ((i as f64 + 1.0) / per_day, v)])
        .filter(|p| p.1.is_finite())
        .collect()
}

impl Draw for Staffing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let rows = &self.0.staffing;
        let shifts = rows.iter().any(|r| r.scheduled != r.required);
        let mut keys = vec![Key::new("required (simulated)", color(0), Mark::Line)];
        if shifts {
            keys.push(Key::new("scheduled (shifts)", color(2), Mark::Line));
        }
        keys.push(Key::new("per-interval Erlang", color(1), Mark::Dashed));
        let root = &with_key(root, &keys)?;
        let top = finite_max(
            rows.iter()
                .flat_map(|r| [r.required, r.scheduled, r.erlang]),
        )
        .max(1.0)
            * 1.1;
        // x in days since the first row, so that the ticks fall on midnights.
        let per_day = rows
            .iter()
            .skip(1)
            .position(|r| r.label.ends_with("00:00"))
            .map_or(rows.len(), |p| p + 1)
            .max(1) as f64;
        let days = rows.len() as f64 / per_day;
        let mut chart = ChartBuilder::on(root)
            .caption("Agents needed per interval", (FONT, 24))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..days.max(1.0 / per_day), 0.0..top)
            .map_err(fail)?;
        let label = |x: &f64| {
            let i = (x * per_day).round() as usize;
            match rows.get(i) {
                Some(r) if (x * per_day - i as f64).abs() < 1e-6 => r.label.clone(),
                _ => String::new(),
            }
        };
        chart
            .configure_mesh()
            .x_labels(days.ceil() as usize + 1)
            .x_label_formatter(&label)
            .y_labels(top.floor() as usize + 1)
            .x_desc("interval of the week (start)")
            .y_desc("agents on duty")
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 13))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(
                steps(rows.iter().map(|r| r.required), per_day),
                color(0).stroke_width(3),
            ))
            .map_err(fail)?;
        if shifts {
            chart
                .draw_series(LineSeries::new(
                    steps(rows.iter().map(|r| r.scheduled), per_day),
                    color(2).stroke_width(2),
                ))
                .map_err(fail)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                steps(rows.iter().map(|r| r.erlang), per_day),
                6,
                4,
                color(1).stroke_width(2),
            ))
            .map_err(fail)?;
        Ok(())
    }
}
