//! The `ccsim` binary: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 bad input or usage).

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use ccsim::experiment::{self, Outcome, Overrides, Plan};
use ccsim::report::{self, Report, terminal};
use ccsim::scenario::Scenario;
use cli::{Cli, Command, SimArgs};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Validate { scenario } => {
            let s = Scenario::load(&scenario)?;
            println!(
                "{}: ok — {} teams, {} agent groups ({} agents), {} arrival streams",
                scenario.display(),
                s.teams.len(),
                s.agent_groups.len(),
                s.agent_groups.iter().map(|g| g.count).sum::<u32>(),
                s.arrivals.len()
            );
            Ok(())
        }
        Command::Run { scenario, sim } => run_scenario(&scenario, &sim),
    }
}

fn run_scenario(path: &std::path::Path, args: &SimArgs) -> anyhow::Result<()> {
    let scenario = Scenario::load(path)?;
    let overrides = Overrides {
        replications: args.replications,
        seed: args.seed,
    };
    let mut plan = Plan::new(&scenario, overrides, args.threads.map(|t| t as usize));
    plan.chats_log = args.chats_log;
    let outcome = with_progress(&scenario, plan)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| report::default_dir(&scenario));
    Report::for_run(&scenario, &plan, &outcome)
        .write(&dir)
        .with_context(|| format!("writing the report of {}", path.display()))?;
    let kpis = report::csv::kpis(&outcome.runs);
    print!(
        "{}",
        terminal::kpi_table(
            &format!(
                "{} ({} replications, seed {})",
                scenario.name, plan.replications, plan.seed
            ),
            &kpis
        )
    );
    println!("{}", terminal::throughput(&outcome));
    println!("report: {}", dir.display());
    Ok(())
}

/// Runs the plan, with a progress bar in simulated time when stderr is a terminal.
fn with_progress(scenario: &Scenario, plan: Plan) -> anyhow::Result<Outcome> {
    if !std::io::stderr().is_terminal() {
        return Ok(experiment::run(scenario, plan, None)?);
    }
    let total = plan.replications as u64 * scenario.simulation.horizon as u64;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{bar:40} {percent:>3}% simulated, {elapsed} elapsed, ~{eta} left",
        )
        .expect("the template is valid"),
    );
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                bar.set_position(done.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let outcome = experiment::run(scenario, plan, Some(&done));
        finished.store(true, Ordering::Relaxed);
        Ok(outcome?)
    })
}
