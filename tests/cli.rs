//! `ccsim run` and `ccsim validate` end to end, as a user runs them.

use predicates::prelude::*;

use crate::{ccsim, repo};

#[test]
fn run_writes_the_report_and_prints_kpis_and_throughput() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    ccsim()
        .current_dir(repo(""))
        .args(["run", "scenarios/erlang-a.toml", "-r", "3", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "erlang-a (3 replications of 29 days, seed 1)",
        ))
        .stdout(predicate::str::contains("abandon_rate"))
        .stdout(predicate::str::contains("chats/s"))
        .stdout(predicate::str::contains("events/s"))
        .stdout(predicate::str::contains("on 1 thread:").or(predicate::str::contains("threads:")))
        // The note on staffing to answer_level is for the turn model only.
        .stdout(predicate::str::contains("answer_level: taken by an agent"))
        .stdout(predicate::str::contains("Staff to answer_level").not());
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some("variant,scope,metric,unit,mean,std,ci95_low,ci95_high,replications")
    );
    let metrics: Vec<&str> = lines.map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(metrics.len(), 30);
    for m in [
        "arrivals",
        "abandon_rate",
        "wait_p99",
        "service_level_answered",
        "occupancy",
    ] {
        assert!(metrics.contains(&m), "{m} missing from summary.csv");
    }
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    // 29 days of 30-minute intervals, 16 metrics each, plus the header.
    assert_eq!(intervals.lines().count(), 29 * 48 * 16 + 1);
    assert!(intervals.starts_with("variant,scope,interval,day,weekday,time,metric,unit,mean,std,ci95_low,ci95_high,replications\nerlang-a,all,0,1,tue,00:00,arrivals,count,"));
    let agents = std::fs::read_to_string(out.join("agents.csv")).unwrap();
    assert!(
        agents.contains("erlang-a,support,5,1,occupancy,"),
        "{agents}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["seed"], 1);
    assert_eq!(run["replications"], 3);
    assert_eq!(run["scenario"], "scenarios/erlang-a.toml");
    assert!(
        run["scenario_hash"]
            .as_str()
            .unwrap()
            .starts_with("fnv1a64:")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn one_replication_on_one_thread_is_said_in_the_singular() {
    let tmp = tempfile::tempdir().unwrap();
    ccsim()
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/erlang-a.toml",
            "-r",
            "1",
            "--threads",
            "1",
            "--out",
        ])
        .arg(tmp.path().join("r"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "erlang-a (1 replication of 29 days, seed 1)",
        ))
        .stdout(predicate::str::contains("1 replication, "))
        .stdout(predicate::str::contains(" on 1 thread: "));
}

#[test]
fn run_defaults_to_reports_named_after_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(repo("scenarios/erlang-a.toml"), tmp.path().join("x.toml")).unwrap();
    ccsim()
        .current_dir(tmp.path())
        .args(["run", "x.toml", "-r", "1"])
        .assert()
        .success();
    assert!(tmp.path().join("reports/erlang-a/summary.csv").exists());
}

#[test]
fn validate_checks_without_simulating() {
    ccsim()
        .current_dir(repo(""))
        .args(["validate", "scenarios/erlang-a.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok — 1 team, 1 agent group (5 agents), 1 arrival stream, 0 variants",
        ));
}

#[test]
fn every_shipped_scenario_validates() {
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            ccsim().arg("validate").arg(&path).assert().success();
        }
    }
}

#[test]
fn the_chats_log_accounts_for_every_chat_and_agrees_with_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("loja");
    ccsim()
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/loja.toml",
            "-r",
            "1",
            "--chats-log",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let log = std::fs::read_to_string(out.join("chats.csv")).unwrap();
    let mut lines = log.lines();
    assert_eq!(
        lines.next(),
        Some("replication,chat,source,arrived_s,counted,outcome,ended_s,first_reply_s,history")
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(log.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows.len() as u64,
        run["chats"].as_u64().unwrap(),
        "one row per chat"
    );
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mean = |metric: &str| -> f64 {
        summary
            .lines()
            .find(|l| l.split(',').nth(2) == Some(metric))
            .and_then(|l| l.split(',').nth(4))
            .unwrap()
            .parse()
            .unwrap()
    };
    for outcome in [
        "bot_resolved",
        "abandoned",
        "abandoned_in_conversation",
        "auto_closed",
        "resolved",
        "unfinished",
    ] {
        let n = rows
            .iter()
            .filter(|r| r[4] == "true" && r[5] == outcome)
            .count() as f64;
        assert_eq!(n, mean(outcome), "{outcome}");
    }
    // Each history starts with the arrival and is in time order.
    for r in &rows {
        let times: Vec<f64> = r[8]
            .split("; ")
            .map(|e| e.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(times[0], r[3].parse::<f64>().unwrap());
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", r[8]);
        assert!(r[8].starts_with(&format!("{} arrive", r[3])));
    }
    let first_alerts = log.matches(" first_alert").count() as f64;
    assert!(
        first_alerts >= mean("first_alerts"),
        "warm-up is 0, drain chats add alerts"
    );
}

#[test]
fn help_of_a_command_that_cannot_shard_does_not_offer_shards() {
    for command in ["staff", "tune", "backtest"] {
        ccsim()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Report directory"))
            .stdout(predicate::str::contains("with --shard").not());
    }
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let out = ccsim().arg("--version").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with(&format!("ccsim {} (", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("commit"), "{text}");
}

#[test]
fn completions_and_the_manual_page_come_from_the_commands_themselves() {
    for shell in ["bash", "zsh", "fish"] {
        let out = ccsim().args(["completions", shell]).assert().success();
        let script = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        for word in ["sweep", "staff", "replications"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        if shell == "bash" {
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("ccsim.bash");
            std::fs::write(&path, &script).unwrap();
            let status = std::process::Command::new("bash")
                .arg("-n")
                .arg(&path)
                .status();
            assert!(status.is_ok_and(|s| s.success()), "bash cannot parse it");
        }
    }
    ccsim().args(["completions", "tcsh"]).assert().code(2);
    let out = ccsim().arg("man").assert().success();
    let page = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(page.contains(".TH ccsim 1"), "{page}");
    assert!(page.contains("SUBCOMMANDS") && page.contains("sweep"));
}

#[test]
fn the_ci_workflow_example_calls_check_with_options_it_has() {
    // docs/ci/github-actions.yml cannot run here; what it asks of ccsim can be checked.
    let workflow = std::fs::read_to_string(repo("docs/ci/github-actions.yml")).unwrap();
    let help = ccsim().args(["check", "--help"]).assert().success();
    let help = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    let mut calls = 0;
    let lines: Vec<&str> = workflow.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("target/release/ccsim check") {
            continue;
        }
        calls += 1;
        // The call and its continuation lines.
        let mut call = line.to_string();
        let mut j = i;
        while call.trim_end().ends_with('\\') {
            j += 1;
            call.push_str(lines[j]);
        }
        for option in call.split_whitespace().filter(|w| w.starts_with("--")) {
            assert!(help.contains(option), "check has no {option}");
        }
    }
    assert_eq!(
        calls, 3,
        "baseline, against the report, against main's scenario"
    );
}
