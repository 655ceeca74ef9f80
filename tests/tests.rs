//! The integration suite, one binary: the product as a user runs it.

mod broken;
mod cli;
mod determinism;
mod erlang;
mod inactivity;
mod policies;
mod shifts;
mod turns;

use std::path::{Path, PathBuf};

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn ccsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ccsim").expect("the ccsim binary is built")
}
