//! Charts over time: the waiting-time distribution and the per-interval curves.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::data::IntervalRow;

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

/// A metric per interval with its 95% band, for every variant; optionally a second metric in
/// a panel below (agents online under arrivals), on the same time axis.
pub(super) struct Curves<'a> {
    pub(super) d: &'a ReportData,
    pub(super) metric: &'a str,
    pub(super) y: &'a str,
    pub(super) secondary: Option<(&'a str, &'a str)>,
}

impl Curves<'_> {
    fn series(&self, metric: &str) -> Vec<(usize, Vec<Band>)> {
        let d = self.d;
        d.variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let rows = d.intervals.get(v)?;
                let k = d.interval_metrics.iter().position(|m| m == metric)?;
                Some((
                    i,
                    rows.iter()
                        .map(|r| r.values.get(k).copied().unwrap_or(NAN_BAND))
                        .collect(),
                ))
            })
            .collect()
    }

    /// One panel: `metric` over time, x in days since the first interval.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        metric: &str,
        caption: Option<String>,
        y_desc: &str,
        x_desc: &str,
    ) -> Result<()> {
        let d = self.d;
        let first: &[IntervalRow] = d
            .variants
            .first()
            .and_then(|v| d.intervals.get(v))
            .map_or(&[], Vec::as_slice);
        let step = d.run["interval_s"].as_f64().unwrap_or(1800.0) / 86_400.0;
        let days = (first.len().max(2) - 1) as f64 * step;
        let bands = self.series(metric);
        let share = matches!(metric, "service_level" | "abandon_rate");
        let top = finite_max(
            bands
                .iter()
                .flat_map(|(_, b)| b.iter().map(|b| b.high.max(b.mean))),
        ) * 1.1;
        let top = if share { 1.0 } else { top.max(1.0) };
        let label = |x: &f64| {
            // Whole days carry the calendar label ("d2 wed 00:00" → "d2 wed").
            let i = (x / step).round().max(0.0) as usize;
            first.get(i).map_or(String::new(), |r| day_of(&r.label))
        };
        let mut builder = ChartBuilder::on(area);
        if let Some(c) = caption {
            builder.caption(c, (FONT, 24));
        }
        let mut chart = builder
            .margin(14)
            .x_label_area_size(if x_desc.is_empty() { 30 } else { 55 })
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..days.max(step), 0.0..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 14))
            .x_labels((days.ceil() as usize + 1).clamp(2, 15))
            .x_label_formatter(&label)
            .y_label_formatter(&y_label(share, top))
            .draw()
            .map_err(fail)?;
        // Past a few series the bands cover each other: the means alone stay readable.
        let filled = bands.len() <= MAX_BANDED;
        for (i, b) in &bands {
            let (b, step) = thin(b, step);
            draw_band(&mut chart, &b, step, color(*i), filled, *i)?;
        }
        Ok(())
    }
}

impl Draw for Curves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let caption = Some(if self.d.variants.len() <= MAX_BANDED {
            format!(
                "{} — mean and 95% band over replications",
                nice(self.metric)
            )
        } else {
            format!(
                "{} — mean over replications (bands in intervals.csv)",
                nice(self.metric)
            )
        });
        let x_desc = "days since the first interval (day number and weekday at each day's start)";
        let root = &with_key(root, &variant_keys(self.d, Mark::Line))?;
        match self.secondary {
            None => self.panel(root, self.metric, caption, self.y, x_desc),
            Some((metric, desc)) => {
                let (top, bottom) = root.split_vertically((HEIGHT as f64 * 0.6) as u32);
                self.panel(&top, self.metric, caption, self.y, "")?;
                self.panel(&bottom, metric, None, desc, x_desc)
            }
        }
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

impl Draw for WeekCurves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let curves = Curves {
            d: self.week,
            metric: self.metric,
            y: self.y,
            secondary: None,
        };
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
    let width = if bands.len() > DENSE { 1 } else { 2 };
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

/// Points past which a curve is dense: about one per pixel of a plot.
const DENSE: usize = 700;

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
