//! The explorable part of `report.html`: the per-interval numbers as JSON in the page, drawn by
//! uPlot (vendored in `assets/js/`, MIT) with ccsim's `explore.js`, all inline so that the page
//! opens offline. The PNG and SVG charts stay for slides and CI artefacts.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use super::charts::{thin, thinned_by};
use super::data::{Band, IntervalRow, ReportData};
use crate::stats::metrics::{Better, Metric};

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
    data.insert("all".into(), per_variant(d, |v| d.intervals.get(v), mean));
    for s in &d.scopes {
        let rows = per_variant(
            d,
            |v| d.scope_intervals.get(&(v.to_string(), s.clone())),
            mean,
        );
        if rows.as_object().is_some_and(|o| !o.is_empty()) {
            scopes.push(s.clone());
            data.insert(s.clone(), rows);
        }
    }
    // Bands triple the page: drawn while the variants are few enough to tell apart.
    let banded = d.variants.len() <= BANDED;
    let mut bands = Map::new();
    if banded {
        bands.insert("all".into(), per_variant(d, |v| d.intervals.get(v), bounds));
        for s in &scopes[1..] {
            let rows = per_variant(
                d,
                |v| d.scope_intervals.get(&(v.to_string(), s.clone())),
                bounds,
            );
            bands.insert(s.clone(), rows);
        }
    }
    let diff = per_variant(
        d,
        |v| d.compare_intervals.get(v),
        |b| vec![b.mean, b.low, b.high],
    );
    let payload = json!({
        "step": step,
        "labels": labels,
        "metrics": d.interval_metrics,
        "variants": d.variants,
        "scopes": scopes,
        "data": data,
        "bands": bands,
        "diff": diff,
        "sweep": sweep(d),
    });
    let mut h = String::new();
    h.push_str("<h2 id=explore>Explore</h2>\n<p class=meta>Every interval of the run: choose the metric and the part of the centre; hover for values, click a name under the plot to hide its curve and its shaded 95% band, drag across the plot to zoom in on a time range and double-click to zoom out. The means and bands are those of <code>intervals.csv</code> (bands while there are at most 8 variants); a comparison can show each variant's difference from the first, paired replication by replication (<code>compare_intervals.csv</code>).</p>\n");
    h.push_str("<p><label>metric <select id=explore-metric></select></label> <label>part <select id=explore-scope></select></label>");
    if d.compare_intervals.values().any(|rows| !rows.is_empty()) {
        h.push_str(" <label>show <select id=explore-show><option value=values>each variant</option><option value=diff>difference from the first (paired 95% band)</option></select></label>");
    }
    h.push_str("</p>\n<div id=explore-plot></div>\n");
    if d.sweep.is_some() {
        h.push_str("<h3 id=sweep-explorer>Sweep explorer</h3>\n<p class=meta>Any swept path along the x axis, another as one line each, the others held at the values chosen; the table colours the chosen metric over the two paths (greener is better; grey with ✗: breaks an <code>[[expect]]</code> bound, ? unsure; ★ the objective's best). The shading is each point's 95% interval.</p>\n<p><label>x axis <select id=sweep-x></select></label> <label>one line per <select id=sweep-by></select></label> <label>metric <select id=sweep-metric></select></label> <span id=sweep-fixed></span></p>\n<div id=sweep-plot></div>\n<div id=sweep-heat></div>\n");
    }
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

/// The most variants whose bands the explorer draws (as the PNG curves do).
const BANDED: usize = 8;

/// Per variant that has rows, per metric, `parts` of each interval's band (the mean; the
/// bounds; or all three), each averaged as `thin` averages curves: a list per part, `null`
/// where undefined.
fn per_variant<'a>(
    d: &'a ReportData,
    rows: impl Fn(&str) -> Option<&'a Vec<IntervalRow>>,
    parts: fn(&Band) -> Vec<f64>,
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
            let thinned = thin(&bands, 1.0).0;
            let mut lists: Vec<Vec<Value>> = Vec::new();
            for b in &thinned {
                let values = parts(b);
                lists.resize_with(values.len(), Vec::new);
                for (list, x) in lists.iter_mut().zip(values) {
                    list.push(rounded(x));
                }
            }
            let value = match lists.len() {
                1 => Value::from(lists.pop().unwrap_or_default()),
                _ => Value::from(lists),
            };
            metrics.insert(m.clone(), value);
        }
        out.insert(v.clone(), Value::Object(metrics));
    }
    Value::Object(out)
}

fn mean(b: &Band) -> Vec<f64> {
    vec![b.mean]
}

fn bounds(b: &Band) -> Vec<f64> {
    vec![b.low, b.high]
}

/// Four decimals, as the page shows them; undefined as `null`.
fn rounded(x: f64) -> Value {
    match x.is_finite() {
        true => json!((x * 1e4).round() / 1e4),
        false => Value::Null,
    }
}

/// A sweep's points for the explorer: the swept paths and, per point, its values and each
/// metric's `[mean, low, high]`, so that any two paths can be set against each other.
fn sweep(d: &ReportData) -> Value {
    let Some((paths, points)) = &d.sweep else {
        return Value::Null;
    };
    // In the summary's order, as the tables list them.
    let metrics: Vec<&String> = d
        .metrics
        .iter()
        .filter(|m| points.iter().any(|p| p.metrics.contains_key(*m)))
        .collect();
    let best = d.run["decision"]["best"]["point"].as_u64();
    let points: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (values, m) = (&p.values, &p.metrics);
            let m: Map<String, Value> = m
                .iter()
                .filter(|(k, _)| !k.contains('@'))
                .map(|(k, b)| {
                    (
                        k.clone(),
                        json!([rounded(b.mean), rounded(b.low), rounded(b.high)]),
                    )
                })
                .collect();
            json!({
                "values": values,
                "m": m,
                "feasible": p.feasible,
                "best": best == Some(i as u64),
            })
        })
        .collect();
    // Which way is better, for the table's colours: green for better, whatever the metric;
    // the objective's metric the way the objective wants it.
    let objective = &d.run["decision"]["objective"];
    let better: Map<String, Value> = metrics
        .iter()
        .map(|m| {
            let way = match Metric::from_name(m).map(Metric::better) {
                _ if objective["metric"] == m.as_str() => match objective["goal"].as_str() {
                    Some("max") => "higher",
                    _ => "lower",
                },
                Some(Better::Higher) => "higher",
                Some(Better::Lower) => "lower",
                _ => "neither",
            };
            ((*m).clone(), Value::from(way))
        })
        .collect();
    json!({ "paths": paths, "metrics": metrics, "better": better, "points": points })
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

    #[test]
    fn the_sweep_table_colours_the_objective_the_way_it_wants() {
        use crate::report::data::SweepPoint;
        let point = |n: &str| SweepPoint {
            values: vec![n.into()],
            feasible: String::new(),
            metrics: [("occupancy".to_string(), NAN)].into_iter().collect(),
        };
        let mut d = ReportData {
            metrics: vec!["occupancy".into()],
            sweep: Some((vec!["agents.a.count".into()], vec![point("1"), point("2")])),
            ..ReportData::default()
        };
        // Occupancy is better neither up nor down for customers: blue.
        assert_eq!(sweep(&d)["better"]["occupancy"], "neither");
        d.run = json!({ "decision": { "objective": { "goal": "max", "metric": "occupancy" } } });
        assert_eq!(sweep(&d)["better"]["occupancy"], "higher");
    }
}
