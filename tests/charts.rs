//! Charts and the HTML page: written by every simulating command, deterministic, readable
//! (titles, axes), self-contained, and drawn again from the CSVs by `ccsim report DIR`.

use std::path::Path;

use crate::{ccsim, repo};

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(bytes);
    let reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    (info.width, info.height)
}

fn run(args: &[&str], out: &Path) {
    ccsim()
        .current_dir(repo(""))
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .code(predicates::ord::lt(2));
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn every_simulating_command_writes_its_charts_and_page() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["run", "scenarios/loja.toml", "-r", "3"],
            &[
                "waits",
                "interval_arrivals",
                "interval_service_level",
                "interval_abandon_rate",
                "interval_queue_length",
                "occupancy",
            ],
        ),
        (
            &["compare", "scenarios/loja.toml", "-r", "3"],
            &["waits", "variants", "occupancy"],
        ),
        (
            &[
                "sweep",
                "scenarios/erlang-a.toml",
                "-r",
                "2",
                "--set",
                "agents.support.count=4,5",
            ],
            &["sweep", "waits"],
        ),
        (
            &["check", "scenarios/loja.toml", "-r", "3"],
            &["waits", "variants"],
        ),
    ];
    for (i, (args, charts)) in cases.iter().enumerate() {
        let out = tmp.path().join(i.to_string());
        run(args, &out);
        let names = files(&out);
        for c in *charts {
            for ext in ["svg", "png"] {
                assert!(
                    names.contains(&format!("{c}.{ext}")),
                    "{} wrote no {c}.{ext}: {names:?}",
                    args[0]
                );
            }
            let png = std::fs::read(out.join(format!("{c}.png"))).unwrap();
            assert_eq!(png_size(&png), (1000, 560), "{c}.png");
            let svg = std::fs::read_to_string(out.join(format!("{c}.svg"))).unwrap();
            assert!(
                svg.starts_with("<svg width=\"1000\" height=\"560\""),
                "{c}.svg"
            );
            assert!(svg.trim_end().ends_with("</svg>"));
            // The SVG names the font the PNG is set in, not whatever "sans-serif" is.
            assert!(svg.contains("font-family=\"'DejaVu Sans'"), "{c}.svg");
            assert!(!svg.contains("font-family=\"sans-serif\""), "{c}.svg");
            assert!(
                svg.matches("<text").count() >= 8,
                "{c}.svg has a title, axis labels and ticks"
            );
        }
        assert!(names.contains(&"report.html".to_string()));
    }
}

#[test]
fn charts_say_what_they_show() {
    let tmp = tempfile::tempdir().unwrap();
    run(&["run", "scenarios/loja.toml", "-r", "3"], tmp.path());
    let waits = std::fs::read_to_string(tmp.path().join("waits.svg")).unwrap();
    for text in [
        "Waiting time until an agent takes the chat",
        "wait (minutes)",
        "share of chats waiting at most this long",
        "service-level target",
        "(1.0 min)",
    ] {
        assert!(waits.contains(text), "waits.svg lacks {text:?}");
    }
    let arrivals = std::fs::read_to_string(tmp.path().join("interval_arrivals.svg")).unwrap();
    for text in [
        "Arrivals — mean and 95% band",
        "arrivals per 30 min",
        "agents online",
        "d4 fri",
        // The day labels count from the clock's start, and the axis title says so.
        "day of the run, counted from the clock",
    ] {
        assert!(
            arrivals.contains(text),
            "interval_arrivals.svg lacks {text:?}"
        );
    }
    // The 95% band is a filled polygon under the mean line.
    assert!(arrivals.contains("<polygon"), "no band");
}

#[test]
fn a_sweep_line_draws_the_shares_it_was_asked_for() {
    // guide `routing.md#overflow`: the planner asks for each team's service level; the chart draws
    // those, not the centre's service level and abandon rate.
    let tmp = tempfile::tempdir().unwrap();
    run(
        &[
            "sweep",
            "scenarios/overflow.toml",
            "--set",
            "teams.sales.overflow_after=0s,3m",
            "--metrics",
            "service_level@team:sales,service_level@team:support,mean_wait",
        ],
        tmp.path(),
    );
    let svg = std::fs::read_to_string(tmp.path().join("sweep.svg")).unwrap();
    for text in [
        "The shares asked for as teams.sales.overflow_after varies",
        "\nteam:sales\n",
        "\nteam:support\n",
    ] {
        assert!(svg.contains(text), "sweep.svg lacks {text:?}");
    }
    // The key wraps each name after "of".
    assert_eq!(svg.matches("\nservice level of\n").count(), 2);
    assert!(!svg.contains("abandon rate"), "only the shares asked for");
}

#[test]
fn a_sweep_line_asked_only_for_times_draws_them_in_minutes() {
    // With no share among `--metrics`, the chart draws the times asked for on a minutes axis
    // rather than falling back to the centre's service level and abandon rate.
    let tmp = tempfile::tempdir().unwrap();
    run(
        &[
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "agents.support.count=4,6",
            "--metrics",
            "mean_wait,wait_p90,arrivals",
            "-r",
            "2",
        ],
        tmp.path(),
    );
    let svg = std::fs::read_to_string(tmp.path().join("sweep.svg")).unwrap();
    for text in [
        "The times asked for as agents.support.count varies",
        "minutes",
        "mean wait",
        "wait p90",
    ] {
        assert!(svg.contains(text), "sweep.svg lacks {text:?}");
    }
    for text in ["service level", "abandon rate", "arrivals", "%"] {
        assert!(!svg.contains(text), "sweep.svg draws {text:?}");
    }
}

#[test]
fn the_page_is_self_contained() {
    let tmp = tempfile::tempdir().unwrap();
    run(&["compare", "scenarios/loja.toml", "-r", "3"], tmp.path());
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // Nothing to fetch: no scripts, stylesheets, images or fonts by address; the explorer's
    // scripts are inline. (The only URLs are the SVG namespace, an identifier that browsers
    // never load, and the vendored library's home in its own banner comment.)
    for banned in [
        "<script src",
        "<link",
        "<img",
        "src=",
        "href=",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    assert_eq!(
        html.matches("<script").count(),
        3,
        "the data, uPlot and explore.js"
    );
    let without_ns = html
        .replace("http://www.w3.org/2000/svg", "")
        .replace("https://github.com/leeoniya/uPlot", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    for text in [
        "loja-black-friday",
        "Key indicators",
        "Differences against “today”",
        "abandon_rate",
        "Charts",
        "<svg",
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
    assert_eq!(
        html.matches("<figure>").count(),
        files(tmp.path())
            .iter()
            .filter(|f| f.ends_with(".svg"))
            .count()
    );
}

#[test]
fn check_verdicts_are_on_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    run(&["check", "scenarios/loja.toml", "-r", "3"], tmp.path());
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.contains("<h2>Check</h2>"));
    assert!(
        html.contains("<td class=fail>fail</td>"),
        "the store misses its bounds"
    );
}

#[test]
fn charts_are_deterministic_and_report_redraws_them_from_the_csvs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(
        &[
            "compare",
            "scenarios/loja.toml",
            "-r",
            "3",
            "--threads",
            "1",
        ],
        &a,
    );
    run(
        &[
            "compare",
            "scenarios/loja.toml",
            "-r",
            "3",
            "--threads",
            "2",
        ],
        &b,
    );
    let visuals: Vec<String> = files(&a)
        .into_iter()
        .filter(|f| f.ends_with(".svg") || f.ends_with(".png"))
        .collect();
    assert!(visuals.len() >= 14);
    for f in &visuals {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
    // Remove every chart and the page, then draw them again from the CSVs.
    let before: Vec<Vec<u8>> = visuals
        .iter()
        .map(|f| std::fs::read(a.join(f)).unwrap())
        .collect();
    let page = std::fs::read_to_string(a.join("report.html")).unwrap();
    for f in &visuals {
        std::fs::remove_file(a.join(f)).unwrap();
    }
    std::fs::remove_file(a.join("report.html")).unwrap();
    ccsim().arg("report").arg(&a).assert().success();
    for (f, bytes) in visuals.iter().zip(&before) {
        assert!(
            &std::fs::read(a.join(f)).unwrap() == bytes,
            "{f} drawn differently from the CSVs"
        );
    }
    assert_eq!(
        std::fs::read_to_string(a.join("report.html")).unwrap(),
        page
    );
}

#[test]
fn report_on_a_directory_without_a_report_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    ccsim()
        .arg("report")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("summary.csv"));
}

/// Every text of an SVG chart with its x position.
fn texts(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text x=\"")
        .skip(1)
        .map(|t| {
            let x: f64 = t[..t.find('"').unwrap()].parse().unwrap();
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            (x, body.trim().to_string())
        })
        .collect()
}

#[test]
fn charts_read_right_with_several_variants() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("compare");
    run(&["compare", "scenarios/loja.toml", "-r", "3"], &out);
    let svg = |name: &str| std::fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
    // Occupancy keeps its group names under grouped bars, and a legend of the variants.
    let occupancy = texts(&svg("occupancy"));
    for group in ["vendas-manha", "vendas-tarde", "suporte", "supervisao"] {
        assert!(occupancy.iter().any(|t| t.1 == group), "{group} missing");
    }
    // Legends sit in a column of their own, right of every plot: never over data.
    for chart in [
        "occupancy",
        "interval_arrivals",
        "interval_service_level",
        "waits",
    ] {
        let texts = texts(&svg(chart));
        let key = texts
            .iter()
            .find(|t| t.1 == "today")
            .unwrap_or_else(|| panic!("{chart}: no legend entry"));
        assert!(key.0 >= 760.0, "{chart}: legend at x = {}", key.0);
    }
    // Axis titles carry the interval, and counts have no decimals.
    let arrivals = texts(&svg("interval_arrivals"));
    assert!(arrivals.iter().any(|t| t.1 == "arrivals per 30 min"));
    assert!(arrivals.iter().any(|t| t.1 == "40"));
    assert!(
        !arrivals.iter().any(|t| t.1.ends_with(".0")),
        "{arrivals:?}"
    );
}

/// `compare_intervals.csv` as (variant, scope, interval, metric) → (mean, low, high).
type Rows = std::collections::BTreeMap<(String, String, String, String), (f64, f64, f64)>;

fn per_interval(path: &Path, [mean, low, high]: [&str; 3]) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (v, s, k, m) = (c("variant"), c("scope"), c("interval"), c("metric"));
    let (a, b, d) = (c(mean), c(low), c(high));
    let num = |x: &str| x.parse::<f64>().unwrap_or(f64::NAN);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let key = (rec[v].into(), rec[s].into(), rec[k].into(), rec[m].into());
            (key, (num(&rec[a]), num(&rec[b]), num(&rec[d])))
        })
        .collect()
}

#[test]
fn a_comparison_shows_where_in_the_day_a_variant_differs_with_a_paired_band() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("compare");
    run(&["compare", "scenarios/loja.toml", "-r", "5"], &out);
    let diffs = per_interval(
        &out.join("compare_intervals.csv"),
        ["diff_mean", "diff_ci95_low", "diff_ci95_high"],
    );
    let values = per_interval(
        &out.join("intervals.csv"),
        ["mean", "ci95_low", "ci95_high"],
    );
    // Every interval of every part: the difference of the two pooled means (a ratio of sums
    // each), inside its own interval.
    let (mut checked, mut moved) = (0, 0);
    for ((v, scope, k, m), (d, low, high)) in &diffs {
        let a = values[&("today".into(), scope.clone(), k.clone(), m.clone())].0;
        let b = values[&(v.clone(), scope.clone(), k.clone(), m.clone())].0;
        if a.is_nan() || b.is_nan() {
            assert!(d.is_nan(), "{v} {scope} {k} {m}: {d} from undefined means");
            continue;
        }
        assert!(
            (d - (b - a)).abs() < 2e-6,
            "{v} {scope} {k} {m}: {d} vs {b} − {a}"
        );
        assert!(
            *low <= *d + 1e-9 && *d <= *high + 1e-9,
            "{v} {scope} {k} {m}"
        );
        checked += 1;
        moved += usize::from(*high < 0.0 || *low > 0.0);
    }
    assert!(checked > 10_000, "{checked} rows");
    assert!(
        moved > 0,
        "no interval where capacity distribution changes anything"
    );
    // The interval charts carry the difference panel under the curves.
    let svg = std::fs::read_to_string(out.join("interval_service_level.svg")).unwrap();
    assert!(
        texts(&svg)
            .iter()
            .any(|t| t.1.starts_with("Difference: each variant − today")),
        "no difference panel"
    );
    assert!(
        texts(&svg)
            .iter()
            .any(|t| t.1 == "difference (percentage points)")
    );
    // And `ccsim report` draws it again from the files alone.
    std::fs::remove_file(out.join("interval_service_level.svg")).unwrap();
    ccsim().arg("report").arg(&out).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("interval_service_level.svg")).unwrap(),
        svg
    );
}

#[test]
fn many_variants_are_drawn_as_small_multiples_each_with_its_band() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let counts = "agents.support.count=3,4,5,6,7,8,9,10,11";
    run(
        &[
            "sweep",
            "scenarios/erlang-a.toml",
            "-r",
            "2",
            "--set",
            counts,
        ],
        &out,
    );
    let png = std::fs::read(out.join("interval_service_level.png")).unwrap();
    // Nine panels in rows of three: the chart grows to hold them.
    assert_eq!(png_size(&png), (1000, 60 + 3 * 230));
    let svg = std::fs::read_to_string(out.join("interval_service_level.svg")).unwrap();
    let texts = texts(&svg);
    for n in 3..=11 {
        let name = format!("count={n}");
        assert!(texts.iter().any(|t| t.1 == name), "no panel {name}");
    }
    assert!(texts.iter().any(|t| t.1.contains("(grey: count=3)")));
    // Each panel fills its band: one shaded polygon per panel at least.
    assert!(svg.matches("<polygon").count() >= 9, "bands missing");
}

#[test]
fn an_interval_curve_breaks_where_no_chat_came() {
    // Chats only on weekdays 09:00–18:00: the service level is undefined at night and at the
    // weekend, and its curve is cut there (one stroke per day) instead of ramping across.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("office.toml");
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"8d\"")
        .replace("replications = 20", "replications = 2")
        .replace(
            "rate = \"2/min\"",
            "profile = [{ when = \"mon-fri 09:00-18:00\", rate = \"120/h\" }]",
        );
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("r");
    ccsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("interval_service_level.svg")).unwrap();
    // Warm-up 1 day (Monday): Tuesday to Friday, and Monday again: 5 working days.
    let strokes = svg.matches("stroke=\"#1F77B4\" stroke-width=\"2\"").count();
    assert_eq!(strokes, 5, "{strokes} strokes of the curve");
}

#[test]
fn a_heat_map_has_its_colour_scale() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    run(
        &[
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "agents.support.count=4,5",
            "--set",
            "simulation.service_level_target=30s,1m",
            "-r",
            "2",
        ],
        &out,
    );
    let heat = texts(&std::fs::read_to_string(out.join("sweep.svg")).unwrap());
    for label in ["service level", "0%", "50%", "100%"] {
        assert!(heat.iter().any(|t| t.1 == label), "{label} missing");
    }
}

#[test]
fn a_run_of_several_weeks_draws_its_average_week_pooled_over_the_weeks() {
    // Two weeks of the worked example: each time of the week pools its two intervals, so the
    // average week's arrivals there are the mean of the two intervals' (one weight each).
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run(&["run", "scenarios/centro.toml", "-r", "4"], &out);
    let names = files(&out);
    for c in ["week_service_level", "week_abandon_rate", "week_arrivals"] {
        assert!(names.contains(&format!("{c}.png")), "{names:?}");
    }
    let cell = |file: &str, key: &str| -> f64 {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let row = text
            .lines()
            .find(|l| l.contains(key))
            .unwrap_or_else(|| panic!("{key} not in {file}"));
        // The mean is the column after the unit, `count` for arrivals.
        let cells: Vec<&str> = row.split(',').collect();
        let unit = cells.iter().position(|c| *c == "count").unwrap();
        cells[unit + 1].parse().unwrap()
    };
    // Monday 10:00 is interval 20 of the first week and 356 of the second.
    let first = cell("intervals.csv", "centro,all,20,0,mon,10:00,arrivals,");
    let second = cell("intervals.csv", "centro,all,356,7,mon,10:00,arrivals,");
    let week = cell("week.csv", "centro,all,mon,10:00,2,arrivals,");
    assert!(first > 10.0 && second > 10.0);
    assert!(
        (week - (first + second) / 2.0).abs() < 1e-5,
        "{week} vs {first}, {second}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        page.contains("week_service_level"),
        "the page shows the average week"
    );
}

/// Chromium, to open report.html as a reader would.
fn chromium() -> Option<&'static str> {
    crate::installed(&["chromium", "chromium-browser"], "chromium")
}

#[test]
fn the_page_explores_every_metric_in_a_real_browser_without_a_console_error() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // A run; a comparison, whose page also shows differences; a sweep of two paths, whose
    // page sets one against the other.
    for (args, name) in [
        (&["run", "scenarios/loja.toml", "-r", "4"][..], "run"),
        (
            &["compare", "scenarios/loja.toml", "-r", "4"][..],
            "compare",
        ),
        (
            &[
                "sweep",
                "scenarios/loja.toml",
                "-r",
                "2",
                "--set",
                "agents.suporte.count=3,5",
                "--set",
                "inactivity.agent_queue.first_alert=1m,2m,4m",
            ][..],
            "sweep",
        ),
    ] {
        explore_in_chromium(browser, args, &tmp.path().join(name));
    }
}

fn explore_in_chromium(browser: &str, args: &[&str], out: &Path) {
    run(args, out);
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // One file that opens offline: the library and the data are inline.
    assert!(html.contains("id=\"ccsim-data\""));
    assert!(
        !html.contains("<script src="),
        "the page loads nothing from elsewhere"
    );
    // What the self-check below exercises besides the curves.
    match args[0] {
        "compare" => assert!(html.contains("id=explore-show")),
        "sweep" => assert!(html.contains("id=sweep-plot") && html.contains("id=sweep-heat")),
        _ => assert!(!html.contains("id=explore-show") && !html.contains("id=sweep-plot")),
    }
    // The page checks itself with #selftest: every metric draws ink on the canvas, and hiding
    // a series changes the drawing; the verdict lands in <body data-selftest>.
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}#selftest", page.display()))
        .env("HOME", out)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(dom.contains("data-selftest=\"ok\""), "{}", {
        let at = dom.find("data-selftest").unwrap_or(0);
        dom[at..(at + 200).min(dom.len())].to_string()
    });
    for line in log.lines().filter(|l| l.contains("CONSOLE")) {
        assert!(
            !line.contains(":ERROR:") && !line.contains("Uncaught"),
            "console error: {line}"
        );
    }
}
