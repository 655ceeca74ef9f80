//! The `ccsim` binary: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 a check failed, 2 bad input or usage).

mod cli;

/// Prints a line to stdout, returning from the command if that fails (`> /dev/full`).
macro_rules! say {
    ($($arg:tt)*) => {
        print_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// A message on stderr, made printable (see `printable`). A full or closed stderr loses the
/// message, never the exit code: `eprintln!` would panic (exit 101) instead.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = printable(&format!($($arg)*));
        let _ = writeln!(std::io::stderr(), "{text}");
    }};
}

/// What a message quotes of the user's input reaches the terminal as text: control
/// characters (an ESC would drive the terminal) are escaped, and a line is cut at 1,000
/// characters, whatever the input held.
fn printable(text: &str) -> String {
    const MOST: usize = 1000;
    let mut out = String::with_capacity(text.len().min(1 << 16));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (n, c) in line.chars().enumerate() {
            if n == MOST {
                out.push('…');
                break;
            }
            if c.is_control() && c != '\t' {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
    }
    out
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
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ccsim::io::counted;
use clap::{CommandFactory, Parser};
use indicatif::{ProgressBar, ProgressStyle};

use ccsim::batch::part::{self, Manifest};
use ccsim::batch::shard::Shard;
use ccsim::batch::{Batch, Job, SweepAsks};
use ccsim::chatlog::Columns;
use ccsim::engine::log::LogFormat;
use ccsim::experiment::{self, Outcome, Overrides, Plan, Work};
use ccsim::report::{self, Report, terminal};
use ccsim::scenario::Scenario;
use cli::{Cli, Command, ShardArgs, SimArgs, WhatIf};

fn main() -> ExitCode {
    clean_up_on_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.csv_delimiter.as_deref() {
        Some(";") => ccsim::io::Separator::Semicolon.name_for_all(),
        Some(_) => ccsim::io::Separator::Comma.name_for_all(),
        None => {}
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            tell!("Error: {e:#}");
            ExitCode::from(2)
        }
    };
    // A command that claimed a report folder and failed before writing it leaves no lock.
    ccsim::report::folder::abandon();
    code
}

/// Ctrl-C, a kill or a closed terminal: the hidden folder a report is being written into
/// and the lock beside the report go before the process ends, with the shell's code for the
/// signal. The report folder itself is whole whenever the signal comes. The signals are
/// blocked here, before any other thread starts, so that every thread inherits the mask and
/// only the waiting thread receives them.
fn clean_up_on_signals() {
    // SAFETY: a signal set built and used on this stack; `sigwait` blocks only its thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, signal);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut signal = 0;
            if libc::sigwait(&set, &mut signal) == 0 {
                ccsim::report::folder::abandon();
                std::process::exit(128 + signal);
            }
        });
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ccsim", &mut script);
            say_raw!("{}", String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("cannot write the manual page")?;
            say_raw!("{}", String::from_utf8_lossy(&page));
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { scenario } => {
            let s = load(&scenario, &WhatIf::default())?;
            say!(
                "{}: ok — {}, {} ({}), {}, {}",
                scenario.display(),
                counted(s.teams.len() as u64, "team"),
                counted(s.agent_groups.len() as u64, "agent group"),
                counted(s.agent_groups.iter().map(|g| g.count).sum::<u32>(), "agent"),
                counted(s.arrivals.len() as u64, "arrival stream"),
                counted(s.variants.len() as u64, "variant"),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            scenario,
            chats_log,
            by,
            what_if,
            sim,
            shard,
        } => simulate(
            Job::Run {
                chats_log: chats_log.map(Into::into),
                by: by.map(Into::into).unwrap_or_default(),
            },
            &scenario,
            &what_if,
            &sim,
            &shard,
            &Verdicts::default(),
        ),
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
        Command::Compare {
            scenario,
            what_if,
            sim,
            shard,
        } => simulate(
            Job::Compare,
            &scenario,
            &what_if,
            &sim,
            &shard,
            &Verdicts::default(),
        ),
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
        Command::Staff {
            scenario,
            what_if,
            sim,
            shard,
            shards,
        } => {
            if shard.is_some() || shards.is_some() {
                bail!(
                    "staff cannot be split into shards: each round of its search needs the results of the round before; to check its plan with many replications across machines, shard a run of the plan it writes: ccsim run <report folder>/plan.toml -r N --shard K/N"
                );
            }
            staff(&scenario, &what_if, &sim)
        }
        Command::Tune {
            scenario,
            vary,
            objective,
            tradeoff,
            expects,
            max_replications,
            what_if,
            sim,
        } => tune(
            &scenario,
            &Search {
                vary: &vary,
                objective: &objective,
                tradeoff: tradeoff.as_deref(),
                expects: &expects,
                max_replications,
            },
            &what_if,
            &sim,
        ),
        Command::Sweep {
            scenario,
            sets,
            skip_invalid,
            metrics,
            tradeoff,
            objective,
            sim,
            shard,
        } => simulate(
            Job::Sweep {
                sets,
                skip_invalid,
                decide: SweepAsks {
                    metrics,
                    tradeoff,
                    objective,
                },
            },
            &scenario,
            &WhatIf::default(),
            &sim,
            &shard,
            &Verdicts::default(),
        ),
        Command::Check {
            scenario,
            baseline,
            against,
            strict,
            junit,
            json,
            what_if,
            sim,
            shard,
        } => {
            let written = Verdicts { junit, json };
            simulate(
                Job::Check {
                    baseline,
                    against,
                    strict,
                },
                &scenario,
                &what_if,
                &sim,
                &shard,
                &written,
            )
        }
        Command::Merge { dirs, out } => merge(&dirs, out),
    }
}

/// Loads a scenario with its what-ifs and warns, on stderr, of what in it is valid but
/// likely not meant.
fn load(path: &Path, what_if: &WhatIf) -> anyhow::Result<Scenario> {
    let scenario = Scenario::load(path)?.overridden(&what_if.sets, what_if.scale_arrivals)?;
    for w in ccsim::scenario::warnings::warnings(&scenario) {
        tell!("warning: {}: {w}", path.display());
    }
    Ok(scenario)
}

/// After a run: chats stranded or unplaced in a `sequential` queue.
fn warn_stranded(scenario: &Scenario, outcomes: &[Outcome]) {
    for w in experiment::run_warnings(scenario, outcomes) {
        tell!("warning: {}: {w}", scenario.path.display());
    }
}

fn out_dir(scenario: &Scenario, args: &SimArgs) -> PathBuf {
    args.out
        .clone()
        .unwrap_or_else(|| report::default_dir(scenario))
}

/// The plan of `args`, once `dir` is known to be a folder the results may go to (so that a
/// long simulation is not thrown away at the end).
fn plan_for(scenario: &Scenario, args: &SimArgs, dir: &Path) -> anyhow::Result<Plan> {
    report::folder::claim(dir)?;
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

fn write(report: &Report, scenario: &Scenario, dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    report
        .publish(dir)
        .with_context(|| format!("writing the report of {}", scenario.path.display()))?;
    say!(
        "report: {} (charts and page in {:.3} s)",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `run`, `compare`, `sweep` and `check`: the whole batch and its report, or one shard of it
/// and its part.
/// Where `check` also writes its verdicts.
#[derive(Default)]
struct Verdicts {
    junit: Option<PathBuf>,
    json: Option<PathBuf>,
}

fn simulate(
    mut job: Job,
    path: &Path,
    what_if: &WhatIf,
    args: &SimArgs,
    shard: &ShardArgs,
    verdicts: &Verdicts,
) -> anyhow::Result<ExitCode> {
    let shard = Shard::resolve(shard.shard.as_deref(), shard.shards, |name| {
        std::env::var(name).ok()
    })
    .map_err(anyhow::Error::msg)?;
    let scenario = load(path, what_if)?;
    if shard.is_some()
        && let Job::Check {
            baseline, against, ..
        } = &mut job
    {
        for path in [baseline, against].into_iter().flatten() {
            if let Ok(absolute) = std::fs::canonicalize(&*path) {
                *path = absolute;
            }
        }
    }
    let batch = Batch::prepare(job, scenario).map_err(anyhow::Error::msg)?;
    if !batch.skipped.is_empty() {
        tell!(
            "ccsim: skipping {} invalid sweep points:{}",
            batch.skipped.len(),
            batch
                .skipped
                .iter()
                .map(|m| format!("\n  --set {m}"))
                .collect::<String>()
        );
    }
    let dir = match shard {
        None => out_dir(&batch.scenario, args),
        Some(shard) => parts_dir(&batch.scenario, args).join(shard.folder()),
    };
    let mut plan = plan_for(&batch.scenario, args, &dir)?;
    plan.chats_log = batch.job.chats_log();
    if plan.chats_log == Some(LogFormat::Export) && plan.replications > 1 {
        bail!(
            "--chats-log=export writes one history, as a platform exports it, and this run has {} replications: add -r 1 (a longer horizon gives more chats)",
            plan.replications
        );
    }
    let Some(shard) = shard else {
        let work = with_progress(&batch.scenarios(), plan, 0..batch.items(plan))?;
        let outcomes = experiment::assemble(work.runs, batch.named.len(), work.wall, work.threads);
        warn_stranded(&batch.scenario, &outcomes);
        let line = terminal::throughput(&outcomes);
        return finish(&batch, &plan, &outcomes, &line, &dir, verdicts);
    };
    let total = batch.items(plan);
    let range = shard.range(total);
    if range.is_empty() {
        tell!(
            "warning: shard {shard} has nothing to run: the batch is {total} (replication, scenario) pairs for {} shards",
            shard.count
        );
    }
    let work = with_progress(&batch.scenarios(), plan, range.clone())?;
    let manifest = Manifest::new(&batch.job, &batch.scenario, &plan, shard, total, &work)?;
    part::write(&dir, &manifest, &batch.scenario, &work.runs)
        .with_context(|| format!("writing shard {shard} of {}", path.display()))?;
    say!(
        "shard {shard}: {} of {total} runs ({}), {} chats in {:.3} s on {} thread{}",
        range.len(),
        replications_of(&range, &batch),
        manifest.chats,
        manifest.wall_time_s,
        manifest.threads,
        if manifest.threads == 1 { "" } else { "s" }
    );
    say!(
        "part: {} (when every shard is done: ccsim merge {})",
        dir.display(),
        dir.parent().unwrap_or(Path::new(".")).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `replications 3-5 of 4 sweep points`: what a shard's runs are, replications counted from 1.
fn replications_of(runs: &Range<usize>, batch: &Batch) -> String {
    let scenarios = batch.named.len();
    if runs.is_empty() {
        return "none".into();
    }
    let first = experiment::item(runs.start, scenarios).1 + 1;
    let last = experiment::item(runs.end - 1, scenarios).1 + 1;
    let which = if first == last {
        format!("replication {first}")
    } else {
        format!("replications {first}-{last}")
    };
    match (&batch.job, scenarios) {
        (_, 1) => which,
        (Job::Sweep { .. }, n) => format!("{which} of {n} sweep points"),
        (_, n) => format!("{which} of {n} variants"),
    }
}

/// Where a shard's part goes: `--out`, or `reports/<name>-parts/`; the part is a
/// `part-K-of-N` folder inside, so that every shard can be given the same `--out`.
fn parts_dir(scenario: &Scenario, args: &SimArgs) -> PathBuf {
    args.out.clone().unwrap_or_else(|| {
        let mut dir = report::default_dir(scenario).into_os_string();
        dir.push("-parts");
        dir.into()
    })
}

/// The tables, the report and (for `check`) the verdict of a batch that has run.
fn finish(
    batch: &Batch,
    plan: &Plan,
    outcomes: &[Outcome],
    throughput: &str,
    dir: &Path,
    verdicts: &Verdicts,
) -> anyhow::Result<ExitCode> {
    let shown = batch.present(plan, outcomes);
    say_raw!("{}", shown.text);
    say!("{throughput}");
    write(&shown.report, &batch.scenario, dir)?;
    let Some(check) = &shown.check else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(path) = &verdicts.junit {
        ccsim::io::write_atomically(path, ccsim::report::verdicts::junit(check).as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &verdicts.json {
        ccsim::io::write_atomically(path, &ccsim::report::verdicts::json(check))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        for line in &check.annotations {
            say!("{line}");
        }
    }
    say!("check: {}", check.tally.summary());
    Ok(if check.tally.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `ccsim merge`: the parts checked and joined, and the report of the whole batch.
fn merge(dirs: &[PathBuf], out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let merged = ccsim::batch::merge::merge(dirs)?;
    let scenario = merged.scenario()?;
    let plan = merged.plan(&scenario);
    let batch =
        Batch::prepare(merged.manifest.job.clone(), scenario).map_err(anyhow::Error::msg)?;
    let dir = out.unwrap_or_else(|| report::default_dir(&batch.scenario));
    report::folder::claim(&dir)?;
    let parts = merged.parts.len();
    let outcomes =
        experiment::assemble(merged.runs, batch.named.len(), merged.wall, merged.threads);
    warn_stranded(&batch.scenario, &outcomes);
    let line = format!(
        "{parts} parts merged in {:.3} s: {} replications, {} chats, {} events; the shards ran for {:.3} s in all",
        started.elapsed().as_secs_f64(),
        outcomes.iter().map(|o| o.runs.len()).sum::<usize>(),
        outcomes.iter().map(Outcome::chats).sum::<u64>(),
        outcomes.iter().map(Outcome::events).sum::<u64>(),
        merged.wall.as_secs_f64()
    );
    finish(&batch, &plan, &outcomes, &line, &dir, &Verdicts::default())
}

fn columns(spec: Option<&str>) -> anyhow::Result<Columns> {
    spec.map_or(Ok(Columns::default()), Columns::parse)
        .map_err(|m| anyhow::anyhow!("--columns: {m}"))
}

fn fit(log: &Path, base: &Path, out: &Path, spec: Option<&str>) -> anyhow::Result<ExitCode> {
    let scenario = load(base, &WhatIf::default())?;
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
    ccsim::io::write_together(&[(out, text.as_bytes()), (&table, &report::fit::csv(&fit))])
        .with_context(|| format!("cannot write {} and {}", out.display(), table.display()))?;
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
    let scenario = load(base, &WhatIf::default())?;
    let columns = columns(spec)?;
    let replay = ccsim::backtest::replay_scenario(&scenario, log, &columns, trace_times)?;
    for w in ccsim::scenario::warnings::warnings(&replay) {
        tell!("warning: {}: {w}", base.display());
    }
    let dir = out_dir(&replay, args);
    let plan = plan_for(&replay, args, &dir)?;
    let work = with_progress(&[&replay], plan, 0..experiment::items(1, plan))?;
    let outcome = experiment::assemble(work.runs, 1, work.wall, work.threads)
        .into_iter()
        .next()
        .expect("one scenario, one outcome");
    let b = ccsim::backtest::compare(replay, outcome);
    say_raw!(
        "{}",
        terminal::kpi_table(
            &terminal::title(&b.scenario, &plan),
            &report::csv::kpis(&b.outcome.runs),
            b.scenario.conversation.model.is_turns(),
        )
    );
    say!("{}", report::backtest::whole_log_line(&b));
    say!("{}", report::backtest::agreement_line(&b.agreements()));
    write(&Report::for_backtest(&plan, &b), &b.scenario, &dir)?;
    Ok(ExitCode::SUCCESS)
}

/// `ccsim tune`: the search, then the sweep report of every point it evaluated with
/// `tune.csv` and `tuned.toml`.
/// `ccsim tune`'s own arguments, as given.
struct Search<'a> {
    vary: &'a [String],
    objective: &'a str,
    tradeoff: Option<&'a str>,
    expects: &'a [String],
    max_replications: u32,
}

fn tune(
    path: &Path,
    search: &Search,
    what_if: &WhatIf,
    args: &SimArgs,
) -> anyhow::Result<ExitCode> {
    use ccsim::experiment::decide::Decision;
    use ccsim::experiment::tune::{Axis, Tuning, with_expects};
    let Search {
        vary,
        objective,
        tradeoff,
        expects,
        max_replications,
    } = *search;
    let loaded = load(path, what_if)?;
    let scenario = with_expects(&loaded, expects)
        .map_err(|m| anyhow::anyhow!("{}: {m}", loaded.path.display()))?;
    let at = |m: String| anyhow::anyhow!("{}: {m}", scenario.path.display());
    let axes = Axis::parse_all(vary).map_err(at)?;
    let decision = Decision::parse(None, tradeoff, Some(objective), &scenario).map_err(at)?;
    let aim = decision.objective.clone().expect("parsed from --objective");
    let dir = out_dir(&scenario, args);
    let plan = plan_for(&scenario, args, &dir)?;
    if max_replications < plan.replications {
        bail!(
            "--max-replications {max_replications} is below the {} replications a point starts with",
            plan.replications
        );
    }
    let tuning = Tuning {
        axes: axes.clone(),
        objective: aim,
        max_replications,
        scenario: &scenario,
    };
    let started = Instant::now();
    let tuned = ccsim::experiment::tune::tune(&tuning, plan).map_err(|e| at(e.to_string()))?;
    let wall = started.elapsed();
    let outcome = Outcome {
        runs: Vec::new(),
        wall,
        threads: plan.threads.unwrap_or_else(rayon::current_num_threads),
    };
    let (text, report) =
        report::tune::present(&scenario, &axes, decision, &tuned, &plan, &outcome).map_err(at)?;
    say_raw!("{text}");
    write(&report, &scenario, &dir)?;
    say!(
        "{} simulations in {:.2} s; tuned.toml runs the best point",
        tuned.simulations,
        wall.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn staff(path: &Path, what_if: &WhatIf, args: &SimArgs) -> anyhow::Result<ExitCode> {
    let scenario = load(path, what_if)?;
    let dir = out_dir(&scenario, args);
    let plan = plan_for(&scenario, args, &dir)?;
    let spinner = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_message("searching the staffing: simulating the week");
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(bar)
    } else {
        None
    };
    let show = |p: &ccsim::planning::Progress| {
        if let Some(bar) = &spinner {
            bar.set_message(terminal::staffing_progress(p));
        }
    };
    let found = ccsim::planning::staff_showing(&scenario, plan, &show);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let found = found?;
    // The report is of the plan's last check, on fresh customers: their seed is the one
    // plan.toml carries, so that running it gives this report again.
    let plan = Plan {
        seed: found.seed,
        ..plan
    };
    say_raw!("{}", terminal::staffing_summary(&scenario, &found));
    say_raw!(
        "{}",
        terminal::kpi_table(
            &format!("The plan, simulated: {}", terminal::title(&scenario, &plan)),
            &report::csv::kpis(&found.outcome.runs),
            scenario.conversation.model.is_turns(),
        )
    );
    write(
        &Report::for_staffing(&scenario, &plan, &found),
        &scenario,
        &dir,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// From this many chats a run takes long enough that a log should say so before it starts.
const LONG_RUN_CHATS: f64 = 20e6;

/// Runs the scenarios, with a progress bar in simulated time when stderr is a terminal.
fn with_progress(scenarios: &[&Scenario], plan: Plan, items: Range<usize>) -> anyhow::Result<Work> {
    // How many of the runs are of each scenario: what the runs cost is per scenario.
    let mut runs_of = vec![0u64; scenarios.len()];
    for i in items.clone() {
        runs_of[experiment::item(i, scenarios.len()).0] += 1;
    }
    let runs = || scenarios.iter().zip(runs_of.iter().copied());
    if !std::io::stderr().is_terminal() {
        // No progress bar in a log: say up front what the run will cost.
        let chats: f64 = runs()
            .map(|(s, n)| n as f64 * experiment::expected_chats(s))
            .sum();
        if chats >= LONG_RUN_CHATS {
            let whole = experiment::items(scenarios.len(), plan);
            tell!(
                "ccsim: simulating about {:.0} chats ({} × {}{}); a few million chats take a second per core",
                chats,
                counted(scenarios.len() as u64, "scenario"),
                counted(plan.replications, "replication"),
                if items.len() < whole {
                    format!(", this shard's {} of the {whole} runs", items.len())
                } else {
                    String::new()
                }
            );
        }
        return Ok(experiment::run_items(scenarios, plan, items, None)?);
    }
    let total: u64 = runs().map(|(s, n)| n * s.simulation.horizon as u64).sum();
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
        let outcome = experiment::run_items(scenarios, plan, items, Some(&done));
        finished.store(true, Ordering::Relaxed);
        Ok(outcome?)
    })
}
