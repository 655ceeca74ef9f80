//! A batch: what `run`, `compare`, `sweep` and `check` simulate, and how each reports it.
//! Built once from the command line and once more, by `ccsim merge`, from what the shards
//! recorded, so that a merged report is made by the same code from the same replications as
//! an unsharded one: that is what makes it byte-identical.
//!
//! `shard` says which items a process runs, `part` writes and reads a shard's folder, `codec`
//! its replications, and `merge` checks a set of parts and puts them back together.

pub mod codec;
pub mod merge;
pub mod part;
pub mod shard;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::log::LogFormat;
use crate::experiment::check::{self, BaselineRow, Verdict};
use crate::experiment::decide::{Decided, Decision};
use crate::experiment::{self, Outcome, Plan};
use crate::report::{self, Report, Results, terminal};
use crate::scenario::Scenario;
use crate::scenario::locate::KeyPath;
use crate::stats::pooled;

/// The command and the options that shape its work or its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Job {
    Run {
        chats_log: Option<LogFormat>,
        /// Which parts of the centre the terminal tabulates.
        #[serde(default)]
        by: terminal::By,
    },
    Compare,
    Sweep {
        sets: Vec<String>,
        skip_invalid: bool,
        /// What the sweep is asked to decide, as given on the command line.
        #[serde(default)]
        decide: SweepAsks,
    },
    Check {
        /// The baseline report folder, as an absolute path when sharded: the merge may run
        /// elsewhere.
        baseline: Option<PathBuf>,
        /// The older scenario run beside this one, on the same customers; absolute when
        /// sharded.
        #[serde(default)]
        against: Option<PathBuf>,
        strict: bool,
    },
}

impl Job {
    pub fn chats_log(&self) -> Option<LogFormat> {
        match self {
            Job::Run { chats_log, .. } => *chats_log,
            _ => None,
        }
    }
}

/// `sweep --metrics/--tradeoff/--objective` as given, read against the scenario when the
/// batch is prepared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepAsks {
    pub metrics: Option<String>,
    pub tradeoff: Option<String>,
    pub objective: Option<String>,
}

/// A sweep's grid as run: the swept paths and, per point, its values and either its index
/// among the batch's scenarios or why it is not a valid scenario.
type Points = Vec<(Vec<String>, Result<usize, String>)>;

pub struct Batch {
    pub job: Job,
    /// The scenario as written.
    pub scenario: Scenario,
    /// What runs, in order: the scenario, its variants or the sweep's valid points, named.
    pub named: Vec<(String, Scenario)>,
    sweep: Option<(Vec<String>, Points)>,
    baseline: Option<std::collections::BTreeMap<(String, String, String), BaselineRow>>,
    /// With `check --against`: where the older scenario's variants start in `named`, and
    /// that scenario.
    against: Option<(usize, Scenario)>,
    /// `path=value, …: reason` of each sweep point skipped as invalid.
    pub skipped: Vec<String>,
    /// What a sweep is asked to decide.
    decision: Decision,
}

/// What a batch shows when it is done: the terminal's tables, the report, and for `check`
/// every verdict.
pub struct Presented<'a> {
    pub text: String,
    pub report: Report<'a>,
    pub check: Option<check::CheckOutcome>,
}

fn quoted<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Batch {
    /// Checks what the command needs of the scenario and lays out its work. Messages name
    /// the scenario file.
    pub fn prepare(job: Job, scenario: Scenario) -> Result<Batch, String> {
        let mut batch = Batch {
            job,
            scenario,
            named: Vec::new(),
            sweep: None,
            baseline: None,
            against: None,
            skipped: Vec::new(),
            decision: Decision::default(),
        };
        let scenario = &batch.scenario;
        let at = |m: String| format!("{}: {m}", scenario.path.display());
        match &batch.job {
            Job::Run { .. } => batch.named = vec![(scenario.name.clone(), scenario.clone())],
            Job::Compare => {
                if scenario.variants.len() < 2 {
                    return Err(at("`compare` needs at least two [[variants]]".into()));
                }
                batch.named = experiment::variants(scenario).map_err(at)?;
            }
            Job::Check {
                baseline, against, ..
            } => {
                if scenario.expects.is_empty() {
                    return Err(at("`check` needs [[expect]] bounds".into()));
                }
                batch.named = experiment::variants(scenario).map_err(at)?;
                let names: Vec<String> = batch.named.iter().map(|(n, _)| n.clone()).collect();
                if let Some(dir) = baseline {
                    let base = check::read_baseline(dir)?;
                    check::covers(&names, &base).map_err(|m| format!("{}: {m}", dir.display()))?;
                    batch.baseline = Some(base);
                }
                if let Some(path) = against {
                    let old = Scenario::load(path).map_err(|e| e.to_string())?;
                    let old_named = experiment::variants(&old)
                        .map_err(|m| format!("{}: {m}", path.display()))?;
                    let missing: Vec<&String> = names
                        .iter()
                        .filter(|n| !old_named.iter().any(|(o, _)| o == *n))
                        .collect();
                    if !missing.is_empty() {
                        return Err(format!(
                            "{}: has no variant {} to hold {} against (it has {}); give the older version of the same scenario",
                            path.display(),
                            quoted(missing.iter().copied()),
                            batch.scenario.path.display(),
                            quoted(old_named.iter().map(|(n, _)| n))
                        ));
                    }
                    let start = batch.named.len();
                    batch.named.extend(old_named);
                    batch.against = Some((start, old));
                }
            }
            Job::Sweep {
                sets,
                skip_invalid,
                decide,
            } => {
                batch.decision = Decision::parse(
                    decide.metrics.as_deref(),
                    decide.tradeoff.as_deref(),
                    decide.objective.as_deref(),
                    scenario,
                )
                .map_err(at)?;
                let (sets, skip_invalid) = (sets.clone(), *skip_invalid);
                batch.lay_out_sweep(&sets, skip_invalid)?;
            }
        }
        Ok(batch)
    }

    /// How many of `named` this scenario's own (the rest are `--against`'s).
    fn own(&self) -> usize {
        self.against.as_ref().map_or(self.named.len(), |(k, _)| *k)
    }

    fn lay_out_sweep(&mut self, sets: &[String], skip_invalid: bool) -> Result<(), String> {
        let at = |m: String| format!("{}: {m}", self.scenario.path.display());
        let grid = experiment::grid(&self.scenario, sets).map_err(at)?;
        let invalid = grid.invalid();
        let listed = || {
            invalid
                .iter()
                .map(|m| format!("\n  --set {m}"))
                .collect::<String>()
        };
        if !invalid.is_empty() && !skip_invalid {
            return Err(at(format!(
                "{} of {} sweep points are not valid scenarios (run the others with --skip-invalid):{}",
                invalid.len(),
                grid.points.len(),
                listed()
            )));
        }
        if invalid.len() == grid.points.len() {
            return Err(at(format!(
                "no sweep point is a valid scenario:{}",
                listed()
            )));
        }
        let experiment::Grid { paths, points } = grid;
        let mut laid = Vec::with_capacity(points.len());
        for (values, s) in points {
            let slot = match s {
                Ok(s) => {
                    self.named.push((experiment::describe(&paths, &values), s));
                    Ok(self.named.len() - 1)
                }
                Err(why) => Err(why),
            };
            laid.push((values, slot));
        }
        self.sweep = Some((paths, laid));
        self.skipped = invalid;
        Ok(())
    }

    pub fn scenarios(&self) -> Vec<&Scenario> {
        self.named.iter().map(|(_, s)| s).collect()
    }

    /// How many (replication, scenario) items the batch runs under `plan`.
    pub fn items(&self, plan: Plan) -> usize {
        experiment::items(self.named.len(), plan)
    }

    /// The tables and the report of `outcomes`, one per scenario of the batch.
    pub fn present<'a>(&'a self, plan: &Plan, outcomes: &'a [Outcome]) -> Presented<'a> {
        let results: Vec<Results<'a>> = self
            .named
            .iter()
            .zip(outcomes)
            .map(|((name, s), o)| Results {
                name,
                scenario: s,
                runs: &o.runs,
            })
            .collect();
        let title = terminal::title(&self.scenario, plan);
        match &self.job {
            Job::Run { by, .. } => Presented {
                text: {
                    let table = terminal::kpi_table(
                        &title,
                        &report::csv::kpis(&outcomes[0].runs),
                        self.scenario.conversation.model.is_turns(),
                    );
                    match terminal::parts_table(&results[0], *by) {
                        parts if parts.is_empty() => table,
                        parts => format!("{table}{parts}"),
                    }
                },
                report: Report::for_run(&self.named[0].1, plan, &outcomes[0]),
                check: None,
            },
            Job::Compare => Presented {
                text: format!("{title}\n{}", terminal::compare_table(&results)),
                report: Report::for_variants(&results, plan, &outcomes[0], true),
                check: None,
            },
            Job::Sweep { .. } => {
                let (paths, points) = self.sweep.as_ref().expect("a sweep lays out its grid");
                let rows: Vec<(Vec<String>, Result<Results, String>)> = points
                    .iter()
                    .map(|(values, slot)| {
                        let r = slot
                            .as_ref()
                            .map(|&i| results[i].clone())
                            .map_err(String::clone);
                        (values.clone(), r)
                    })
                    .collect();
                let decided = self.decide(&rows);
                Presented {
                    text: format!(
                        "{title} — {} points\n{}{}",
                        rows.len(),
                        terminal::sweep_table(paths, &rows, &decided),
                        terminal::sweep_decision(&rows, &decided)
                    ),
                    report: Report::for_sweep(paths, &rows, &decided, plan, &outcomes[0]),
                    check: None,
                }
            }
            Job::Check { strict, .. } => {
                self.present_check(&title, *strict, plan, &results, outcomes)
            }
        }
    }

    /// What the sweep's rows decide: feasibility under the scenario's bounds, and the
    /// objective's best point, held against the runner-up on the same customers.
    fn decide(&self, rows: &[(Vec<String>, Result<Results, String>)]) -> Decided {
        let kpis: Vec<Option<(String, check::ScopedKpis)>> = rows
            .iter()
            .map(|(_, r)| {
                r.as_ref()
                    .ok()
                    .map(|r| (r.name.to_string(), report::csv::scoped_kpis(r)))
            })
            .collect();
        let paired = |a: usize, b: usize| {
            let aim = self
                .decision
                .objective
                .as_ref()
                .expect("asked only for an objective");
            let (Ok(x), Ok(y)) = (&rows[a].1, &rows[b].1) else {
                unreachable!("only points that ran are ranked")
            };
            let scope = &aim.measure.scope;
            report::csv::paired_scopes(
                x.runs,
                x.scope_index(scope),
                y.runs,
                y.scope_index(scope),
                aim.measure.metric,
            )
        };
        Decided::of(&self.decision, &kpis, &self.scenario.expects, paired)
    }

    fn present_check<'a>(
        &self,
        title: &str,
        strict: bool,
        plan: &Plan,
        results: &[Results<'a>],
        outcomes: &'a [Outcome],
    ) -> Presented<'a> {
        let (own, old) = results.split_at(self.own());
        let kpis: Vec<_> = own
            .iter()
            .map(|r| (r.name.to_string(), report::csv::scoped_kpis(r)))
            .collect();
        let expects = &self.scenario.expects;
        let mut bounds = check::evaluate(&kpis, expects);
        let mut compared = match &self.baseline {
            Some(base) => check::hold_against(&kpis, expects, base),
            None => Vec::new(),
        };
        if self.against.is_some() {
            let names: Vec<String> = own.iter().map(|r| r.name.to_string()).collect();
            compared.extend(check::hold_paired(&names, expects, |variant, scope, m| {
                let now = own.iter().find(|r| r.name == variant)?;
                let before = old.iter().find(|r| r.name == variant)?;
                let (b, n) = (before.runs, now.runs);
                let (sb, sn) = (before.scope_index(scope), now.scope_index(scope));
                let stats = |runs: &'a [crate::engine::RunOutput]| runs.iter().map(|o| &o.stats);
                Some((
                    pooled::metric_in(stats(b), sb, m).mean,
                    pooled::metric_in(stats(n), sn, m).mean,
                    report::csv::paired_scopes(b, sb, n, sn, m),
                ))
            }));
        }
        check::decide(&mut bounds, &mut compared);
        let mut text = format!("{title}\n{}", terminal::check_table(&bounds));
        if !compared.is_empty() {
            text.push_str(&terminal::comparison_table(&compared));
        }
        let tally = check::Tally::of(&bounds, &compared, strict);
        text.push_str(&tally.footnote(bounds.len() + compared.len()));
        let mut report = Report::for_variants(own, plan, &outcomes[0], false);
        report.add("check.csv", report::csv::check(&bounds, &compared));
        let annotations = bounds
            .iter()
            .filter(|b| b.verdict == Verdict::Fail)
            .map(|b| (b.expect, terminal::bound_line(b)))
            .chain(
                compared
                    .iter()
                    .filter(|c| c.regressed)
                    .map(|c| (c.expect, terminal::comparison_line(c))),
            )
            .map(|(i, message)| {
                let key = KeyPath::root().key("expect").index(i);
                let at = self.scenario.problem(&key, message);
                format!(
                    "::error file={},line={},title=ccsim check::{}",
                    at.file.display(),
                    at.line,
                    at.message
                )
            })
            .collect();
        Presented {
            text,
            report,
            check: Some(check::CheckOutcome {
                scenario: self.scenario.name.clone(),
                bounds,
                compared,
                tally,
                annotations,
            }),
        }
    }
}
