//! A report directory read back from its CSV files: what the charts and the page are drawn
//! from, whether the CSVs were just written or come from an earlier run (`ccsim report DIR`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// The per-interval metrics the charts draw; the others stay in `intervals.csv` only.
pub const CHARTED: [&str; 5] = [
    "arrivals",
    "agents_online",
    "service_level",
    "abandon_rate",
    "queue_length",
];

const NAN_BAND: Band = Band {
    mean: f64::NAN,
    low: f64::NAN,
    high: f64::NAN,
};

/// A mean with its 95% interval (NaN where undefined).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// One point of a sweep: the values of the swept paths, whether it keeps the `[[expect]]`
/// bounds (`yes`, `no`, `unsure`; empty without bounds), and each metric's band, the whole
/// centre's by name (`abandon_rate`) and a part's as `abandon_rate@team:vendas`. A skipped
/// point has no metrics.
#[derive(Clone, Debug, Default)]
pub struct SweepPoint {
    pub values: Vec<String>,
    pub feasible: String,
    pub metrics: BTreeMap<String, Band>,
}

/// One interval of `intervals.csv`: its calendar label and each metric's band, in the order
/// of `ReportData::interval_metrics`.
#[derive(Clone, Debug, Default)]
pub struct IntervalRow {
    pub label: String,
    pub values: Vec<Band>,
}

#[derive(Clone, Debug)]
pub struct StaffingRow {
    pub label: String,
    pub required: f64,
    pub scheduled: f64,
    pub erlang: f64,
}

/// One interval of `backtest.csv`: its label and, per KPI of `backtest::KPIS`, the actual
/// value, the simulated mean and the band.
#[derive(Clone, Debug)]
pub struct BacktestRow {
    pub label: String,
    pub values: [[f64; 4]; 4],
}

#[derive(Clone, Debug, Default)]
pub struct ReportData {
    /// Variants in the order the files list them.
    pub variants: Vec<String>,
    /// (variant, metric) → the whole centre's band.
    pub summary: BTreeMap<(String, String), Band>,
    pub metrics: Vec<String>,
    /// The teams and streams reported apart (`team:vendas`, `stream:site`), in file order.
    pub scopes: Vec<String>,
    /// (variant, scope, metric) → band, for the scopes past the whole centre.
    pub scoped: BTreeMap<(String, String, String), Band>,
    /// Per variant, the whole centre's intervals in order.
    pub intervals: BTreeMap<String, Vec<IntervalRow>>,
    /// `week.csv`: per variant, the whole centre's average week, time by time (labels
    /// `mon 08:00`), metrics in the order of `interval_metrics`.
    pub week: BTreeMap<String, Vec<IntervalRow>>,
    /// Per (variant, scope), a team's or stream's intervals in order.
    pub scope_intervals: BTreeMap<(String, String), Vec<IntervalRow>>,
    /// The metrics of `intervals.csv`, in the order of `IntervalRow::values`.
    pub interval_metrics: Vec<String>,
    /// Per variant, (group, occupancy band).
    pub occupancy: BTreeMap<String, Vec<(String, Band)>>,
    /// Per variant, (share, wait in minutes).
    pub waits: BTreeMap<String, Vec<(f64, f64)>>,
    /// `compare.csv`: (variant, metric) → the whole centre's difference from the first variant.
    pub compare: Vec<(String, String, Band)>,
    /// `compare_intervals.csv`: per variant after the first, the whole centre's paired
    /// difference from the first, interval by interval.
    pub compare_intervals: BTreeMap<String, Vec<IntervalRow>>,
    /// `sweep.csv`: the swept paths and, per point, its values and (metric → band).
    pub sweep: Option<(Vec<String>, Vec<SweepPoint>)>,
    /// `check.csv` rows as written.
    pub check: Vec<Vec<String>>,
    /// `staffing.csv`: per interval of the week, its label and the agents required,
    /// scheduled and by Erlang (NaN where Erlang could not staff it).
    pub staffing: Vec<StaffingRow>,
    /// `roster.csv` rows as written: group, shift, breaks, agents, hours per agent,
    /// agent-hours, weekly cost.
    pub roster: Vec<Vec<String>>,
    /// `costs.csv` rows as written: group, teams, cost per agent-hour, agent-hours, weekly
    /// cost; the last is the whole plan's.
    pub costs: Vec<Vec<String>>,
    /// `backtest.csv`, interval by interval.
    pub backtest: Vec<BacktestRow>,
    pub run: Value,
}

/// A number as ccsim writes it: an empty cell is undefined (no chat to average over); text
/// that is not a number means the file is not what ccsim wrote, and is refused.
fn num(s: &str) -> Result<f64, String> {
    if s.is_empty() {
        return Ok(f64::NAN);
    }
    s.parse::<f64>()
        .ok()
        .filter(|x| !x.is_nan())
        .ok_or_else(|| format!("{} is not a number", crate::io::quoted(s)))
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
    /// Reads the files of a report folder. `summary.csv` is required, the rest optional;
    /// a message names the file that could not be read. `intervals.csv`, which grows with the
    /// horizon, is streamed, and only the metrics the charts draw are kept.
    pub fn from_dir(dir: &Path) -> Result<ReportData, String> {
        let read = |name: &str| -> Result<Option<Vec<u8>>, String> {
            let path = dir.join(name);
            if !path.is_file() {
                return Ok(None);
            }
            crate::io::read(&path, crate::io::MAX_REPORT_BYTES)
                .map(Some)
                .map_err(|e| format!("{name}: {e}"))
        };
        let mut d = ReportData::default();
        let at = |name: &'static str| move |e: String| format!("{name}: {e}");
        let summary = read("summary.csv")?.ok_or("summary.csv is missing")?;
        let (h, rs) = rows(&summary).map_err(at("summary.csv"))?;
        let (v, m, mean, lo, hi) = (
            col(&h, "variant").map_err(at("summary.csv"))?,
            col(&h, "metric").map_err(at("summary.csv"))?,
            col(&h, "mean").map_err(at("summary.csv"))?,
            col(&h, "ci95_low").map_err(at("summary.csv"))?,
            col(&h, "ci95_high").map_err(at("summary.csv"))?,
        );
        // Reports written before teams were reported apart have no `scope` column.
        let scope = h.iter().position(|x| x == "scope");
        for (i, r) in rs.iter().enumerate() {
            if !d.variants.contains(&r[v]) {
                d.variants.push(r[v].clone());
            }
            let b = band(r, mean, lo, hi).map_err(line("summary.csv", i))?;
            match scope.map(|s| r[s].as_str()).filter(|s| *s != "all") {
                Some(s) => {
                    if !d.scopes.iter().any(|x| x == s) {
                        d.scopes.push(s.to_string());
                    }
                    d.scoped
                        .insert((r[v].clone(), s.to_string(), r[m].clone()), b);
                }
                None => {
                    if !d.metrics.contains(&r[m]) {
                        d.metrics.push(r[m].clone());
                    }
                    d.summary.insert((r[v].clone(), r[m].clone()), b);
                }
            }
        }
        stream_intervals(
            &dir.join("intervals.csv"),
            "intervals.csv",
            ["mean", "ci95_low", "ci95_high"],
            &mut d.interval_metrics,
            |v, scope, i, label, metric, band| {
                let list = match scope {
                    Some(s) => d
                        .scope_intervals
                        .entry((v.to_string(), s.to_string()))
                        .or_default(),
                    None => d.intervals.entry(v.to_string()).or_default(),
                };
                put(list, i, label, metric, band);
            },
        )?;
        stream_intervals(
            &dir.join("compare_intervals.csv"),
            "compare_intervals.csv",
            ["diff_mean", "diff_ci95_low", "diff_ci95_high"],
            &mut d.interval_metrics,
            |v, scope, i, label, metric, band| {
                if scope.is_none() {
                    let list = d.compare_intervals.entry(v.to_string()).or_default();
                    put(list, i, label, metric, band);
                }
            },
        )?;
        if let Some(bytes) = read("agents.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("agents.csv"))?;
            let c = |n| col(&h, n).map_err(at("agents.csv"));
            let (v, g, m, mean, lo, hi) = (
                c("variant")?,
                c("group")?,
                c("metric")?,
                c("mean")?,
                c("ci95_low")?,
                c("ci95_high")?,
            );
            for (i, r) in rs.iter().enumerate().filter(|(_, r)| r[m] == "occupancy") {
                let b = band(r, mean, lo, hi).map_err(line("agents.csv", i))?;
                d.occupancy
                    .entry(r[v].clone())
                    .or_default()
                    .push((r[g].clone(), b));
            }
        }
        if let Some(bytes) = read("waits.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("waits.csv"))?;
            let c = |n| col(&h, n).map_err(at("waits.csv"));
            // `wait` in reports written before every column said its unit.
            let w = c("wait_min").or_else(|_| c("wait"))?;
            let (v, s) = (c("variant")?, c("share")?);
            for (i, r) in rs.iter().enumerate() {
                let at = line("waits.csv", i);
                let point = (num(&r[s]).map_err(&at)?, num(&r[w]).map_err(&at)?);
                d.waits.entry(r[v].clone()).or_default().push(point);
            }
        }
        if let Some(bytes) = read("compare.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("compare.csv"))?;
            let c = |n| col(&h, n).map_err(at("compare.csv"));
            let (v, m, mean, lo, hi) = (
                c("variant")?,
                c("metric")?,
                c("diff_mean")?,
                c("diff_ci95_low")?,
                c("diff_ci95_high")?,
            );
            let scope = h.iter().position(|x| x == "scope");
            d.compare = rs
                .iter()
                .enumerate()
                .filter(|(_, r)| scope.is_none_or(|s| r[s] == "all"))
                .map(|(i, r)| {
                    let b = band(r, mean, lo, hi).map_err(line("compare.csv", i))?;
                    Ok((r[v].clone(), r[m].clone(), b))
                })
                .collect::<Result<_, String>>()?;
        }
        if let Some(bytes) = read("sweep.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("sweep.csv"))?;
            let c = |n| col(&h, n).map_err(at("sweep.csv"));
            let (m, mean, lo, hi) = (c("metric")?, c("mean")?, c("ci95_low")?, c("ci95_high")?);
            let scope = h.iter().position(|x| x == "scope");
            let feasible = h.iter().position(|x| x == "feasible");
            // The swept paths come first, up to `status` (or `metric` in older reports).
            let first = h.iter().position(|x| x == "status").unwrap_or(m);
            let paths: Vec<String> = h[..first].to_vec();
            let mut points: Vec<SweepPoint> = Vec::new();
            for (i, r) in rs.iter().enumerate() {
                let values = r[..first].to_vec();
                if points.last().is_none_or(|p| p.values != values) {
                    points.push(SweepPoint {
                        values,
                        feasible: feasible.map_or(String::new(), |f| r[f].clone()),
                        metrics: BTreeMap::new(),
                    });
                }
                if r[m].is_empty() {
                    // A skipped point: no numbers, a blank on the charts.
                    continue;
                }
                let b = band(r, mean, lo, hi).map_err(line("sweep.csv", i))?;
                let key = match scope.map(|s| r[s].as_str()).filter(|s| *s != "all") {
                    Some(s) => format!("{}@{s}", r[m]),
                    None => r[m].clone(),
                };
                points
                    .last_mut()
                    .expect("just pushed")
                    .metrics
                    .insert(key, b);
            }
            d.sweep = Some((paths, points));
        }
        if let Some(bytes) = read("check.csv")? {
            d.check = rows(&bytes).map_err(at("check.csv"))?.1;
        }
        if let Some(bytes) = read("staffing.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("staffing.csv"))?;
            let c = |n| col(&h, n).map_err(at("staffing.csv"));
            let (wd, time, req, sched, erl) = (
                c("weekday")?,
                c("time")?,
                c("required")?,
                c("scheduled")?,
                c("erlang")?,
            );
            // Several planned groups: the centre's totals per interval of the week.
            for (i, r) in rs.iter().enumerate() {
                let at = line("staffing.csv", i);
                let row = StaffingRow {
                    label: format!("{} {}", r[wd], r[time]),
                    required: num(&r[req]).map_err(&at)?,
                    scheduled: num(&r[sched]).map_err(&at)?,
                    erlang: num(&r[erl]).map_err(&at)?,
                };
                match d.staffing.iter_mut().find(|s| s.label == row.label) {
                    Some(s) => {
                        s.required += row.required;
                        s.scheduled += row.scheduled;
                        s.erlang += row.erlang;
                    }
                    None => d.staffing.push(row),
                }
            }
        }
        if let Some(bytes) = read("week.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("week.csv"))?;
            let c = |n| col(&h, n).map_err(at("week.csv"));
            let (v, scope, wd, time, m) = (
                c("variant")?,
                c("scope")?,
                c("weekday")?,
                c("time")?,
                c("metric")?,
            );
            let (mean, lo, hi) = (c("mean")?, c("ci95_low")?, c("ci95_high")?);
            for (i, r) in rs.iter().enumerate() {
                if r[scope] != "all" || !CHARTED.contains(&r[m].as_str()) {
                    continue;
                }
                let at = line("week.csv", i);
                let metric = match d.interval_metrics.iter().position(|x| x == &r[m]) {
                    Some(k) => k,
                    None => {
                        d.interval_metrics.push(r[m].clone());
                        d.interval_metrics.len() - 1
                    }
                };
                let label = format!("{} {}", r[wd], r[time]);
                let list = d.week.entry(r[v].clone()).or_default();
                if list.last().is_none_or(|row| row.label != label) {
                    list.push(IntervalRow {
                        label,
                        values: Vec::new(),
                    });
                }
                let row = list.last_mut().expect("just pushed");
                row.values.resize(metric + 1, NAN_BAND);
                row.values[metric] = Band {
                    mean: num(&r[mean]).map_err(&at)?,
                    low: num(&r[lo]).map_err(&at)?,
                    high: num(&r[hi]).map_err(&at)?,
                };
            }
        }
        if let Some(bytes) = read("roster.csv")? {
            d.roster = rows(&bytes).map_err(at("roster.csv"))?.1;
        }
        if let Some(bytes) = read("costs.csv")? {
            d.costs = rows(&bytes).map_err(at("costs.csv"))?.1;
        }
        if let Some(bytes) = read("backtest.csv")? {
            let (h, rs) = rows(&bytes).map_err(at("backtest.csv"))?;
            let c = |n: &str| col(&h, n).map_err(at("backtest.csv"));
            let (wd, time) = (c("weekday")?, c("time")?);
            let mut columns = [[0usize; 4]; 4];
            for (k, &m) in crate::backtest::KPIS.iter().enumerate() {
                let s = m.column();
                for (j, part) in ["actual", "sim_mean", "sim_low", "sim_high"]
                    .iter()
                    .enumerate()
                {
                    columns[k][j] = c(&format!("{s}_{part}"))?;
                }
            }
            for (i, r) in rs.iter().enumerate() {
                let mut values = [[f64::NAN; 4]; 4];
                for k in 0..4 {
                    for j in 0..4 {
                        values[k][j] = num(&r[columns[k][j]]).map_err(line("backtest.csv", i))?;
                    }
                }
                d.backtest.push(BacktestRow {
                    label: format!("{} {}", r[wd], r[time]),
                    values,
                });
            }
        }
        if let Some(bytes) = read("run.json")? {
            d.run = serde_json::from_slice(&bytes).map_err(|e| format!("run.json: {e}"))?;
        }
        Ok(d)
    }

    pub fn band(&self, variant: &str, metric: &str) -> Option<Band> {
        self.summary
            .get(&(variant.to_string(), metric.to_string()))
            .copied()
    }
}

/// Streams a per-interval file (`intervals.csv`, `compare_intervals.csv`), record by record,
/// giving `sink` each charted metric's band with its variant, part (`None`: the whole
/// centre), interval, calendar label and index in `metrics`, which it extends. A missing file
/// gives nothing. Only the charted metrics' numbers are read (and checked).
fn stream_intervals(
    path: &Path,
    name: &'static str,
    [mean, lo, hi]: [&str; 3],
    metrics: &mut Vec<String>,
    mut sink: impl FnMut(&str, Option<&str>, usize, String, usize, Band),
) -> Result<(), String> {
    if !path.is_file() {
        return Ok(());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let h: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let c = |n| col(&h, n).map_err(|e| format!("{name}: {e}"));
    let (v, k, day, wd, time, m) = (
        c("variant")?,
        c("interval")?,
        c("day")?,
        c("weekday")?,
        c("time")?,
        c("metric")?,
    );
    let (mean, lo, hi) = (c(mean)?, c(lo)?, c(hi)?);
    // Reports written before teams were reported apart have no `scope` column.
    let scope = h.iter().position(|x| x == "scope");
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| format!("{name}: {e}"))?
    {
        let charted = CHARTED.contains(&&record[m]);
        let cell = |j: usize| num(&record[j]).map_err(line(name, row));
        let band = match charted {
            true => Band {
                mean: cell(mean)?,
                low: cell(lo)?,
                high: cell(hi)?,
            },
            false => NAN_BAND,
        };
        row += 1;
        // An interval comes after the rows of every earlier one: an index beyond the rows
        // read so far is not one ccsim wrote (and must not size a list).
        let i: usize = record[k].parse().ok().filter(|&i| i < row).ok_or_else(|| {
            format!(
                "{name} line {}, column interval: {} is not an interval of this file",
                row + 1,
                crate::io::quoted(&record[k])
            )
        })?;
        if !charted {
            continue;
        }
        let metric = match metrics.iter().position(|x| x == &record[m]) {
            Some(i) => i,
            None => {
                metrics.push(record[m].to_string());
                metrics.len() - 1
            }
        };
        let part = scope.map(|s| &record[s]).filter(|s| *s != "all");
        let label = format!("d{} {} {}", &record[day], &record[wd], &record[time]);
        sink(&record[v], part, i, label, metric, band);
    }
    Ok(())
}

/// Sets interval `i`'s band of metric `metric` in `list`, growing it as the file goes.
fn put(list: &mut Vec<IntervalRow>, i: usize, label: String, metric: usize, band: Band) {
    if list.len() <= i {
        list.resize_with(i + 1, IntervalRow::default);
        list[i].label = label;
    }
    let values = &mut list[i].values;
    if values.len() <= metric {
        values.resize(metric + 1, NAN_BAND);
    }
    values[metric] = band;
}

fn band(r: &[String], mean: usize, lo: usize, hi: usize) -> Result<Band, String> {
    Ok(Band {
        mean: num(&r[mean])?,
        low: num(&r[lo])?,
        high: num(&r[hi])?,
    })
}

/// Where a bad cell is: the file and its line (the header is line 1).
fn line(file: &'static str, i: usize) -> impl Fn(String) -> String {
    move |e| format!("{file} line {}: {e}", i + 2)
}
