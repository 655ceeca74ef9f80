//! `cargo bench`: the block-model benchmark (scenarios/bench-mmn.toml — M/M/50+M at load 0.9,
//! about five million chats) on one thread, as the README reports it. CI only compiles it
//! (`cargo bench --no-run`): timings on a shared two-core machine are not a test.

use std::path::Path;

use ccsim::experiment::{self, Overrides, Plan};
use ccsim::report::terminal;
use ccsim::scenario::Scenario;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-mmn.toml");
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let plan = Plan::new(&scenario, Overrides::default(), Some(1));
    for _ in 0..3 {
        let outcome = experiment::run(&scenario, plan, None).expect("one worker thread starts");
        println!("{}", terminal::throughput(&[outcome]));
    }
}
