//! `plan.toml`: the scenario as written, comments and all, with the planned groups' staffing
//! replaced by the plan and `[staffing]` dropped, so that `ccsim run plan.toml` runs the plan.
//! Per-interval numbers become `count = [{ when, count }]` windows (days with the same
//! numbers written together); a shift roster becomes `roster = [{ shift, count, breaks }]`,
//! the agents of each shift with the breaks the plan placed.

use std::path::Path;

use toml_edit::{Array, Item, Table, TableLike, Value};

use super::{RosterEntry, StaffingPlan};
use crate::scenario::Scenario;
use crate::scenario::calendar::clock;
use crate::scenario::write::week_windows;
use crate::time::Millis;

/// The text of `plan.toml` for `plan`, found for `scenario` (the file as written).
pub fn render(scenario: &Scenario, plan: &StaffingPlan) -> String {
    let mut doc = scenario.document();
    doc.remove("staffing");
    anchor_files(
        doc.as_table_mut(),
        scenario.path.parent().unwrap_or(Path::new(".")),
    );
    let interval = scenario.simulation.interval;
    if let Some(Item::ArrayOfTables(agents)) = doc.get_mut("agents") {
        for (gi, group) in plan.groups.iter().enumerate() {
            let table = agents
                .iter_mut()
                .find(|t| t.get("name").and_then(Item::as_str) == Some(group.name.as_str()))
                .expect("the staffing groups were validated");
            planned_group(table, gi, plan, interval);
        }
    }
    if let Some(simulation) = doc.get_mut("simulation").and_then(Item::as_table_like_mut) {
        simulation.insert("seed", toml_edit::value(plan.seed as i64));
    }
    let (_, hours, erlang) = plan.hours();
    let names: Vec<String> = plan
        .groups
        .iter()
        .map(|g| format!("\"{}\"", g.name))
        .collect();
    let cost = if plan.costed {
        format!(", costing {:.2} a week", plan.cost())
    } else {
        String::new()
    };
    let header = format!(
        "# Staffing plan for agent group{} {}, written by `ccsim staff` from {}:\n# {:.1} agent-hours a week{cost} (per-interval Erlang: {erlang:.1}). Run it with `ccsim run`.\n# seed = {}: the fresh customers staff checked the plan on, so `ccsim run` gives its report again;\n# the search chose on seed {}. Judge the plan on other seeds too.\n\n",
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
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
pub(crate) fn anchor_files(table: &mut dyn TableLike, base: &Path) {
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

/// Planned group `gi`'s table with the plan's numbers: `count` by window, or a `roster`.
fn planned_group(table: &mut Table, gi: usize, plan: &StaffingPlan, interval: Millis) {
    table.remove("shifts");
    table.remove("count");
    table.remove("roster");
    let entries: Vec<&RosterEntry> = plan.roster.iter().filter(|e| e.group == gi).collect();
    if plan.roster.is_empty() {
        let mut levels = vec![0u32; (crate::time::WEEK / interval) as usize];
        for slot in plan.slots.iter().filter(|s| s.group == gi) {
            levels[(slot.week_time / interval) as usize] = slot.scheduled;
        }
        let levels: Vec<Option<i64>> = levels
            .iter()
            .map(|&n| (n > 0).then_some(n as i64))
            .collect();
        table.insert(
            "count",
            Item::Value(Value::Array(week_windows(&levels, interval, "count"))),
        );
        return;
    }
    if entries.is_empty() {
        table.insert("count", toml_edit::value(0));
        return;
    }
    let mut roster = toml_edit::ArrayOfTables::new();
    for e in entries {
        let mut row = Table::new();
        row.insert("shift", toml_edit::value(e.shift.as_str()));
        row.insert("count", toml_edit::value(e.agents as i64));
        if !e.breaks.is_empty() {
            let mut breaks = Array::new();
            for &(at, length) in &e.breaks {
                let mut b = toml_edit::InlineTable::new();
                b.insert("at", clock(at).into());
                b.insert(
                    "length",
                    crate::scenario::units::duration(length as f64 / crate::time::MINUTE as f64)
                        .into(),
                );
                breaks.push(b);
            }
            row.insert("breaks", Item::Value(Value::Array(breaks)));
        }
        roster.push(row);
    }
    table.insert("roster", Item::Value(Value::Array(inline_rows(roster))));
}

/// Roster rows as one inline table per line, the way a person would write them.
fn inline_rows(rows: toml_edit::ArrayOfTables) -> Array {
    let mut array = Array::new();
    for row in rows.iter() {
        let mut inline = row.clone().into_inline_table();
        inline.fmt();
        array.push(inline);
    }
    for v in array.iter_mut() {
        v.decor_mut().set_prefix("\n  ");
    }
    array.set_trailing("\n");
    array.set_trailing_comma(true);
    array
}
