//! Charts of a sweep: a line over one swept path, a heat map over two.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::report::data::SweepPoint;

/// One swept path: service level and abandon rate at each value, with 95% error bars.
pub(super) struct SweepLine<'a> {
    pub(super) path: &'a str,
    pub(super) points: &'a [SweepPoint],
}

impl Draw for SweepLine<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let n = self.points.len();
        let labels: Vec<String> = self.points.iter().map(|p| p.0[0].clone()).collect();
        let series = [
            ("service_level", "service level"),
            ("abandon_rate", "abandon rate"),
        ];
        let keys: Vec<Key> = series
            .iter()
            .enumerate()
            .map(|(k, (_, name))| Key::new(*name, color(k), Mark::Line))
            .collect();
        let root = &with_key(root, &keys)?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("Service level and abandon rate as {} varies", self.path),
                (FONT, 24),
            )
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..1.0)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_labels(n.max(1))
            .x_label_formatter(&move |x| {
                labels
                    .get(x.round().max(0.0) as usize)
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .x_desc(self.path)
            .y_desc("share of chats that reached a human queue")
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 15))
            .draw()
            .map_err(fail)?;
        for (k, (metric, _)) in series.into_iter().enumerate() {
            let c = color(k);
            let bands: Vec<(f64, Band)> = self
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.1.get(metric).map(|b| (i as f64, *b)))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    bands
                        .iter()
                        .filter(|b| b.1.mean.is_finite())
                        .map(|(x, b)| (*x, b.mean)),
                    c.stroke_width(3),
                ))
                .map_err(fail)?;
            chart
                .draw_series(
                    bands
                        .iter()
                        .filter(|(_, b)| b.low.is_finite())
                        .map(|(x, b)| {
                            ErrorBar::new_vertical(*x, b.low, b.mean, b.high, c.stroke_width(2), 12)
                        }),
                )
                .map_err(fail)?;
        }
        Ok(())
    }
}

/// Two swept paths: a heat map of the service level, each cell annotated with its value.
pub(super) struct SweepHeat<'a> {
    pub(super) paths: &'a [String],
    pub(super) points: &'a [SweepPoint],
}

impl Draw for SweepHeat<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let axis = |k: usize| -> Vec<String> {
            let mut seen: Vec<String> = Vec::new();
            for p in self.points {
                if !seen.contains(&p.0[k]) {
                    seen.push(p.0[k].clone());
                }
            }
            seen
        };
        let (xs, ys) = (axis(0), axis(1));
        let (w, _) = root.dim_in_pixel();
        let (root, scale) = root.split_horizontally(w.saturating_sub(SCALE_WIDTH));
        colour_scale(&scale)?;
        let root = &root;
        let (xl, yl) = (xs.clone(), ys.clone());
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("Service level: {} × {}", self.paths[0], self.paths[1]),
                (FONT, 24),
            )
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..(xs.len() as f64 - 0.5), -0.5..(ys.len() as f64 - 0.5))
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(xs.len())
            .y_labels(ys.len())
            .x_label_formatter(&move |x| {
                xl.get(x.round().max(0.0) as usize)
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_formatter(&move |y| {
                yl.get(y.round().max(0.0) as usize)
                    .cloned()
                    .unwrap_or_default()
            })
            .x_desc(self.paths[0].as_str())
            .y_desc(self.paths[1].as_str())
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 15))
            .draw()
            .map_err(fail)?;
        for p in self.points {
            let (Some(x), Some(y)) = (
                xs.iter().position(|v| *v == p.0[0]),
                ys.iter().position(|v| *v == p.0[1]),
            ) else {
                continue;
            };
            let v = p.1.get("service_level").map_or(f64::NAN, |b| b.mean);
            let t = if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let fill = if p.1.is_empty() { SKIPPED } else { green(t) };
            let (x, y) = (x as f64, y as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(fail)?;
            let text = if p.1.is_empty() {
                "skipped".to_string()
            } else if v.is_finite() {
                format!("{:.1}%", v * 100.0)
            } else {
                "-".to_string()
            };
            let ink = if t > 0.8 { WHITE } else { BLACK };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (x - 0.12, y),
                    (FONT, 20).into_font().color(&ink),
                )))
                .map_err(fail)?;
        }
        Ok(())
    }
}

/// Width of the colour scale at the right of a heat map.
const SCALE_WIDTH: u32 = 110;
/// The fill of a point skipped as invalid: no value, so no colour of the scale.
const SKIPPED: RGBColor = RGBColor(225, 225, 225);

/// White (0%) to dark green (100%).
fn green(t: f64) -> RGBColor {
    RGBColor(
        (255.0 - 200.0 * t) as u8,
        (255.0 - 95.0 * t) as u8,
        (255.0 - 200.0 * t) as u8,
    )
}

/// The heat map's scale: the colours from 0% at the bottom to 100% at the top, labelled.
fn colour_scale<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<()> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (70, h as i32 - 90);
    let style = (FONT, 14).into_font().color(&BLACK);
    area.draw(&Text::new("service level", (8, top - 30), style.clone()))
        .map_err(fail)?;
    let steps = 50;
    for i in 0..steps {
        let t = i as f64 / (steps - 1) as f64;
        let y1 = bottom - ((bottom - top) as f64 * (i + 1) as f64 / steps as f64) as i32;
        let y0 = bottom - ((bottom - top) as f64 * i as f64 / steps as f64) as i32;
        area.draw(&Rectangle::new([(12, y1), (40, y0)], green(t).filled()))
            .map_err(fail)?;
    }
    area.draw(&Rectangle::new(
        [(12, top), (40, bottom)],
        BLACK.stroke_width(1),
    ))
    .map_err(fail)?;
    for pct in [0, 25, 50, 75, 100] {
        let y = bottom - ((bottom - top) * pct / 100);
        area.draw(&Text::new(format!("{pct}%"), (46, y - 7), style.clone()))
            .map_err(fail)?;
    }
    Ok(())
}
