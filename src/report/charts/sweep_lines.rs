//! A sweep of two or more paths as lines: the heat map's metric against the first path, one
//! line per value of the second, one panel per combination of the others' values — the
//! shape of each curve, which a heat map's colours hide (guide `outputs.md#charts-and-reporthtml`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::sweep::{
    Asked, PANEL_COLUMNS, RULED_OUT, durations, is_share, mark_keys, numeric, ordered, panels,
    panels_height, whisker,
};
use super::*;
use crate::report::data::SweepPoint;

pub(super) struct SweepLines<'a> {
    pub(super) paths: &'a [String],
    pub(super) points: &'a [SweepPoint],
    pub(super) asked: &'a Asked,
}

impl SweepLines<'_> {
    /// The y range every panel shares: 0–100% for a share, else from 0 (or the lowest
    /// interval end, if negative) to the highest, padded.
    fn y_range(&self) -> (f64, f64) {
        if is_share(&self.asked.heat) {
            return (0.0, 1.0);
        }
        let ends = self
            .points
            .iter()
            .filter_map(|p| p.metrics.get(&self.asked.heat))
            .flat_map(|b| [b.low, b.high, b.mean])
            .filter(|v| v.is_finite());
        let (lo, hi) = ends.fold((0.0f64, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if hi.is_finite() && hi > lo {
            (lo, hi + (hi - lo) * 0.08)
        } else {
            (0.0, 1.0)
        }
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        rest: &[String],
        caption: String,
        caption_size: u32,
    ) -> Result<()> {
        let xs_text = ordered(self.points, 0);
        let lines = ordered(self.points, 1);
        let numbers: Option<Vec<f64>> = xs_text.iter().map(|v| numeric(v)).collect();
        let x_of = |v: &str| -> f64 {
            match &numbers {
                Some(_) => numeric(v).unwrap_or(0.0),
                None => xs_text.iter().position(|x| x == v).unwrap_or(0) as f64,
            }
        };
        let xs: Vec<f64> = xs_text.iter().map(|v| x_of(v)).collect();
        let (lo, hi) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let pad = ((hi - lo) * 0.06).max(0.5);
        let (y0, y1) = self.y_range();
        let share = is_share(&self.asked.heat);
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, caption_size))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(64)
            .build_cartesian_2d((lo - pad)..(hi + pad), y0..y1)
            .map_err(fail)?;
        let categories = xs_text.clone();
        let categorical = numbers.is_none();
        let x_desc = match (categorical, durations(&xs_text)) {
            (false, true) => format!("{} (minutes)", self.paths[0]),
            _ => self.paths[0].clone(),
        };
        chart
            .configure_mesh()
            .x_labels(if categorical { xs_text.len().max(1) } else { 8 })
            .x_label_formatter(&move |x| match categorical {
                true => categories
                    .get(x.round().max(0.0) as usize)
                    .filter(|_| (x - x.round()).abs() < 1e-6)
                    .cloned()
                    .unwrap_or_default(),
                false => format!("{}", (x * 1000.0).round() / 1000.0),
            })
            .y_label_formatter(&move |y| match share {
                true => format!("{:.0}%", y * 100.0),
                false => format!("{}", (y * 100.0).round() / 100.0),
            })
            .x_desc(x_desc)
            .y_desc(time::nice(&self.asked.heat))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(fail)?;
        let half = (hi + 2.0 * pad - lo) / 120.0;
        for (k, line) in lines.iter().enumerate() {
            let c = color(k);
            let mut on: Vec<(f64, Band, bool, usize)> = self
                .points
                .iter()
                .enumerate()
                .filter(|(_, p)| &p.values[1] == line && p.values[2..] == *rest)
                .filter_map(|(i, p)| {
                    p.metrics
                        .get(&self.asked.heat)
                        .map(|b| (x_of(&p.values[0]), *b, p.feasible == "no", i))
                })
                .collect();
            on.sort_by(|a, b| a.0.total_cmp(&b.0));
            let style = match k {
                0 => c.stroke_width(3),
                _ => c.stroke_width(2),
            };
            chart
                .draw_series(LineSeries::new(
                    on.iter()
                        .filter(|b| b.1.mean.is_finite())
                        .map(|(x, b, _, _)| (*x, b.mean)),
                    style,
                ))
                .map_err(fail)?;
            for (x, b, out, i) in &on {
                if !b.mean.is_finite() {
                    continue;
                }
                let c = if *out { RULED_OUT } else { c };
                if b.low.is_finite() {
                    chart
                        .draw_series(whisker((*x, b.mean), b.low, b.high, half, true, c))
                        .map_err(fail)?;
                }
                chart
                    .draw_series(std::iter::once(Circle::new((*x, b.mean), 4, c.filled())))
                    .map_err(fail)?;
                if self.asked.best == Some(*i) {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (*x, b.mean),
                            10,
                            BLACK.stroke_width(3),
                        )))
                        .map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

impl Draw for SweepLines<'_> {
    fn height(&self) -> u32 {
        panels_height(panels(self.points).len())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let mut keys: Vec<Key> = ordered(self.points, 1)
            .iter()
            .enumerate()
            .map(|(k, v)| {
                Key::new(
                    format!("{}={v}", last_part(&self.paths[1])),
                    color(k),
                    Mark::Line,
                )
            })
            .collect();
        keys.extend(mark_keys(self.points, self.asked));
        let root = with_key(root, &keys)?;
        let what = time::nice(&self.asked.heat);
        let title = format!(
            "{what} against {}, a line per {}",
            last_part(&self.paths[0]),
            last_part(&self.paths[1])
        );
        let width = root.dim_in_pixel().0 as f64;
        let size = ((width / (0.58 * title.len() as f64)) as u32).clamp(12, 22);
        let panels = panels(self.points);
        if panels.len() == 1 {
            return self.panel(&root, &panels[0], title, size);
        }
        let root = root.titled(&title, (FONT, size)).map_err(fail)?;
        let columns = PANEL_COLUMNS.min(panels.len());
        let areas = root.split_evenly((panels.len().div_ceil(columns), columns));
        for (area, rest) in areas.iter().zip(&panels) {
            let caption = self.paths[2..]
                .iter()
                .zip(rest)
                .map(|(p, v)| format!("{}={v}", last_part(p)))
                .collect::<Vec<_>>()
                .join(", ");
            self.panel(area, rest, caption, 15)?;
        }
        Ok(())
    }
}

/// A path's last two parts, which name it in a title, a legend or a panel:
/// `support.count` of `agents.support.count`, `auto_close.after` of
/// `inactivity.auto_close.after` (its last part alone is often as vague as `after`).
fn last_part(path: &str) -> &str {
    match path.rmatch_indices('.').nth(1) {
        Some((i, _)) => &path[i + 1..],
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::last_part;

    #[test]
    fn a_path_is_named_by_its_last_two_parts() {
        assert_eq!(last_part("inactivity.auto_close.after"), "auto_close.after");
        assert_eq!(last_part("agents.support.count"), "support.count");
        assert_eq!(last_part("seed"), "seed");
        assert_eq!(last_part("simulation.seed"), "simulation.seed");
    }
}
