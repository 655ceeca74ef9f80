//! `cargo bench`: the engine's speed on one thread, as the guide reports it (guide
//! `performance.md`).
//!
//! 1. The block-model benchmark (scenarios/bench-mmn.toml — M/M/50+M at load 0.9, about five
//!    million chats), three times.
//! 2. How cost grows with size: 50, 500 and 2,000 agents of capacity 3 at load 0.9 under
//!    `capacity` and `sequential` distribution, about three million chats each.
//!
//! CI only compiles it (`cargo bench --no-run`): timings on a shared two-core machine are not a
//! test. Compare with `cargo run --release --example bare_loop`, the bare event loop.

use std::path::Path;

use ccsim::experiment::{self, Overrides, Plan};
use ccsim::report::terminal;
use ccsim::scenario::Scenario;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-mmn.toml");
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    println!("bench-mmn (M/M/50+M, load 0.9):");
    for _ in 0..3 {
        println!("  {}", throughput(&scenario));
    }
    println!("agents of capacity 3 at load 0.9, ~3 M chats each:");
    for distribution in ["capacity", "sequential"] {
        for agents in [50u32, 500, 2000] {
            let scenario = scaled(agents, distribution);
            println!(
                "  {agents:>5} agents, {distribution:<10} {}",
                throughput(&scenario)
            );
        }
    }
}

fn throughput(scenario: &Scenario) -> String {
    let plan = Plan::new(scenario, Overrides::default(), Some(1));
    let outcome = experiment::run(scenario, plan, None).expect("one worker thread starts");
    terminal::throughput(&[outcome])
}

/// `agents` agents of capacity 3, each chat 2 minutes of work, offered 0.9 of the slots.
fn scaled(agents: u32, distribution: &str) -> Scenario {
    let per_minute = 0.9 * 3.0 * f64::from(agents) / 2.0;
    let minutes = 3.0e6 / per_minute;
    let text = format!(
        r#"
name = "scale-{agents}-{distribution}"
[simulation]
horizon = "{minutes:.0}m"
interval = "1d"
replications = 1
seed = 1
[[teams]]
name = "support"
distribution = "{distribution}"
[[agents]]
name = "support"
team = "support"
count = {agents}
capacity = 3
[[arrivals]]
name = "web"
team = "support"
rate = "{per_minute}/min"
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "2m" }}
"#
    );
    Scenario::parse(&text, Path::new("scale.toml")).unwrap_or_else(|e| panic!("{e}"))
}
