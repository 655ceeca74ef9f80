//! CSV inputs as a spreadsheet set to Portuguese saves them: `;` between cells and decimal
//! commas. Each kind of input (an arrival profile, an empirical sample, a chat log, a
//! baseline report) gives exactly what its comma-separated twin gives.

use std::path::Path;

use predicates::prelude::*;

use crate::ccsim;

/// The comma file as a Brazilian spreadsheet saves it: `;` between cells, `,` in numbers.
fn semicolons(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.split(',')
                .map(|cell| {
                    if cell.parse::<f64>().is_ok() {
                        cell.replace('.', ",")
                    } else {
                        cell.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n"
}

fn scenario(dir: &Path, name: &str, data: &str) -> std::path::PathBuf {
    let text = format!(
        r#"name = "s"
[simulation]
horizon = "2d"
replications = 4
seed = 9
[[teams]]
name = "support"
[[agents]]
name = "a"
team = "support"
count = 2
[[arrivals]]
name = "web"
team = "support"
profile = "{data}-profile.csv"
[conversation]
handle_time = {{ dist = "empirical", file = "{data}-samples.csv" }}

[[expect]]
metric = "mean_wait"
max = "5m"
"#
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str], scenario: &Path, out: &Path) -> assert_cmd::assert::Assert {
    ccsim()
        .args(args)
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn semicolon_files_with_decimal_commas_read_as_their_comma_twins() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let profile =
        "weekday,start,end,rate_per_hour\nmon-fri,08:00,18:00,12.5\nsat-sun,10:00,14:00,4.25\n";
    let samples = "handle_seconds\n95.5\n120\n42.25\n300\n61.75\n";
    for (kind, text) in [("profile", profile), ("samples", samples)] {
        std::fs::write(dir.join(format!("comma-{kind}.csv")), text).unwrap();
        std::fs::write(dir.join(format!("semi-{kind}.csv")), semicolons(text)).unwrap();
    }
    assert!(
        std::fs::read_to_string(dir.join("semi-profile.csv"))
            .unwrap()
            .contains("mon-fri;08:00;18:00;12,5")
    );
    let (comma, semi) = (
        scenario(dir, "comma.toml", "comma"),
        scenario(dir, "semi.toml", "semi"),
    );
    // A profile and a sample, `;` and decimal commas: the same run, byte for byte.
    run(&["check"], &comma, &dir.join("r-comma")).success();
    run(&["check"], &semi, &dir.join("r-semi")).success();
    for file in ["summary.csv", "intervals.csv"] {
        assert_eq!(
            std::fs::read(dir.join("r-comma").join(file)).unwrap(),
            std::fs::read(dir.join("r-semi").join(file)).unwrap(),
            "{file}"
        );
    }
    // A baseline report opened and saved by such a spreadsheet.
    let base = dir.join("base");
    std::fs::create_dir(&base).unwrap();
    for file in ["summary.csv", "run.json"] {
        let text = std::fs::read_to_string(dir.join("r-comma").join(file)).unwrap();
        let text = if file.ends_with(".csv") {
            semicolons(&text)
        } else {
            text
        };
        std::fs::write(base.join(file), text).unwrap();
    }
    assert!(
        std::fs::read_to_string(base.join("summary.csv"))
            .unwrap()
            .contains(";fraction;")
    );
    for (baseline, out) in [(dir.join("r-comma"), "vs-comma"), (base.clone(), "vs-semi")] {
        ccsim()
            .args(["check", "--seed", "3", "--baseline"])
            .arg(&baseline)
            .arg(&comma)
            .arg("--out")
            .arg(dir.join(out))
            .assert()
            .success();
    }
    assert_eq!(
        std::fs::read(dir.join("vs-comma").join("check.csv")).unwrap(),
        std::fs::read(dir.join("vs-semi").join("check.csv")).unwrap()
    );
}

#[test]
fn a_semicolon_chat_log_fits_as_its_comma_twin() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let log = "id,team,arrived_at,first_reply_at,ended_at,outcome\n\
        1,support,2026-03-02T08:00:00,2026-03-02T08:00:30,2026-03-02T08:05:00,served\n\
        2,support,2026-03-02T08:01:00,,2026-03-02T08:03:10,abandoned\n\
        3,support,2026-03-02T08:02:00,2026-03-02T08:02:05,2026-03-02T08:09:30,served\n\
        4,support,2026-03-03T09:00:00,2026-03-03T09:00:00,2026-03-03T09:04:00,served\n\
        5,support,2026-03-03T09:10:00,,2026-03-03T09:10:45,abandoned\n";
    std::fs::write(dir.join("comma.csv"), log).unwrap();
    std::fs::write(dir.join("semi.csv"), semicolons(log)).unwrap();
    std::fs::write(
        dir.join("comma-profile.csv"),
        "weekday,start,end,rate_per_hour\nmon-sun,00:00,24:00,1\n",
    )
    .unwrap();
    std::fs::write(dir.join("comma-samples.csv"), "s\n60\n").unwrap();
    let base = scenario(dir, "base.toml", "comma");
    for name in ["comma", "semi"] {
        ccsim()
            .arg("fit")
            .arg(dir.join(format!("{name}.csv")))
            .arg("--scenario")
            .arg(&base)
            .arg("--out")
            .arg(dir.join(format!("{name}-fitted.toml")))
            .assert()
            .success()
            .stdout(predicates::str::contains("5 chats"));
    }
    // The fitted scenarios differ only where they name their log.
    let fitted = |name: &str| {
        std::fs::read_to_string(dir.join(format!("{name}-fitted.toml")))
            .unwrap()
            .replace(name, "")
    };
    assert_eq!(fitted("comma"), fitted("semi"));
}

/// LibreOffice, to open a workbook as a planner would.
fn libreoffice() -> Option<&'static str> {
    crate::installed(&["soffice", "libreoffice"], "libreoffice-calc-nogui")
}

/// The sheets of `book` as LibreOffice exports them to CSV: each cell's value (`shown` false)
/// or its text as displayed (`shown` true), one file per sheet.
fn opened(office: &str, book: &Path, shown: bool, into: &Path) -> Vec<(String, String)> {
    let filter =
        format!("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,{shown},false,false,-1");
    let status = std::process::Command::new(office)
        .args(["--headless", "--convert-to", &filter, "--outdir"])
        .arg(into)
        .arg(book)
        .env("HOME", into)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let mut sheets: Vec<(String, String)> = std::fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    sheets.sort();
    sheets
}

#[test]
fn the_workbook_opens_in_a_spreadsheet_with_the_csv_numbers_shares_as_percentages() {
    let Some(office) = libreoffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    ccsim()
        .args(["run", "scenarios/centro.toml", "-r", "4", "--out"])
        .arg(&out)
        .current_dir(crate::repo(""))
        .assert()
        .success();
    let raw = dir.path().join("raw");
    let sheets = opened(office, &out.join("report.xlsx"), false, &raw);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["report-Average week", "report-Intervals", "report-Summary"],
        "{names:?}"
    );
    // Every number of summary.csv is in the Summary sheet, as a number.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let sheet = &sheets[2].1;
    let mut compared = 0;
    for line in summary.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let key = cells[..3].join(",");
        let row = sheet
            .lines()
            .find(|l| l.starts_with(&format!("{key},")))
            .unwrap_or_else(|| panic!("{key} is not in the Summary sheet"));
        let theirs: Vec<&str> = row.split(',').collect();
        for (csv, xlsx) in [
            (cells[4], theirs[4]),
            (cells[6], theirs[5]),
            (cells[7], theirs[6]),
        ] {
            // A share keeps its % sign even as a full-precision value.
            let value = match xlsx.strip_suffix('%') {
                Some(percent) => percent.parse::<f64>().map(|x| x / 100.0),
                None => xlsx.parse::<f64>(),
            };
            match (csv.parse::<f64>(), value) {
                (Ok(a), Ok(b)) => {
                    assert!(
                        (a - b).abs() <= 5e-7 * a.abs().max(1.0),
                        "{key}: {a} vs {b}"
                    );
                    compared += 1;
                }
                (Err(_), _) => assert_eq!(xlsx, "", "{key}: undefined in the CSV"),
                (Ok(a), Err(_)) => panic!("{key}: {a} in the CSV, {xlsx:?} in the workbook"),
            }
        }
    }
    assert!(compared > 500, "{compared}");
    // As a reader sees it: a share in %, the interval's metrics in columns with their unit.
    let shown = dir.path().join("shown");
    let sheets = opened(office, &out.join("report.xlsx"), true, &shown);
    let row = sheets[2]
        .1
        .lines()
        .find(|l| l.starts_with("centro,all,abandon_rate,"))
        .unwrap()
        .to_string();
    assert!(row.split(',').nth(4).unwrap().ends_with('%'), "{row}");
    assert!(
        sheets[1]
            .1
            .starts_with("variant,scope,interval,day,weekday,time,arrivals,abandon_rate (%),")
    );
    // Two weeks: each time of the week pools two intervals, for the centre and each part.
    let week = &sheets[0].1;
    assert!(week.starts_with("variant,scope,weekday,time,intervals,arrivals,"));
    assert!(
        week.contains("\ncentro,team:pos-venda,fri,10:00,2,"),
        "{week}"
    );
    assert_eq!(week.lines().count(), 1 + 6 * 336);
    // 200 days of half-hours in six parts are 57 600 rows: the Intervals sheet says where
    // they are instead of holding them; the average week is still whole.
    let long = dir.path().join("long");
    ccsim()
        .args(["run", "scenarios/centro.toml", "-r", "2"])
        .args(["--set", "simulation.horizon=200d", "--out"])
        .arg(&long)
        .current_dir(crate::repo(""))
        .assert()
        .success();
    let sheets = opened(
        office,
        &long.join("report.xlsx"),
        true,
        &dir.path().join("l"),
    );
    let intervals: Vec<&str> = sheets[1].1.lines().collect();
    assert_eq!(intervals.len(), 2, "{intervals:?}");
    assert!(
        intervals[1].starts_with("\"57600 rows, more than the 50000"),
        "{intervals:?}"
    );
    assert_eq!(sheets[0].1.lines().count(), 1 + 6 * 336);
}

#[test]
fn csv_delimiter_names_the_separator_instead_of_the_header() {
    // A `;` profile and a one-column sample of `95,5`: read as `;` with decimal commas
    // whether detected or named; named `,`, the header is one cell and the file is refused.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let profile = "weekday;start;end;rate_per_hour\nmon-fri;08:00;18:00;12,5\n";
    std::fs::write(dir.join("semi-profile.csv"), profile).unwrap();
    std::fs::write(dir.join("semi-samples.csv"), "handle_seconds\n95,5\n120\n").unwrap();
    let semi = scenario(dir, "semi.toml", "semi");
    run(&["run"], &semi, &dir.join("r0")).success();
    run(&["run", "--csv-delimiter", ";"], &semi, &dir.join("r1")).success();
    assert_eq!(
        std::fs::read(dir.join("r0/summary.csv")).unwrap(),
        std::fs::read(dir.join("r1/summary.csv")).unwrap()
    );
    run(&["run", "--csv-delimiter", ","], &semi, &dir.join("r2"))
        .code(2)
        .stderr(predicate::str::contains("semi-profile.csv"));
    ccsim()
        .args(["validate", "x.toml", "--csv-delimiter", "|"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--csv-delimiter"));
}

#[test]
fn the_plan_workbook_has_the_roster_and_the_costs_of_the_csvs() {
    let Some(office) = libreoffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    ccsim()
        .args(["staff", "scenarios/plano.toml", "-r", "6", "--out"])
        .arg(&out)
        .current_dir(crate::repo(""))
        .assert()
        .success();
    let sheets = opened(
        office,
        &out.join("plan.xlsx"),
        false,
        &dir.path().join("raw"),
    );
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "plan-Costs",
            "plan-Requirement",
            "plan-Roster",
            "plan-Summary"
        ]
    );
    let numbers = |line: &str| -> Vec<f64> {
        line.split(',')
            .filter_map(|c| c.parse::<f64>().ok())
            .collect()
    };
    // Each roster row of the CSV is a row of the sheet: the same shift, the same numbers.
    let roster = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    let sheet = &sheets[2].1;
    for (csv, xlsx) in roster.lines().skip(1).zip(sheet.lines().skip(1)) {
        let (a, b) = (numbers(csv), numbers(xlsx));
        assert_eq!(a.len(), b.len(), "{csv} / {xlsx}");
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-6, "{csv} / {xlsx}");
        }
    }
    assert_eq!(roster.lines().count(), sheet.lines().count());
    // Each group's week costs the same in both, and so does the whole plan.
    let costs = std::fs::read_to_string(out.join("costs.csv")).unwrap();
    for line in costs.lines().skip(1) {
        let group = line.split(',').next().unwrap();
        let row = sheets[0]
            .1
            .lines()
            .find(|l| l.starts_with(&format!("{group},")))
            .unwrap_or_else(|| panic!("{group} is not in the Costs sheet"));
        let (a, b) = (numbers(line), numbers(row));
        assert!(
            (a.last().unwrap() - b.last().unwrap()).abs() < 1e-6,
            "{line} / {row}"
        );
    }
}
