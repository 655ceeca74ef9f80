//! CSV inputs as a spreadsheet set to Portuguese saves them: `;` between cells and decimal
//! commas. Each kind of input (an arrival profile, an empirical sample, a chat log, a
//! baseline report) gives exactly what its comma-separated twin gives.

use std::path::Path;

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
