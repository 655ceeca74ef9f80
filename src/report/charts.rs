//! Charts of a report, each as SVG text and PNG bytes, drawn from the report's CSVs. Text is
//! set in the DejaVu Sans shipped in `assets/fonts/`, registered with plotters' `ab_glyph`
//! renderer, so charts render the same on a server with no fonts installed.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::data::{Band, ReportData, SweepPoint};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const FONT: &str = "sans-serif";
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

pub struct Chart {
    /// File stem: `waits` gives `waits.svg` and `waits.png`.
    pub name: String,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

type Result<T> = std::result::Result<T, String>;

fn fail<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Something that draws itself on any plotters backend.
trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, bytes)
            .unwrap_or_else(|_| unreachable!("the shipped font is a valid TrueType file"));
    });
}

fn render(name: &str, title: &str, d: &impl Draw) -> Result<Chart> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        d.draw(&root)?;
        root.present().map_err(fail)?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        d.draw(&root)?;
        root.present().map_err(fail)?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Charts are mostly flat colour: adaptive filters make them a fifth of the size for a
        // few milliseconds each (best compression would double the time for 20% less).
        enc.set_compression(png::Compression::Default);
        enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut w = enc.write_header().map_err(fail)?;
        w.write_image_data(&rgb).map_err(fail)?;
    }
    Ok(Chart {
        name: name.to_string(),
        title: title.to_string(),
        svg,
        png,
    })
}

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn finite_max(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// Every chart the report's data allows.
pub fn all(d: &ReportData) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    if !d.waits.is_empty() {
        charts.push(render("waits", "Waiting time distribution", &WaitCdf(d))?);
    }
    if !d.intervals.is_empty() {
        let curves = [
            (
                "arrivals",
                "Arrivals and agents online per interval",
                "arrivals per interval",
                Some(("agents_online", "agents online")),
            ),
            (
                "service_level",
                "Service level per interval",
                "share answered within target",
                None,
            ),
            (
                "abandon_rate",
                "Abandon rate per interval",
                "share abandoned",
                None,
            ),
            (
                "queue_length",
                "Queue length per interval",
                "chats waiting (time average)",
                None,
            ),
        ];
        for (metric, title, y, secondary) in curves {
            let chart = Curves {
                d,
                metric,
                y,
                secondary,
            };
            charts.push(render(&format!("interval_{metric}"), title, &chart)?);
        }
    }
    if !d.occupancy.is_empty() {
        charts.push(render(
            "occupancy",
            "Occupancy per agent group",
            &Occupancy(d),
        )?);
    }
    if d.variants.len() > 1 && d.sweep.is_none() {
        charts.push(render(
            "variants",
            "Variants: key indicators with 95% intervals",
            &Variants(d),
        )?);
    }
    if let Some((paths, points)) = &d.sweep {
        if paths.len() == 1 {
            charts.push(render(
                "sweep",
                &format!("Sweep of {}", paths[0]),
                &SweepLine {
                    path: &paths[0],
                    points,
                },
            )?);
        } else if paths.len() == 2 {
            charts.push(render(
                "sweep",
                &format!("Service level over {} × {}", paths[0], paths[1]),
                &SweepHeat { paths, points },
            )?);
        }
    }
    Ok(charts)
}

struct WaitCdf<'a>(&'a ReportData);

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
                .map_err(fail)?
                .label(v.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
                });
        }
        if let Some(t) = target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, 0.0), (t, 1.0)],
                    8,
                    6,
                    BLACK.stroke_width(2),
                ))
                .map_err(fail)?
                .label(format!("service-level target ({})", minutes_label(t)))
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], BLACK.stroke_width(2))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}

fn minutes_label(m: f64) -> String {
    if m < 1.0 {
        format!("{:.0} s", m * 60.0)
    } else {
        format!("{m:.1} min")
    }
}

fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 16))
        .draw()
        .map_err(fail)
}

/// A metric per interval with its 95% band, for every variant; optionally a second metric in
/// a panel below (agents online under arrivals), on the same time axis.
struct Curves<'a> {
    d: &'a ReportData,
    metric: &'a str,
    y: &'a str,
    secondary: Option<(&'a str, &'a str)>,
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
        let first = d
            .variants
            .first()
            .and_then(|v| d.intervals.get(v))
            .cloned()
            .unwrap_or_default();
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
        let labels: Vec<String> = first.iter().map(|r| r.label.clone()).collect();
        let label = move |x: &f64| {
            // Whole days carry the calendar label ("d2 wed 00:00" → "d2 wed").
            let i = (x / step).round().max(0.0) as usize;
            labels.get(i).map_or(String::new(), |l| {
                l.rsplit_once(' ')
                    .map_or(l.clone(), |(day, _)| day.to_string())
            })
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
            .y_label_formatter(&|y| {
                if share {
                    format!("{:.0}%", y * 100.0)
                } else {
                    format!("{y:.1}")
                }
            })
            .draw()
            .map_err(fail)?;
        for (i, b) in &bands {
            draw_band(&mut chart, b, step, color(*i), &d.variants[*i])?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

impl Draw for Curves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let caption = Some(format!(
            "{} — mean and 95% band over replications",
            nice(self.metric)
        ));
        let x_desc = "days since the first interval (day number and weekday at each day's start)";
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

const NAN_BAND: Band = Band {
    mean: f64::NAN,
    low: f64::NAN,
    high: f64::NAN,
};

fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    bands: &[Band],
    step: f64,
    c: RGBColor,
    name: &str,
) -> Result<()> {
    let at = |x: usize| x as f64 * step;
    let upper: Vec<(f64, f64)> = bands
        .iter()
        .enumerate()
        .filter(|(_, b)| b.high.is_finite())
        .map(|(x, b)| (at(x), b.high))
        .collect();
    let lower: Vec<(f64, f64)> = bands
        .iter()
        .enumerate()
        .filter(|(_, b)| b.low.is_finite())
        .map(|(x, b)| (at(x), b.low.max(0.0)))
        .collect();
    if !upper.is_empty() && upper.len() == lower.len() {
        let polygon: Vec<(f64, f64)> = upper
            .iter()
            .copied()
            .chain(lower.iter().rev().copied())
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(polygon, c.mix(0.18))))
            .map_err(fail)?;
    }
    let line: Vec<(f64, f64)> = bands
        .iter()
        .enumerate()
        .filter(|(_, b)| b.mean.is_finite())
        .map(|(x, b)| (at(x), b.mean))
        .collect();
    chart
        .draw_series(LineSeries::new(line, c.stroke_width(2)))
        .map_err(fail)?
        .label(name.to_string())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
    Ok(())
}

fn nice(metric: &str) -> String {
    let s = metric.replace('_', " ");
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// Occupancy per agent group, one bar per variant, with the 95% interval.
struct Occupancy<'a>(&'a ReportData);

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
        let names = groups.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(groups.len().max(1) * 2 + 1)
            .x_label_formatter(&move |x| {
                let g = (x / nv as f64 - 0.5).round();
                let centre = (g + 0.5) * nv as f64;
                if (x - centre).abs() < 0.26 {
                    names.get(g as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
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
            chart
                .draw_series(bars)
                .map_err(fail)?
                .label(v.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
            let whiskers = list
                .iter()
                .enumerate()
                .filter(|(_, (_, b))| b.low.is_finite())
                .map(|(gi, (_, b))| {
                    let x = (gi * nv + vi) as f64 + 0.5;
                    ErrorBar::new_vertical(x, b.low, b.mean, b.high, BLACK.stroke_width(2), 10)
                });
            chart.draw_series(whiskers).map_err(fail)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

/// Four key indicators of every variant, with 95% error bars, in a 2 × 2 grid.
struct Variants<'a>(&'a ReportData);

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
                        .draw_series(std::iter::once(ErrorBar::new_vertical(
                            i as f64,
                            b.low,
                            b.mean,
                            b.high,
                            c.stroke_width(2),
                            14,
                        )))
                        .map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

/// One swept path: service level and abandon rate at each value, with 95% error bars.
struct SweepLine<'a> {
    path: &'a str,
    points: &'a [SweepPoint],
}

impl Draw for SweepLine<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let n = self.points.len();
        let labels: Vec<String> = self.points.iter().map(|p| p.0[0].clone()).collect();
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
        for (k, (metric, name)) in [
            ("service_level", "service level"),
            ("abandon_rate", "abandon rate"),
        ]
        .into_iter()
        .enumerate()
        {
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
                .map_err(fail)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
                });
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
        legend(&mut chart, SeriesLabelPosition::MiddleRight)
    }
}

/// Two swept paths: a heat map of the service level, each cell annotated with its value.
struct SweepHeat<'a> {
    paths: &'a [String],
    points: &'a [SweepPoint],
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
            // White (0%) to dark green (100%).
            let t = if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let fill = RGBColor(
                (255.0 - 200.0 * t) as u8,
                (255.0 - 95.0 * t) as u8,
                (255.0 - 200.0 * t) as u8,
            );
            let (x, y) = (x as f64, y as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(fail)?;
            let text = if v.is_finite() {
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
