//! The trade-off of two metrics over a sweep's points, with the Pareto frontier (guide
//! `experiments.md#deciding-from-a-sweep`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::sweep::{RULED_OUT, is_share, whisker};
use super::*;
use crate::experiment::decide::{Goal, pareto};
use crate::report::data::SweepPoint;

/// Pale blue: a point another beats on both metrics of a trade-off.
const BEATEN: RGBColor = RGBColor(140, 170, 200);

/// The trade-off of two metrics: one labelled point per sweep point with its 95% intervals
/// on both axes; the points no other beats on both (the Pareto frontier, among those that
/// keep the bounds) filled and joined; ruled-out points grey.
pub(super) struct Tradeoff<'a> {
    pub(super) paths: &'a [String],
    pub(super) points: &'a [SweepPoint],
    pub(super) aims: &'a [(String, bool); 2],
    pub(super) best: Option<usize>,
}

impl Draw for Tradeoff<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let [(xm, x_up), (ym, y_up)] = self.aims;
        let at = |p: &SweepPoint| -> Option<(Band, Band)> {
            Some((*p.metrics.get(xm)?, *p.metrics.get(ym)?))
                .filter(|(x, y)| x.mean.is_finite() && y.mean.is_finite())
        };
        let placed: Vec<Option<(Band, Band)>> = self.points.iter().map(at).collect();
        let candidates: Vec<bool> = self.points.iter().map(|p| p.feasible != "no").collect();
        let goals = [
            if *x_up { Goal::Max } else { Goal::Min },
            if *y_up { Goal::Max } else { Goal::Min },
        ];
        let means: Vec<Option<[f64; 2]>> = placed
            .iter()
            .map(|p| p.map(|(x, y)| [x.mean, y.mean]))
            .collect();
        let front = pareto(&means, &goals, &candidates);
        let extent = |f: &dyn Fn(&(Band, Band)) -> Band| {
            placed.iter().flatten().map(f).fold(
                (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), band| {
                    let lo = if band.low.is_finite() {
                        band.low
                    } else {
                        band.mean
                    };
                    let hi = if band.high.is_finite() {
                        band.high
                    } else {
                        band.mean
                    };
                    (a.min(lo), b.max(hi))
                },
            )
        };
        let pad = |(lo, hi): (f64, f64)| {
            let d = ((hi - lo) * 0.1).max(hi.abs() * 0.01).max(1e-6);
            (lo - d)..(hi + d)
        };
        let (xr, yr) = (pad(extent(&|p| p.0)), pad(extent(&|p| p.1)));
        if !xr.start.is_finite() || !yr.start.is_finite() {
            return Ok(());
        }
        let keys = [
            Key::new(
                "not beaten on both\n(Pareto frontier)",
                color(0),
                Mark::Line,
            ),
            Key::new("beaten on both by\nanother point", BEATEN, Mark::Box),
            Key::new("breaks an [[expect]]\nbound", RULED_OUT, Mark::Box),
        ];
        let root = &with_key(root, &keys)?;
        let name = |m: &str, up: bool| {
            format!(
                "{} ({} is better)",
                m.replace('_', " "),
                if up { "higher" } else { "lower" }
            )
        };
        let (xs_share, ys_share) = (is_share(xm), is_share(ym));
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "Trade-off: {} against {}",
                    xm.replace('_', " "),
                    ym.replace('_', " ")
                ),
                (FONT, 22),
            )
            .margin(16)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(xr.clone(), yr.clone())
            .map_err(fail)?;
        let tick = |share: bool| {
            move |v: &f64| match share {
                true => format!("{:.1}%", v * 100.0),
                false => format!("{}", (v * 100.0).round() / 100.0),
            }
        };
        chart
            .configure_mesh()
            .x_desc(name(xm, *x_up))
            .y_desc(name(ym, *y_up))
            .x_label_formatter(&tick(xs_share))
            .y_label_formatter(&tick(ys_share))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 14))
            .draw()
            .map_err(fail)?;
        let mut frontier: Vec<(f64, f64)> = placed
            .iter()
            .zip(&front)
            .filter(|(_, f)| **f)
            .filter_map(|(p, _)| p.map(|(x, y)| (x.mean, y.mean)))
            .collect();
        frontier.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(frontier, color(0).stroke_width(2)))
            .map_err(fail)?;
        let (hx, hy) = ((xr.end - xr.start) / 150.0, (yr.end - yr.start) / 100.0);
        let labels = short_labels(self.paths, self.points);
        let mut taken: Vec<[i32; 4]> = Vec::new();
        for (i, p) in placed.iter().enumerate() {
            let Some((x, y)) = p else { continue };
            let c = match (candidates[i], front[i]) {
                (false, _) => RULED_OUT,
                (true, true) => color(0),
                (true, false) => BEATEN,
            };
            let at = (x.mean, y.mean);
            if x.low.is_finite() {
                chart
                    .draw_series(whisker(at, x.low, x.high, hy, false, c))
                    .map_err(fail)?;
            }
            if y.low.is_finite() {
                chart
                    .draw_series(whisker(at, y.low, y.high, hx, true, c))
                    .map_err(fail)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new(at, 6, c.filled())))
                .map_err(fail)?;
            if self.best == Some(i) {
                chart
                    .draw_series(std::iter::once(Circle::new(at, 11, BLACK.stroke_width(3))))
                    .map_err(fail)?;
            }
        }
        // Labels after every point, the best's and the frontier's first: where points
        // crowd, a label that finds no free spot is left out (the point is in the CSV)
        // rather than written over another.
        let width = root.dim_in_pixel().0 as i32;
        let mut order: Vec<usize> = (0..placed.len()).filter(|&i| placed[i].is_some()).collect();
        order.sort_by_key(|&i| (self.best != Some(i), !(candidates[i] && front[i]), i));
        for i in order {
            let Some((x, y)) = placed[i] else { continue };
            let at = (x.mean, y.mean);
            let mut label = labels[i].clone();
            let must = self.best == Some(i) || (candidates[i] && front[i]);
            if self.best == Some(i) {
                label.push_str(" ★ best");
            }
            let Some(spot) = free_spot(&mut taken, chart.backend_coord(&at), &label, width, must)
            else {
                continue;
            };
            root.draw(&Text::new(
                label,
                spot,
                (FONT, 12).into_font().color(&BLACK),
            ))
            .map_err(fail)?;
        }
        Ok(())
    }
}

/// Where a point's label goes, in pixels: right of the point (left near the plot's right
/// edge), or moved up or down a line at a time (up to four) until it overlaps no label
/// already placed, so that points close together keep readable names. With no free spot,
/// `None`, unless the label `must` be drawn (the best, the frontier).
fn free_spot(
    taken: &mut Vec<[i32; 4]>,
    (px, py): (i32, i32),
    label: &str,
    right_edge: i32,
    must: bool,
) -> Option<(i32, i32)> {
    let width = (label.chars().count() as f64 * 6.8) as i32;
    // Left of the point where the right would run past the plot into the legend.
    let x = if px + 9 + width > right_edge - 4 {
        px - 9 - width
    } else {
        px + 9
    };
    let box_at = |y: i32| [x, y, x + width, y + 13];
    let overlaps = |b: &[i32; 4]| {
        taken
            .iter()
            .any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3])
    };
    let y0 = py - 14;
    let spot = [0, 14, -14, 28, -28, 42, -42, 56, -56]
        .iter()
        .map(|d| y0 + d)
        .find(|&y| !overlaps(&box_at(y)))
        .or(must.then_some(y0))?;
    taken.push(box_at(spot));
    Some((x, spot))
}

/// A point's label on the trade-off: the values of the paths that change, by their last
/// part (`count=4, after=30m`).
fn short_labels(paths: &[String], points: &[SweepPoint]) -> Vec<String> {
    points
        .iter()
        .map(|p| {
            paths
                .iter()
                .zip(&p.values)
                .map(|(path, v)| format!("{}={v}", path.rsplit('.').next().unwrap_or(path)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}
