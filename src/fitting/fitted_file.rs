//! The fitted scenario: the base scenario as written — simulation, teams, agents, rules,
//! comments — with its arrivals, patience and handle time replaced by the log's, each with a
//! comment saying what it rests on.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::families::FamilyFit;
use super::{Estimate, Fit, duration};
use crate::chatlog::WAITING;
use crate::chatlog::timestamp::date;
use crate::scenario::Scenario;
use crate::scenario::write::week_windows;

/// Keys of the turn model: a fitted handle time replaces the conversation's turns.
const TURN_KEYS: [&str; 5] = [
    "turns",
    "first_reply",
    "agent_reply",
    "customer_reply",
    "customer_silent_probability",
];

/// The text of the fitted scenario.
pub fn render(base: &Scenario, fit: &Fit) -> String {
    let mut doc = base.document();
    let position = match doc.get("arrivals") {
        Some(Item::ArrayOfTables(a)) => a.get(0).and_then(Table::position),
        _ => None,
    };
    let mut arrivals = ArrayOfTables::new();
    for (team, volume) in &fit.teams {
        let mut t = Table::new();
        t.set_position(position);
        t.insert("name", toml_edit::value(team.as_str()));
        if team == WAITING {
            t.insert("route", toml_edit::value(WAITING));
        } else {
            t.insert("team", toml_edit::value(team.as_str()));
        }
        let rates: Vec<Option<String>> = volume
            .rates
            .iter()
            .map(|&r| (r > 0.0).then(|| format!("{}/h", significant(r))))
            .collect();
        t.insert(
            "profile",
            Item::Value(Value::Array(week_windows(&rates, fit.interval, "rate"))),
        );
        let (per_week, low, high) = volume.per_week;
        let mut comment = format!(
            "\n# Fitted from {}: {} chats of team {team} over {:.1} weeks ({} to {}), {:.0} a week (95%: {:.0}-{:.0}). The profile is the log's average week.\n",
            fit.log.display(),
            volume.chats,
            fit.weeks(),
            date(fit.days.0),
            date(fit.days.1),
            per_week,
            low,
            high
        );
        match volume.cv {
            Some((cv, lo, hi)) => {
                t.insert("day_to_day_cv", toml_edit::value(round3(cv)));
                comment += &format!(
                    "# day_to_day_cv: excess variance of daily totals by weekday (95%: {:.3}-{:.3}).\n",
                    lo, hi
                );
            }
            None => {
                comment +=
                    "# day_to_day_cv left out: it needs the same weekday seen at least twice.\n"
            }
        }
        t.decor_mut().set_prefix(comment);
        arrivals.push(t);
    }
    doc.insert("arrivals", Item::ArrayOfTables(arrivals));

    if let Some(best) = fit.patience.best() {
        let t = &fit.patience.times;
        let note = format!(
            "# patience: censored maximum likelihood over {} waits ({} abandoned, {} answered and censored at their wait); {}\n# The mean time to abandon of the abandoned alone would say {}.\n",
            t.len(),
            t.events(),
            t.censored(),
            choice(&fit.patience, best),
            duration(t.naive_mean()),
        );
        set(table(&mut doc, "customers"), "patience", dist(best), note);
    }
    let conversation = table(&mut doc, "conversation");
    let turns: Vec<&str> = TURN_KEYS
        .into_iter()
        .filter(|k| conversation.remove(k).is_some())
        .collect();
    if let Some(best) = fit.handle.best() {
        let mut note = format!(
            "# handle_time: maximum likelihood over {} served chats (first reply to end); {}\n",
            fit.handle.times.len(),
            choice(&fit.handle, best)
        );
        if !turns.is_empty() {
            note += &format!(
                "# It replaces the turn model of the base scenario ({}).\n",
                turns.join(", ")
            );
        }
        set(conversation, "handle_time", dist(best), note);
    }
    let notes = fit.summary.notes();
    let missing = [
        ("patience", fit.patience_missing()),
        ("handle time", fit.handle_missing()),
    ];
    let mut from_log = vec!["arrivals"];
    from_log.extend(missing.iter().filter(|m| m.1.is_none()).map(|m| m.0));
    let mut header = format!(
        "# Fitted by `ccsim fit` from {} ({} rows) on {}: {} come from the log;\n# everything else is the base scenario's.\n",
        fit.log.display(),
        fit.summary.rows,
        base.path.display(),
        from_log.join(", "),
    );
    for (what, why) in &missing {
        if let Some(why) = why {
            header += &format!("# Not fitted: {what}, the base scenario's is kept: {why}.\n");
        }
    }
    for n in notes {
        header += &format!("# Log: {n}.\n");
    }
    header + "\n" + &doc.to_string()
}

fn table<'d>(doc: &'d mut DocumentMut, name: &str) -> &'d mut Table {
    if !doc.contains_key(name) {
        doc.insert(name, Item::Table(Table::new()));
    }
    doc[name]
        .as_table_mut()
        .expect("a validated scenario has this key as a table")
}

fn set(table: &mut Table, key: &str, value: InlineTable, note: String) {
    table.insert(key, Item::Value(Value::InlineTable(value)));
    if let Some(mut k) = table.key_mut(key) {
        k.leaf_decor_mut().set_prefix(note);
    }
}

/// Why this family: its AIC against the others'.
fn choice(e: &Estimate, best: &FamilyFit) -> String {
    let others: Vec<String> = e
        .fits
        .iter()
        .filter(|f| f.family != best.family)
        .map(|f| format!("{} {:+.1}", f.family.name(), f.aic - best.aic))
        .collect();
    let mean = match best.parameters.first() {
        Some(p) if p.name == "mean" && p.low.is_finite() && p.high.is_finite() => {
            format!("mean 95%: {}-{}", duration(p.low), duration(p.high))
        }
        _ => format!("mean {}", duration(best.mean())),
    };
    format!(
        "{} has the lowest AIC ({}), {mean}.",
        best.family.name(),
        if others.is_empty() {
            "alone".to_string()
        } else {
            format!("AIC difference: {}", others.join(", "))
        }
    )
}

/// The fitted family as a scenario distribution table.
fn dist(fit: &FamilyFit) -> InlineTable {
    let mut t = InlineTable::new();
    t.insert("dist", fit.family.name().into());
    for p in &fit.parameters {
        if p.minutes {
            t.insert(p.name, duration(p.value).into());
        } else {
            t.insert(
                p.name,
                significant(p.value)
                    .parse::<f64>()
                    .unwrap_or(p.value)
                    .into(),
            );
        }
    }
    t
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Four significant digits, without trailing zeros.
fn significant(x: f64) -> String {
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates_read_as_a_person_writes_them() {
        assert_eq!(duration(5.0), "5m");
        assert_eq!(duration(4.0 + 32.5 / 60.0), "4m32.5s");
        assert_eq!(duration(0.5), "30s");
        assert_eq!(significant(12.3456), "12.35");
        assert_eq!(significant(0.012345), "0.01235");
        assert_eq!(significant(1234.56), "1235");
        assert_eq!(significant(40.0), "40");
    }
}
