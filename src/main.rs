//! The `ccsim` binary: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 a check failed, 2 bad input or usage).

mod cli;

/// Prints to stdout; a closed pipe (`ccsim run … | head`) is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use ccsim::experiment::check::{self, Verdict};
use ccsim::experiment::{self, Outcome, Overrides, Plan};
use ccsim::report::{self, Report, Results, terminal};
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
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { scenario } => {
            let s = Scenario::load(&scenario)?;
            say!(
                "{}: ok — {} teams, {} agent groups ({} agents), {} arrival streams, {} variants",
                scenario.display(),
                s.teams.len(),
                s.agent_groups.len(),
                s.agent_groups.iter().map(|g| g.count).sum::<u32>(),
                s.arrivals.len(),
                s.variants.len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { scenario, sim } => run_scenario(&scenario, &sim),
        Command::Report { dir } => {
            let started = Instant::now();
            let visuals = Report::read(&dir)?.visuals()?;
            visuals.write(&dir)?;
            say!(
                "{}: {} charts and report.html in {:.3} s",
                dir.display(),
                (visuals.files.len() - 1) / 2,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare { scenario, sim } => compare(&scenario, &sim),
        Command::Sweep {
            scenario,
            sets,
            sim,
        } => sweep(&scenario, &sets, &sim),
        Command::Check {
            scenario,
            baseline,
            strict,
            sim,
        } => run_check(&scenario, baseline.as_deref(), strict, &sim),
    }
}

fn plan_for(scenario: &Scenario, args: &SimArgs) -> Plan {
    let overrides = Overrides {
        replications: args.replications,
        seed: args.seed,
    };
    let mut plan = Plan::new(scenario, overrides, args.threads.map(|t| t as usize));
    plan.chats_log = args.chats_log;
    plan
}

fn write(report: &Report, scenario: &Scenario, args: &SimArgs) -> anyhow::Result<()> {
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| report::default_dir(scenario));
    let started = Instant::now();
    let visuals = report.visuals()?;
    report
        .write(&dir)
        .and_then(|()| visuals.write(&dir))
        .with_context(|| format!("writing the report of {}", scenario.path.display()))?;
    say!(
        "report: {} (charts and page in {:.3} s)",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn title(scenario: &Scenario, plan: &Plan) -> String {
    format!(
        "{} ({} replications, seed {})",
        scenario.name, plan.replications, plan.seed
    )
}

fn run_scenario(path: &Path, args: &SimArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(path)?;
    let plan = plan_for(&scenario, args);
    let outcome = with_progress(&[&scenario], plan)?.remove(0);
    let report = Report::for_run(&scenario, &plan, &outcome);
    say_raw!(
        "{}",
        terminal::kpi_table(&title(&scenario, &plan), &report::csv::kpis(&outcome.runs))
    );
    say!("{}", terminal::throughput(&[outcome]));
    write(&report, &scenario, args)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs named scenarios on the same customers and pairs their results by replication.
fn run_variants(
    scenario: &Scenario,
    variants: &[(String, Scenario)],
    args: &SimArgs,
) -> anyhow::Result<(Plan, Vec<Outcome>)> {
    let plan = plan_for(scenario, args);
    let refs: Vec<&Scenario> = variants.iter().map(|(_, s)| s).collect();
    Ok((plan, with_progress(&refs, plan)?))
}

fn results<'a>(variants: &'a [(String, Scenario)], outcomes: &'a [Outcome]) -> Vec<Results<'a>> {
    variants
        .iter()
        .zip(outcomes)
        .map(|((name, s), o)| Results {
            name,
            scenario: s,
            runs: &o.runs,
        })
        .collect()
}

fn compare(path: &Path, args: &SimArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(path)?;
    if scenario.variants.len() < 2 {
        bail!(
            "{}: `compare` needs at least two [[variants]]",
            path.display()
        );
    }
    let variants =
        experiment::variants(&scenario).map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    let (plan, outcomes) = run_variants(&scenario, &variants, args)?;
    let results = results(&variants, &outcomes);
    say!("{}", title(&scenario, &plan));
    say_raw!("{}", terminal::compare_table(&results));
    say!("{}", terminal::throughput(&outcomes));
    write(
        &Report::for_variants(&results, &plan, &outcomes[0], true),
        &scenario,
        args,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn sweep(path: &Path, sets: &[String], args: &SimArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(path)?;
    let experiment::Grid { paths, points } = experiment::grid(&scenario, sets)
        .map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    let named: Vec<(String, Scenario)> = points
        .iter()
        .map(|(values, s)| (experiment::describe(&paths, values), s.clone()))
        .collect();
    let (plan, outcomes) = run_variants(&scenario, &named, args)?;
    let results = results(&named, &outcomes);
    let rows: Vec<(Vec<String>, Results)> =
        points.iter().map(|(v, _)| v.clone()).zip(results).collect();
    say!("{} — {} points", title(&scenario, &plan), rows.len());
    for (values, r) in &rows {
        let kpis = report::csv::kpis(r.runs);
        say_raw!(
            "{}",
            terminal::kpi_table(&experiment::describe(&paths, values), &kpis)
        );
    }
    say!("{}", terminal::throughput(&outcomes));
    write(
        &Report::for_sweep(&paths, &rows, &plan, &outcomes[0]),
        &scenario,
        args,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn run_check(
    path: &Path,
    baseline: Option<&Path>,
    strict: bool,
    args: &SimArgs,
) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(path)?;
    if scenario.expects.is_empty() {
        bail!("{}: `check` needs [[expect]] bounds", path.display());
    }
    let base = baseline
        .map(check::read_baseline)
        .transpose()
        .map_err(|m| anyhow::anyhow!(m))?;
    let variants =
        experiment::variants(&scenario).map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    let (plan, outcomes) = run_variants(&scenario, &variants, args)?;
    let results = results(&variants, &outcomes);
    let kpis: Vec<_> = results
        .iter()
        .map(|r| (r.name.to_string(), report::csv::kpis(r.runs)))
        .collect();
    let bounds = check::evaluate(&kpis, &scenario.expects);
    say!("{}", title(&scenario, &plan));
    say_raw!("{}", terminal::check_table(&bounds));
    let mut failed = bounds.iter().any(|b| b.verdict == Verdict::Fail);
    let inconclusive = bounds
        .iter()
        .any(|b| matches!(b.verdict, Verdict::Inconclusive { .. }));
    if strict && inconclusive {
        say!("--strict: inconclusive bounds fail");
        failed = true;
    }
    let held = match &base {
        Some(base) => check::hold_against(&kpis, &scenario.expects, base),
        None => Vec::new(),
    };
    if base.is_some() {
        say_raw!("{}", terminal::baseline_table(&held));
        failed |= held.iter().any(|h| h.regressed);
    }
    say!("{}", terminal::throughput(&outcomes));
    let mut report = Report::for_variants(&results, &plan, &outcomes[0], false);
    report.add("check.csv", report::csv::check(&bounds, &held));
    write(&report, &scenario, args)?;
    say!(
        "{}",
        if failed {
            "check: FAILED"
        } else {
            "check: passed"
        }
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs the scenarios, with a progress bar in simulated time when stderr is a terminal.
fn with_progress(scenarios: &[&Scenario], plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    if !std::io::stderr().is_terminal() {
        return Ok(experiment::run_all(scenarios, plan, None)?);
    }
    let total: u64 = scenarios
        .iter()
        .map(|s| plan.replications as u64 * s.simulation.horizon as u64)
        .sum();
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
        let outcome = experiment::run_all(scenarios, plan, Some(&done));
        finished.store(true, Ordering::Relaxed);
        Ok(outcome?)
    })
}
