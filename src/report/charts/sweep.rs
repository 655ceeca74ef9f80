//! Charts of a sweep: a line over one swept path, a heat map over two (small multiples of
//! it over the values of any further paths). Points that
//! break an `[[expect]]` bound are grey, and the objective's best is outlined (guide
//! `experiments.md#deciding-from-a-sweep`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::report::data::SweepPoint;
use crate::stats::metrics::{Better, Metric, Unit};

/// What run.json's `decision` asks the charts to show.
pub(super) struct Asked {
    /// The metric the heat map colours: the objective's, else the first of `--metrics`,
    /// else the service level.
    pub(super) heat: String,
    /// Whether more of `heat` is better (`None`: neither way).
    pub(super) more_is_better: Option<bool>,
    pub(super) best: Option<usize>,
    /// The trade-off's two metrics, each with whether more is better.
    pub(super) tradeoff: Option<[(String, bool); 2]>,
    /// `--metrics`, as `SweepPoint::metrics` names them.
    pub(super) metrics: Vec<String>,
}

impl Asked {
    pub(super) fn of(d: &ReportData) -> Asked {
        let decision = &d.run["decision"];
        let aim = |a: &serde_json::Value| -> Option<(String, bool)> {
            Some((
                a["metric"].as_str()?.to_string(),
                a["goal"].as_str()? == "max",
            ))
        };
        let objective = aim(&decision["objective"]);
        let first = decision["metrics"][0].as_str().map(str::to_string);
        let heat = objective
            .as_ref()
            .map(|o| o.0.clone())
            .or(first)
            .unwrap_or_else(|| "service_level".into());
        let more_is_better = match &objective {
            Some((_, max)) => Some(*max),
            None => match metric_of(&heat).map(Metric::better) {
                Some(Better::Higher) => Some(true),
                Some(Better::Lower) => Some(false),
                _ => None,
            },
        };
        let tradeoff = match decision["tradeoff"].as_array() {
            Some(t) if t.len() == 2 => aim(&t[0]).zip(aim(&t[1])).map(|(a, b)| [a, b]),
            _ => None,
        };
        Asked {
            heat,
            more_is_better,
            best: decision["best"]["point"].as_u64().map(|b| b as usize),
            tradeoff,
            metrics: decision["metrics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect(),
        }
    }
}

/// The metric of a key of `SweepPoint::metrics` (`abandon_rate@team:vendas` → abandon_rate).
fn metric_of(key: &str) -> Option<Metric> {
    Metric::from_name(key.split('@').next().unwrap_or(key))
}

pub(super) fn is_share(key: &str) -> bool {
    metric_of(key).is_some_and(|m| m.unit() == Unit::Fraction)
}

/// A metric's value as the charts write it: a share in %, a time in minutes, a count.
fn shown(key: &str, v: f64) -> String {
    match metric_of(key).map(Metric::unit) {
        Some(Unit::Fraction) => format!("{:.1}%", v * 100.0),
        Some(Unit::Minutes) => format!("{v:.2} min"),
        _ if v.abs() >= 100.0 => format!("{v:.0}"),
        _ => format!("{v:.2}"),
    }
}

/// A swept value on a number line: a number, a duration (in minutes) or a share; `None`
/// for anything else (a name), which is then spaced as a category.
pub(super) fn numeric(value: &str) -> Option<f64> {
    let v = value.trim().trim_matches('"');
    if let Ok(x) = v.parse::<f64>() {
        return Some(x);
    }
    if let Some(p) = v.strip_suffix('%') {
        return p.trim().parse::<f64>().ok().map(|x| x / 100.0);
    }
    crate::scenario::units::parse_duration(v)
        .ok()
        .map(|ms| ms as f64 / 60_000.0)
}

/// Whether every value of a path is a duration (then its axis says minutes).
pub(super) fn durations(values: &[String]) -> bool {
    values
        .iter()
        .all(|v| v.trim().parse::<f64>().is_err() && !v.ends_with('%'))
}

/// A 95% interval as a line with a cap at each end, `half` wide either side in the axis's
/// units, vertical or horizontal.
pub(super) fn whisker(
    at: (f64, f64),
    low: f64,
    high: f64,
    half: f64,
    vertical: bool,
    c: RGBColor,
) -> [PathElement<(f64, f64)>; 3] {
    let style = c.stroke_width(2);
    let p = |along: f64, across: f64| match vertical {
        true => (at.0 + across, along),
        false => (along, at.1 + across),
    };
    [
        PathElement::new(vec![p(low, 0.0), p(high, 0.0)], style),
        PathElement::new(vec![p(low, -half), p(low, half)], style),
        PathElement::new(vec![p(high, -half), p(high, half)], style),
    ]
}

/// The values of path `k`, in order along a number line when they are numbers (a search
/// evaluates them in no order), else as first listed.
pub(super) fn ordered(points: &[SweepPoint], k: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for p in points {
        if !seen.contains(&p.values[k]) {
            seen.push(p.values[k].clone());
        }
    }
    if seen.iter().all(|v| numeric(v).is_some()) {
        seen.sort_by(|a, b| {
            numeric(a)
                .unwrap_or(0.0)
                .total_cmp(&numeric(b).unwrap_or(0.0))
        });
    }
    seen
}

/// The legend entries of a sweep chart's marks: grey for a point that breaks a bound (when
/// one does), a ring for the objective's best (when there is one).
pub(super) fn mark_keys(points: &[SweepPoint], asked: &Asked) -> Vec<Key> {
    let mut keys = Vec::new();
    if points.iter().any(|p| p.feasible == "no") {
        keys.push(Key::new(
            "grey: breaks an\n[[expect]] bound",
            RULED_OUT,
            Mark::Box,
        ));
    }
    if asked.best.is_some() {
        keys.push(Key::new(
            "ringed: the objective's\nbest point",
            BLACK,
            Mark::Line,
        ));
    }
    keys
}

/// Panels of a multi-path sweep chart per row, and each row's height.
pub(super) const PANEL_COLUMNS: usize = 2;
const PANEL_ROW: u32 = 420;

/// The combinations of the paths past the first two, in the order first met: one panel
/// each (one, empty, for two paths).
pub(super) fn panels(points: &[SweepPoint]) -> Vec<Vec<String>> {
    let mut seen: Vec<Vec<String>> = Vec::new();
    for p in points {
        let rest = p.values[2..].to_vec();
        if !seen.contains(&rest) {
            seen.push(rest);
        }
    }
    seen
}

/// A chart's height for `panels` panels in rows of `PANEL_COLUMNS`.
pub(super) fn panels_height(panels: usize) -> u32 {
    match panels.div_ceil(PANEL_COLUMNS) as u32 {
        0 | 1 => HEIGHT,
        rows => 60 + rows * PANEL_ROW,
    }
}

/// Grey: a point that breaks a bound.
pub(super) const RULED_OUT: RGBColor = RGBColor(160, 160, 160);

/// One swept path: the metrics `--metrics` asks for (those of its first unit), else service
/// level and abandon rate, at each value with 95% intervals; the values on a number line when
/// they are numbers, durations or shares.
pub(super) struct SweepLine<'a> {
    pub(super) path: &'a str,
    pub(super) points: &'a [SweepPoint],
    pub(super) asked: &'a Asked,
}

impl Draw for SweepLine<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let labels: Vec<String> = self.points.iter().map(|p| p.values[0].clone()).collect();
        let numbers: Option<Vec<f64>> = labels.iter().map(|v| numeric(v)).collect();
        let xs: Vec<f64> = match &numbers {
            Some(n) => n.clone(),
            None => (0..labels.len()).map(|i| i as f64).collect(),
        };
        let (lo, hi) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let pad = ((hi - lo) * 0.06).max(0.5);
        // What `--metrics` asked for, of one unit so that they share the axis: its shares if
        // any, else its times, else its counts; without any, the two shares every run has.
        // A metric's unit, if the sweep has its values to draw.
        let unit_of = |m: &String| {
            metric_of(m)
                .map(Metric::unit)
                .filter(|_| self.points.iter().any(|p| p.metrics.contains_key(m)))
        };
        let unit = [Unit::Fraction, Unit::Minutes, Unit::Hours, Unit::Count]
            .into_iter()
            .find(|u| self.asked.metrics.iter().any(|m| unit_of(m) == Some(*u)));
        let asked: Vec<(String, String)> = self
            .asked
            .metrics
            .iter()
            .filter(|m| unit.is_some() && unit_of(m) == unit)
            .take(6)
            .map(|m| (m.clone(), m.replace('_', " ").replace('@', " of ")))
            .collect();
        let (series, caption, unit) = match unit {
            None => (
                vec![
                    ("service_level".to_string(), "service level".to_string()),
                    ("abandon_rate".to_string(), "abandon rate".to_string()),
                ],
                "Service level and abandon rate",
                Unit::Fraction,
            ),
            Some(Unit::Fraction) => (asked, "The shares asked for", Unit::Fraction),
            Some(Unit::Minutes) => (asked, "The times asked for", Unit::Minutes),
            Some(u) => (asked, "The numbers asked for", u),
        };
        let (y_hi, y_desc) = match unit {
            Unit::Fraction => (1.0, "share of chats that reached a human queue"),
            _ => {
                let top = self
                    .points
                    .iter()
                    .flat_map(|p| series.iter().filter_map(|(m, _)| p.metrics.get(m)))
                    .flat_map(|b| [b.mean, b.high])
                    .filter(|v| v.is_finite())
                    .fold(0.0f64, f64::max);
                let desc = match unit {
                    Unit::Minutes => "minutes",
                    Unit::Hours => "hours per replication",
                    _ => "count per replication",
                };
                (if top > 0.0 { top * 1.08 } else { 1.0 }, desc)
            }
        };
        let mut keys: Vec<Key> = series
            .iter()
            .enumerate()
            .map(|(k, (_, name))| Key::new(name.as_str(), color(k), Mark::Line))
            .collect();
        keys.extend(mark_keys(self.points, self.asked));
        let root = &with_key(root, &keys)?;
        let x_desc = match (&numbers, durations(&labels)) {
            (Some(_), true) => format!("{} (minutes)", self.path),
            _ => self.path.to_string(),
        };
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{caption} as {} varies", self.path),
                (FONT, fitted_caption(self.path)),
            )
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..y_hi)
            .map_err(fail)?;
        let categories = labels.clone();
        let categorical = numbers.is_none();
        chart
            .configure_mesh()
            .x_labels(if categorical { labels.len().max(1) } else { 10 })
            .x_label_formatter(&move |x| match categorical {
                true => categories
                    .get(x.round().max(0.0) as usize)
                    .filter(|_| (x - x.round()).abs() < 1e-6)
                    .cloned()
                    .unwrap_or_default(),
                false => format!("{}", (x * 1000.0).round() / 1000.0),
            })
            .y_label_formatter(&|y| match unit {
                Unit::Fraction => format!("{:.0}%", y * 100.0),
                _ => format!("{}", (y * 100.0).round() / 100.0),
            })
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 15))
            .draw()
            .map_err(fail)?;
        let half = (hi + 2.0 * pad - lo) / 120.0;
        for (k, (metric, _)) in series.iter().enumerate() {
            let c = color(k);
            let mut bands: Vec<(f64, Band, bool, usize)> = self
                .points
                .iter()
                .zip(&xs)
                .enumerate()
                .filter_map(|(i, (p, x))| {
                    p.metrics
                        .get(metric.as_str())
                        .map(|b| (*x, *b, p.feasible == "no", i))
                })
                .collect();
            bands.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart
                .draw_series(LineSeries::new(
                    bands
                        .iter()
                        .filter(|b| b.1.mean.is_finite())
                        .map(|(x, b, _, _)| (*x, b.mean)),
                    c.stroke_width(3),
                ))
                .map_err(fail)?;
            for (x, b, out, i) in &bands {
                if self.asked.best == Some(*i) && b.mean.is_finite() {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (*x, b.mean),
                            10,
                            BLACK.stroke_width(3),
                        )))
                        .map_err(fail)?;
                }
                let c = if *out { RULED_OUT } else { c };
                if b.low.is_finite() {
                    chart
                        .draw_series(whisker((*x, b.mean), b.low, b.high, half, true, c))
                        .map_err(fail)?;
                }
                if b.mean.is_finite() {
                    chart
                        .draw_series(std::iter::once(Circle::new((*x, b.mean), 5, c.filled())))
                        .map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

/// A caption's size for a chart named after a path: smaller for a long path.
fn fitted_caption(path: &str) -> u32 {
    if path.len() > 40 { 20 } else { 24 }
}

/// Two or more swept paths: a heat map of one metric over the first two, one panel per
/// combination of the others' values; each cell annotated with its value, grey where the
/// point breaks a bound, outlined where it is the objective's best.
pub(super) struct SweepHeat<'a> {
    pub(super) paths: &'a [String],
    pub(super) points: &'a [SweepPoint],
    pub(super) asked: &'a Asked,
}

impl SweepHeat<'_> {
    fn axis(&self, k: usize) -> Vec<String> {
        ordered(self.points, k)
    }

    /// The colour scale's range: 0–100% for a share, else the values' own.
    fn range(&self) -> (f64, f64) {
        if is_share(&self.asked.heat) {
            return (0.0, 1.0);
        }
        let values = self
            .points
            .iter()
            .filter_map(|p| p.metrics.get(&self.asked.heat))
            .map(|b| b.mean)
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if lo.is_finite() {
            (lo, hi.max(lo + 1e-9))
        } else {
            (0.0, 1.0)
        }
    }

    /// A value's colour: greener for better (bluer where neither way is better).
    fn colour(&self, v: f64) -> RGBColor {
        let (lo, hi) = self.range();
        let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        match self.asked.more_is_better {
            Some(true) => green(t),
            Some(false) => green(1.0 - t),
            None => blue(t),
        }
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        rest: &[String],
        caption: String,
    ) -> Result<()> {
        let (xs, ys) = (self.axis(0), self.axis(1));
        let (xl, yl) = (xs.clone(), ys.clone());
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 18))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
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
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 14))
            .draw()
            .map_err(fail)?;
        for (i, p) in self.points.iter().enumerate() {
            if p.values[2..] != *rest {
                continue;
            }
            let (Some(x), Some(y)) = (
                xs.iter().position(|v| *v == p.values[0]),
                ys.iter().position(|v| *v == p.values[1]),
            ) else {
                continue;
            };
            let v = p.metrics.get(&self.asked.heat).map_or(f64::NAN, |b| b.mean);
            let out = p.feasible == "no";
            let fill = if p.metrics.is_empty() || out {
                SKIPPED
            } else if v.is_finite() {
                self.colour(v)
            } else {
                WHITE
            };
            let (x, y) = (x as f64, y as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(fail)?;
            if self.asked.best == Some(i) {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.46, y - 0.46), (x + 0.46, y + 0.46)],
                        BLACK.stroke_width(4),
                    )))
                    .map_err(fail)?;
            }
            let mut text = if p.metrics.is_empty() {
                "skipped".to_string()
            } else if v.is_finite() {
                shown(&self.asked.heat, v)
            } else {
                "-".to_string()
            };
            match p.feasible.as_str() {
                "no" => text.push_str(" ✗"),
                "unsure" => text.push_str(" ?"),
                _ => {}
            }
            if self.asked.best == Some(i) {
                text.push_str(" ★");
            }
            let dark = !out && is_dark(fill);
            // As large as the cell lets the text be, up to 17 px.
            let cell = (area.dim_in_pixel().0.saturating_sub(100)) as f64 / xs.len() as f64;
            let size = (cell / (0.6 * text.chars().count() as f64)).clamp(9.0, 17.0) as u32;
            let style = (FONT, size)
                .into_font()
                .color(if dark { &WHITE } else { &BLACK })
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                ));
            chart
                .draw_series(std::iter::once(Text::new(text, (x, y), style)))
                .map_err(fail)?;
        }
        Ok(())
    }
}

impl Draw for SweepHeat<'_> {
    fn height(&self) -> u32 {
        panels_height(panels(self.points).len())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (w, _) = root.dim_in_pixel();
        let (root, scale) = root.split_horizontally(w.saturating_sub(SCALE_WIDTH));
        self.scale(&scale)?;
        let panels = panels(self.points);
        let what = self.asked.heat.replace('_', " ");
        let title = format!("{what}: {} × {}", self.paths[0], self.paths[1]);
        if panels.len() == 1 {
            return self.panel(&root, &panels[0], title);
        }
        let size =
            (((WIDTH - SCALE_WIDTH) as f64 / (0.58 * title.len() as f64)) as u32).clamp(12, 22);
        let root = root.titled(&title, (FONT, size)).map_err(fail)?;
        let columns = PANEL_COLUMNS.min(panels.len());
        let areas = root.split_evenly((panels.len().div_ceil(columns), columns));
        for (area, rest) in areas.iter().zip(&panels) {
            let caption = self.paths[2..]
                .iter()
                .zip(rest)
                .map(|(p, v)| format!("{p}={v}"))
                .collect::<Vec<_>>()
                .join(", ");
            self.panel(area, rest, caption)?;
        }
        Ok(())
    }
}

impl SweepHeat<'_> {
    /// The colour scale at the right: its range from the bottom up, labelled, and the marks.
    fn scale<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let (lo, hi) = self.range();
        let (top, bottom) = (70, 470);
        let style = (FONT, 13).into_font().color(&BLACK);
        for (k, line) in wrap(&self.asked.heat.replace('_', " "), 14)
            .iter()
            .enumerate()
        {
            area.draw(&Text::new(
                line.clone(),
                (8, top - 44 + 15 * k as i32),
                style.clone(),
            ))
            .map_err(fail)?;
        }
        let steps = 50;
        for i in 0..steps {
            let v = lo + (hi - lo) * i as f64 / (steps - 1) as f64;
            let y1 = bottom - ((bottom - top) as f64 * (i + 1) as f64 / steps as f64) as i32;
            let y0 = bottom - ((bottom - top) as f64 * i as f64 / steps as f64) as i32;
            area.draw(&Rectangle::new(
                [(12, y1), (40, y0)],
                self.colour(v).filled(),
            ))
            .map_err(fail)?;
        }
        area.draw(&Rectangle::new(
            [(12, top), (40, bottom)],
            BLACK.stroke_width(1),
        ))
        .map_err(fail)?;
        for q in 0..=4 {
            let v = lo + (hi - lo) * q as f64 / 4.0;
            let y = bottom - (bottom - top) * q / 4;
            let label = match is_share(&self.asked.heat) {
                true => format!("{:.0}%", v * 100.0),
                false => shown(&self.asked.heat, v),
            };
            area.draw(&Text::new(label, (46, y - 7), style.clone()))
                .map_err(fail)?;
        }
        let marks = ["✗ breaks a bound", "? bound unsure", "★ best (objective)"];
        for (k, m) in marks.iter().enumerate() {
            area.draw(&Text::new(
                *m,
                (4, bottom + 24 + 17 * k as i32),
                style.clone(),
            ))
            .map_err(fail)?;
        }
        Ok(())
    }
}

/// Width of the colour scale at the right of a heat map.
const SCALE_WIDTH: u32 = 130;
/// The fill of a point skipped as invalid or ruled out by a bound: no colour of the scale.
const SKIPPED: RGBColor = RGBColor(215, 215, 215);

/// White to dark green.
fn green(t: f64) -> RGBColor {
    RGBColor(
        (255.0 - 200.0 * t) as u8,
        (255.0 - 95.0 * t) as u8,
        (255.0 - 200.0 * t) as u8,
    )
}

/// White to dark blue: a metric neither better up nor down.
fn blue(t: f64) -> RGBColor {
    RGBColor(
        (255.0 - 205.0 * t) as u8,
        (255.0 - 150.0 * t) as u8,
        (255.0 - 75.0 * t) as u8,
    )
}

fn is_dark(c: RGBColor) -> bool {
    0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * (c.2 as f64) < 140.0
}
