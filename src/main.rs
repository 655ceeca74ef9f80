//! The `ccsim` binary: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 a check failed, 2 bad input or usage).

mod cli;

/// Prints a line to stdout, returning from the command if that fails (`> /dev/full`).
macro_rules! say {
    ($($arg:tt)*) => {
        print_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

macro_rules! say_raw {
    ($($arg:tt)*) => {
        print_out(format_args!($($arg)*))?
    };
}

/// A closed pipe (`ccsim run … | head`) only means the reader has seen enough: the run goes
/// on and writes its report. Any other failure to write (a full disk) is an error.
fn print_out(args: std::fmt::Arguments) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to standard output"))
        }
        _ => Ok(()),
    }
}

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use ccsim::chatlog::Columns;
use ccsim::engine::log::LogFormat;
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
            let s = load(&scenario)?;
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
        Command::Run {
            scenario,
            chats_log,
            sim,
        } => run_scenario(&scenario, chats_log.map(Into::into), &sim),
        Command::Report { dir } => {
            let started = Instant::now();
            let charts = Report::read(&dir)?.publish(&dir)?;
            say!(
                "{}: {} charts and report.html in {:.3} s",
                dir.display(),
                charts,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare { scenario, sim } => compare(&scenario, &sim),
        Command::Backtest {
            log,
            scenario,
            columns,
            trace_times,
            sim,
        } => backtest(&log, &scenario, columns.as_deref(), trace_times, &sim),
        Command::Fit {
            log,
            scenario,
            out,
            columns,
        } => fit(&log, &scenario, &out, columns.as_deref()),
        Command::Staff { scenario, sim } => staff(&scenario, &sim),
        Command::Sweep {
            scenario,
            sets,
            skip_invalid,
            sim,
        } => sweep(&scenario, &sets, skip_invalid, &sim),
        Command::Check {
            scenario,
            baseline,
            strict,
            sim,
        } => run_check(&scenario, baseline.as_deref(), strict, &sim),
    }
}

/// Loads a scenario and warns, on stderr, of what in it is valid but likely not meant.
fn load(path: &Path) -> anyhow::Result<Scenario> {
    let scenario = Scenario::load(path)?;
    for w in ccsim::scenario::warnings::warnings(&scenario) {
        eprintln!("warning: {}: {w}", path.display());
    }
    Ok(scenario)
}

/// After a run: chats stranded in a `sequential` queue that nobody sweeps.
fn warn_stranded(scenario: &Scenario, outcomes: &[Outcome]) {
    if let Some(w) = experiment::stranded_warning(scenario, outcomes) {
        eprintln!("warning: {}: {w}", scenario.path.display());
    }
}

fn out_dir(scenario: &Scenario, args: &SimArgs) -> std::path::PathBuf {
    args.out
        .clone()
        .unwrap_or_else(|| report::default_dir(scenario))
}

fn plan_for(scenario: &Scenario, args: &SimArgs) -> anyhow::Result<Plan> {
    report::folder::replaceable(&out_dir(scenario, args))?;
    let overrides = Overrides {
        replications: args.replications,
        seed: args.seed,
    };
    Ok(Plan::new(
        scenario,
        overrides,
        args.threads.map(|t| t as usize),
    ))
}

fn write(report: &Report, scenario: &Scenario, args: &SimArgs) -> anyhow::Result<()> {
    let dir = out_dir(scenario, args);
    let started = Instant::now();
    report
        .publish(&dir)
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

fn run_scenario(
    path: &Path,
    chats_log: Option<LogFormat>,
    args: &SimArgs,
) -> anyhow::Result<ExitCode> {
    let scenario = load(path)?;
    let mut plan = plan_for(&scenario, args)?;
    plan.chats_log = chats_log;
    if chats_log == Some(LogFormat::Export) && plan.replications > 1 {
        bail!(
            "--chats-log=export writes one history, as a platform exports it, and this run has {} replications: add -r 1 (a longer horizon gives more chats)",
            plan.replications
        );
    }
    let outcomes = with_progress(&[&scenario], plan)?;
    warn_stranded(&scenario, &outcomes);
    let report = Report::for_run(&scenario, &plan, &outcomes[0]);
    say_raw!(
        "{}",
        terminal::kpi_table(
            &title(&scenario, &plan),
            &report::csv::kpis(&outcomes[0].runs)
        )
    );
    say!("{}", terminal::throughput(&outcomes));
    write(&report, &scenario, args)?;
    Ok(ExitCode::SUCCESS)
}

fn columns(spec: Option<&str>) -> anyhow::Result<Columns> {
    spec.map_or(Ok(Columns::default()), Columns::parse)
        .map_err(|m| anyhow::anyhow!("--columns: {m}"))
}

fn fit(log: &Path, base: &Path, out: &Path, spec: Option<&str>) -> anyhow::Result<ExitCode> {
    let scenario = load(base)?;
    let columns = columns(spec)?;
    let started = Instant::now();
    let fit = ccsim::fitting::fit(log, &columns, &scenario)?;
    let text = ccsim::fitting::fitted_file::render(&scenario, &fit);
    Scenario::parse(&text, out).context(
        "the fitted scenario does not validate (the base scenario's other keys do not fit the log's arrivals or the block model)",
    )?;
    let table = out.with_file_name("fit.csv");
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    ccsim::io::write_atomically(out, text.as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    ccsim::io::write_atomically(&table, &report::fit::csv(&fit))
        .with_context(|| format!("cannot write {}", table.display()))?;
    say_raw!("{}", report::fit::summary(&fit));
    say!(
        "wrote {} and {} in {:.2} s",
        out.display(),
        table.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn backtest(
    log: &Path,
    base: &Path,
    spec: Option<&str>,
    trace_times: bool,
    args: &SimArgs,
) -> anyhow::Result<ExitCode> {
    let scenario = load(base)?;
    let columns = columns(spec)?;
    let replay = ccsim::backtest::replay_scenario(&scenario, log, &columns, trace_times)?;
    for w in ccsim::scenario::warnings::warnings(&replay) {
        eprintln!("warning: {}: {w}", base.display());
    }
    let plan = plan_for(&replay, args)?;
    let outcomes = with_progress(&[&replay], plan)?;
    let outcome = outcomes
        .into_iter()
        .next()
        .expect("one scenario, one outcome");
    let b = ccsim::backtest::compare(replay, outcome);
    say_raw!(
        "{}",
        terminal::kpi_table(
            &title(&b.scenario, &plan),
            &report::csv::kpis(&b.outcome.runs)
        )
    );
    say!("{}", report::backtest::whole_log_line(&b));
    say!("{}", report::backtest::agreement_line(&b.agreements()));
    write(&Report::for_backtest(&plan, &b), &b.scenario, args)?;
    Ok(ExitCode::SUCCESS)
}

fn staff(path: &Path, args: &SimArgs) -> anyhow::Result<ExitCode> {
    let scenario = load(path)?;
    let plan = plan_for(&scenario, args)?;
    let spinner = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_message("searching the staffing: simulating the week");
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(bar)
    } else {
        None
    };
    let found = ccsim::planning::staff(&scenario, plan);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let found = found?;
    say_raw!("{}", terminal::staffing_summary(&scenario, &found));
    say_raw!(
        "{}",
        terminal::kpi_table(
            &format!("The plan, simulated: {}", title(&scenario, &plan)),
            &report::csv::kpis(&found.outcome.runs)
        )
    );
    write(
        &Report::for_staffing(&scenario, &plan, &found),
        &scenario,
        args,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Runs named scenarios on the same customers and pairs their results by replication.
fn run_variants(
    scenario: &Scenario,
    variants: &[(String, Scenario)],
    args: &SimArgs,
) -> anyhow::Result<(Plan, Vec<Outcome>)> {
    let plan = plan_for(scenario, args)?;
    let refs: Vec<&Scenario> = variants.iter().map(|(_, s)| s).collect();
    let outcomes = with_progress(&refs, plan)?;
    warn_stranded(scenario, &outcomes);
    Ok((plan, outcomes))
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
    let scenario = load(path)?;
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

fn sweep(
    path: &Path,
    sets: &[String],
    skip_invalid: bool,
    args: &SimArgs,
) -> anyhow::Result<ExitCode> {
    let scenario = load(path)?;
    let grid = experiment::grid(&scenario, sets)
        .map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    let invalid = grid.invalid();
    let listed = || {
        invalid
            .iter()
            .map(|m| format!("\n  --set {m}"))
            .collect::<String>()
    };
    if !invalid.is_empty() && !skip_invalid {
        bail!(
            "{}: {} of {} sweep points are not valid scenarios (run the others with --skip-invalid):{}",
            path.display(),
            invalid.len(),
            grid.points.len(),
            listed()
        );
    }
    if invalid.len() == grid.points.len() {
        bail!(
            "{}: no sweep point is a valid scenario:{}",
            path.display(),
            listed()
        );
    }
    if !invalid.is_empty() {
        eprintln!(
            "ccsim: skipping {} invalid sweep points:{}",
            invalid.len(),
            listed()
        );
    }
    let experiment::Grid { paths, points } = grid;
    let named: Vec<(String, Scenario)> = points
        .iter()
        .filter_map(|(values, s)| {
            let s = s.as_ref().ok()?;
            Some((experiment::describe(&paths, values), s.clone()))
        })
        .collect();
    let (plan, outcomes) = run_variants(&scenario, &named, args)?;
    let mut ran = results(&named, &outcomes).into_iter();
    let rows: Vec<(Vec<String>, Result<Results, String>)> = points
        .iter()
        .map(|(values, s)| {
            let r = match s {
                Ok(_) => Ok(ran.next().expect("one result per valid point")),
                Err(why) => Err(why.clone()),
            };
            (values.clone(), r)
        })
        .collect();
    say!("{} — {} points", title(&scenario, &plan), rows.len());
    say_raw!("{}", terminal::sweep_table(&paths, &rows));
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
    let scenario = load(path)?;
    if scenario.expects.is_empty() {
        bail!("{}: `check` needs [[expect]] bounds", path.display());
    }
    let base = baseline
        .map(check::read_baseline)
        .transpose()
        .map_err(|m| anyhow::anyhow!(m))?;
    let variants =
        experiment::variants(&scenario).map_err(|m| anyhow::anyhow!("{}: {m}", path.display()))?;
    if let (Some(base), Some(dir)) = (&base, baseline) {
        let names: Vec<String> = variants.iter().map(|(n, _)| n.clone()).collect();
        check::covers(&names, base).map_err(|m| anyhow::anyhow!("{}: {m}", dir.display()))?;
    }
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

/// From this many chats a run takes long enough that a log should say so before it starts.
const LONG_RUN_CHATS: f64 = 20e6;

/// Runs the scenarios, with a progress bar in simulated time when stderr is a terminal.
fn with_progress(scenarios: &[&Scenario], plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    if !std::io::stderr().is_terminal() {
        // No progress bar in a log: say up front what the run will cost.
        let chats: f64 = scenarios
            .iter()
            .map(|s| plan.replications as f64 * experiment::expected_chats(s))
            .sum();
        if chats >= LONG_RUN_CHATS {
            eprintln!(
                "ccsim: simulating about {:.0} chats ({} scenario{} × {} replications); a few million chats take a second per core",
                chats,
                scenarios.len(),
                if scenarios.len() == 1 { "" } else { "s" },
                plan.replications
            );
        }
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
