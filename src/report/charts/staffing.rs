//! `staff`'s chart: agents per interval of the week as simulation requires, as the roster
//! schedules, and as per-interval Erlang would staff.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

pub(super) struct Staffing<'a>(pub(super) &'a ReportData);

/// Steps: each interval's number held flat across it.
fn steps(values: impl Iterator<Item = f64>) -> Vec<(f64, f64)> {
    values
        .enumerate()
        .flat_map(|(i, v)| [(i as f64, v), (i as f64 + 1.0, v)])
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
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("Agents needed per interval", (FONT, 24))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..n, 0.0..top)
            .map_err(fail)?;
        // A tick at each day's first interval, named after it.
        let label = |x: &f64| {
            rows.get(*x as usize)
                .map(|r| r.label.clone())
                .unwrap_or_default()
        };
        let per_day = rows
            .iter()
            .skip(1)
            .position(|r| r.label.ends_with("00:00"))
            .map_or(rows.len(), |p| p + 1);
        chart
            .configure_mesh()
            .x_labels((rows.len() / per_day.max(1)).clamp(2, 14))
            .x_label_formatter(&label)
            .x_desc("interval of the week (start)")
            .y_desc("agents on duty")
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 13))
            .y_label_formatter(&|y| count_label(*y, top))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(
                steps(rows.iter().map(|r| r.required)),
                color(0).stroke_width(3),
            ))
            .map_err(fail)?;
        if shifts {
            chart
                .draw_series(LineSeries::new(
                    steps(rows.iter().map(|r| r.scheduled)),
                    color(2).stroke_width(2),
                ))
                .map_err(fail)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                steps(rows.iter().map(|r| r.erlang)),
                6,
                4,
                color(1).stroke_width(2),
            ))
            .map_err(fail)?;
        Ok(())
    }
}
