//! ccsim: a discrete-event simulator of chat contact centers.
//!
//! The crate is laid out as the run flows: a `scenario` is loaded and validated; `experiment`
//! runs its replications in parallel, each one an `engine` run in which the deterministic
//! `routing` core decides who gets which chat while `behaviour` samples what people do; `stats`
//! streams the numbers and `report` turns them into files.

pub mod behaviour;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod stats;
