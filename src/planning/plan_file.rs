//! `plan.toml`: the scenario as written, comments and all, with the planned group's staffing
//! replaced by the plan and `[staffing]` dropped, so that `ccsim run plan.toml` runs the plan.
//! Per-interval numbers become `count = [{ when, count }]` windows (days with the same
//! numbers written together); a shift roster becomes one `[[agents]]` group per shift used.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::StaffingPlan;
use crate::scenario::Scenario;
use crate::scenario::calendar::{clock, day_list};
use crate::time::{DAY, Millis};

/// The text of `plan.toml` for `plan`, found for `scenario` (the file as written).
pub fn render(scenario: &Scenario, plan: &StaffingPlan) -> String {
    let staffing = scenario
        .staffing
        .as_ref()
        .expect("a plan comes from a scenario with [staffing]");
    let group = &scenario.agent_groups[staffing.group].name;
    let mut doc: DocumentMut = scenario
        .text()
        .parse()
        .expect("the scenario was parsed when it was loaded");
    doc.remove("staffing");
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
    let (hours, erlang) = plan.agent_hours(interval);
    let header = format!(
        "# Staffing plan for agent group \"{group}\", written by `ccsim staff` from {}:\n# {:.1} agent-hours a week (per-interval Erlang: {erlang:.1}). Run it with `ccsim run`.\n\n",
        scenario.path.display(),
        hours,
    );
    header + &doc.to_string()
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
        table.insert(
            "count",
            Item::Value(Value::Array(windows(&levels, interval))),
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

/// `[{ when = "mon-fri 08:00-09:30", count = 5 }, …]`, one entry per run of equal numbers in
/// a day, days with identical runs together, each entry on its own line.
fn windows(levels: &[u32], interval: Millis) -> Array {
    let per_day = (DAY / interval) as usize;
    let days: Vec<Vec<(Millis, Millis, u32)>> = levels
        .chunks(per_day)
        .map(|day| {
            let mut runs: Vec<(Millis, Millis, u32)> = Vec::new();
            for (i, &n) in day.iter().enumerate() {
                let from = i as Millis * interval;
                match runs.last_mut() {
                    Some(last) if last.2 == n && last.1 == from => last.1 = from + interval,
                    _ => runs.push((from, from + interval, n)),
                }
            }
            runs.retain(|r| r.2 > 0);
            runs
        })
        .collect();
    let mut out = Array::new();
    let mut done = [false; 7];
    for d in 0..days.len() {
        if done[d] || days[d].is_empty() {
            continue;
        }
        let same: Vec<usize> = (d..days.len()).filter(|&e| days[e] == days[d]).collect();
        for &e in &same {
            done[e] = true;
        }
        let names = day_list(&same);
        for &(from, to, n) in &days[d] {
            let mut entry = InlineTable::new();
            entry.insert(
                "when",
                format!("{names} {}-{}", clock(from), clock(to)).into(),
            );
            entry.insert("count", (n as i64).into());
            let mut value = Value::InlineTable(entry);
            value.decor_mut().set_prefix("\n    ");
            out.push_formatted(value);
        }
    }
    out.set_trailing("\n");
    out.set_trailing_comma(true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::calendar::{WeekSchedule, parse_window};
    use crate::time::MINUTE;

    #[test]
    fn windows_read_back_as_the_same_numbers() {
        // 30-minute slots: mon-fri 08:00-09:00 two agents then 09:00-10:00 three; sat
        // 10:00-10:30 one; sun none.
        let interval = 30 * MINUTE;
        let mut levels = vec![0u32; 336];
        for day in 0..5 {
            levels[day * 48 + 16] = 2;
            levels[day * 48 + 17] = 2;
            levels[day * 48 + 18] = 3;
            levels[day * 48 + 19] = 3;
        }
        levels[5 * 48 + 20] = 1;
        let array = windows(&levels, interval);
        let text = array.to_string();
        assert!(
            text.contains("when = \"mon-fri 08:00-09:00\", count = 2"),
            "{text}"
        );
        assert!(
            text.contains("when = \"mon-fri 09:00-10:00\", count = 3"),
            "{text}"
        );
        assert!(
            text.contains("when = \"sat 10:00-10:30\", count = 1"),
            "{text}"
        );
        assert_eq!(array.len(), 3);
        // Read back, the windows give each slot its number again.
        let mut spans = Vec::new();
        for v in array.iter() {
            let t = v.as_inline_table().unwrap();
            let n = t.get("count").unwrap().as_integer().unwrap() as u32;
            for w in parse_window(t.get("when").unwrap().as_str().unwrap()).unwrap() {
                spans.push((w, n));
            }
        }
        let agents = WeekSchedule::stacked(&spans);
        for (slot, &want) in levels.iter().enumerate() {
            let at = slot as Millis * interval;
            let on = agents.iter().filter(|a| a.is_on(at)).count() as u32;
            assert_eq!(on, want, "slot {slot}");
        }
    }
}
