//! The explorable part of `report.html`: the per-interval numbers as JSON in the page, drawn by
//! uPlot (vendored in `assets/js/`, MIT) with ccsim's `explore.js`, all inline so that the page
//! opens offline. The PNG and SVG charts stay for slides and CI artefacts.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use super::charts::{thin, thinned_by};
use super::data::{Band, IntervalRow, ReportData};

const NAN: Band = Band {
    mean: f64::NAN,
    low: f64::NAN,
    high: f64::NAN,
};

const UPLOT_JS: &str = include_str!("../../assets/js/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../../assets/js/uPlot.min.css");
const EXPLORE_JS: &str = include_str!("../../assets/js/explore.js");

/// The explorer's section of the page, or nothing for a report without intervals.
pub fn section(d: &ReportData) -> String {
    let Some(first) = d.variants.first().and_then(|v| d.intervals.get(v)) else {
        return String::new();
    };
    // A long run is averaged down as its PNG curves are (`thin`): `size` intervals a point.
    let size = thinned_by(first.len());
    let step = d.run["interval_s"].as_f64().unwrap_or(1800.0) / 86_400.0 * size as f64;
    let labels: Vec<Value> = first
        .chunks(size)
        .map(|c| Value::from(c[0].label.clone()))
        .collect();
    let mut scopes = vec!["all".to_string()];
    let mut data = Map::new();
    data.insert("all".into(), per_variant(d, |v| d.intervals.get(v)));
    for s in &d.scopes {
        let rows = per_variant(d, |v| d.scope_intervals.get(&(v.to_string(), s.clone())));
        if rows.as_object().is_some_and(|o| !o.is_empty()) {
            scopes.push(s.clone());
            data.insert(s.clone(), rows);
        }
    }
    let payload = json!({
        "step": step,
        "labels": labels,
        "metrics": d.interval_metrics,
        "variants": d.variants,
        "scopes": scopes,
        "data": data,
    });
    let mut h = String::new();
    h.push_str("<h2>Explore</h2>\n<p class=meta>Every interval of the run: choose the metric and the part of the centre; hover for values, click a name under the plot to hide its curve, drag across the plot to zoom in on a time range and double-click to zoom out. The means are those of <code>intervals.csv</code>.</p>\n");
    h.push_str("<p><label>metric <select id=explore-metric></select></label> <label>part <select id=explore-scope></select></label></p>\n<div id=explore-plot></div>\n");
    let _ = write!(
        h,
        "<style>{UPLOT_CSS}</style>\n<script type=\"application/json\" id=\"ccsim-data\">"
    );
    // Inside a script element only `</` could end it early: escaped, it stays JSON.
    h.push_str(&payload.to_string().replace("</", "<\\/"));
    let _ = writeln!(
        h,
        "</script>\n<script>{UPLOT_JS}</script>\n<script>{EXPLORE_JS}</script>"
    );
    h
}

/// Per variant that has rows, per metric, its means averaged as `thin` averages them
/// (undefined: `null`).
fn per_variant<'a>(
    d: &'a ReportData,
    rows: impl Fn(&str) -> Option<&'a Vec<IntervalRow>>,
) -> Value {
    let mut out = Map::new();
    for v in &d.variants {
        let Some(rows) = rows(v) else { continue };
        let mut metrics = Map::new();
        for (k, m) in d.interval_metrics.iter().enumerate() {
            let bands: Vec<Band> = rows
                .iter()
                .map(|r| r.values.get(k).copied().unwrap_or(NAN))
                .collect();
            let means: Vec<Value> = thin(&bands, 1.0)
                .0
                .iter()
                .map(|b| match b.mean.is_finite() {
                    true => json!((b.mean * 1e4).round() / 1e4),
                    false => Value::Null,
                })
                .collect();
            metrics.insert(m.clone(), Value::from(means));
        }
        out.insert(v.clone(), Value::Object(metrics));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_would_close_the_script_stays_inside_the_json() {
        let name = "</script><script>alert(1)</script>".to_string();
        let row = IntervalRow {
            label: "d0 mon 00:00".into(),
            values: vec![Band {
                mean: 1.0,
                low: 0.5,
                high: 1.5,
            }],
        };
        let d = ReportData {
            variants: vec![name.clone()],
            intervals: [(name.clone(), vec![row])].into_iter().collect(),
            interval_metrics: vec!["arrivals".into()],
            ..ReportData::default()
        };
        let page = section(&d);
        let json = &page[page.find("id=\"ccsim-data\">").unwrap()..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        assert!(!json.contains("</"), "{json}");
        let back: Value = serde_json::from_str(json).unwrap();
        assert_eq!(back["variants"][0], Value::from(name.as_str()));
        assert_eq!(
            back["data"]["all"][name.as_str()]["arrivals"][0],
            json!(1.0)
        );
    }
}
