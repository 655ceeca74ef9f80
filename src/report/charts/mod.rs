//! Charts of a report, each as SVG text and PNG bytes, drawn from the report's CSVs. Text is
//! set in the DejaVu Sans shipped in `assets/fonts/`, registered with plotters' `ab_glyph`
//! renderer, so charts render the same on a server with no fonts installed.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

mod backtest;
mod staffing;
mod sweep;
mod sweep_lines;
mod time;
mod tradeoff;
pub(crate) use time::{thin, thinned_by};
mod variants;
mod waits;

use super::data::{Band, ReportData};
use sweep::{Asked, SweepHeat, SweepLine};
use sweep_lines::SweepLines;
use time::{Curves, PartPanels, WeekCurves};
use tradeoff::Tradeoff;
use variants::{Occupancy, Variants};
use waits::WaitCdf;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const FONT: &str = "sans-serif";
/// What an SVG names instead of `FONT`: the font the PNGs are set in, then its look-alikes,
/// so that a viewer with DejaVu (most Linux desktops) shows what the PNG shows.
const SVG_FONTS: &str = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif";
/// Twelve colours told apart on screen and on paper (Tableau's ten, then navy and black), so
/// that no two of up to twelve series share one.
const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(0, 0, 128),
    RGBColor(0, 0, 0),
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
    /// The chart's height in pixels (its width is always `WIDTH`).
    fn height(&self) -> u32 {
        HEIGHT
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, bytes)
            .unwrap_or_else(|_| unreachable!("the shipped font is a valid TrueType file"));
    });
}

fn render(name: &str, title: &str, d: &impl Draw) -> Result<Chart> {
    register_font();
    let height = d.height();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        d.draw(&root)?;
        root.present().map_err(fail)?;
    }
    let svg = svg.replace(
        &format!("font-family=\"{FONT}\""),
        &format!("font-family=\"{SVG_FONTS}\""),
    );
    let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        d.draw(&root)?;
        root.present().map_err(fail)?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, WIDTH, height);
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

const NAN_BAND: Band = Band {
    mean: f64::NAN,
    low: f64::NAN,
    high: f64::NAN,
};

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn finite_max(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// The first variant's teams (or, with a single queue, its streams) as one-variant reports
/// named after each, for the per-part panels; with the part's kind, `team` or `stream`.
fn part_reports(d: &ReportData) -> (&'static str, Vec<ReportData>) {
    let Some(first) = d.variants.first() else {
        return ("team", Vec::new());
    };
    let teams: Vec<&String> = d
        .scopes
        .iter()
        .filter(|s| s.starts_with("team:") || *s == "waiting_box")
        .collect();
    let (kind, chosen) = if teams.is_empty() {
        let streams = d.scopes.iter().filter(|s| s.starts_with("stream:"));
        ("stream", streams.collect())
    } else {
        ("team", teams)
    };
    let parts = chosen
        .into_iter()
        .filter_map(|scope| {
            let rows = d.scope_intervals.get(&(first.clone(), scope.clone()))?;
            let name = scope
                .split_once(':')
                .map_or("Waiting box".to_string(), |(_, n)| n.to_string());
            Some(ReportData {
                variants: vec![name.clone()],
                intervals: [(name, rows.clone())].into_iter().collect(),
                interval_metrics: d.interval_metrics.clone(),
                run: d.run.clone(),
                ..ReportData::default()
            })
        })
        .collect();
    (kind, parts)
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
                "arrivals per {interval}",
                Some(("agents_online", "agents online")),
            ),
            (
                "service_level",
                "Service level per interval",
                "share with a first reply within target",
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
                "chats waiting (time average over the interval)",
                None,
            ),
        ];
        let interval = interval_label(d);
        for (metric, title, y, secondary) in curves {
            let y = y.replace("{interval}", &interval);
            let chart = Curves {
                d,
                metric,
                y: &y,
                secondary,
            };
            charts.push(render(&format!("interval_{metric}"), title, &chart)?);
        }
    }
    // Several weeks: the average week beside the timeline.
    let longer = d
        .variants
        .iter()
        .any(|v| d.week.get(v).map_or(0, Vec::len) < d.intervals.get(v).map_or(0, Vec::len));
    if longer && !d.week.is_empty() {
        let week = ReportData {
            variants: d.variants.clone(),
            intervals: d.week.clone(),
            interval_metrics: d.interval_metrics.clone(),
            run: d.run.clone(),
            ..ReportData::default()
        };
        let interval = interval_label(d);
        for (metric, what, y) in [
            (
                "service_level",
                "Service level",
                "share with a first reply within target",
            ),
            ("abandon_rate", "Abandon rate", "share abandoned"),
            ("arrivals", "Arrivals", "arrivals per {interval}"),
        ] {
            let y = y.replace("{interval}", &interval);
            let chart = WeekCurves {
                week: &week,
                metric,
                y: &y,
            };
            let title = format!("{what} over the average week");
            charts.push(render(&format!("week_{metric}"), &title, &chart)?);
        }
    }
    let (kind, parts) = part_reports(d);
    if !parts.is_empty() {
        let interval = interval_label(d);
        for (metric, what, y) in [
            // Short axis titles: a panel is a third of the chart's height.
            ("service_level", "Service level", "within target"),
            ("abandon_rate", "Abandon rate", "abandoned"),
            ("queue_length", "Chats waiting", "chats waiting"),
            ("arrivals", "Arrivals", "per {interval}"),
        ] {
            let y = y.replace("{interval}", &interval);
            let chart = PartPanels {
                parts: &parts,
                metric,
                y: &y,
            };
            let title = format!("{what} per interval, per {kind}");
            charts.push(render(&format!("{kind}s_{metric}"), &title, &chart)?);
        }
    }
    if !d.staffing.is_empty() {
        charts.push(render(
            "staffing",
            "Agents needed per interval: simulation and Erlang",
            &staffing::Staffing(d),
        )?);
    }
    if !d.backtest.is_empty() {
        charts.push(render(
            "backtest",
            "Backtest: the log against the simulated band, per interval",
            &backtest::Backtest(d),
        )?);
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
        let asked = Asked::of(d);
        if paths.len() == 1 {
            charts.push(render(
                "sweep",
                &format!("Sweep of {}", paths[0]),
                &SweepLine {
                    path: &paths[0],
                    points,
                    asked: &asked,
                },
            )?);
        } else {
            charts.push(render(
                "sweep",
                &format!("{} over {}", time::nice(&asked.heat), paths.join(" × ")),
                &SweepHeat {
                    paths,
                    points,
                    asked: &asked,
                },
            )?);
            charts.push(render(
                "sweep_lines",
                &format!("{} against {}", time::nice(&asked.heat), paths[0]),
                &SweepLines {
                    paths,
                    points,
                    asked: &asked,
                },
            )?);
        }
        if let Some(aims) = &asked.tradeoff {
            charts.push(render(
                "tradeoff",
                &format!("Trade-off of {} and {}", aims[0].0, aims[1].0),
                &Tradeoff {
                    paths,
                    points,
                    aims,
                    best: asked.best,
                },
            )?);
        }
    }
    Ok(charts)
}

fn minutes_label(m: f64) -> String {
    if m < 1.0 {
        format!("{:.0} s", m * 60.0)
    } else {
        format!("{m:.1} min")
    }
}

/// How a legend entry is drawn: as the series is.
#[derive(Clone, Copy)]
enum Mark {
    Line,
    Dashed,
    Box,
}

/// One legend entry.
struct Key {
    name: String,
    color: RGBColor,
    mark: Mark,
}

impl Key {
    fn new(name: impl Into<String>, color: RGBColor, mark: Mark) -> Self {
        Key {
            name: name.into(),
            color,
            mark,
        }
    }
}

/// Width of the legend column at the right of a chart.
const KEY_WIDTH: u32 = 240;
/// Characters of a name per legend line before it wraps (at 13 px, about 7 px each).
const KEY_CHARS: usize = 26;

/// How a legend is set: its font size, line height, and the columns it flows into.
#[derive(Clone, Copy, Debug, PartialEq)]
struct KeyLayout {
    font: u32,
    line: u32,
    columns: u32,
}

/// The largest legend layout whose entries fit in `height` pixels: the usual size, then a
/// smaller font, then two and three columns; never an entry cut off the image.
fn key_layout(keys: &[Key], height: u32) -> KeyLayout {
    let layouts = [
        (13, 17, 1),
        (11, 14, 1),
        (11, 14, 2),
        (10, 12, 3),
        (9, 11, 4),
    ];
    let fits = |&(_, line, columns): &(u32, u32, u32)| {
        let chars = KEY_CHARS / columns as usize + 2 * (columns as usize - 1);
        let heights: Vec<u32> = keys
            .iter()
            .map(|k| wrap(&k.name, chars).len() as u32 * line + line / 2)
            .collect();
        let per_column = heights.len().div_ceil(columns as usize).max(1);
        heights
            .chunks(per_column)
            .all(|c| KEY_TOP + c.iter().sum::<u32>() <= height)
    };
    let (font, line, columns) = layouts
        .iter()
        .copied()
        .find(fits)
        .unwrap_or(layouts[layouts.len() - 1]);
    KeyLayout {
        font,
        line,
        columns,
    }
}

/// Where the legend's first entry starts, below the chart's title.
const KEY_TOP: u32 = 60;

/// Draws the legend in a column of its own at the right, so that it can never cover data,
/// and returns the area left for the plot. No entries: no column. Many entries flow into a
/// smaller font and more columns (`key_layout`) rather than off the image.
fn with_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    keys: &[Key],
) -> Result<DrawingArea<DB, Shift>> {
    if keys.is_empty() {
        return Ok(root.clone());
    }
    let (w, h) = root.dim_in_pixel();
    let (plot, side) = root.split_horizontally(w.saturating_sub(KEY_WIDTH));
    let layout = key_layout(keys, h);
    let style = (FONT, layout.font).into_font().color(&BLACK);
    let column_width = (KEY_WIDTH / layout.columns) as i32;
    let chars = KEY_CHARS / layout.columns as usize + 2 * (layout.columns as usize - 1);
    let per_column = keys.len().div_ceil(layout.columns as usize);
    let mark_width = if layout.columns == 1 { 28 } else { 14 };
    for (n, column) in keys.chunks(per_column.max(1)).enumerate() {
        let x0 = n as i32 * column_width;
        let mut y = KEY_TOP as i32;
        for k in column {
            let c = k.color;
            let mid = y + layout.line as i32 / 2;
            let (a, b) = (x0 + 4, x0 + 4 + mark_width);
            match k.mark {
                Mark::Line => side.draw(&PathElement::new(
                    vec![(a, mid), (b, mid)],
                    c.stroke_width(3),
                )),
                Mark::Dashed => side
                    .draw(&PathElement::new(
                        vec![(a, mid), (a + mark_width / 3, mid)],
                        c.stroke_width(2),
                    ))
                    .and_then(|()| {
                        side.draw(&PathElement::new(
                            vec![(b - mark_width / 3, mid), (b, mid)],
                            c.stroke_width(2),
                        ))
                    }),
                Mark::Box => side.draw(&Rectangle::new(
                    [(a + 2, y + 1), (b - 2, y + layout.line as i32 - 2)],
                    c.filled(),
                )),
            }
            .map_err(fail)?;
            for line in wrap(&k.name, chars) {
                side.draw(&Text::new(line, (b + 6, y), style.clone()))
                    .map_err(fail)?;
                y += layout.line as i32;
            }
            y += layout.line as i32 / 2;
        }
    }
    Ok(plot)
}

/// Splits a name into lines of at most `width` characters, at a `\n` it holds and at spaces
/// where it can; a name is never cut short.
fn wrap(name: &str, width: usize) -> Vec<String> {
    name.split('\n')
        .flat_map(|part| wrap_line(part, width))
        .collect()
}

fn wrap_line(name: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in name.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => {
                let chars: Vec<char> = word.chars().collect();
                for piece in chars.chunks(width) {
                    lines.push(piece.iter().collect());
                }
                if chars.is_empty() {
                    lines.push(String::new());
                }
            }
        }
    }
    lines
}

/// The variants as legend entries, when there is more than one to tell apart.
fn variant_keys(d: &ReportData, mark: Mark) -> Vec<Key> {
    if d.variants.len() < 2 {
        return Vec::new();
    }
    d.variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            // Dashed as the curves are, past the first.
            let mark = match mark {
                Mark::Line if time::dashes(i).is_some() => Mark::Dashed,
                m => m,
            };
            Key::new(v.as_str(), color(i), mark)
        })
        .collect()
}

/// The report's interval as a reader says it: `30 min`, `1 h`, `1 day`.
fn interval_label(d: &ReportData) -> String {
    let s = d.run["interval_s"].as_f64().unwrap_or(1800.0);
    if s >= 86_400.0 && s % 86_400.0 == 0.0 {
        let n = s / 86_400.0;
        if n == 1.0 {
            "day".into()
        } else {
            format!("{n} days")
        }
    } else if s >= 3600.0 && s % 3600.0 == 0.0 {
        let n = s / 3600.0;
        if n == 1.0 {
            "hour".into()
        } else {
            format!("{n} h")
        }
    } else {
        format!("{} min", s / 60.0)
    }
}

/// A tick label: counts without decimals once the axis goes past a few units.
/// A y tick as a share (`40%`) or a count, by what the axis shows.
fn y_label(share: bool, top: f64) -> impl Fn(&f64) -> String {
    move |y| {
        if share {
            format!("{:.0}%", y * 100.0)
        } else {
            count_label(*y, top)
        }
    }
}

/// The day part of an interval's label (`d2 wed 00:00` → `d2 wed`), for ticks at midnights.
fn day_of(label: &str) -> String {
    label
        .rsplit_once(' ')
        .map_or(label.to_string(), |(day, _)| day.to_string())
}

fn count_label(y: f64, top: f64) -> String {
    if top >= 5.0 {
        format!("{y:.0}")
    } else {
        format!("{y:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_legend_shrinks_and_flows_into_columns_instead_of_off_the_image() {
        let keys = |n: usize| -> Vec<Key> {
            (0..n)
                .map(|i| {
                    Key::new(
                        format!("inactivity.agent_queue.first_alert={i}m"),
                        color(i),
                        Mark::Line,
                    )
                })
                .collect()
        };
        assert_eq!(key_layout(&keys(3), HEIGHT).columns, 1);
        assert_eq!(key_layout(&keys(3), HEIGHT).font, 13);
        let many = key_layout(&keys(18), HEIGHT);
        assert!(many.columns > 1 || many.font < 13, "{many:?}");
        // Every entry of the layout chosen fits in the chart's height.
        for n in [9, 18, 30] {
            let l = key_layout(&keys(n), HEIGHT);
            let chars = KEY_CHARS / l.columns as usize + 2 * (l.columns as usize - 1);
            let per = n.div_ceil(l.columns as usize);
            let tallest: u32 = keys(per)
                .iter()
                .map(|k| wrap(&k.name, chars).len() as u32 * l.line + l.line / 2)
                .sum();
            assert!(KEY_TOP + tallest <= HEIGHT, "{n} entries: {l:?}");
        }
    }

    #[test]
    fn twelve_series_never_share_a_colour() {
        let colours: std::collections::HashSet<(u8, u8, u8)> = (0..12)
            .map(|i| (color(i).0, color(i).1, color(i).2))
            .collect();
        assert_eq!(colours.len(), 12);
    }

    #[test]
    fn legend_names_wrap_but_are_never_cut() {
        assert_eq!(
            wrap("capacity, earlier alerts", 24),
            ["capacity, earlier alerts"]
        );
        assert_eq!(
            wrap("agents.dia.count=3, agents.dia.absenteeism=10%", KEY_CHARS),
            ["agents.dia.count=3,", "agents.dia.absenteeism=10%"]
        );
        let long = "a".repeat(30);
        assert_eq!(wrap(&long, 24).concat(), long);
    }
}
