//! Inputs that try to make ccsim destroy, overwrite or inject, or say something its numbers
//! are not: each test is one such input, and fails on the release before its fix.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::{ccsim, repo};

/// The Erlang A example over 3 days and 3 replications (`trust::small`), with `name` as its
/// scenario name, in `dir/s.toml`.
fn small(dir: &Path, name: &str) -> PathBuf {
    let path = crate::trust::small(dir, "s.toml", 5, "");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "name = \"erlang-a\"",
        &format!("name = {}", toml_string(name)),
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// `text` as a TOML basic string, control characters escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tree(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            all.extend(tree(&e.path()).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            all.push(name);
        }
    }
    all.sort();
    all
}

fn run_into(scenario: &Path, out: &Path) -> assert_cmd::assert::Assert {
    ccsim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn a_folder_holding_a_file_named_run_json_or_part_json_is_never_emptied() {
    // Before: any folder with a file of that name was taken for a report and replaced, its
    // `src/` and `thesis.tex` deleted.
    for mark in ["run.json", "part.json"] {
        let dir = tempfile::tempdir().unwrap();
        let s = small(dir.path(), "s");
        let proj = dir.path().join("proj");
        std::fs::create_dir_all(proj.join("src")).unwrap();
        std::fs::write(proj.join("src/main.rs"), "fn main() {}").unwrap();
        std::fs::write(proj.join("thesis.tex"), "x").unwrap();
        std::fs::write(proj.join(mark), "{\"name\":\"cfg\"}").unwrap();
        let before = tree(&proj);
        run_into(&s, &proj)
            .code(2)
            .stderr(predicate::str::contains("is not a ccsim report"));
        assert_eq!(tree(&proj), before, "{mark}");
        // Only ccsim's kinds of files, but a mark that is not ccsim's: refused too.
        let only = dir.path().join("only");
        std::fs::create_dir(&only).unwrap();
        std::fs::write(only.join("data.csv"), "a,b\n").unwrap();
        std::fs::write(only.join(mark), "{\"format\":\"mine\"}").unwrap();
        run_into(&s, &only).code(2).stderr(predicate::str::contains(
            "it has no run.json or part.json written by ccsim",
        ));
        assert_eq!(tree(&only), ["data.csv", mark]);
    }
}

#[test]
fn a_users_folder_named_like_a_staging_folder_is_left_alone() {
    // Before: `.rep.ccsim-new-backup` beside `rep` was deleted as a leftover.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let users = dir.path().join(".rep.ccsim-new-backup");
    std::fs::create_dir(&users).unwrap();
    std::fs::write(users.join("thesis.tex"), "x").unwrap();
    run_into(&s, &dir.path().join("rep")).success();
    assert_eq!(tree(&users), ["thesis.tex"]);
}

#[test]
fn fit_never_writes_through_a_link_planted_at_its_temporary_path() {
    // Before: `ln -s victim.txt fitted.toml.partial` made `fit` overwrite victim.txt.
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    for name in ["fitted.toml.partial", "fit.csv.partial"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    let out = dir.path().join("fitted.toml");
    ccsim()
        .arg("fit")
        .arg(repo("scenarios/data/helpdesk-log.csv"))
        .arg("--scenario")
        .arg(repo("scenarios/helpdesk.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(out.is_file() && dir.path().join("fit.csv").is_file());
    let partial: Vec<String> = tree(dir.path())
        .into_iter()
        .filter(|f| {
            f.contains("partial") && !f.ends_with(".toml.partial") && !f.ends_with(".csv.partial")
        })
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
}

#[test]
fn report_html_escapes_what_it_reads_back_from_run_json() {
    // Before: `"seed": "<script>…</script>"` in an edited run.json ran in the page.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let out = dir.path().join("r");
    run_into(&s, &out).success();
    let path = out.join("run.json");
    let mut run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for key in [
        "seed",
        "replications",
        "threads",
        "chats",
        "events",
        "version",
        "scenario",
    ] {
        run[key] = serde_json::json!("<script>alert(1)</script>");
    }
    std::fs::write(&path, serde_json::to_vec(&run).unwrap()).unwrap();
    ccsim().arg("report").arg(&out).assert().success();
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!page.contains("<script>alert"), "script in the page");
    assert!(
        page.contains("&lt;script&gt;alert"),
        "the value is shown, escaped"
    );
    assert!(
        page.contains("seed ?,"),
        "a seed that is not a number is not printed"
    );
}

#[test]
fn names_that_a_spreadsheet_or_a_terminal_would_run_are_refused() {
    // Before: a name starting with `=` landed as a formula in every CSV; ESC and BEL went raw
    // to the terminal; a 10 MiB name made a 4.6 GB report.
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(201);
    let cases = [
        (
            "=HYPERLINK(\"http://x\")",
            "a spreadsheet opening the CSVs would run",
        ),
        ("@SUM(A1)", "a spreadsheet opening the CSVs would run"),
        ("+1", "a spreadsheet opening the CSVs would run"),
        ("-2", "a spreadsheet opening the CSVs would run"),
        ("shop\u{1b}[2J", "control characters"),
        ("bell\u{7}", "control characters"),
        (long.as_str(), "a name has at most 200"),
    ];
    for (name, says) in cases {
        let s = small(dir.path(), name);
        let out = ccsim().arg("validate").arg(&s).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("s.toml:1:8: name: "), "{stderr}");
        assert!(stderr.contains(says), "{name:?}: {stderr}");
        assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'));
    }
    // A swept name is a name too.
    let s = small(dir.path(), "ok");
    ccsim()
        .args([
            "sweep",
            s.to_str().unwrap(),
            "--set",
            "name==cmd|' /C calc'!A0,b",
        ])
        .arg("--out")
        .arg(dir.path().join("sw"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("formula"));
    assert!(!dir.path().join("sw").exists());
}

/// A run of `s` split in 3 shards into `parts`, and the unsharded report's merge command.
fn three_parts(s: &Path, parts: &Path) {
    for k in ["1/3", "2/3", "3/3"] {
        ccsim()
            .args(["run", s.to_str().unwrap(), "-r", "6", "--shard", k, "--out"])
            .arg(parts)
            .assert()
            .success();
    }
}

fn merge(parts: &Path, out: &Path) -> assert_cmd::assert::Assert {
    ccsim()
        .arg("merge")
        .arg(parts)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn merge_refuses_a_damaged_swapped_foreign_or_edited_part() {
    // Before: a flipped bit, the bins of two parts swapped, a bin of a seed-99 run, or seed and
    // replications edited in every part.json all merged (exit 0) into a report that was not
    // the unsharded run's.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let parts = dir.path().join("parts");
    three_parts(&s, &parts);
    let out = dir.path().join("merged");
    let bin = |k: u32| parts.join(format!("part-{k}-of-3/replications.bin"));
    let keep = |p: &Path| std::fs::read(p).unwrap();
    let (b2, b3) = (keep(&bin(2)), keep(&bin(3)));

    let mut flipped = b2.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    std::fs::write(bin(2), &flipped).unwrap();
    merge(&parts, &out).code(2).stderr(predicate::str::contains(
        "part-2-of-3/replications.bin: not the data its part.json describes",
    ));

    std::fs::write(bin(2), &b3).unwrap();
    std::fs::write(bin(3), &b2).unwrap();
    merge(&parts, &out).code(2).stderr(predicate::str::contains(
        "not the data its part.json describes",
    ));
    std::fs::write(bin(2), &b2).unwrap();
    std::fs::write(bin(3), &b3).unwrap();

    let other = dir.path().join("other");
    ccsim()
        .args([
            "run",
            s.to_str().unwrap(),
            "-r",
            "6",
            "--seed",
            "99",
            "--shard",
            "2/3",
        ])
        .arg("--out")
        .arg(&other)
        .assert()
        .success();
    std::fs::copy(other.join("part-2-of-3/replications.bin"), bin(2)).unwrap();
    merge(&parts, &out).code(2).stderr(predicate::str::contains(
        "part-2-of-3/replications.bin: not the data",
    ));
    std::fs::write(bin(2), &b2).unwrap();

    for k in 1..=3 {
        let path = parts.join(format!("part-{k}-of-3/part.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text
            .replace("\"seed\": 1,", "\"seed\": 7,")
            .replace("\"replications\": 6,", "\"replications\": 60,");
        assert_ne!(edited, text);
        std::fs::write(&path, edited).unwrap();
    }
    merge(&parts, &out).code(2).stderr(predicate::str::contains(
        "part-1-of-3/part.json: edited or damaged since its shard wrote it",
    ));
    assert!(!out.exists());
}

#[test]
fn merge_names_the_part_whose_manifest_cannot_be_read() {
    // Before: a part whose part.json could not be read was reported as a missing shard.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let parts = dir.path().join("parts");
    three_parts(&s, &parts);
    let manifest = parts.join("part-2-of-3/part.json");
    std::fs::remove_file(&manifest).unwrap();
    std::fs::create_dir(&manifest).unwrap();
    merge(&parts, &dir.path().join("m")).code(2).stderr(
        predicate::str::contains("part-2-of-3/part.json: cannot read it")
            .and(predicate::str::contains("missing").not()),
    );
}

#[test]
fn merge_checks_a_parts_size_before_reading_it() {
    // Before: a replications.bin linked to /dev/zero was read up to 16 GiB.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let parts = dir.path().join("parts");
    three_parts(&s, &parts);
    let bin = parts.join("part-1-of-3/replications.bin");
    std::fs::remove_file(&bin).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &bin).unwrap();
    let started = Instant::now();
    merge(&parts, &dir.path().join("m"))
        .code(2)
        .stderr(predicate::str::contains(
            "not the data its part.json describes",
        ));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn huge_lists_are_validated_in_linear_time_or_refused_at_once() {
    // Before: 150,000 arrival streams took 100 s and 782 MB to validate, 4,000 variants 126 s.
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(small(dir.path(), "s")).unwrap();
    let mut streams = base.clone();
    for i in 0..150_000 {
        streams.push_str(&format!(
            "\n[[arrivals]]\nname = \"w{i}\"\nteam = \"support\"\nrate = \"1/h\"\n"
        ));
    }
    let mut variants = base.clone();
    for i in 0..4_000 {
        variants.push_str(&format!("\n[[variants]]\nname = \"v{i}\"\n"));
    }
    let mut fine = base;
    for i in 0..5_000 {
        fine.push_str(&format!(
            "\n[[arrivals]]\nname = \"w{i}\"\nteam = \"support\"\nrate = \"1/h\"\n"
        ));
    }
    for (text, says) in [
        (streams, "150001 entries; at most 10000 are allowed"),
        (variants, "4000 entries; at most 1000 are allowed"),
        (fine, "ok"),
    ] {
        let path = dir.path().join("big.toml");
        std::fs::write(&path, text).unwrap();
        let started = Instant::now();
        let out = ccsim().arg("validate").arg(&path).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(said.contains(says), "{said}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{says}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_at_once() {
    // Before: the second run simulated in full and then failed with "Directory not empty".
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let text = std::fs::read_to_string(&s)
        .unwrap()
        // Seconds of simulation even in a release build: the first run still holds the
        // folder when the second starts.
        .replace("horizon = \"3d\"", "horizon = \"3000d\"");
    std::fs::write(&s, text).unwrap();
    let out = dir.path().join("r");
    let mut first = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
        .args(["run", s.to_str().unwrap(), "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = dir.path().join(".r.ccsim-lock");
    let started = Instant::now();
    while !lock.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = Instant::now();
    run_into(&s, &out)
        .code(2)
        .stderr(predicate::str::contains("another ccsim is writing to"));
    assert!(second.elapsed() < Duration::from_secs(5));
    let _ = Command::new("kill").arg(first.id().to_string()).status();
    first.wait().unwrap();
    // Killed, the first run left nothing behind: no lock, no staging folder.
    assert_eq!(tree(dir.path()), ["s.toml"]);
}

#[test]
fn the_same_run_gives_the_same_page() {
    // Before: report.html printed the wall time, so it differed between identical runs.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let page = |out: &str| {
        let out = dir.path().join(out);
        run_into(&s, &out).success();
        std::fs::read(out.join("report.html")).unwrap()
    };
    assert_eq!(page("a"), page("b"));
}

#[test]
fn fit_on_a_full_disk_writes_neither_file() {
    // Before: with no room left, `fit` exited 2 but left the new fitted.toml and an empty
    // fit.csv.partial. Needs a small file system of its own (root, as CI runs).
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small file system here (needs root)");
        return;
    }
    let out = disk.join("fitted.toml");
    let result = ccsim()
        .arg("fit")
        .arg(repo("scenarios/data/helpdesk-log.csv"))
        .arg("--scenario")
        .arg(repo("scenarios/helpdesk.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let left = tree(&disk);
    let _ = Command::new("umount").arg(&disk).status();
    assert_eq!(result.status.code(), Some(2));
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_corrupted_baseline_cannot_make_check_pass_a_regression() {
    // Before: a baseline std of 1e200 gave [-inf, inf] and "check: passed"; a negative std
    // passed too.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let text = std::fs::read_to_string(&s).unwrap();
    std::fs::write(
        &s,
        text + "\n[[expect]]\nmetric = \"abandon_rate\"\nmax = 0.5\n",
    )
    .unwrap();
    let base = dir.path().join("base");
    run_into(&s, &base).success();
    let summary = std::fs::read_to_string(base.join("summary.csv")).unwrap();
    let row = |metric: &str| {
        summary
            .lines()
            .find(|l| l.split(',').nth(2) == Some(metric))
            .unwrap()
            .to_string()
    };
    let edit = |metric: &str, column: usize, value: &str| {
        let old = row(metric);
        let mut cells: Vec<&str> = old.split(',').collect();
        cells[column] = value;
        summary.replace(&old, &cells.join(","))
    };
    // variant,scope,metric,unit,mean,std,ci95_low,ci95_high,replications
    for (text, says) in [
        (
            edit("mean_wait", 5, "1e200"),
            "a spread is a finite number of at least 0",
        ),
        (
            edit("mean_wait", 5, "-0.5"),
            "a spread is a finite number of at least 0",
        ),
        (
            edit("abandon_rate", 4, "1.5"),
            "outside what a share (0 to 1) can be",
        ),
        (
            edit("mean_wait", 4, "-1"),
            "outside what a count or time (0 or more) can be",
        ),
        (edit("mean_wait", 8, "1"), "a baseline needs at least 2"),
    ] {
        std::fs::write(base.join("summary.csv"), text).unwrap();
        ccsim()
            .arg("check")
            .arg(&s)
            .arg("--baseline")
            .arg(&base)
            .arg("--out")
            .arg(dir.path().join("c"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn report_refuses_an_interval_index_ccsim_did_not_write() {
    // Before: 18446744073709551615 panicked (index out of bounds) and 1000000000000 asked for
    // 48 TB (SIGABRT), leaving a hidden staging folder.
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path(), "s");
    let out = dir.path().join("r");
    run_into(&s, &out).success();
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    for bad in ["18446744073709551615", "1000000000000", "-3", "x"] {
        let mut lines: Vec<String> = intervals.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = lines[5].split(',').collect();
        cells[2] = bad;
        lines[5] = cells.join(",");
        std::fs::write(out.join("intervals.csv"), lines.join("\n") + "\n").unwrap();
        ccsim().arg("report").arg(&out).assert().code(2).stderr(
            predicate::str::contains("intervals.csv line 6, column interval")
                .and(predicate::str::contains("panicked").not()),
        );
        let hidden: Vec<String> = tree(dir.path())
            .into_iter()
            .filter(|f| f.starts_with('.'))
            .collect();
        assert!(hidden.is_empty(), "{bad}: {hidden:?}");
    }
}

#[test]
fn a_full_or_closed_stderr_keeps_the_exit_code() {
    // Before: `ccsim run missing.toml 2>/dev/full` exited 101 (a panic writing the error).
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
        .args(["run", "missing.toml"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let closed = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
        .args(["validate", "missing.toml"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(closed.code(), Some(2));
}

#[test]
fn an_endless_log_or_trace_is_refused_quickly_and_quoted_briefly() {
    // Before: `fit /dev/zero`, `backtest /dev/zero` and `trace = "/dev/zero"` never ended, and
    // a 3 GB file of NUL bytes was printed whole as the "header" in the error.
    let dir = tempfile::tempdir().unwrap();
    let helpdesk = repo("scenarios/helpdesk.toml");
    let started = Instant::now();
    let fit = ccsim()
        .args(["fit", "/dev/zero", "--scenario"])
        .arg(&helpdesk)
        .arg("--out")
        .arg(dir.path().join("f.toml"))
        .output()
        .unwrap();
    assert_eq!(fit.status.code(), Some(2));
    let said = String::from_utf8_lossy(&fit.stderr);
    assert!(said.contains("a line is longer than 1 MiB"), "{said}");
    assert!(said.len() < 1000, "{} bytes of message", said.len());
    let backtest = ccsim()
        .args(["backtest", "/dev/zero", "--scenario"])
        .arg(&helpdesk)
        .arg("--out")
        .arg(dir.path().join("b"))
        .output()
        .unwrap();
    assert_eq!(backtest.status.code(), Some(2));
    let text = std::fs::read_to_string(small(dir.path(), "s"))
        .unwrap()
        .replace("rate = \"2/min\"", "trace = \"/dev/zero\"")
        .replace("team = \"support\"\nrate", "rate");
    let traced = dir.path().join("t.toml");
    std::fs::write(
        &traced,
        text.replace(
            "[[arrivals]]\nname = \"web\"\nteam = \"support\"\n",
            "[[arrivals]]\nname = \"web\"\n",
        ),
    )
    .unwrap();
    let trace = ccsim().arg("validate").arg(&traced).output().unwrap();
    assert_eq!(
        trace.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&trace.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_polling_interval_of_nothing_is_refused_with_the_minimum() {
    // Before: `pickup every = "0s"` was silently clamped to 1 ms: a billion looks a run.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(small(dir.path(), "s")).unwrap().replace(
        "shifts = [\"mon-sun 00:00-24:00\"]",
        "shifts = [\"mon-sun 00:00-24:00\"]\npickup = { every = { dist = \"constant\", value = \"0s\" } }",
    );
    let path = dir.path().join("p.toml");
    std::fs::write(&path, text).unwrap();
    ccsim().arg("validate").arg(&path).assert().code(2).stderr(
        predicate::str::contains("agents[0].pickup.every")
            .and(predicate::str::contains("at least 1s")),
    );
}

#[test]
fn a_profile_saved_by_a_spreadsheet_reads_as_the_plain_one() {
    // Before: "CSV UTF-8" (a byte-order mark) was refused with a false message, quoted cells
    // gave `got ""00:00""`, and CRLF line ends were not tried.
    let dir = tempfile::tempdir().unwrap();
    let plain = "weekday,start,end,rate_per_hour\nmon-fri,08:00,18:00,30\nsat,09:00,13:00,12\n";
    let excel = "\u{feff}\"weekday\",\"start\",\"end\",\"rate_per_hour\"\r\n\"mon-fri\",\"08:00\",\"18:00\",\"30\"\r\nsat, 09:00 ,13:00 ,12\r\n";
    let mut summaries = Vec::new();
    for (name, csv) in [("plain.csv", plain), ("excel.csv", excel)] {
        std::fs::write(dir.path().join(name), csv).unwrap();
        let text = std::fs::read_to_string(small(dir.path(), "s"))
            .unwrap()
            .replace("rate = \"2/min\"", &format!("profile = \"{name}\""));
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(name.replace(".csv", ""));
        run_into(&path, &out).success();
        summaries.push(std::fs::read(out.join("summary.csv")).unwrap());
    }
    assert_eq!(summaries[0], summaries[1]);
}

/// The helpdesk log with `edit` applied to its rows, written to `dir/name`.
fn edited_log(dir: &Path, name: &str, edit: impl Fn(usize, &str) -> String) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/data/helpdesk-log.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = lines.next().unwrap().to_string() + "\n";
    for (i, line) in lines.enumerate() {
        out += &edit(i, line);
        out.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

fn fit(log: &Path, out: &Path) -> std::process::Output {
    ccsim()
        .arg("fit")
        .arg(log)
        .arg("--scenario")
        .arg(repo("scenarios/helpdesk.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn fit_says_what_the_log_could_not_give() {
    // Before: with every served chat's first reply at its end, the fitted file's header said
    // the handle time came from the log, while it was the base scenario's.
    let dir = tempfile::tempdir().unwrap();
    let log = edited_log(dir.path(), "log.csv", |_, line| {
        let mut cells: Vec<&str> = line.split(',').collect();
        if cells[5] == "served" {
            cells[3] = cells[4];
        }
        cells.join(",")
    });
    let out = dir.path().join("fitted.toml");
    let result = fit(&log, &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let said = String::from_utf8_lossy(&result.stdout);
    assert!(
        said.contains("not fitted, the base scenario's is kept"),
        "{said}"
    );
    let fitted = std::fs::read_to_string(&out).unwrap();
    assert!(
        fitted.contains("arrivals, patience come from the log")
            && fitted.contains(
                "# Not fitted: handle time, the base scenario's is kept: every one of its"
            ),
        "{}",
        &fitted[..600.min(fitted.len())]
    );
    let table = std::fs::read_to_string(dir.path().join("fit.csv")).unwrap();
    assert!(table.contains("handle_time,not_fitted,"), "{table}");
}

#[test]
fn one_impossible_row_is_left_out_of_a_fit_and_named() {
    // Before: one chat abandoned with `ended_at` in the year 2999 made the fitted patience
    // `mean 17631m`. Rows lasting more than 7 days are left out, their lines named.
    let dir = tempfile::tempdir().unwrap();
    let clean = edited_log(dir.path(), "clean.csv", |_, l| l.to_string());
    let done = std::cell::Cell::new(false);
    let outlier = edited_log(dir.path(), "outlier.csv", |i, line| {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if !done.get() && cells[5] == "abandoned" && i > 100 {
            cells[4] = "2999-01-01T00:00:00".into();
            done.set(true);
        }
        cells.join(",")
    });
    // Which line was edited: the first abandoned row after the 100th.
    let text = std::fs::read_to_string(&outlier).unwrap();
    let marked = text.lines().position(|l| l.contains("2999-")).unwrap() + 1;
    let a = fit(&clean, &dir.path().join("a.toml"));
    let b = fit(&outlier, &dir.path().join("b.toml"));
    assert!(b.status.success());
    let said = String::from_utf8_lossy(&b.stdout);
    assert!(
        said.contains(&format!(
            "1 rows last longer than 7 days from arrival to end and were left out (line {})",
            marked
        )),
        "{said}"
    );
    let patience = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.contains("the abandoned alone average"))
            .map(str::to_string)
    };
    assert!(patience(&a).is_some());
    // The outlier's row is gone, one abandoned chat fewer: the estimate moves by little.
    let fitted = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    let mean = |text: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with("patience = ")).unwrap();
        let m = line
            .split("mean = \"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let (minutes, rest) = m.split_once('m').unwrap_or(("0", m));
        minutes.parse::<f64>().unwrap_or(0.0)
            + rest.trim_end_matches('s').parse::<f64>().unwrap_or(0.0) / 60.0
    };
    let (ma, mb) = (mean(&fitted("a.toml")), mean(&fitted("b.toml")));
    assert!((ma - mb).abs() / ma < 0.05, "{ma} vs {mb}");
}

#[test]
fn a_log_spanning_centuries_is_refused_at_once_naming_its_rows() {
    // Before: two rows 100 years apart took 12–24 s to fit, year 0 to 9999 did not end in
    // 600 s, and `backtest` blamed `simulation.horizon` of the base scenario.
    let dir = tempfile::tempdir().unwrap();
    let log = edited_log(dir.path(), "far.csv", |i, line| {
        if i == 5 {
            line.replace("2026-", "2126-")
        } else {
            line.to_string()
        }
    });
    let started = Instant::now();
    let result = fit(&log, &dir.path().join("f.toml"));
    assert_eq!(result.status.code(), Some(2));
    let said = String::from_utf8_lossy(&result.stderr);
    assert!(
        said.contains("a log may cover at most 10 years") && said.contains("line 7"),
        "{said}"
    );
    let backtest = ccsim()
        .args(["backtest"])
        .arg(&log)
        .arg("--scenario")
        .arg(repo("scenarios/helpdesk.toml"))
        .arg("--out")
        .arg(dir.path().join("b"))
        .output()
        .unwrap();
    assert_eq!(backtest.status.code(), Some(2));
    let said = String::from_utf8_lossy(&backtest.stderr);
    assert!(
        said.contains("a log may cover at most 10 years") && !said.contains("horizon"),
        "{said}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A small deterministic generator (SplitMix64), so that the hostile inputs are the same on
/// every run and a failure names an input that can be made again.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Values an attacker or a slip of the hand puts where a value goes.
const HOSTILE: &[&str] = &[
    "-1",
    "\"\"",
    "1e400",
    "\"=cmd|' /C calc'!A0\"",
    "\"\\u001b[2J\"",
    "[]",
    "{}",
    "\"999999999d\"",
    "\"nan\"",
    "0",
    "\"0s\"",
    "\"-5m\"",
    "18446744073709551616",
    "\"5%%\"",
    "\"1/0min\"",
    "{ dist = \"exponential\", mean = \"0s\" }",
    "{ dist = \"lognormal\", mean = \"1m\", sd = \"-1s\" }",
    "\"mon-sun 25:00-26:00\"",
    "true",
    "\"/dev/zero\"",
];

/// One mutation of a scenario's text: a line deleted, doubled or swapped, a value replaced by
/// a hostile one, an unknown key, the file cut short, a NUL or a long name put in.
fn mutate(text: &str, r: &mut Mix) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = r.below(lines.len());
    match r.below(8) {
        0 => {
            lines.remove(i);
        }
        1 => lines.insert(i, lines[i].clone()),
        2 => {
            let j = r.below(lines.len());
            lines.swap(i, j);
        }
        3 | 4 => {
            if let Some((key, _)) = lines[i].split_once(" = ") {
                lines[i] = format!("{key} = {}", HOSTILE[r.below(HOSTILE.len())]);
            }
        }
        5 => lines.insert(i, "no_such_key = 1".into()),
        6 => {
            let cut = r.below(text.len());
            let mut end = cut;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            return text[..end].to_string();
        }
        _ => lines.insert(i, format!("name = \"{}\u{0}\"", "x".repeat(r.below(500)))),
    }
    lines.join("\n") + "\n"
}

#[test]
fn two_hundred_and_forty_hostile_scenarios_never_panic_and_never_leave_a_partial_report() {
    // The adversarial pass, kept: 240 mutations of the shipped scenarios, each validated, and
    // each valid one run. Whatever the input: exit 0, 1 or 2, never a panic; a refused
    // scenario names its file and writes no report.
    let dir = tempfile::tempdir().unwrap();
    let bases = [
        std::fs::read_to_string(small(dir.path(), "s")).unwrap(),
        std::fs::read_to_string(repo("scenarios/loja.toml"))
            .unwrap()
            .replace(
                "profiles/",
                &format!("{}/", repo("scenarios/profiles").display()),
            )
            .replace("horizon = \"7d\"", "horizon = \"1d\"")
            .replace("replications = 30", "replications = 1"),
    ];
    let mut r = Mix(2026);
    let (mut refused, mut ran, mut long) = (0, 0, 0);
    for n in 0..240 {
        let text = mutate(&bases[n % 2], &mut r);
        let path = dir.path().join(format!("m{n}.toml"));
        std::fs::write(&path, &text).unwrap();
        let out = dir.path().join(format!("r{n}"));
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
            .args(["run", "-r", "1", path.to_str().unwrap(), "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if started.elapsed() > Duration::from_secs(10) {
                // A valid scenario made very long (a huge horizon or rate) may simply run:
                // that is not a broken promise.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        let Some(status) = status else {
            long += 1;
            continue;
        };
        let code = status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "m{n}: exit {code:?}\n{text}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "m{n}: {stderr}\n{text}");
        if code == Some(2) {
            refused += 1;
            assert!(stderr.contains(&format!("m{n}.toml")), "m{n}: {stderr}");
            assert!(!out.exists(), "m{n}: a report for a refused scenario");
            assert!(
                !stderr.contains('\u{1b}') && !stderr.contains('\u{0}'),
                "m{n}"
            );
        } else {
            ran += 1;
        }
    }
    eprintln!("{refused} refused, {ran} ran, {long} still running after 10 s");
    assert!(refused > 100 && ran > 20, "{refused} refused, {ran} ran");
}

mod properties {
    use proptest::prelude::*;

    use ccsim::chatlog::{self, Columns};
    use ccsim::scenario::Scenario;

    fn base() -> String {
        std::fs::read_to_string(crate::repo("scenarios/erlang-a.toml")).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn the_scenario_parser_never_panics(cut in 0usize..700, junk in ".{0,40}", at in 0usize..700) {
            // Any text — a valid scenario cut anywhere, with anything put in anywhere — is
            // parsed or refused with a message naming the file, never a panic.
            let text = base();
            let cut = cut.min(text.len());
            let at = at.min(cut);
            let (Some(head), Some(tail)) = (text.get(..at), text.get(at..cut)) else {
                return Ok(());
            };
            let mixed = format!("{head}{junk}{tail}");
            if let Err(e) = Scenario::parse(&mixed, std::path::Path::new("p.toml")) {
                prop_assert!(e.to_string().contains("p.toml"), "{e}");
            }
        }

        #[test]
        fn the_chat_log_reader_never_panics(rows in prop::collection::vec("[-a-z0-9:T., \"\u{feff}]{0,80}", 0..20)) {
            // Any rows under the log's header are read or refused with the file and line.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("log.csv");
            let text = format!(
                "id,team,arrived_at,first_reply_at,ended_at,outcome\n{}",
                rows.join("\n")
            );
            std::fs::write(&path, text).unwrap();
            if let Err(e) = chatlog::read(&path, &Columns::default(), &["support"], |_| {}) {
                prop_assert!(e.to_string().contains("log.csv"), "{e}");
            }
        }
    }
}
