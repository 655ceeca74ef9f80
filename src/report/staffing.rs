//! What `ccsim staff` prints: while it searches, and the plan it found.

use std::fmt::Write;

use super::terminal::{list_or_none, trim_number};
use crate::planning::{Progress, StaffingPlan};
use crate::scenario::Scenario;
use crate::scenario::calendar::week_label;

/// Below this confidence an interval's plan is named: more replications would settle it.
const UNSURE: f64 = 0.8;

/// `staff`'s line while it runs: `searching the requirement: 330 of 336 intervals keep the
/// targets; 7 simulations in 3.1 s, about 4 s left`.
pub fn staffing_progress(p: &Progress) -> String {
    let left = p.time_left().map_or(String::new(), |t| {
        format!(", about {:.0} s left", t.as_secs_f64().ceil())
    });
    format!(
        "{}: {} of {} intervals keep the targets; {} simulation{} in {:.1} s{left}",
        p.phase,
        p.holding,
        p.planned,
        p.simulations,
        if p.simulations == 1 { "" } else { "s" },
        p.elapsed.as_secs_f64()
    )
}

/// A weekly cost as money (`12 345.60`) or, without `[staffing] cost`, premium-weighted hours.
pub fn cost_text(found: &StaffingPlan, cost: f64) -> String {
    if found.costed {
        format!("{cost:.2}")
    } else {
        format!("{cost:.1} h")
    }
}

/// The weekly cost per team: each group's under its team, a group that several teams share
/// under all of them joined (`vendas+suporte`), in the order the groups are planned.
pub fn team_costs(found: &StaffingPlan) -> Vec<(String, f64, f64)> {
    let mut out: Vec<(String, f64, f64)> = Vec::new();
    for g in &found.groups {
        let team = g.teams.join("+");
        match out.iter_mut().find(|t| t.0 == team) {
            Some(t) => {
                t.1 += g.hours.1;
                t.2 += g.cost;
            }
            None => out.push((team, g.hours.1, g.cost)),
        }
    }
    out
}

/// The targets as a sentence: `answer_level ≥ 80% (team:vendas), abandon_rate ≤ 5%`.
fn targets(scenario: &Scenario) -> String {
    let Some(staffing) = &scenario.staffing else {
        return String::new();
    };
    staffing
        .targets
        .iter()
        .map(|t| {
            let (unit, scale) = t.metric.unit().display();
            let space = if unit == "%" { "" } else { " " };
            let bound = |sign: &str, x: f64| {
                format!(
                    "{} {sign} {}{space}{unit}",
                    t.label(),
                    trim_number(x * scale)
                )
            };
            match (t.min, t.max) {
                (Some(lo), Some(hi)) => format!("{} and {}", bound("≥", lo), bound("≤", hi)),
                (Some(lo), None) => bound("≥", lo),
                (None, Some(hi)) => bound("≤", hi),
                (None, None) => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `ccsim staff` prints: the targets, the plan's agent-hours against Erlang's, the peak,
/// each group's share and cost, the roster, the intervals missed, and what the search cost.
pub fn staffing_summary(scenario: &Scenario, found: &StaffingPlan) -> String {
    let mut out = String::new();
    let groups: Vec<String> = found
        .groups
        .iter()
        .map(|g| {
            format!(
                "\"{}\" (capacity {})",
                g.name, scenario.agent_groups[g.index].capacity
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "Staffing plan for agent group{} {}: {} in every interval",
        if groups.len() == 1 { "" } else { "s" },
        groups.join(", "),
        targets(scenario)
    );
    if !scenario.overrides.is_empty() {
        let _ = writeln!(
            out,
            "  what-if, not the file as written: {}",
            scenario.overrides.join(", ")
        );
    }
    let (required, scheduled, erlang) = found.hours();
    let totals = found.totals();
    let busy = totals.iter().filter(|s| s.1 > 0).count();
    let _ = writeln!(
        out,
        "  {} intervals of the week planned, {busy} need agents",
        totals.len()
    );
    // Each staffing with its own total and its own peak, so that the roster's slack is not
    // read as the simulation's need.
    type Total = (crate::time::Millis, u32, u32, Option<u32>);
    let peak = |f: &dyn Fn(&Total) -> Option<u32>| {
        totals
            .iter()
            .filter_map(|s| f(s).map(|n| (n, s.0)))
            .max_by_key(|&(n, t)| (n, std::cmp::Reverse(t)))
            .map_or("-".to_string(), |(n, t)| format!("{n} ({})", week_label(t)))
    };
    let _ = writeln!(
        out,
        "  {:<24} {:>18}   peak agents on duty",
        "", "agent-hours a week"
    );
    let mut rows = vec![
        ("required (simulated)", required, peak(&|s| Some(s.1))),
        ("per-interval Erlang", erlang, peak(&|s| s.3)),
    ];
    if !found.roster.is_empty() {
        rows.push(("scheduled (shifts)", scheduled, peak(&|s| Some(s.2))));
    }
    for (name, hours, top) in rows {
        let _ = writeln!(out, "  {name:<24} {hours:>18.1}   {top}");
    }
    if erlang > 0.0 {
        let _ = writeln!(
            out,
            "  the simulation requires {:.1}% {} than per-interval Erlang",
            (required / erlang - 1.0).abs() * 100.0,
            if required <= erlang { "less" } else { "more" }
        );
    }
    if !found.roster.is_empty() && required > 0.0 {
        let _ = writeln!(
            out,
            "  the shifts add {:.1} h over the requirement: {:.0}%",
            scheduled - required,
            (scheduled / required - 1.0) * 100.0
        );
    }
    by_group(&mut out, found);
    let handles: Vec<String> = found
        .groups
        .iter()
        .map(|g| match found.groups.len() {
            1 => format!("{:.2} min handle time", g.handle_time),
            _ => format!("{} {:.2} min", g.name, g.handle_time),
        })
        .collect();
    let mut handle = handles.join(", ");
    if found.groups.len() > 1 {
        handle.push_str(" handle time");
    }
    let model = match found.patience {
        Some(p) => format!("Erlang A ({handle}, {p:.2} min mean patience)"),
        None => format!("Erlang C ({handle}; patience is not exponential)"),
    };
    let _ = writeln!(out, "  Erlang column: {model}");
    roster(&mut out, found);
    if let Some((proved, bound)) = found.shift_plan {
        let cost = found.cost();
        let _ = match proved {
            true => writeln!(
                out,
                "  shift plan: the cheapest roster of these shifts (proved)"
            ),
            false => writeln!(
                out,
                "  shift plan: the best roster found within {} branch-and-bound nodes a part of the week, at most {:.1}% above the cheapest possible ({})",
                crate::planning::PART_NODES,
                if bound > 0.0 {
                    (cost / bound - 1.0).max(0.0) * 100.0
                } else {
                    0.0
                },
                cost_text(found, bound)
            ),
        };
    }
    let name = |s: &crate::planning::SlotPlan| match found.groups.len() {
        1 => week_label(s.week_time),
        _ => format!("{} {}", found.groups[s.group].name, week_label(s.week_time)),
    };
    let missed: Vec<String> = found.slots.iter().filter(|s| !s.met).map(name).collect();
    let _ = writeln!(out, "  intervals missed: {}", list_or_none(&missed));
    let unsure: Vec<String> = found
        .slots
        .iter()
        .filter(|s| s.group == 0 && s.confidence < UNSURE)
        .map(|s| format!("{} ({:.0}%)", week_label(s.week_time), 100.0 * s.confidence))
        .collect();
    let _ = writeln!(
        out,
        "  checked on fresh customers (seed {}); intervals less than {:.0}% sure to keep the targets: {}",
        found.seed,
        100.0 * UNSURE,
        list_or_none(&unsure)
    );
    let _ = writeln!(
        out,
        "  search: {} simulations, {:.0} simulated weeks in {:.2} s",
        found.simulations,
        found.simulated_weeks,
        found.outcome.wall.as_secs_f64()
    );
    out
}

/// With several groups, or a cost: each group's hours and weekly cost, then per team.
fn by_group(out: &mut String, found: &StaffingPlan) {
    if found.groups.len() == 1 && !found.costed {
        return;
    }
    let cost_head = if found.costed {
        "weekly cost"
    } else {
        "weighted hours"
    };
    let _ = writeln!(
        out,
        "  {:<24} {:>9} {:>9} {:>10} {:>14}   teams",
        "by group", "required", "Erlang", "scheduled", cost_head
    );
    for g in &found.groups {
        let _ = writeln!(
            out,
            "  {:<24} {:>9.1} {:>9.1} {:>10.1} {:>14}   {}",
            g.name,
            g.hours.0,
            g.hours.2,
            g.hours.1,
            cost_text(found, g.cost),
            g.teams.join(", ")
        );
    }
    let teams = team_costs(found);
    let text: Vec<String> = teams
        .iter()
        .map(|(team, _, cost)| format!("{team} {}", cost_text(found, *cost)))
        .collect();
    let _ = writeln!(
        out,
        "  {cost_head} by team: {} (total {})",
        text.join(", "),
        cost_text(found, found.cost())
    );
}

/// The shifts the plan uses, group by group, with the breaks it placed.
fn roster(out: &mut String, found: &StaffingPlan) {
    if found.roster.is_empty() {
        return;
    }
    for (gi, g) in found.groups.iter().enumerate() {
        let used: Vec<String> = found
            .roster
            .iter()
            .filter(|e| e.group == gi)
            .map(|e| match e.breaks.is_empty() {
                true => format!("{} × \"{}\"", e.agents, e.shift),
                false => format!("{} × \"{}\" (break {})", e.agents, e.shift, e.breaks_text()),
            })
            .collect();
        let head = match found.groups.len() {
            1 => "shifts".to_string(),
            _ => format!("shifts of {}", g.name),
        };
        let _ = writeln!(out, "  {head}: {}", list_or_none(&used));
    }
}
