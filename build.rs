//! Names the commit the binary was built from, for `ccsim --version`: `git` when the source
//! is a clone, "unknown commit" when it is not (a crate downloaded by `cargo install`).

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map_or_else(|| "unknown commit".to_string(), |c| format!("commit {c}"));
    println!("cargo:rustc-env=CCSIM_COMMIT={commit}");
    // Again when HEAD moves: a new commit, or another branch checked out.
    if Path::new(".git/HEAD").exists() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        // A branch's commit lives in its ref file, or in packed-refs once git packs it; a
        // path that does not exist would rerun this script on every build.
        let head = std::fs::read_to_string(".git/HEAD").unwrap_or_default();
        if let Some(reference) = head.strip_prefix("ref: ") {
            for path in [
                format!(".git/{}", reference.trim()),
                ".git/packed-refs".into(),
            ] {
                if Path::new(&path).exists() {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
