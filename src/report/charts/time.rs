//! Charts over time: the per-interval curves, their differences, the average week and the
//! small multiples past a few variants.

use plotters::coord::Shift;
use plotters::prelude::*;

use std::collections::BTreeMap;

use crate::report::data::IntervalRow;

use super::*;

/// A metric per interval with its 95% band, for every variant; optionally a second metric in
/// a panel below (agents online under arrivals), on the same time axis.
pub(super) struct Curves<'a> {
    pub(super) d: &'a ReportData,
    pub(super) metric: &'a str,
    pub(super) y: &'a str,
    pub(super) secondary: Option<(&'a str, &'a str)>,
}

/// One curve of a panel: its bands, colour, whether its band is filled, and its dash
/// (`dashes`).
pub(super) struct Line {
    pub(super) bands: Vec<Band>,
    pub(super) color: RGBColor,
    pub(super) filled: bool,
    pub(super) dash: usize,
}

/// How a panel's y axis reads: a share (`40%`), a difference of shares in points (`+2 pts`),
/// or a count.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Axis {
    Share,
    SharePoints,
    Count,
}

impl Curves<'_> {
    fn series(&self, metric: &str) -> Vec<(usize, Vec<Band>)> {
        series(self.d, &self.d.intervals, metric)
    }

    /// One panel: `metric` over time for every variant, each with its band while there are
    /// few enough to tell apart.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        metric: &str,
        caption: Option<String>,
        y_desc: &str,
        x_desc: &str,
    ) -> Result<()> {
        let bands = self.series(metric);
        let axis = axis_of(metric);
        let range = 0.0..top_of(&bands, axis);
        // Past a few series the bands cover each other: the means alone stay readable.
        let filled = bands.len() <= MAX_BANDED;
        let lines: Vec<Line> = bands
            .into_iter()
            .map(|(i, bands)| Line {
                bands,
                color: color(i),
                filled,
                dash: i,
            })
            .collect();
        let text = Text {
            caption,
            y_desc,
            x_desc,
            small: false,
        };
        plot(area, self.d, &lines, range, axis, text)
    }

    /// Each variant after the first minus the first, interval by interval, with the 95%
    /// band of the paired difference, around a line at zero: what the curves above show
    /// only as two lines that may cover each other.
    fn difference<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x_desc: &str,
    ) -> Result<()> {
        let d = self.d;
        let bands = series(d, &d.compare_intervals, self.metric);
        let axis = match axis_of(self.metric) {
            Axis::Share => Axis::SharePoints,
            a => a,
        };
        let reach = bands
            .iter()
            .flat_map(|(_, b)| {
                b.iter()
                    .flat_map(|b| [b.low.abs(), b.high.abs(), b.mean.abs()])
            })
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max)
            .max(if axis == Axis::Count { 0.5 } else { 0.01 })
            * 1.1;
        let first = d.intervals.get(&d.variants[0]).map_or(0, Vec::len);
        let mut lines = vec![Line {
            bands: vec![
                Band {
                    mean: 0.0,
                    low: f64::NAN,
                    high: f64::NAN,
                };
                first
            ],
            color: BLACK,
            filled: false,
            dash: 0,
        }];
        lines.extend(bands.into_iter().map(|(i, bands)| Line {
            bands,
            color: color(i),
            filled: true,
            dash: i,
        }));
        let names = match d.variants.len() {
            2 => format!("{} − {}", d.variants[1], d.variants[0]),
            _ => format!("each variant − {}", d.variants[0]),
        };
        let text = Text {
            caption: Some(format!("Difference: {names}, with its paired 95% band")),
            y_desc: match axis {
                Axis::SharePoints => "difference (percentage points)",
                _ => "difference",
            },
            x_desc,
            small: false,
        };
        plot(area, d, &lines, -reach..reach, axis, text)
    }
}

/// Each variant's bands of `metric` in `rows`, with the variant's index.
fn series(
    d: &ReportData,
    rows: &BTreeMap<String, Vec<IntervalRow>>,
    metric: &str,
) -> Vec<(usize, Vec<Band>)> {
    let Some(k) = d.interval_metrics.iter().position(|m| m == metric) else {
        return Vec::new();
    };
    d.variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let rows = rows.get(v)?;
            Some((
                i,
                rows.iter()
                    .map(|r| r.values.get(k).copied().unwrap_or(NAN_BAND))
                    .collect(),
            ))
        })
        .collect()
}

fn axis_of(metric: &str) -> Axis {
    match metric {
        "service_level" | "abandon_rate" => Axis::Share,
        _ => Axis::Count,
    }
}

/// The top of a panel's y axis: 100% for a share, else a tenth above the highest value.
fn top_of(bands: &[(usize, Vec<Band>)], axis: Axis) -> f64 {
    let top = finite_max(
        bands
            .iter()
            .flat_map(|(_, b)| b.iter().map(|b| b.high.max(b.mean))),
    ) * 1.1;
    match axis {
        Axis::Count => top.max(1.0),
        _ => 1.0,
    }
}

/// A panel's caption and axis titles, and whether it is a small multiple (smaller type).
pub(super) struct Text<'t> {
    pub(super) caption: Option<String>,
    pub(super) y_desc: &'t str,
    pub(super) x_desc: &'t str,
    pub(super) small: bool,
}

/// Sweep points named by their paths' last parts (`first_alert=1m, auto_close=30m`), where
/// that still tells every variant apart; other names as they are.
fn short_names(variants: &[String]) -> Vec<String> {
    let short: Vec<String> = variants
        .iter()
        .map(|v| {
            v.split(", ")
                .map(|part| match part.split_once('=') {
                    Some((path, value)) => {
                        format!("{}={value}", path.rsplit('.').next().unwrap_or(path))
                    }
                    None => part.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    // Two paths that end alike (`agent_queue.first_alert`, `team_queue.first_alert`) would
    // read the same: then every name stays whole.
    let keys_apart = short.iter().all(|name| {
        let keys: Vec<&str> = name
            .split(", ")
            .map(|p| p.split('=').next().unwrap_or(p))
            .collect();
        let distinct: std::collections::BTreeSet<&&str> = keys.iter().collect();
        distinct.len() == keys.len()
    });
    let distinct: std::collections::BTreeSet<&String> = short.iter().collect();
    match keys_apart && distinct.len() == variants.len() {
        true => short,
        false => variants.to_vec(),
    }
}

/// The largest caption size (up to `size`) at which `text` fits in `width` pixels, with
/// DejaVu Sans's average advance of about 0.58 em; never below 8 px.
fn fitted(text: &str, width: u32, size: u32) -> u32 {
    let fit = (width as f64 / (0.58 * text.chars().count().max(1) as f64)) as u32;
    fit.clamp(8, size)
}

/// Draws `lines` over the first variant's intervals (x in days since the first, labelled with
/// the calendar at each day's start), y over `range`.
pub(super) fn plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &ReportData,
    lines: &[Line],
    range: std::ops::Range<f64>,
    axis: Axis,
    text: Text,
) -> Result<()> {
    let first: &[IntervalRow] = d
        .variants
        .first()
        .and_then(|v| d.intervals.get(v))
        .map_or(&[], Vec::as_slice);
    let step = d.run["interval_s"].as_f64().unwrap_or(1800.0) / 86_400.0;
    let days = (first.len().max(2) - 1) as f64 * step;
    let label = |x: &f64| {
        // Whole days carry the calendar label ("d2 wed 00:00" → "d2 wed").
        let i = (x / step).round().max(0.0) as usize;
        first.get(i).map_or(String::new(), |r| day_of(&r.label))
    };
    let top = range.end;
    let y_text = move |y: &f64| match axis {
        Axis::Share => y_label(true, top)(y),
        // A difference of zero is written without a sign (never `-0`).
        Axis::SharePoints if y.abs() < 5e-7 => "0".to_string(),
        Axis::SharePoints => format!("{:+.1}", y * 100.0),
        Axis::Count if y.abs() < 5e-7 => "0".to_string(),
        Axis::Count => count_label(*y, top),
    };
    let (caption, labels, margin, left, ticks) = match text.small {
        true => (14, 11, 6, 46, 5),
        false => (22, 14, 14, 70, 15),
    };
    let mut builder = ChartBuilder::on(area);
    if let Some(c) = text.caption {
        let size = fitted(&c, area.dim_in_pixel().0.saturating_sub(20), caption);
        builder.caption(c, (FONT, size));
    }
    let mut chart = builder
        .margin(margin)
        .x_label_area_size(if text.x_desc.is_empty() {
            2 * labels + 2
        } else {
            55
        })
        .y_label_area_size(left)
        .build_cartesian_2d(0.0..days.max(step), range)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc(text.x_desc)
        .y_desc(text.y_desc)
        .axis_desc_style((FONT, 17))
        .label_style((FONT, labels))
        .x_labels((days.ceil() as usize + 1).clamp(2, ticks))
        .x_label_formatter(&label)
        .y_label_formatter(&y_text)
        .draw()
        .map_err(fail)?;
    for line in lines {
        let (b, step) = thin(&line.bands, step);
        draw_band(&mut chart, &b, step, line.color, line.filled, line.dash)?;
    }
    Ok(())
}

impl Draw for Curves<'_> {
    fn height(&self) -> u32 {
        match self.multiples() {
            0 => HEIGHT,
            n => 60 + n.div_ceil(MULTIPLE_COLUMNS) as u32 * MULTIPLE_HEIGHT,
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let x_desc = "day of the run, counted from the clock's start (day number and weekday at each day's start)";
        if self.multiples() > 0 {
            return self.draw_multiples(root);
        }
        let caption = Some(format!(
            "{} — mean and 95% band over replications",
            nice(self.metric)
        ));
        let root = &with_key(root, &variant_keys(self.d, Mark::Line))?;
        let differences = self.secondary.is_none()
            && self
                .d
                .compare_intervals
                .values()
                .any(|rows| !rows.is_empty());
        match self.secondary {
            None if differences => {
                let (top, bottom) = root.split_vertically((HEIGHT as f64 * 0.55) as u32);
                // A shorter panel: the axis title without its gloss.
                let y = self.y.split(" (").next().unwrap_or(self.y);
                self.panel(&top, self.metric, caption, y, "")?;
                self.difference(&bottom, x_desc)
            }
            None => self.panel(root, self.metric, caption, self.y, x_desc),
            Some((metric, desc)) => {
                let (top, bottom) = root.split_vertically((HEIGHT as f64 * 0.6) as u32);
                self.panel(&top, self.metric, caption, self.y, "")?;
                self.panel(&bottom, metric, None, desc, x_desc)
            }
        }
    }
}

/// Small multiples: panels per row, and each panel's height.
const MULTIPLE_COLUMNS: usize = 3;
const MULTIPLE_HEIGHT: u32 = 230;

impl Curves<'_> {
    /// How many small panels the chart is drawn as: one per variant when there are too many
    /// to draw over one another with their bands, else none.
    fn multiples(&self) -> usize {
        match self.d.variants.len() {
            n if n > MAX_BANDED && self.d.intervals.len() > MAX_BANDED => n,
            _ => 0,
        }
    }

    /// One panel per variant, on one y scale, each with its band over the first variant's
    /// mean in grey: many variants compared without a legend to decode or a colour that
    /// repeats.
    fn draw_multiples<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let d = self.d;
        let bands = self.series(self.metric);
        let axis = axis_of(self.metric);
        let top = top_of(&bands, axis);
        let names = short_names(&d.variants);
        let title = format!(
            "{} — mean and 95% band per variant (grey: {})",
            nice(self.metric),
            names[0]
        );
        let size = fitted(&title, WIDTH - 20, 22);
        let root = root.titled(&title, (FONT, size)).map_err(fail)?;
        let rows = bands.len().div_ceil(MULTIPLE_COLUMNS);
        let areas = root.split_evenly((rows, MULTIPLE_COLUMNS));
        let base = bands.first().map(|(_, b)| b.clone()).unwrap_or_default();
        for (area, (i, b)) in areas.iter().zip(&bands) {
            let mut lines = Vec::new();
            if *i > 0 {
                lines.push(Line {
                    bands: base.clone(),
                    color: RGBColor(150, 150, 150),
                    filled: false,
                    dash: 0,
                });
            }
            lines.push(Line {
                bands: b.clone(),
                color: color(0),
                filled: true,
                dash: 0,
            });
            let text = Text {
                caption: Some(names[*i].clone()),
                y_desc: "",
                x_desc: "",
                small: true,
            };
            plot(area, d, &lines, 0.0..top, axis, text)?;
        }
        Ok(())
    }
}

/// The average week of a metric (`week.csv`): per variant, each time of the week pooled over
/// every week of the run, with its 95% band; a run of several weeks reads better so than
/// along its whole timeline.
pub(super) struct WeekCurves<'a> {
    /// The report with its intervals replaced by the average week's times.
    pub(super) week: &'a ReportData,
    pub(super) metric: &'a str,
    pub(super) y: &'a str,
}

impl WeekCurves<'_> {
    fn curves(&self) -> Curves<'_> {
        Curves {
            d: self.week,
            metric: self.metric,
            y: self.y,
            secondary: None,
        }
    }
}

impl Draw for WeekCurves<'_> {
    fn height(&self) -> u32 {
        self.curves().height()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let curves = self.curves();
        if curves.multiples() > 0 {
            return curves.draw_multiples(root);
        }
        let caption = Some(format!(
            "{} — average week: every week pooled, with its 95% band",
            nice(self.metric)
        ));
        let root = &with_key(root, &variant_keys(self.week, Mark::Line))?;
        curves.panel(
            root,
            self.metric,
            caption,
            self.y,
            "time of the week (each day's start)",
        )
    }
}

/// One metric per interval in a small panel per team (or stream) of the first variant, on
/// the same time axis: each part's curve where one team's busy hours would hide another's.
pub(super) struct PartPanels<'a> {
    /// Per part, its data as a one-variant report named after it.
    pub(super) parts: &'a [ReportData],
    pub(super) metric: &'a str,
    pub(super) y: &'a str,
}

impl Draw for PartPanels<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let n = self.parts.len();
        let columns = if n > 3 { 2 } else { 1 };
        let areas = root.split_evenly((n.div_ceil(columns), columns));
        for (area, part) in areas.iter().zip(self.parts) {
            let curves = Curves {
                d: part,
                metric: self.metric,
                y: self.y,
                secondary: None,
            };
            let caption = part
                .variants
                .first()
                .map(|name| format!("{name}: {}", nice(self.metric)));
            curves.panel(area, self.metric, caption, self.y, "")?;
        }
        Ok(())
    }
}

/// A variant's curve and its 95% band, both kept inside the plot's vertical range (a band of a
/// share near 0% or 100% may reach past it, and a bitmap does not clip what it fills). Where
/// the metric is undefined (an interval with no chat to count, such as a closed night) the
/// curve stops and starts again, rather than drawing a ramp across the gap.
pub(super) fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    bands: &[Band],
    step: f64,
    c: RGBColor,
    filled: bool,
    dash: usize,
) -> Result<()> {
    let range = chart.y_range();
    let bands: Vec<Band> = bands
        .iter()
        .map(|b| within(b, range.start, range.end))
        .collect();
    let at = |x: usize| x as f64 * step;
    let banded = |b: &Band| filled && b.low.is_finite() && b.high.is_finite();
    for run in runs(&bands, banded) {
        let polygon: Vec<(f64, f64)> = run
            .clone()
            .map(|x| (at(x), bands[x].high))
            .chain(run.rev().map(|x| (at(x), bands[x].low)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(polygon, c.mix(0.18))))
            .map_err(fail)?;
    }
    // A thick line through more points than the plot has pixels is drawn past its ends on a
    // bitmap: dense curves get a hairline.
    let pixels = chart.plotting_area().dim_in_pixel().0 as usize;
    let width = if bands.len() > pixels { 1 } else { 2 };
    for run in runs(&bands, |b| b.mean.is_finite()) {
        let line: Vec<(f64, f64)> = run.map(|x| (at(x), bands[x].mean)).collect();
        if line.len() == 1 {
            chart
                .draw_series(std::iter::once(Circle::new(line[0], 2, c.filled())))
                .map_err(fail)?;
        } else if let Some((size, gap)) = dashes(dash) {
            chart
                .draw_series(DashedLineSeries::new(
                    line,
                    size,
                    gap,
                    c.stroke_width(width),
                ))
                .map_err(fail)?;
        } else {
            chart
                .draw_series(LineSeries::new(line, c.stroke_width(width)))
                .map_err(fail)?;
        }
    }
    Ok(())
}

/// The dash of the `i`-th series (the first solid): a variant drawn over another with the
/// same values still shows the one beneath.
pub(super) fn dashes(i: usize) -> Option<(u32, u32)> {
    match i {
        0 => None,
        _ => Some([(10, 5), (4, 4), (14, 4)][(i - 1) % 3]),
    }
}

/// A band with its mean and bounds moved inside `[low, high]` (undefined stays undefined).
fn within(b: &Band, low: f64, high: f64) -> Band {
    let clip = |v: f64| if v.is_finite() { v.clamp(low, high) } else { v };
    Band {
        mean: clip(b.mean),
        low: clip(b.low),
        high: clip(b.high),
    }
}

/// The most series a chart draws with their bands.
const MAX_BANDED: usize = 8;

/// Most points a curve is drawn with: about two per pixel of the plot.
const MAX_POINTS: usize = 1600;

/// A long run's curve averaged over consecutive intervals down to `MAX_POINTS`, with the
/// step between its points: more would not show, and would make the SVG and report.html
/// grow with the horizon. An average over intervals that are all undefined stays undefined.
pub(crate) fn thin(bands: &[Band], step: f64) -> (Vec<Band>, f64) {
    let size = thinned_by(bands.len());
    if size == 1 {
        return (bands.to_vec(), step);
    }
    let mean = |xs: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = xs
            .filter(|x| x.is_finite())
            .fold((0.0, 0), |(s, n), x| (s + x, n + 1));
        if n > 0 { sum / n as f64 } else { f64::NAN }
    };
    let thinned = bands
        .chunks(size)
        .map(|c| Band {
            mean: mean(&mut c.iter().map(|b| b.mean)),
            low: mean(&mut c.iter().map(|b| b.low)),
            high: mean(&mut c.iter().map(|b| b.high)),
        })
        .collect();
    (thinned, step * size as f64)
}

/// How many consecutive intervals `thin` averages into one point of a curve of `len`.
pub(crate) fn thinned_by(len: usize) -> usize {
    len.div_ceil(MAX_POINTS).max(1)
}

/// The maximal runs of consecutive intervals where `defined` holds.
fn runs(bands: &[Band], defined: impl Fn(&Band) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (x, b) in bands.iter().enumerate() {
        if !defined(b) {
            continue;
        }
        match out.last_mut() {
            Some(r) if r.end == x => r.end = x + 1,
            _ => out.push(x..x + 1),
        }
    }
    out
}

pub(super) fn nice(metric: &str) -> String {
    let s = metric.replace('_', " ");
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(mean: f64) -> Band {
        Band {
            mean,
            low: mean,
            high: mean,
        }
    }

    #[test]
    fn small_panels_name_sweep_points_by_their_paths_last_parts_while_that_tells_them_apart() {
        let names = |v: &[&str]| short_names(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            names(&["a.b.first=1m, c.after=5m", "a.b.first=2m, c.after=5m"]),
            ["first=1m, after=5m", "first=2m, after=5m"]
        );
        // Two paths ending alike would make the short names ambiguous: kept whole.
        let clash = ["a.first=1m, b.first=1m", "a.first=1m, b.first=2m"];
        assert_eq!(names(&clash), clash);
        assert_eq!(names(&["today", "capacity"]), ["today", "capacity"]);
    }

    #[test]
    fn a_caption_shrinks_to_fit_its_panel_but_stays_legible() {
        assert_eq!(fitted("short", 300, 14), 14);
        let long = "x".repeat(40);
        assert!(fitted(&long, 300, 14) < 14);
        assert!(fitted(&long, 300, 14) as f64 * 0.58 * 40.0 <= 300.0);
        assert_eq!(fitted(&"x".repeat(500), 300, 14), 8);
    }

    #[test]
    fn a_band_past_the_axis_is_drawn_at_its_edge() {
        let b = Band {
            mean: 0.97,
            low: 0.91,
            high: 1.04,
        };
        assert_eq!(within(&b, 0.0, 1.0).high, 1.0);
        let b = Band {
            mean: 0.01,
            low: -0.03,
            high: 0.06,
        };
        assert_eq!(within(&b, 0.0, 1.0).low, 0.0);
        assert!(within(&band(f64::NAN), 0.0, 1.0).mean.is_nan());
    }

    #[test]
    fn a_curve_breaks_where_the_metric_is_undefined() {
        let b: Vec<Band> = [0.5, 0.6, f64::NAN, f64::NAN, 0.7, f64::NAN, 0.8, 0.9]
            .into_iter()
            .map(band)
            .collect();
        assert_eq!(runs(&b, |b| b.mean.is_finite()), vec![0..2, 4..5, 6..8]);
    }

    #[test]
    fn a_long_curve_is_averaged_down_to_what_a_plot_can_show() {
        let b: Vec<Band> = (0..10_000).map(|i| band((i % 2) as f64)).collect();
        let (thin, step) = thin(&b, 0.5);
        assert_eq!(thin.len(), 1429);
        assert_eq!(step, 3.5);
        assert!((thin[0].mean - 3.0 / 7.0).abs() < 1e-12);
        let short: Vec<Band> = (0..100).map(|i| band(i as f64)).collect();
        assert_eq!(super::thin(&short, 1.0).0, short);
    }
}
