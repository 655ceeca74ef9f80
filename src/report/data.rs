//! A report directory read back from its CSV files: what the charts and the page are drawn
//! from, whether the CSVs were just written or come from an earlier run (`ccsim report DIR`).

use std::collections::BTreeMap;

use serde_json::Value;

/// A mean with its 95% interval (NaN where undefined).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// One point of a sweep: the values of the swept paths, and each metric's band.
pub type SweepPoint = (Vec<String>, BTreeMap<String, Band>);

/// One interval of `intervals.csv`: its calendar label and each metric's band, in the order
/// of `ReportData::interval_metrics`.
#[derive(Clone, Debug, Default)]
pub struct IntervalRow {
    pub label: String,
    pub values: Vec<Band>,
}

#[derive(Clone, Debug, Default)]
pub struct ReportData {
    /// Variants in the order the files list them.
    pub variants: Vec<String>,
    /// (variant, metric) → band.
    pub summary: BTreeMap<(String, String), Band>,
    pub metrics: Vec<String>,
    /// Per variant, the intervals in order.
    pub intervals: BTreeMap<String, Vec<IntervalRow>>,
    /// The metrics of `intervals.csv`, in the order of `IntervalRow::values`.
    pub interval_metrics: Vec<String>,
    /// Per variant, (group, occupancy band).
    pub occupancy: BTreeMap<String, Vec<(String, Band)>>,
    /// Per variant, (share, wait in minutes).
    pub waits: BTreeMap<String, Vec<(f64, f64)>>,
    /// `compare.csv`: (variant, metric) → difference from the first variant.
    pub compare: Vec<(String, String, Band)>,
    /// `sweep.csv`: the swept paths and, per point, its values and (metric → band).
    pub sweep: Option<(Vec<String>, Vec<SweepPoint>)>,
    /// `check.csv` rows as written.
    pub check: Vec<Vec<String>>,
    pub run: Value,
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

fn rows(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.map(|x| x.iter().map(str::to_string).collect()))
        .collect::<Result<Vec<Vec<String>>, _>>()
        .map_err(|e| e.to_string())?;
    Ok((header, rows))
}

/// Column index by name.
fn col(header: &[String], name: &str) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("no `{name}` column"))
}

impl ReportData {
    /// Reads the files of a report (name → bytes). `summary.csv` is required, the rest
    /// optional; a message names the file that could not be read.
    pub fn from_files(files: &[(&str, &[u8])]) -> Result<ReportData, String> {
        let get = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, b)| *b);
        let mut d = ReportData::default();
        let at = |name: &'static str| move |e: String| format!("{name}: {e}");
        let summary = get("summary.csv").ok_or("summary.csv is missing")?;
        let (h, rs) = rows(summary).map_err(at("summary.csv"))?;
        let (v, m, mean, lo, hi) = (
            col(&h, "variant").map_err(at("summary.csv"))?,
            col(&h, "metric").map_err(at("summary.csv"))?,
            col(&h, "mean").map_err(at("summary.csv"))?,
            col(&h, "ci95_low").map_err(at("summary.csv"))?,
            col(&h, "ci95_high").map_err(at("summary.csv"))?,
        );
        for r in &rs {
            if !d.variants.contains(&r[v]) {
                d.variants.push(r[v].clone());
            }
            if !d.metrics.contains(&r[m]) {
                d.metrics.push(r[m].clone());
            }
            d.summary
                .insert((r[v].clone(), r[m].clone()), band(r, mean, lo, hi));
        }
        if let Some(bytes) = get("intervals.csv") {
            // The one file that grows with the horizon: streamed, record by record.
            let mut reader = csv::Reader::from_reader(bytes);
            let h: Vec<String> = reader
                .headers()
                .map_err(|e| format!("intervals.csv: {e}"))?
                .iter()
                .map(str::to_string)
                .collect();
            let c = |n| col(&h, n).map_err(at("intervals.csv"));
            let (v, k, day, wd, time, m) = (
                c("variant")?,
                c("interval")?,
                c("day")?,
                c("weekday")?,
                c("time")?,
                c("metric")?,
            );
            let (mean, lo, hi) = (c("mean")?, c("ci95_low")?, c("ci95_high")?);
            let mut record = csv::StringRecord::new();
            while reader
                .read_record(&mut record)
                .map_err(|e| format!("intervals.csv: {e}"))?
            {
                let metric = match d.interval_metrics.iter().position(|x| x == &record[m]) {
                    Some(i) => i,
                    None => {
                        d.interval_metrics.push(record[m].to_string());
                        d.interval_metrics.len() - 1
                    }
                };
                if !d.intervals.contains_key(&record[v]) {
                    d.intervals.insert(record[v].to_string(), Vec::new());
                }
                let list = d.intervals.get_mut(&record[v]).expect("just inserted");
                let i: usize = record[k]
                    .parse()
                    .map_err(|_| format!("intervals.csv: bad interval {}", &record[k]))?;
                if list.len() <= i {
                    list.resize_with(i + 1, IntervalRow::default);
                    list[i].label = format!("d{} {} {}", &record[day], &record[wd], &record[time]);
                }
                let values = &mut list[i].values;
                if values.len() <= metric {
                    values.resize(
                        metric + 1,
                        Band {
                            mean: f64::NAN,
                            low: f64::NAN,
                            high: f64::NAN,
                        },
                    );
                }
                values[metric] = Band {
                    mean: num(&record[mean]),
                    low: num(&record[lo]),
                    high: num(&record[hi]),
                };
            }
        }
        if let Some(bytes) = get("agents.csv") {
            let (h, rs) = rows(bytes).map_err(at("agents.csv"))?;
            let c = |n| col(&h, n).map_err(at("agents.csv"));
            let (v, g, m, mean, lo, hi) = (
                c("variant")?,
                c("group")?,
                c("metric")?,
                c("mean")?,
                c("ci95_low")?,
                c("ci95_high")?,
            );
            for r in rs.iter().filter(|r| r[m] == "occupancy") {
                d.occupancy
                    .entry(r[v].clone())
                    .or_default()
                    .push((r[g].clone(), band(r, mean, lo, hi)));
            }
        }
        if let Some(bytes) = get("waits.csv") {
            let (h, rs) = rows(bytes).map_err(at("waits.csv"))?;
            let c = |n| col(&h, n).map_err(at("waits.csv"));
            let (v, s, w) = (c("variant")?, c("share")?, c("wait")?);
            for r in &rs {
                d.waits
                    .entry(r[v].clone())
                    .or_default()
                    .push((num(&r[s]), num(&r[w])));
            }
        }
        if let Some(bytes) = get("compare.csv") {
            let (h, rs) = rows(bytes).map_err(at("compare.csv"))?;
            let c = |n| col(&h, n).map_err(at("compare.csv"));
            let (v, m, mean, lo, hi) = (
                c("variant")?,
                c("metric")?,
                c("diff_mean")?,
                c("diff_ci95_low")?,
                c("diff_ci95_high")?,
            );
            d.compare = rs
                .iter()
                .map(|r| (r[v].clone(), r[m].clone(), band(r, mean, lo, hi)))
                .collect();
        }
        if let Some(bytes) = get("sweep.csv") {
            let (h, rs) = rows(bytes).map_err(at("sweep.csv"))?;
            let c = |n| col(&h, n).map_err(at("sweep.csv"));
            let (m, mean, lo, hi) = (c("metric")?, c("mean")?, c("ci95_low")?, c("ci95_high")?);
            let paths: Vec<String> = h[..m].to_vec();
            let mut points: Vec<SweepPoint> = Vec::new();
            for r in &rs {
                let values = r[..m].to_vec();
                if points.last().is_none_or(|p| p.0 != values) {
                    points.push((values, BTreeMap::new()));
                }
                points
                    .last_mut()
                    .expect("just pushed")
                    .1
                    .insert(r[m].clone(), band(r, mean, lo, hi));
            }
            d.sweep = Some((paths, points));
        }
        if let Some(bytes) = get("check.csv") {
            d.check = rows(bytes).map_err(at("check.csv"))?.1;
        }
        if let Some(bytes) = get("run.json") {
            d.run = serde_json::from_slice(bytes).map_err(|e| format!("run.json: {e}"))?;
        }
        Ok(d)
    }

    pub fn band(&self, variant: &str, metric: &str) -> Option<Band> {
        self.summary
            .get(&(variant.to_string(), metric.to_string()))
            .copied()
    }
}

fn band(r: &[String], mean: usize, lo: usize, hi: usize) -> Band {
    Band {
        mean: num(&r[mean]),
        low: num(&r[lo]),
        high: num(&r[hi]),
    }
}
