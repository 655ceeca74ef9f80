//! `plan.toml`: the scenario as written, comments and all, with the planned group's staffing
//! replaced by the plan and `[staffing]` dropped, so that `ccsim run plan.toml` runs the plan.
//! Per-interval numbers become `count = [{ when, count }]` windows (days with the same
//! numbers written together); a shift roster becomes one `[[agents]]` group per shift used.

use std::path::Path;

use toml_edit::{Array, Item, Table, TableLike, Value};

use super::StaffingPlan;
use crate::scenario::Scenario;
use crate::scenario::write::week_windows;
use crate::time::Millis;

/// The text of `plan.toml` for `plan`, found for `scenario` (the file as written).
pub fn render(scenario: &Scenario, plan: &StaffingPlan) -> String {
    let staffing = scenario
        .staffing
        .as_ref()
        .expect("a plan comes from a scenario with [staffing]");
    let group = &scenario.agent_groups[staffing.group].name;
    let mut doc = scenario.document();
    doc.remove("staffing");
    anchor_files(
        doc.as_table_mut(),
        scenario.path.parent().unwrap_or(Path::new(".")),
    );
    let interval = scenario.simulation.interval;
    if let Some(Item::ArrayOfTables(agents)) = doc.get_mut("agents") {
        let at = agents
            .iter()
            .position(|t| t.get("name").and_then(Item::as_str) == Some(group.as_str()))
            .expect("the staffing group was validated");
        let written = agents.get(at).expect("found above").clone();
        let rest: Vec<Table> = agents.iter().skip(at + 1).cloned().collect();
        while agents.len() > at {
            agents.remove(at);
        }
        for table in planned_groups(&written, group, plan, interval) {
            agents.push(table);
        }
        for table in rest {
            agents.push(table);
        }
    }
    if let Some(simulation) = doc.get_mut("simulation").and_then(Item::as_table_like_mut) {
        simulation.insert("seed", toml_edit::value(plan.seed as i64));
    }
    let (hours, erlang) = plan.agent_hours(interval);
    let header = format!(
        "# Staffing plan for agent group \"{group}\", written by `ccsim staff` from {}:\n# {:.1} agent-hours a week (per-interval Erlang: {erlang:.1}). Run it with `ccsim run`.\n# seed = {}: the fresh customers staff checked the plan on, so `ccsim run` gives its report again;\n# the search chose on seed {}. Judge the plan on other seeds too.\n\n",
        scenario.path.display(),
        hours,
        plan.seed,
        plan.search_seed,
    );
    header + &doc.to_string()
}

/// A scenario names its data files (a `profile` or `trace` of arrivals, a distribution's
/// `file`) relative to its own folder, and `plan.toml` is written into the report folder:
/// each relative name becomes absolute, so that `ccsim run plan.toml` finds them there.
fn anchor_files(table: &mut dyn TableLike, base: &Path) {
    for (key, item) in table.iter_mut() {
        let file_key = matches!(key.get(), "file" | "profile" | "trace");
        match item {
            Item::Value(Value::String(name)) if file_key => {
                let name = name.value().clone();
                if Path::new(&name).is_relative()
                    && let Ok(absolute) = std::path::absolute(base.join(&name))
                {
                    *item = toml_edit::value(absolute.to_string_lossy().into_owned());
                }
            }
            Item::Table(t) => anchor_files(t, base),
            Item::Value(Value::InlineTable(t)) => anchor_files(t, base),
            Item::ArrayOfTables(tables) => {
                for t in tables.iter_mut() {
                    anchor_files(t, base);
                }
            }
            Item::Value(Value::Array(values)) => {
                for v in values.iter_mut() {
                    if let Value::InlineTable(t) = v {
                        anchor_files(t, base);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The group's table(s) with the plan's numbers: one table with `count` by window, or one per
/// shift that has agents (named after the group and the shift).
fn planned_groups(
    written: &Table,
    group: &str,
    plan: &StaffingPlan,
    interval: Millis,
) -> Vec<Table> {
    let mut base = written.clone();
    base.remove("shifts");
    base.remove("count");
    if plan.roster.is_empty() {
        let mut levels = vec![0u32; (crate::time::WEEK / interval) as usize];
        for slot in &plan.slots {
            levels[(slot.week_time / interval) as usize] = slot.scheduled;
        }
        let mut table = base;
        let levels: Vec<Option<i64>> = levels
            .iter()
            .map(|&n| (n > 0).then_some(n as i64))
            .collect();
        table.insert(
            "count",
            Item::Value(Value::Array(week_windows(&levels, interval, "count"))),
        );
        return vec![table];
    }
    let used: Vec<&(String, u32)> = plan.roster.iter().filter(|(_, n)| *n > 0).collect();
    if used.is_empty() {
        let mut table = base;
        table.insert("count", toml_edit::value(0));
        return vec![table];
    }
    used.iter()
        .map(|(shift, n)| {
            let mut table = base.clone();
            table.insert("name", toml_edit::value(format!("{group} {shift}")));
            table.insert("count", toml_edit::value(*n as i64));
            let mut shifts = Array::new();
            shifts.push(shift.as_str());
            table.insert("shifts", Item::Value(Value::Array(shifts)));
            table
        })
        .collect()
}
