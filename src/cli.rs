//! Command-line types only (clap derive); `main` turns them into library calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ccsim",
    version,
    about = "Discrete-event simulator of chat contact centers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the scenario as written and write its report directory.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Also write chats.csv: every chat with its whole history (memory grows with the run).
        #[arg(long)]
        chats_log: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Run every [[variants]] entry on the same customers and report paired differences
    /// against the first.
    Compare {
        /// The scenario file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Run a grid of values, e.g. --set agents.suporte.count=2,3,4.
    Sweep {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// PATH=V1,V2,…: a dotted path (array entries by name) and the values to try.
        #[arg(long = "set", required = true, value_name = "PATH=V1,V2,…")]
        sets: Vec<String>,
        /// Run the valid points and skip the invalid ones (listed on stderr, marked in
        /// sweep.csv) instead of refusing the whole grid.
        #[arg(long)]
        skip_invalid: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Evaluate [[expect]] bounds (exit 1 on a regression), optionally against a baseline.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// A report directory of an earlier run to hold this one against.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Inconclusive bounds fail too.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Plan the [staffing] group: the fewest agents per interval that keep every target, found
    /// by simulation, and the candidate shifts that cover them; writes staffing.csv and
    /// plan.toml beside the plan's report.
    Staff {
        /// The scenario file (TOML), with a [staffing] table.
        scenario: PathBuf,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Draw the charts and report.html again from the CSVs of a report directory.
    Report {
        /// A report directory written by run, compare, sweep or check.
        dir: PathBuf,
    },
    /// Parse and check a scenario without simulating it.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
}

/// Options every simulating command takes; they override `[simulation]`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Number of replications (1 to 100000).
    #[arg(short = 'r', long, value_parser = clap::value_parser!(u32).range(1..=ccsim::scenario::MAX_REPLICATIONS))]
    pub replications: Option<u32>,
    /// Base seed of the random streams.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Report directory (default: reports/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
