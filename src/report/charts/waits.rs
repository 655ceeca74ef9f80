//! The waiting-time distribution of every variant.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

pub(super) struct WaitCdf<'a>(pub(super) &'a ReportData);

impl Draw for WaitCdf<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let d = self.0;
        let target = d.run["service_level_target_s"].as_f64().map(|s| s / 60.0);
        // Up to the 99th percentile: the long tail would squash the rest.
        let p99 = finite_max(
            d.waits
                .values()
                .flat_map(|w| w.iter().filter(|(q, _)| *q <= 0.99).map(|p| p.1)),
        );
        let x_max = (p99.max(target.unwrap_or(0.0)) * 1.1).max(0.1);
        let mut keys: Vec<Key> = d
            .variants
            .iter()
            .enumerate()
            .filter(|(_, v)| d.variants.len() > 1 && d.waits.contains_key(*v))
            .map(|(i, v)| Key::new(v.as_str(), color(i), Mark::Line))
            .collect();
        if let Some(t) = target {
            keys.push(Key::new(
                format!("service-level target\n({})", minutes_label(t)),
                BLACK,
                Mark::Dashed,
            ));
        }
        let root = &with_key(root, &keys)?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Waiting time until an agent takes the chat (all replications)",
                (FONT, 24),
            )
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max, 0.0..1.0)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc("wait (minutes)")
            .y_desc("share of chats waiting at most this long")
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 15))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .draw()
            .map_err(fail)?;
        for (i, v) in d.variants.iter().enumerate() {
            let Some(points) = d.waits.get(v) else {
                continue;
            };
            let c = color(i);
            let line: Vec<(f64, f64)> = points.iter().map(|&(q, w)| (w.min(x_max), q)).collect();
            chart
                .draw_series(LineSeries::new(line, c.stroke_width(3)))
                .map_err(fail)?;
        }
        if let Some(t) = target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, 0.0), (t, 1.0)],
                    8,
                    6,
                    BLACK.stroke_width(2),
                ))
                .map_err(fail)?;
        }
        Ok(())
    }
}
