//! Charts that set variants side by side: occupancy per group and the key indicators.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::*;

/// Occupancy per agent group, one bar per variant, with the 95% interval.
pub(super) struct Occupancy<'a>(pub(super) &'a ReportData);

impl Draw for Occupancy<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let d = self.0;
        let groups: Vec<String> = d
            .occupancy
            .values()
            .next()
            .map(|g| g.iter().map(|x| x.0.clone()).collect())
            .unwrap_or_default();
        let nv = d.variants.len().max(1);
        let slots = groups.len() * nv;
        let root = &with_key(root, &variant_keys(d, Mark::Box))?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Occupancy per agent group: busy slot-time / online slot-time",
                (FONT, 24),
            )
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..slots.max(1) as f64, 0.0..1.0)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("occupancy")
            .x_desc("agent group")
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 15))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .draw()
            .map_err(fail)?;
        for (vi, v) in d.variants.iter().enumerate() {
            let c = color(vi);
            let Some(list) = d.occupancy.get(v) else {
                continue;
            };
            let bars = list
                .iter()
                .enumerate()
                .filter(|(_, (_, b))| b.mean.is_finite())
                .map(|(gi, (_, b))| {
                    let x0 = (gi * nv + vi) as f64 + 0.1;
                    Rectangle::new([(x0, 0.0), (x0 + 0.8, b.mean)], c.mix(0.8).filled())
                });
            chart.draw_series(bars).map_err(fail)?;
            let whiskers = list
                .iter()
                .enumerate()
                .filter(|(_, (_, b))| b.low.is_finite())
                .flat_map(|(gi, (_, b))| {
                    let x = (gi * nv + vi) as f64 + 0.5;
                    whisker(x, b.low, b.high, 0.15, BLACK)
                });
            chart.draw_series(whiskers).map_err(fail)?;
        }
        // Each group's name under the middle of its bars, whatever the number of variants.
        let style = (FONT, 15)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (gi, name) in groups.iter().enumerate() {
            let (x, y) = chart.backend_coord(&((gi as f64 + 0.5) * nv as f64, 0.0));
            let (ox, oy) = root.get_base_pixel();
            root.draw(&Text::new(
                name.clone(),
                (x - ox, y - oy + 8),
                style.clone(),
            ))
            .map_err(fail)?;
        }
        Ok(())
    }
}

/// Four key indicators of every variant, with 95% error bars, in a 2 × 2 grid.
pub(super) struct Variants<'a>(pub(super) &'a ReportData);

const KEY_METRICS: [(&str, &str, bool); 4] = [
    ("abandon_rate", "Abandon rate", true),
    ("service_level", "Service level", true),
    ("mean_wait", "Mean wait (minutes)", false),
    ("occupancy", "Occupancy", true),
];

impl Draw for Variants<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let d = self.0;
        let panels = root.split_evenly((2, 2));
        let n = d.variants.len();
        for (panel, &(metric, title, share)) in panels.iter().zip(KEY_METRICS.iter()) {
            let bands: Vec<Band> = d
                .variants
                .iter()
                .map(|v| d.band(v, metric).unwrap_or(NAN_BAND))
                .collect();
            let top = finite_max(bands.iter().map(|b| b.high.max(b.mean))) * 1.15;
            let top = if share {
                top.clamp(0.05, 1.0)
            } else {
                top.max(0.1)
            };
            let names = d.variants.clone();
            let mut chart = ChartBuilder::on(panel)
                .caption(title, (FONT, 20))
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(60)
                .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..top)
                .map_err(fail)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(n.max(1))
                .x_label_formatter(&move |x| {
                    names
                        .get(x.round().max(0.0) as usize)
                        .cloned()
                        .unwrap_or_default()
                })
                .y_label_formatter(&|y| {
                    if share {
                        format!("{:.0}%", y * 100.0)
                    } else {
                        format!("{y:.2}")
                    }
                })
                .label_style((FONT, 13))
                .draw()
                .map_err(fail)?;
            for (i, b) in bands.iter().enumerate().filter(|(_, b)| b.mean.is_finite()) {
                let c = color(i);
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (i as f64, b.mean),
                        6,
                        c.filled(),
                    )))
                    .map_err(fail)?;
                if b.low.is_finite() {
                    chart
                        .draw_series(whisker(i as f64, b.low, b.high, 0.12, c))
                        .map_err(fail)?;
                }
                // The value beside its point, as the axis reads it.
                let value = if share {
                    format!("{:.1}%", b.mean * 100.0)
                } else {
                    format!("{:.2}", b.mean)
                };
                chart
                    .draw_series(std::iter::once(Text::new(
                        value,
                        (i as f64 + 0.08, b.mean),
                        (FONT, 13).into_font().color(&BLACK),
                    )))
                    .map_err(fail)?;
            }
        }
        Ok(())
    }
}

/// A 95% interval as a vertical line with a cap at each end, `half` wide either side of `x`
/// in the axis's units: plotters' error bar marks the mean with a circled cross.
fn whisker(x: f64, low: f64, high: f64, half: f64, c: RGBColor) -> [PathElement<(f64, f64)>; 3] {
    let style = c.stroke_width(2);
    [
        PathElement::new(vec![(x, low), (x, high)], style),
        PathElement::new(vec![(x - half, low), (x + half, low)], style),
        PathElement::new(vec![(x - half, high), (x + half, high)], style),
    ]
}
