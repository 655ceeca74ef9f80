//! `report.html`: one self-contained page — charts inline as SVG, no script, no stylesheet or
//! font to fetch — that opens from a file in any browser.

use std::fmt::Write;

use super::charts::Chart;
use super::data::{Band, ReportData};
use crate::stats::metrics::{Better, Metric};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Shares as percentages, times in minutes or hours, counts as they are.
fn unit(metric: &str) -> (&'static str, f64) {
    Metric::from_name(metric).map_or(("", 1.0), |m| m.unit().display())
}

fn cell(b: Option<Band>, scale: f64) -> String {
    match b {
        Some(b) if b.mean.is_finite() && b.low.is_finite() => format!(
            "{} <span class=ci>[{}, {}]</span>",
            crate::io::fixed(b.mean * scale, 3),
            crate::io::fixed(b.low * scale, 3),
            crate::io::fixed(b.high * scale, 3)
        ),
        Some(b) if b.mean.is_finite() => crate::io::fixed(b.mean * scale, 3),
        _ => "–".to_string(),
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}\
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}\
table{border-collapse:collapse;font-size:.92rem;display:block;max-width:100%;overflow-x:auto}td,th{padding:.25rem .7rem;border-bottom:1px solid #eee;text-align:right}\
th{background:#f6f6f6}td:first-child,th:first-child,td.t{text-align:left}td:first-child,th:first-child{position:sticky;left:0}td:first-child{background:#fff}.ci{color:#777;font-size:.85em}\
.meta{color:#555}.sig{font-weight:bold;color:#036}.better{font-weight:bold;color:#0a6}.worse{font-weight:bold;color:#c00}.fail{color:#c00;font-weight:bold}.pass{color:#0a6}.inc{color:#a60}\
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555}";

pub fn page(d: &ReportData, charts: &[Chart]) -> String {
    let mut h = String::new();
    let run = &d.run;
    let name = run["scenario_name"].as_str().unwrap_or("ccsim report");
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ccsim — {}</title><style>{STYLE}</style></head><body>\n",
        esc(name)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(name));
    // Every value read back from run.json is escaped or read as the number it must be; the
    // wall time stays in run.json, so that the same run always gives the same page.
    let count = |key: &str| run[key].as_u64().map_or("?".to_string(), |n| n.to_string());
    let nouns = |key: &str, noun: &str| match run[key].as_u64() {
        Some(n) => crate::io::counted(n, noun),
        None => format!("? {noun}s"),
    };
    let _ = writeln!(
        h,
        "<p class=meta>Scenario <code>{}</code> ({}), seed {}, {} {}, ccsim {}, {} chats and {} events{}.</p>",
        esc(run["scenario"].as_str().unwrap_or("?")),
        esc(run["scenario_hash"].as_str().unwrap_or("?")),
        count("seed"),
        nouns("replications", "replication"),
        match run["shards"].as_u64() {
            Some(n) => format!("in {n} shards of up to {}", nouns("threads", "thread")),
            None => format!("on {}", nouns("threads", "thread")),
        },
        esc(run["version"].as_str().unwrap_or("?")),
        count("chats"),
        count("events"),
        if run["shards"].is_u64() {
            " (merged from the shards' parts)"
        } else {
            ""
        },
    );
    if let Some(what_if) = run["what_if"].as_array() {
        let said: Vec<String> = what_if
            .iter()
            .filter_map(|v| v.as_str())
            .map(|v| format!("<code>{}</code>", esc(v)))
            .collect();
        let _ = writeln!(
            h,
            "<p class=meta>What-if, not the file as written: {}.</p>",
            said.join(", ")
        );
    }
    h.push_str("<h2>Key indicators</h2>\n<p>Mean over replications and its Student-t 95% interval. Shares in % (the CSVs hold them as fractions), times in minutes.</p>\n<table><tr><th>metric</th>");
    for v in &d.variants {
        let _ = write!(h, "<th>{}</th>", esc(v));
    }
    h.push_str("</tr>\n");
    for m in &d.metrics {
        let (u, scale) = unit(m);
        let _ = write!(
            h,
            "<tr><td>{}{}</td>",
            esc(m),
            if u.is_empty() {
                String::new()
            } else {
                format!(" ({u})")
            }
        );
        for v in &d.variants {
            let _ = write!(h, "<td>{}</td>", cell(d.band(v, m), scale));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<p class=meta><code>service_level</code>: share of chats with a first human reply within the target; <code>answer_level</code>: share taken by an agent within it. Staff to <code>answer_level</code>: in the turn model <code>service_level</code> also counts the agent's typing, which more agents cannot shorten.</p>\n");
    parts_section(&mut h, d);
    if !d.compare.is_empty() {
        let base = d.variants.first().map(String::as_str).unwrap_or("");
        let _ = writeln!(
            h,
            "<h2>Differences against “{}”</h2>\n<p>Paired over replications with the same customers (common random numbers). Where the 95% interval excludes 0 the difference is in bold, <span class=better>green</span> when it is better for customers and <span class=worse>red</span> when it is worse (<span class=sig>blue</span> for numbers that are neither, such as arrivals or occupancy).</p>",
            esc(base)
        );
        let others: Vec<&String> = d.variants.iter().skip(1).collect();
        h.push_str("<table><tr><th>metric</th>");
        for v in &others {
            let _ = write!(h, "<th>{} − {}</th>", esc(v), esc(base));
        }
        h.push_str("</tr>\n");
        for m in &d.metrics {
            let (u, scale) = unit(m);
            let u = match u {
                "%" => " (points)",
                "min" => " (min)",
                _ => "",
            };
            let _ = write!(h, "<tr><td>{}{u}</td>", esc(m));
            for v in &others {
                let b = d
                    .compare
                    .iter()
                    .find(|(cv, cm, _)| cv == *v && cm == m)
                    .map(|x| x.2);
                let text = cell(b, scale);
                match b.and_then(|b| judged(m, b)) {
                    Some(class) => {
                        let _ = write!(h, "<td class={class}>{text}</td>");
                    }
                    None => {
                        let _ = write!(h, "<td>{text}</td>");
                    }
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    if !d.check.is_empty() {
        h.push_str("<h2>Check</h2>\n<table><tr><th>variant</th><th>metric</th><th>bound or reference</th><th>value [95% CI]</th><th>verdict</th></tr>\n");
        for r in &d.check {
            // Past `variant`, the columns sit one further right in reports that name the scope.
            let scoped = r.len() >= 14;
            let field = |i: usize| {
                let i = if i > 0 && scoped { i + 1 } else { i };
                r.get(i).map_or("", String::as_str)
            };
            let metric = match r.get(1).filter(|s| scoped && *s != "all") {
                Some(scope) => format!("{} ({scope})", field(1)),
                None => field(1).to_string(),
            };
            let class = match field(12) {
                "fail" | "regression" => "fail",
                "pass" => "pass",
                _ => "inc",
            };
            let (u, scale) = unit(field(1));
            let shown = |i: usize| {
                field(i)
                    .parse::<f64>()
                    .map_or(String::new(), |x| format!("{}{u}", trim(x * scale)))
            };
            // A difference of shares is in points, not a share.
            let difference = |i: usize| match u {
                "%" => field(i)
                    .parse::<f64>()
                    .map_or(String::new(), |x| format!("{} points", trim(x * scale))),
                _ => shown(i),
            };
            let compared = matches!(field(3), "baseline" | "against");
            let (bound, value) = match field(3) {
                "baseline" => (
                    "vs the baseline report".to_string(),
                    format!("{} → {}, difference {}", shown(8), shown(9), difference(5)),
                ),
                "against" => (
                    "vs the older scenario".to_string(),
                    format!("{} → {}, difference {}", shown(8), shown(9), difference(5)),
                ),
                "min" => (format!("≥ {}", shown(4)), shown(5)),
                _ => (format!("≤ {}", shown(4)), shown(5)),
            };
            let (low, high) = if compared {
                (difference(6), difference(7))
            } else {
                (shown(6), shown(7))
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} <span class=ci>[{}, {}]</span></td><td class={class}>{}</td></tr>",
                esc(field(0)),
                esc(&metric),
                esc(&bound),
                esc(&value),
                esc(&low),
                esc(&high),
                esc(field(12)),
            );
        }
        h.push_str("</table>\n");
    }
    if !d.staffing.is_empty() {
        staffing_section(&mut h, d);
    }
    if !d.backtest.is_empty() {
        backtest_section(&mut h, d);
    }
    h.push_str(&super::explore::section(d));
    if !charts.is_empty() {
        h.push_str("<h2>Charts</h2>\n");
        for c in charts {
            let _ = writeln!(
                h,
                "<figure>{}<figcaption>{} — <code>{}.png</code>, <code>{}.svg</code></figcaption></figure>",
                c.svg,
                esc(&c.title),
                c.name,
                c.name
            );
        }
    }
    h.push_str("</body></html>\n");
    h
}

/// `staff`'s plan: agent-hours against Erlang's, the peak, and the intervals where they differ
/// most. The key indicators above are the plan's, simulated.
/// The metrics of the per-part tables: what a planner reads beside each team.
const PART_METRICS: [&str; 7] = [
    "arrivals",
    "abandon_rate",
    "service_level",
    "answer_level",
    "mean_wait",
    "wait_p90",
    "stranded",
];

/// Each team's and stream's key indicators, one table per variant; the per-team charts
/// follow with the others.
fn parts_section(h: &mut String, d: &ReportData) {
    if d.scopes.is_empty() {
        return;
    }
    h.push_str("<h2>Per team and per stream</h2>\n<p>A chat counts for the team whose queue it was in when its wait for an agent ended (an agent took it or the customer left): a chat an inactivity rule moved before anybody took it counts for the team it was moved to. A team's arrivals are the chats that reached its queue; a stream's, every chat that came by it. Occupancy is per agent group (below), as agents may serve several teams.</p>\n");
    // A centre whose groups overflow also shows how many of each team's chats went to them.
    let overflowed = d.scoped.keys().any(|(_, _, m)| m == "overflowed");
    let metrics: Vec<&str> = PART_METRICS
        .into_iter()
        .chain(overflowed.then_some("overflowed"))
        .collect();
    for v in &d.variants {
        if d.variants.len() > 1 {
            let _ = writeln!(h, "<h3>{}</h3>", esc(v));
        }
        h.push_str("<table><tr><th>part</th>");
        for &m in &metrics {
            let (u, _) = unit(m);
            let u = if u.is_empty() {
                String::new()
            } else {
                format!(" ({u})")
            };
            let _ = write!(h, "<th>{}{u}</th>", esc(m));
        }
        h.push_str("</tr>\n");
        for scope in &d.scopes {
            let _ = write!(h, "<tr><td>{}</td>", esc(scope));
            for &m in &metrics {
                let (_, scale) = unit(m);
                let b = d
                    .scoped
                    .get(&(v.clone(), scope.clone(), m.to_string()))
                    .copied();
                let _ = write!(h, "<td>{}</td>", cell(b, scale));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
}

/// A CSV's rows under `caption` as a table with `head`; numbers trimmed; nothing without rows.
fn table_of(h: &mut String, caption: &str, head: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(h, "<p>{caption}</p>\n<table><tr>");
    for name in head {
        let _ = write!(h, "<th>{name}</th>");
    }
    h.push_str("</tr>\n");
    for r in rows {
        h.push_str("<tr>");
        for cell in r {
            let _ = match cell.parse::<f64>() {
                Ok(x) => write!(h, "<td>{}</td>", trim(x)),
                Err(_) => write!(h, "<td class=t>{}</td>", esc(cell)),
            };
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn staffing_section(h: &mut String, d: &ReportData) {
    let hours = d.run["interval_s"].as_f64().unwrap_or(1800.0) / 3600.0;
    let sum = |f: fn(&crate::report::data::StaffingRow) -> f64| {
        d.staffing
            .iter()
            .map(f)
            .filter(|x| x.is_finite())
            .sum::<f64>()
            * hours
    };
    let (scheduled, required, erlang) =
        (sum(|r| r.scheduled), sum(|r| r.required), sum(|r| r.erlang));
    // Each staffing with its own peak, so that the roster's slack is not read as the
    // simulation's need.
    let peak = |f: fn(&crate::report::data::StaffingRow) -> f64| {
        d.staffing
            .iter()
            .filter(|r| f(r).is_finite())
            .fold(
                None::<&crate::report::data::StaffingRow>,
                |best, r| match best {
                    Some(b) if f(b) >= f(r) => Some(b),
                    _ => Some(r),
                },
            )
            .map_or("—".to_string(), |r| {
                format!("{} ({})", trim(f(r)), r.label)
            })
    };
    h.push_str("<h2>Staffing plan</h2>\n<p>The fewest agents of the planned groups on duty in each interval that keep every target, found by simulating the week again and again with the real routing rules and confirmed on customers the search did not see (<code>staffing.csv</code>; the plan as a scenario is <code>plan.toml</code>). The key indicators above are the plan's, on those fresh customers. Erlang is what a per-interval Erlang A/C calculator would staff for the same targets and the same arrivals.</p>\n<table><tr><th></th><th>agent-hours a week</th><th>peak agents on duty</th></tr>\n");
    let mut rows = vec![
        ("required (simulated)", required, peak(|r| r.required)),
        ("per-interval Erlang", erlang, peak(|r| r.erlang)),
    ];
    if !d.roster.is_empty() {
        rows.push(("scheduled (shifts)", scheduled, peak(|r| r.scheduled)));
    }
    for (name, total, top) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{name}</td><td>{}</td><td>{}</td></tr>",
            trim(total),
            esc(&top)
        );
    }
    h.push_str("</table>\n");
    if erlang > 0.0 {
        let _ = writeln!(
            h,
            "<p>The simulation requires {:.1}% {} than per-interval Erlang.",
            ((required / erlang - 1.0) * 100.0).abs(),
            if required <= erlang { "less" } else { "more" }
        );
        if !d.roster.is_empty() && required > 0.0 {
            let _ = write!(
                h,
                " The shifts add {} agent-hours over the requirement ({}%).",
                trim(scheduled - required),
                trim(((scheduled / required - 1.0) * 100.0).round())
            );
        }
        h.push_str("</p>\n");
    }
    table_of(
        h,
        "The roster, shift by shift, with the breaks the plan placed (<code>roster.csv</code>):",
        &[
            "group",
            "shift",
            "breaks",
            "agents",
            "paid hours a week each",
            "agent-hours",
            "weekly cost",
        ],
        &d.roster,
    );
    table_of(
        h,
        "What each group costs a week, premiums included (<code>costs.csv</code>; in weighted hours where the scenario gives no cost):",
        &[
            "group",
            "teams",
            "cost per agent-hour",
            "agent-hours",
            "weekly cost",
        ],
        &d.costs,
    );
    let mut gaps: Vec<&crate::report::data::StaffingRow> = d
        .staffing
        .iter()
        .filter(|r| r.erlang.is_finite() && r.required != r.erlang)
        .collect();
    gaps.sort_by(|a, b| {
        (b.required - b.erlang)
            .abs()
            .total_cmp(&(a.required - a.erlang).abs())
    });
    if !gaps.is_empty() {
        h.push_str("<p>Where simulation and Erlang differ most:</p>\n<table><tr><th>interval</th><th>required</th><th>Erlang</th></tr>\n");
        for r in gaps.iter().take(8) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.label),
                trim(r.required),
                trim(r.erlang)
            );
        }
        h.push_str("</table>\n");
    }
}

/// `backtest`'s agreement: per KPI, the mean absolute error and the share of intervals whose
/// actual value lies inside the simulated band.
fn backtest_section(h: &mut String, d: &ReportData) {
    h.push_str("<h2>Backtest</h2>\n<p>The log's arrivals replayed through the scenario's teams, agents and rules. Per interval, the log's value is set against the simulated mean and the band a further replication falls in 95% of the time (<code>backtest.csv</code>). If the scenario is right, about 95% of the intervals lie inside the band. The key indicators above are the replay's.</p>\n<table><tr><th>indicator</th><th>mean absolute error</th><th>intervals inside the band</th></tr>\n");
    for (k, &m) in crate::backtest::KPIS.iter().enumerate() {
        let column: Vec<[f64; 4]> = d.backtest.iter().map(|r| r.values[k]).collect();
        let a = crate::backtest::agreement(&column);
        let (unit, scale) = m.unit().display();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} {}</td><td>{} of {} ({:.1}%)</td></tr>",
            esc(m.name()),
            trim(a.mae * scale),
            if unit == "%" { "points" } else { unit },
            a.inside,
            a.compared,
            a.share_inside() * 100.0
        );
    }
    h.push_str("</table>\n");
}

/// The class of a significant difference: better or worse for customers, or only
/// significant; `None` when the interval holds 0.
fn judged(metric: &str, b: Band) -> Option<&'static str> {
    let up = b.low > 0.0;
    if !(up || b.high < 0.0) {
        return None;
    }
    Some(match Metric::from_name(metric).map(Metric::better) {
        Some(Better::Higher) if up => "better",
        Some(Better::Lower) if !up => "better",
        Some(Better::Higher | Better::Lower) => "worse",
        _ => "sig",
    })
}

/// A number with three decimals, trailing zeros dropped (a bound of 5 % shows as `5%`).
fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
