//! Every file in tests/broken/ is a scenario with one mistake, and its first line says what
//! the error must name: `# expect: line=N key=K says=TEXT`. Each must exit 2 with
//! `file:line:column: key: ...`, and write no report.

use crate::{ccsim, repo};

struct Expectation {
    line: Option<usize>,
    key: String,
    says: String,
}

fn expectation(text: &str) -> Expectation {
    let header = text.lines().next().unwrap_or_default();
    let rest = header
        .strip_prefix("# expect: line=")
        .unwrap_or_else(|| panic!("first line must be `# expect: ...`, got {header:?}"));
    let (line, rest) = rest.split_once(" key=").expect("key=");
    let (key, says) = rest.split_once(" says=").expect("says=");
    Expectation {
        line: line.parse().ok(),
        key: key.to_string(),
        says: says.to_string(),
    }
}

#[test]
fn every_broken_scenario_is_refused_with_file_line_and_key() {
    let dir = repo("tests/broken");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus shrank to {}", files.len());
    let out = tempfile::tempdir().unwrap();
    for file in files {
        let expect = expectation(&std::fs::read_to_string(&file).unwrap());
        let report = out.path().join(file.file_stem().unwrap());
        let result = ccsim()
            .arg("run")
            .arg(&file)
            .arg("--out")
            .arg(&report)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        let name = file.display().to_string();
        assert_eq!(result.status.code(), Some(2), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            !report.exists(),
            "{name}: a report was written for a bad scenario"
        );
        let first = stderr.lines().next().unwrap_or_default();
        let located = match expect.line {
            Some(line) => format!("{name}:{line}:"),
            None => format!("{name}:"),
        };
        assert!(
            first.contains(&located),
            "{name}: expected {located} in {first}"
        );
        if !expect.key.is_empty() {
            assert!(
                first.contains(&format!(": {}: ", expect.key)),
                "{name}: key {} in {first}",
                expect.key
            );
        }
        assert!(
            first.contains(&expect.says),
            "{name}: expected {:?} in {first}",
            expect.says
        );
        if !expect.key.is_empty() {
            // One mistake, one message: a key is not blamed twice for it.
            let named = format!(": {}: ", expect.key);
            let times = stderr.lines().filter(|l| l.contains(&named)).count();
            assert_eq!(
                times, 1,
                "{name}: {} said {times} times:\n{stderr}",
                expect.key
            );
        }
    }
}

#[test]
fn a_missing_scenario_file_is_bad_input() {
    let result = ccsim()
        .args(["run", "no/such/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("no/such/scenario.toml: cannot read the scenario"),
        "{stderr}"
    );
}

#[test]
fn bad_command_lines_are_usage_errors() {
    for args in [
        vec!["run"],
        vec!["run", "scenarios/erlang-a.toml", "-r", "0"],
        vec!["run", "scenarios/erlang-a.toml", "--threads", "0"],
        vec!["run", "scenarios/erlang-a.toml", "--seed", "-1"],
        vec!["run", "scenarios/erlang-a.toml", "--frobnicate"],
        vec!["fly"],
    ] {
        let result = ccsim().current_dir(repo("")).args(&args).output().unwrap();
        assert_eq!(result.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn several_mistakes_are_all_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.toml");
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("count = 5", "count = -1")
        .replace("rate = \"2/min\"", "rate = \"2 per minute\"");
    std::fs::write(&path, text).unwrap();
    let result = ccsim().arg("validate").arg(&path).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("agents[0].count"), "{stderr}");
    assert!(stderr.contains("arrivals[0].rate"), "{stderr}");
}
