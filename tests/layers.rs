//! The crate's layers, checked on the sources: each module may use only the layers below it.
//! `time` is the leaf; the routing and inactivity core knows nothing of the scenario file, so
//! a platform could embed it; the scenario compiles a file into the core's types; behaviour,
//! the engine, experiments and reports run a scenario. A `use` that points up a layer fails
//! here, naming the file and the line.

use std::fs;
use std::path::Path;

use crate::repo;

/// The layers, lowest first: a module may use only those before it.
const LAYERS: &[&str] = &[
    "time",
    "routing",
    "inactivity",
    "stats",
    "chatlog",
    "scenario",
    "behaviour",
    "engine",
    "experiment",
    "planning",
    "fitting",
    "backtest",
    "report",
    "batch",
];

fn sources(path: &Path, into: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), into);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        into.push(path.to_path_buf());
    }
}

#[test]
fn no_module_uses_a_layer_above_it() {
    let mut violations = Vec::new();
    for (i, module) in LAYERS.iter().enumerate() {
        let above = &LAYERS[i + 1..];
        let mut files = Vec::new();
        sources(&repo(&format!("src/{module}")), &mut files);
        sources(&repo(&format!("src/{module}.rs")), &mut files);
        assert!(!files.is_empty(), "src/{module} has no sources");
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for up in above {
                    if line.contains(&format!("crate::{up}::"))
                        || line.contains(&format!("crate::{up};"))
                    {
                        violations.push(format!(
                            "{}:{}: {module} uses {up}",
                            file.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
