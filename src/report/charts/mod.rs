//! Charts of a report, each as SVG text and PNG bytes, drawn from the report's CSVs. Text is
//! set in the DejaVu Sans shipped in `assets/fonts/`, registered with plotters' `ab_glyph`
//! renderer, so charts render the same on a server with no fonts installed.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

mod sweep;
mod time;
mod variants;

use super::data::{Band, ReportData};
use sweep::{SweepHeat, SweepLine};
use time::{Curves, WaitCdf};
use variants::{Occupancy, Variants};

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
        let bytes: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
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
