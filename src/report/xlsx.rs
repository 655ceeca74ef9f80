//! The report as a workbook a planner opens in a spreadsheet program (guide
//! `outputs.md#reportxlsx-and-planxlsx`): numbers as numbers, shares formatted as percentages,
//! times in minutes, the header row frozen. The CSVs stay the files to compute with; the workbook
//! is for reading.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::csv::{Results, interval_rows, kpis_in, measured, scopes_of};
use crate::scenario::calendar::{clock, weekday_name};
use crate::stats::metrics::{IntervalMetric, Unit};
use crate::stats::pooled;
use crate::time::DAY;

/// The formats of a workbook's cells.
struct Formats {
    header: Format,
    share: Format,
    minutes: Format,
    number: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            share: Format::new().set_num_format("0.0%"),
            minutes: Format::new().set_num_format("0.00"),
            number: Format::new().set_num_format("0.0##"),
        }
    }

    fn of(&self, unit: Unit) -> &Format {
        match unit {
            Unit::Fraction => &self.share,
            Unit::Minutes | Unit::Hours => &self.minutes,
            Unit::Count => &self.number,
        }
    }
}

/// A workbook whose bytes depend on its content alone: its creation date is fixed (the zip
/// entries' dates already are), so that the same run gives the same file.
fn workbook() -> Workbook {
    let mut book = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1).expect("a valid date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    book
}

/// A sheet named `name` with `columns` as its bold, frozen header row. Its rows go to a
/// temporary file as they are written (they must come in order), so that a long horizon's
/// intervals do not all sit in memory at once.
fn sheet<'b>(
    book: &'b mut Workbook,
    name: &str,
    columns: &[String],
    f: &Formats,
) -> Result<&'b mut Worksheet, XlsxError> {
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    for (c, title) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, title, &f.header)?;
        ws.set_column_width(c as u16, (title.chars().count() + 2).clamp(9, 40) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(ws)
}

/// A number in its unit's format; an undefined one (no chat to measure) is left blank.
fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    x: f64,
    format: &Format,
) -> Result<(), XlsxError> {
    if x.is_finite() {
        ws.write_number_with_format(row, col, x, format)?;
    }
    Ok(())
}

/// A column title that says its unit: `abandon_rate (%)`, `mean_wait (min)`.
fn titled(name: &str, unit: Unit) -> String {
    match unit {
        Unit::Fraction => format!("{name} (%)"),
        Unit::Minutes => format!("{name} (min)"),
        Unit::Hours => format!("{name} (h)"),
        Unit::Count => name.to_string(),
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// "Summary": every KPI of every variant and scope, with its 95% interval.
fn summary(book: &mut Workbook, variants: &[Results], f: &Formats) -> Result<(), XlsxError> {
    let columns = strings(&[
        "variant",
        "scope",
        "metric",
        "unit",
        "mean",
        "ci95_low",
        "ci95_high",
        "replications",
    ]);
    let ws = sheet(book, "Summary", &columns, f)?;
    let mut row = 1;
    for v in variants {
        for (s, scope) in scopes_of(v) {
            for (m, e) in kpis_in(v.runs, s) {
                let unit = m.unit();
                ws.write_string(row, 0, v.name)?;
                ws.write_string(row, 1, &scope)?;
                ws.write_string(row, 2, m.name())?;
                let shown = match unit.display().0 {
                    "" => unit.name(),
                    u => u,
                };
                ws.write_string(row, 3, shown)?;
                for (c, x) in [e.mean, e.ci_low, e.ci_high].into_iter().enumerate() {
                    number(ws, row, 4 + c as u16, x, f.of(unit))?;
                }
                ws.write_number(row, 7, e.n as f64)?;
                row += 1;
            }
        }
    }
    Ok(())
}

/// The most rows the Intervals sheet holds: a spreadsheet of a longer run would be slow to
/// open and to write (a year of half-hours of seven teams and streams is 120 000 rows), and
/// Excel stops at 1 048 576. Past it the sheet says so; the average week stays.
const MAX_INTERVAL_ROWS: usize = 50_000;

/// "Intervals": one row per variant, scope and interval, one column per metric's mean.
fn intervals(book: &mut Workbook, variants: &[Results], f: &Formats) -> Result<(), XlsxError> {
    let metrics = IntervalMetric::ALL;
    let mut columns = strings(&["variant", "scope", "interval", "day", "weekday", "time"]);
    columns.extend(metrics.iter().map(|m| titled(m.name(), m.unit())));
    let ws = sheet(book, "Intervals", &columns, f)?;
    let rows: usize = variants
        .iter()
        .filter_map(|v| v.runs.first())
        .map(|r| r.stats.scopes.len() * r.stats.all().intervals.len())
        .sum();
    if rows > MAX_INTERVAL_ROWS {
        let note = format!(
            "{rows} rows, more than the {MAX_INTERVAL_ROWS} this sheet holds: intervals.csv has every interval, the Average week sheet their mean by weekday and time"
        );
        ws.write_string(1, 0, note)?;
        return Ok(());
    }
    let mut row = 1;
    for v in variants {
        for (s, scope, k, [day, weekday, time]) in interval_rows(v) {
            ws.write_string(row, 0, v.name)?;
            ws.write_string(row, 1, &scope)?;
            ws.write_number(row, 2, k as f64)?;
            ws.write_number(row, 3, day.parse::<f64>().unwrap_or(f64::NAN))?;
            ws.write_string(row, 4, weekday)?;
            ws.write_string(row, 5, time)?;
            for (c, &m) in metrics.iter().enumerate().filter(|(_, m)| measured(s, **m)) {
                let e = pooled::interval_in(v.runs.iter().map(|r| &r.stats), s, k, m);
                number(ws, row, 6 + c as u16, e.mean, f.of(m.unit()))?;
            }
            row += 1;
        }
    }
    Ok(())
}

/// "Average week": per variant and scope, each time of the week with every metric pooled
/// over the replications and the intervals that fall on it (`csv::average_week`).
fn average_week(book: &mut Workbook, variants: &[Results], f: &Formats) -> Result<(), XlsxError> {
    let metrics = IntervalMetric::ALL;
    let mut columns = strings(&["variant", "scope", "weekday", "time", "intervals"]);
    columns.extend(metrics.iter().map(|m| titled(m.name(), m.unit())));
    let ws = sheet(book, "Average week", &columns, f)?;
    let mut row = 1;
    for v in variants {
        for slot in super::csv::average_week(v) {
            ws.write_string(row, 0, v.name)?;
            ws.write_string(row, 1, &slot.scope)?;
            ws.write_string(row, 2, weekday_name((slot.at / DAY) as usize))?;
            ws.write_string(row, 3, clock(slot.at % DAY))?;
            ws.write_number(row, 4, slot.intervals as f64)?;
            for (c, (&m, e)) in metrics.iter().zip(&slot.values).enumerate() {
                if let Some(e) = e {
                    number(ws, row, 5 + c as u16, e.mean, f.of(m.unit()))?;
                }
            }
            row += 1;
        }
    }
    Ok(())
}

/// `report.xlsx` of every run: the summary per scope, the intervals and the average week.
pub fn report(variants: &[Results]) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = workbook();
    summary(&mut book, variants, &f)?;
    intervals(&mut book, variants, &f)?;
    average_week(&mut book, variants, &f)?;
    book.save_to_buffer()
}

/// `plan.xlsx` of `staff`: the roster, each interval of the week's requirement beside what
/// is scheduled and what Erlang would staff, and the plan's KPIs per team.
pub fn plan(
    scenario: &crate::scenario::Scenario,
    found: &crate::planning::StaffingPlan,
    results: &[Results],
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = workbook();
    let cost = if found.costed {
        "weekly cost"
    } else {
        "weekly cost (weighted h)"
    };
    if !found.roster.is_empty() {
        let columns = strings(&[
            "group",
            "shift",
            "breaks",
            "agents",
            "hours per agent (h)",
            "agent-hours (h)",
            cost,
        ]);
        let ws = sheet(&mut book, "Roster", &columns, &f)?;
        for (i, e) in found.roster.iter().enumerate() {
            let row = 1 + i as u32;
            ws.write_string(row, 0, &found.groups[e.group].name)?;
            ws.write_string(row, 1, &e.shift)?;
            ws.write_string(row, 2, e.breaks_text())?;
            ws.write_number(row, 3, e.agents as f64)?;
            ws.write_number_with_format(row, 4, e.hours, &f.minutes)?;
            ws.write_number_with_format(row, 5, e.hours * e.agents as f64, &f.minutes)?;
            ws.write_number_with_format(row, 6, e.cost * e.agents as f64, &f.minutes)?;
        }
    }
    let columns = strings(&[
        "group or team",
        "teams",
        "cost per agent-hour",
        "agent-hours (h)",
        cost,
    ]);
    let ws = sheet(&mut book, "Costs", &columns, &f)?;
    let mut row = 1;
    for g in &found.groups {
        ws.write_string(row, 0, &g.name)?;
        ws.write_string(row, 1, g.teams.join("+"))?;
        if let Some(h) = g.hourly {
            ws.write_number_with_format(row, 2, h, &f.minutes)?;
        }
        ws.write_number_with_format(row, 3, g.hours.1, &f.minutes)?;
        ws.write_number_with_format(row, 4, g.cost, &f.minutes)?;
        row += 1;
    }
    for (team, hours, c) in crate::report::staffing::team_costs(found) {
        ws.write_string(row, 0, format!("team {team}"))?;
        ws.write_number_with_format(row, 3, hours, &f.minutes)?;
        ws.write_number_with_format(row, 4, c, &f.minutes)?;
        row += 1;
    }
    ws.write_string(row, 0, "all")?;
    ws.write_number_with_format(row, 3, found.hours().1, &f.minutes)?;
    ws.write_number_with_format(row, 4, found.cost(), &f.minutes)?;
    let targets = scenario
        .staffing
        .as_ref()
        .map_or(&[][..], |s| s.targets.as_slice());
    let mut columns = strings(&[
        "group",
        "interval",
        "weekday",
        "time",
        "required",
        "scheduled",
        "erlang",
        "arrivals",
    ]);
    columns.extend(targets.iter().map(|t| titled(&t.label(), t.metric.unit())));
    columns.push("confidence (%)".into());
    let ws = sheet(&mut book, "Requirement", &columns, &f)?;
    for (i, slot) in found.slots.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &found.groups[slot.group].name)?;
        ws.write_number(row, 1, slot.first_interval as f64)?;
        ws.write_string(row, 2, weekday_name((slot.week_time / DAY) as usize))?;
        ws.write_string(row, 3, clock(slot.week_time % DAY))?;
        ws.write_number(row, 4, slot.required as f64)?;
        ws.write_number(row, 5, slot.scheduled as f64)?;
        if let Some(e) = slot.erlang {
            ws.write_number(row, 6, e as f64)?;
        }
        number(ws, row, 7, slot.arrivals, &f.number)?;
        for (c, (t, e)) in targets.iter().zip(&slot.values).enumerate() {
            number(ws, row, 8 + c as u16, e.mean, f.of(t.metric.unit()))?;
        }
        number(ws, row, 8 + targets.len() as u16, slot.confidence, &f.share)?;
    }
    summary(&mut book, results, &f)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_in_the_column_title_and_the_cell_format() {
        assert_eq!(titled("abandon_rate", Unit::Fraction), "abandon_rate (%)");
        assert_eq!(titled("mean_wait", Unit::Minutes), "mean_wait (min)");
        assert_eq!(titled("arrivals", Unit::Count), "arrivals");
        let f = Formats::new();
        assert_eq!(f.of(Unit::Fraction), &f.share);
    }
}
