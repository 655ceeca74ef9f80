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
        "service-level target (1.0 min)",
        "loja-black-friday",
    ] {
        assert!(waits.contains(text), "waits.svg lacks {text:?}");
    }
    let arrivals = std::fs::read_to_string(tmp.path().join("interval_arrivals.svg")).unwrap();
    for text in [
        "Arrivals — mean and 95% band",
        "arrivals per interval",
        "agents online",
        "d4 fri",
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
fn the_page_is_self_contained() {
    let tmp = tempfile::tempdir().unwrap();
    run(&["compare", "scenarios/loja.toml", "-r", "3"], tmp.path());
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // Nothing to fetch: no scripts, stylesheets, images or fonts by address. (The only URL is
    // the SVG namespace, an identifier that browsers never load.)
    for banned in [
        "<script", "<link", "<img", "src=", "href=", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
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
