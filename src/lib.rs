//! ccsim: a discrete-event simulator of chat contact centers.
//!
//! The crate is laid out as the run flows: a `scenario` is loaded and validated; `experiment`
//! runs its replications in parallel, each one an `engine` run in which the deterministic
//! `routing` core decides who gets which chat while `behaviour` samples what people do; `stats`
//! streams the numbers and `report` turns them into files. `planning` searches staffing by
//! running experiments. Real data comes in through `chatlog`, which reads chat platforms'
//! exports: `fitting` estimates a scenario from one, a scenario's arrivals can replay one,
//! and `backtest` sets a replay against what the log says happened. A `batch` is what a
//! simulating command runs and reports; it can be split into shards whose parts merge into
//! exactly the report one machine would write.
//!
//! Running a scenario from code takes three calls — parse, run, summarise:
//!
//! ```
//! use std::path::Path;
//! use ccsim::experiment::{self, Overrides, Plan};
//! use ccsim::scenario::Scenario;
//! use ccsim::stats::metrics::Metric;
//! use ccsim::stats::pooled;
//!
//! let text = r#"
//! name = "tiny"
//! [simulation]
//! horizon = "2d"
//! replications = 4
//! [[teams]]
//! name = "support"
//! [[agents]]
//! name = "day"
//! team = "support"
//! count = 3
//! capacity = 2
//! shifts = ["mon-sun 08:00-20:00"]
//! [[arrivals]]
//! name = "web"
//! team = "support"
//! rate = "1/min"
//! [customers]
//! patience = { dist = "exponential", mean = "5m" }
//! [conversation]
//! handle_time = { dist = "lognormal", mean = "4m", sd = "3m" }
//! "#;
//! let scenario = Scenario::parse(text, Path::new("tiny.toml")).unwrap();
//! let plan = Plan::new(&scenario, Overrides::default(), None);
//! let outcome = experiment::run(&scenario, plan, None).unwrap();
//! // The share of all replications' customers who gave up, with its 95% interval.
//! let abandon = pooled::metric(outcome.runs.iter().map(|r| &r.stats), Metric::AbandonRate);
//! // Nobody works from 20:00 to 08:00, so night-time customers run out of patience.
//! assert!(abandon.mean > 0.3 && abandon.mean < 0.7);
//! ```

pub mod backtest;
pub mod batch;
pub mod behaviour;
pub mod chatlog;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod fitting;
pub mod inactivity;
pub mod io;
pub mod planning;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod stats;
pub mod time;
