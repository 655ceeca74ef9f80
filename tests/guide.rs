//! The user guide (`docs/`, an mdBook) and the README as a reader follows them: every link
//! leads to a page and a heading that exist, every chapter is in the book's table of
//! contents, every TOML example parses (and a whole scenario validates), every command line
//! names a command and options ccsim has, and every place the code cites the guide exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::{ccsim, repo};

/// The guide's chapters, by file name, with their text.
fn chapters() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(repo("docs/src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The lines of `text` outside fenced code blocks, numbered from 1.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// The fenced code blocks of `text`: the info string (`toml`, `sh`, …) and the body.
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(info), None) => open = Some((info.trim().to_string(), String::new())),
            (Some(_), Some(block)) => out.push(block),
            (None, Some((info, mut body))) => {
                let indent = line.len() - line.trim_start().len();
                body.push_str(&line[indent.min(line.len())..]);
                body.push('\n');
                open = Some((info, body));
            }
            (None, None) => {}
        }
    }
    out
}

/// The id mdBook gives a heading: its text without markup, lower case, spaces as `-`, and
/// nothing but letters, digits, `-` and `_`.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The ids of a page's headings, a repeated one numbered as mdBook numbers it (`-1`, …).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (_, line) in prose(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let id = anchor(line[hashes..].trim());
        let n = seen.entry(id.clone()).or_insert(0);
        out.insert(if *n == 0 {
            id.clone()
        } else {
            format!("{id}-{n}")
        });
        *n += 1;
    }
    out
}

/// The targets of the Markdown links and images on a line: what stands between `](` and `)`.
fn link_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// What is wrong with the links of one Markdown file (`file`, inside the repository), each
/// as `file:line: target: why`. Links from the guide must stay inside the book's sources,
/// since the built book has nothing else.
fn broken_links(file: &Path, text: &str, pages: &dyn Fn(&Path) -> Option<String>) -> Vec<String> {
    let dir = file.parent().unwrap();
    let in_book = file.starts_with("docs/src");
    let mut out = Vec::new();
    for (n, line) in prose(text) {
        for target in link_targets(line) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            let page = if path.is_empty() {
                file.to_path_buf()
            } else {
                normalise(&dir.join(path))
            };
            let why = if in_book && !page.starts_with("docs/src") {
                Some("leads out of the book's sources (docs/src)".to_string())
            } else {
                match (pages(&page), fragment) {
                    (None, _) => Some("no such file".to_string()),
                    (Some(text), Some(f)) if !anchors(&text).contains(f) => {
                        Some(format!("{} has no heading #{f}", page.display()))
                    }
                    _ => None,
                }
            };
            if let Some(why) = why {
                out.push(format!("{}:{n}: {target}: {why}", file.display()));
            }
        }
    }
    out
}

/// `a/b/../c` as `a/c`, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A repository file's text (an image reads as empty), or `None` when there is none.
fn on_disk(path: &Path) -> Option<String> {
    let full = repo(&path.to_string_lossy());
    full.is_file()
        .then(|| fs::read_to_string(&full).unwrap_or_default())
}

#[test]
fn the_link_checker_finds_a_missing_page_a_missing_heading_and_a_way_out_of_the_book() {
    let pages = |p: &Path| match p.to_str() {
        Some("docs/src/a.md") => Some("# A\n\n## Two words\n\n## Two words\n".to_string()),
        _ => None,
    };
    let text = "[ok](a.md#two-words) [dup](a.md#two-words-1) [x](b.md) [y](a.md#three)\n\
                [out](../../README.md) [web](https://example.org/x)\n```\n[code](nowhere.md)\n```\n";
    let found = broken_links(Path::new("docs/src/a.md"), text, &pages);
    assert_eq!(
        found,
        [
            "docs/src/a.md:1: b.md: no such file",
            "docs/src/a.md:1: a.md#three: docs/src/a.md has no heading #three",
            "docs/src/a.md:2: ../../README.md: leads out of the book's sources (docs/src)",
        ]
    );
    assert_eq!(anchor("Charts and `report.html`"), "charts-and-reporthtml");
    assert_eq!(anchor("`[[teams]]`"), "teams");
}

#[test]
fn every_link_of_the_guide_and_the_readme_leads_to_a_page_and_heading_that_exist() {
    let mut files: Vec<(PathBuf, String)> = chapters()
        .into_iter()
        .map(|(name, text)| (Path::new("docs/src").join(name), text))
        .collect();
    files.push((
        PathBuf::from("README.md"),
        fs::read_to_string(repo("README.md")).unwrap(),
    ));
    let mut broken = Vec::new();
    let mut links = 0;
    for (file, text) in &files {
        links += prose(text)
            .iter()
            .map(|(_, l)| link_targets(l).len())
            .sum::<usize>();
        broken.extend(broken_links(file, text, &on_disk));
    }
    assert!(broken.is_empty(), "dead links:\n{}", broken.join("\n"));
    assert!(
        links > 60,
        "only {links} links: is the checker reading the files?"
    );
}

#[test]
fn every_file_the_guide_includes_exists() {
    // `{{#include …}}` shows a file of the repository (the CI workflow) as it is.
    let mut included = 0;
    for (page, text) in chapters() {
        for line in text.lines() {
            if let Some(path) = line
                .trim()
                .strip_prefix("{{#include ")
                .and_then(|l| l.strip_suffix("}}"))
            {
                included += 1;
                let file = normalise(&Path::new("docs/src").join(path));
                assert!(
                    on_disk(&file).is_some(),
                    "{page} includes {path}: no such file"
                );
            }
        }
    }
    assert!(included >= 1);
}

#[test]
fn the_table_of_contents_lists_every_chapter_and_nothing_else() {
    let chapters = chapters();
    let summary = &chapters["SUMMARY.md"];
    let listed: BTreeSet<String> = prose(summary)
        .iter()
        .flat_map(|(_, l)| link_targets(l))
        .map(str::to_string)
        .collect();
    let files: BTreeSet<String> = chapters
        .keys()
        .filter(|k| *k != "SUMMARY.md")
        .cloned()
        .collect();
    assert_eq!(listed, files);
    for chapter in [
        "scenarios.md",
        "routing.md",
        "inactivity.md",
        "experiments.md",
        "staffing.md",
        "own-data.md",
        "clusters.md",
        "outputs.md",
        "statistics.md",
        "reliability.md",
        "performance.md",
    ] {
        assert!(files.contains(chapter), "the guide has no {chapter}");
    }
}

#[test]
fn every_routing_and_inactivity_rule_comes_with_an_example() {
    // Each rule's section says the rule in the project's words, then shows it at work.
    let chapters = chapters();
    for page in ["routing.md", "inactivity.md"] {
        let text = &chapters[page];
        for section in text.split("\n## ").skip(1) {
            let title = section.lines().next().unwrap();
            if section.contains("**The rule") {
                assert!(
                    section.contains("**Example"),
                    "{page}: \"{title}\" states a rule with no example"
                );
            }
        }
        let rules = text.matches("**The rule").count();
        assert!(rules >= 5, "{page}: only {rules} rules stated");
    }
}

#[test]
fn every_toml_example_parses_and_every_whole_scenario_validates() {
    let mut blocks = 0;
    let mut scenarios = 0;
    for (name, text) in chapters() {
        for (info, body) in code_blocks(&text) {
            if info != "toml" {
                continue;
            }
            blocks += 1;
            let table: toml::Table = toml::from_str(&body)
                .unwrap_or_else(|e| panic!("{name}: a TOML example does not parse: {e}\n{body}"));
            if table.contains_key("name") && table.contains_key("simulation") {
                scenarios += 1;
                ccsim::scenario::Scenario::parse(&body, &repo("scenarios/example.toml"))
                    .unwrap_or_else(|e| panic!("{name}: a whole scenario is refused: {e}"));
            }
        }
    }
    assert!(blocks >= 20, "only {blocks} TOML examples");
    assert!(scenarios >= 1, "no whole scenario among the examples");
}

/// Every `fn` name in the crate's sources and tests.
fn function_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut stack = vec![repo("src"), repo("tests")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                for piece in text.split("fn ").skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
    }
    names
}

#[test]
fn every_test_the_guide_names_as_holding_a_rule_exists() {
    // A renamed or deleted test would leave a rule's example vouched for by nothing.
    let functions = function_names();
    let mut named = 0;
    let mut missing = Vec::new();
    for (page, text) in chapters() {
        for (_, line) in prose(&text) {
            for (i, piece) in line.split('`').enumerate() {
                // Inside backquotes, a long snake_case name is a test's.
                let test_like = i % 2 == 1
                    && piece.matches('_').count() >= 4
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
                if test_like {
                    named += 1;
                    if !functions.contains(piece) {
                        missing.push(format!("{page}: `{piece}`"));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "no such test:\n{}", missing.join("\n"));
    assert!(named >= 30, "only {named} tests named");
}

/// The options `ccsim SUB --help` lists.
fn options_of(sub: &str) -> String {
    let out = ccsim().args([sub, "--help"]).output().unwrap();
    assert!(out.status.success(), "ccsim {sub} --help fails");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_command_line_in_the_guide_names_a_command_and_options_ccsim_has() {
    let mut texts: Vec<(String, String)> = chapters().into_iter().collect();
    texts.push((
        "README.md".into(),
        fs::read_to_string(repo("README.md")).unwrap(),
    ));
    let mut help: BTreeMap<String, String> = BTreeMap::new();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, text) in &texts {
        for (_, body) in code_blocks(text) {
            // A command continued with `\` is one line.
            let joined = body.replace("\\\n", " ");
            for line in joined.lines() {
                let line = line.trim().trim_start_matches("$ ");
                let Some(rest) = line
                    .strip_prefix("ccsim ")
                    .or_else(|| line.strip_prefix("cargo run --release -- "))
                else {
                    continue;
                };
                let rest = rest.split(" #").next().unwrap();
                let sub = rest.split_whitespace().next().unwrap_or("");
                if sub.starts_with('-') || sub.is_empty() {
                    continue;
                }
                let listing = help
                    .entry(sub.to_string())
                    .or_insert_with(|| options_of(sub));
                checked += 1;
                for word in rest.split(|c: char| c.is_whitespace() || "[]|".contains(c)) {
                    let Some(option) = word.strip_prefix("--") else {
                        continue;
                    };
                    let option = option.split('=').next().unwrap();
                    if !option.is_empty() && !listing.contains(&format!("--{option}")) {
                        wrong.push(format!("{name}: `ccsim {sub}` has no --{option}"));
                    }
                }
                for word in rest.split_whitespace() {
                    if word.starts_with("scenarios/") && !repo(word).exists() {
                        wrong.push(format!("{name}: {word} does not exist"));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 25, "only {checked} command lines");
}

#[test]
fn the_readme_stays_a_front_page() {
    // What a newcomer needs on a screen or two; the rest is the guide's.
    let readme = fs::read_to_string(repo("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 120,
        "README.md has {lines} lines: move the detail to docs/"
    );
    assert!(readme.starts_with("# ccsim"));
    assert!(readme.contains("cargo run --release -- run scenarios/"));
    assert!(readme.contains("cargo test --release"));
}

/// Every chapter (and heading) a comment of the code cites as guide, then the chapter's file
/// and `#` heading in backquotes: as (where, file, heading).
fn citations() -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![repo("src"), repo("tests"), repo("benches")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(at) = rest.find("guide `") {
                    let after = &rest[at + 7..];
                    let end = after.find('`').unwrap_or(after.len());
                    let cited = &after[..end];
                    rest = &after[end..];
                    let (file, fragment) = match cited.split_once('#') {
                        Some((f, a)) => (f, Some(a.to_string())),
                        None => (cited, None),
                    };
                    if file.ends_with(".md") {
                        let at = format!("{}:{}", path.display(), n + 1);
                        out.push((at, file.to_string(), fragment));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_place_the_code_cites_the_guide_exists() {
    let chapters = chapters();
    let cites = citations();
    let mut wrong = Vec::new();
    for (at, file, fragment) in &cites {
        match (chapters.get(file), fragment) {
            (None, _) => wrong.push(format!("{at}: no chapter {file}")),
            (Some(text), Some(f)) if !anchors(text).contains(f) => {
                wrong.push(format!("{at}: {file} has no heading #{f}"))
            }
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(cites.len() > 150, "only {} citations", cites.len());
}
