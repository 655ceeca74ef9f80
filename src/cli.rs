//! Command-line types only (clap derive); `main` turns them into library calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ccsim",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CCSIM_COMMIT"), ")"),
    about = "Discrete-event simulator of chat contact centers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Read every CSV input (profiles, samples, chat logs, a baseline) with this separator
    /// instead of the one its header suggests; `;` also reads decimal commas.
    #[arg(long, global = true, value_parser = [",", ";"], value_name = "SEPARATOR")]
    pub csv_delimiter: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the scenario as written and write its report directory.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Also write chats.csv: every chat with its whole history, or with
        /// --chats-log=export the rows a chat platform exports, which fit and backtest read
        /// (memory grows with the run).
        #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "history", value_name = "FORMAT")]
        chats_log: Option<ChatsLog>,
        /// Which parts of the centre to tabulate under the whole centre's numbers: each team
        /// (the default when chats wait in several queues) or each arrival stream (the
        /// default otherwise, when there are several), or none.
        #[arg(long, value_enum, value_name = "PART")]
        by: Option<By>,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        shard: ShardArgs,
    },
    /// Run every [[variants]] entry on the same customers and report paired differences
    /// against the first.
    Compare {
        /// The scenario file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        shard: ShardArgs,
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
        /// The table's columns: metrics of summary.csv, a team's or stream's as
        /// METRIC@PART (e.g. service_level,auto_closed,abandon_rate@vendas).
        #[arg(long, value_name = "M1,M2,…")]
        metrics: Option<String>,
        /// Two metrics set against each other in tradeoff.png, with the points no other
        /// beats on both joined (e.g. "min auto_closed,max occupancy").
        #[arg(long, value_name = "[min|max] X,[min|max] Y")]
        tradeoff: Option<String>,
        /// Name the best point that keeps the [[expect]] bounds (e.g. "min auto_closed"),
        /// and whether it beats the runner-up at 95%.
        #[arg(long, value_name = "min|max METRIC")]
        objective: Option<String>,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        shard: ShardArgs,
    },
    /// Search a box of settings for the best point that keeps the [[expect]] bounds: a
    /// pattern search on a grid, common random numbers, replications doubled until the best
    /// beats its neighbours at 95%; writes tune.csv, tuned.toml and the sweep report of
    /// every point evaluated.
    #[command(mut_arg("out", |a| a.help(OUT_UNSHARDED)))]
    Tune {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// PATH=LO..HI[/STEP]: a dotted path and its range, e.g.
        /// inactivity.auto_close.after=5m..60m/5m (whole numbers step 1 by default, others
        /// a tenth of the range).
        #[arg(long = "vary", required = true, value_name = "PATH=LO..HI[/STEP]")]
        vary: Vec<String>,
        /// What to minimise or maximise, e.g. "min auto_closed".
        #[arg(long, required = true, value_name = "min|max METRIC")]
        objective: String,
        /// Also draw tradeoff.png of two metrics over the points evaluated.
        #[arg(long, value_name = "[min|max] X,[min|max] Y")]
        tradeoff: Option<String>,
        /// A bound a point must keep, besides the scenario's [[expect]]:
        /// METRIC[@PART]<=VALUE or >=VALUE, e.g. "abandon_rate<=5%"; repeat for several.
        #[arg(long = "expect", value_name = "METRIC<=VALUE")]
        expects: Vec<String>,
        /// The most replications a point is run with while the best is not settled.
        #[arg(long, default_value_t = 160, value_name = "N")]
        max_replications: u32,
        #[command(flatten)]
        what_if: WhatIf,
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
        /// An older version of the scenario to hold this one against: both run here on the
        /// same customers (common random numbers) and each expectation's metric is compared
        /// pair by pair.
        #[arg(long, value_name = "OLD.toml")]
        against: Option<PathBuf>,
        /// Inconclusive bounds fail too.
        #[arg(long)]
        strict: bool,
        /// Also write the verdicts as JUnit XML (one test case per bound and comparison).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write the verdicts as JSON.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        shard: ShardArgs,
    },
    /// Plan the [staffing] groups together: the fewest agents per interval that keep every
    /// target, found by simulation, and the cheapest roster of the candidate shifts, breaks
    /// placed; writes staffing.csv, roster.csv, costs.csv and plan.toml beside the plan's
    /// report.
    #[command(mut_arg("out", |a| a.help(OUT_UNSHARDED)))]
    Staff {
        /// The scenario file (TOML), with a [staffing] table.
        scenario: PathBuf,
        #[command(flatten)]
        what_if: WhatIf,
        #[command(flatten)]
        sim: SimArgs,
        /// Refused with the way to shard a plan's check instead: the search cannot be split.
        #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "")]
        shard: Option<String>,
        #[arg(long, hide = true)]
        shards: Option<String>,
    },
    /// Estimate a scenario from a chat log: each team's weekly arrival profile and
    /// day-to-day variation, customers' patience (censored by service) and the handle time;
    /// writes the base scenario with them (FITTED.toml) and fit.csv beside it.
    Fit {
        /// The chat log (CSV: id,team,arrived_at,first_reply_at,ended_at,outcome).
        log: PathBuf,
        /// The scenario whose simulation, teams, agents and rules the fitted one keeps.
        #[arg(long, value_name = "BASE.toml")]
        scenario: PathBuf,
        /// Where to write the fitted scenario.
        #[arg(long, value_name = "FITTED.toml")]
        out: PathBuf,
        /// The log's own header names, e.g. arrived_at=created_at,ended_at=resolved_at.
        #[arg(long, value_name = "FIELD=HEADER,…")]
        columns: Option<String>,
    },
    /// Replay a chat log's arrivals through a scenario's teams, agents and rules, and set the
    /// simulated intervals against the log's: backtest.csv, a chart and the run report.
    #[command(mut_arg("out", |a| a.help(OUT_UNSHARDED)))]
    Backtest {
        /// The chat log (CSV: id,team,arrived_at,first_reply_at,ended_at,outcome).
        log: PathBuf,
        /// The scenario whose teams, agents and rules are tested (its arrivals are replaced).
        #[arg(long, value_name = "BASE.toml")]
        scenario: PathBuf,
        /// The log's own header names, e.g. arrived_at=created_at,ended_at=resolved_at.
        #[arg(long, value_name = "FIELD=HEADER,…")]
        columns: Option<String>,
        /// Also replay each chat's own handle time and time to abandon.
        #[arg(long)]
        trace_times: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Put the parts written by `--shard` back together: checks that they are every shard of
    /// one command, exactly once, and writes the report that command would have written
    /// unsharded.
    Merge {
        /// Part folders, or folders holding part-K-of-N folders (the shards' --out).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Report directory (default: reports/<scenario name>/).
        #[arg(long)]
        out: Option<PathBuf>,
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
    /// Print the shell completion script for ccsim's commands and options, e.g.
    /// `ccsim completions bash > ~/.local/share/bash-completion/completions/ccsim`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print ccsim's manual page (roff), e.g. `ccsim man > ~/.local/share/man/man1/ccsim.1`.
    Man,
}

/// `run --by`: the parts of the centre tabulated apart.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum By {
    Team,
    Stream,
    Priority,
    None,
}

impl From<By> for ccsim::report::terminal::By {
    fn from(b: By) -> Self {
        use ccsim::report::terminal::By as T;
        match b {
            By::Team => T::Team,
            By::Stream => T::Stream,
            By::Priority => T::Priority,
            By::None => T::None,
        }
    }
}

/// What `--chats-log` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ChatsLog {
    /// Every chat and its whole history (the default).
    History,
    /// id,team,arrived_at,first_reply_at,ended_at,outcome, as platforms export chats.
    Export,
}

impl From<ChatsLog> for ccsim::engine::log::LogFormat {
    fn from(c: ChatsLog) -> Self {
        match c {
            ChatsLog::History => ccsim::engine::log::LogFormat::History,
            ChatsLog::Export => ccsim::engine::log::LogFormat::Export,
        }
    }
}

/// `--out` of the commands that cannot be split into shards.
const OUT_UNSHARDED: &str = "Report directory (default: reports/<scenario name>/)";

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
    /// Report directory (default: reports/<scenario name>/); with --shard, the folder the
    /// shards' parts go into (default: reports/<scenario name>-parts/).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A what-if on the scenario as written, without editing it; the terminal's header says it.
#[derive(Debug, Default, Args)]
pub struct WhatIf {
    /// PATH=VALUE: a key of the scenario set otherwise, by the dotted paths of `sweep`
    /// (array entries by name), e.g. --set agents.suporte.count=3; repeat for several.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Multiply every arrival stream's volume, e.g. 3 for a Black Friday (one stream:
    /// --set arrivals.whatsapp.scale=3).
    #[arg(long, value_name = "FACTOR")]
    pub scale_arrivals: Option<f64>,
}

/// Splitting a batch across machines: each shard writes a part, `ccsim merge` joins them.
#[derive(Debug, Args)]
pub struct ShardArgs {
    /// Run only shard K of N (counted from 1) and write its part into --out's
    /// part-K-of-N/ for `ccsim merge`. Alone, K and N come from the job scheduler:
    /// SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX with --shards.
    #[arg(long, value_name = "K/N", num_args = 0..=1, default_missing_value = ccsim::batch::shard::FROM_SCHEDULER)]
    pub shard: Option<String>,
    /// How many shards there are, for a Kubernetes Indexed Job (its `completions`); implies
    /// --shard.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,
}
