//! Plans that are valid but silently broken: chats sent to a team when nobody of it is on
//! shift, inactivity transfers to a team nobody staffs at the time. Warnings, not errors —
//! a night with nobody online may be the plan — printed once each, before the run.

use super::calendar::{clock, day_list};
use super::{AgentGroup, Destination, Scenario, TeamId};
use crate::time::{DAY, MINUTE, Millis, WEEK};

/// The week is looked at in slots this long: finer than any realistic shift boundary.
const SLOT: Millis = 15 * MINUTE;
const SLOTS: usize = (WEEK / SLOT) as usize;

/// Every warning the scenario deserves, in the order of the file.
pub fn warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let staffed: Vec<Vec<bool>> = (0..s.teams.len())
        .map(|t| staffed_slots(s, TeamId(t as u32)))
        .collect();
    let mut any_traffic = vec![false; SLOTS];
    // Per team and slot: the chats expected in a week.
    let mut load = vec![vec![0.0; SLOTS]; s.teams.len()];
    for a in &s.arrivals {
        if let Some(trace) = &a.trace {
            out.extend(
                trace
                    .summary
                    .notes()
                    .into_iter()
                    .map(|n| format!("`{}` replays {}: {n}", a.name, trace.path.display())),
            );
            if trace.after_horizon > 0 {
                out.push(format!(
                    "`{}` replays {} of the {} chats of {}: the log goes on past `horizon`",
                    a.name,
                    trace.chats.len(),
                    trace.chats.len() as u64 + trace.after_horizon,
                    trace.path.display()
                ));
            }
        }
        let total = a.profile.weekly_volume();
        let mut before = 0.0;
        for &(d, cumulative) in &a.route {
            let mut weight = cumulative - before;
            before = cumulative;
            let Destination::Team(t) = d else { continue };
            // A log says which team each chat went to, and when.
            let traced = a.trace.as_ref().map(|trace| trace.profile(Some(d)));
            if traced.is_some() {
                weight = 1.0;
            }
            let profile = traced.as_ref().unwrap_or(&a.profile);
            let mut lost = 0.0;
            let mut empty = vec![false; SLOTS];
            for (k, slot) in empty.iter_mut().enumerate() {
                let rate = profile.rate_at(k as Millis * SLOT + SLOT / 2);
                if rate > 0.0 {
                    any_traffic[k] = true;
                }
                load[t.0 as usize][k] += rate * SLOT as f64 * weight;
                if rate > 0.0 && !staffed[t.0 as usize][k] {
                    *slot = true;
                    lost += rate * SLOT as f64 * weight;
                }
            }
            if lost > 0.0 {
                out.push(format!(
                    "`{}` sends {:.0}% of its chats to `{}` when nobody of it is on shift: {}",
                    a.name,
                    100.0 * lost / total,
                    s.teams[t.0 as usize].name,
                    windows(&empty)
                ));
            }
        }
    }
    for (t, team) in s.teams.iter().enumerate() {
        let all_away = on_break_together(s, TeamId(t as u32));
        let lost: f64 = (0..SLOTS)
            .filter(|&k| all_away[k])
            .map(|k| load[t][k])
            .sum();
        let total: f64 = load[t].iter().sum();
        if lost > 0.0 {
            let marked: Vec<bool> = (0..SLOTS)
                .map(|k| all_away[k] && load[t][k] > 0.0)
                .collect();
            out.push(format!(
                "`{}`: every agent on shift is on a break {} while {:.0}% of its chats arrive; they wait for the break to end: stagger the breaks (groups with `breaks` at different times)",
                team.name,
                windows(&marked),
                100.0 * lost / total
            ));
        }
    }
    let flows = [
        ("team_queue", &s.inactivity.team_queue),
        ("agent_queue", &s.inactivity.agent_queue),
        ("waiting_queue", &s.inactivity.waiting_queue),
    ];
    for (kind, set) in flows {
        let Some(set) = set else { continue };
        let mut targets: Vec<TeamId> = std::iter::once(&set.main)
            .chain(set.exceptions.iter().map(|e| &e.1))
            .filter_map(|f| match f.action.map(|a| a.kind) {
                Some(crate::inactivity::ActionKind::Transfer(t)) => Some(t),
                _ => None,
            })
            .collect();
        targets.dedup();
        for t in targets {
            let empty: Vec<bool> = (0..SLOTS)
                .map(|k| any_traffic[k] && !staffed[t.0 as usize][k])
                .collect();
            if empty.contains(&true) {
                out.push(format!(
                    "inactivity.{kind} transfers chats to `{}`, which has nobody on shift while chats come in: {}",
                    s.teams[t.0 as usize].name,
                    windows(&empty)
                ));
            }
        }
    }
    out
}

/// The teams of `distribution = "sequential"` whose queue nobody takes from by hand.
pub fn unswept_sequential_teams(s: &Scenario) -> Vec<&str> {
    s.teams
        .iter()
        .enumerate()
        .filter(|(_, team)| matches!(team.distribution, super::Distribution::Sequential { .. }))
        .filter(|(t, _)| {
            let t = TeamId(*t as u32);
            !s.agent_groups
                .iter()
                .any(|g| g.count > 0 && g.pickup.is_some() && g.takes_from(t))
        })
        .map(|(_, team)| team.name.as_str())
        .collect()
}

/// Whether someone who can take team `t`'s chats is on shift in each slot of the week.
fn staffed_slots(s: &Scenario, t: TeamId) -> Vec<bool> {
    by_slot(
        s,
        t,
        |_| true,
        |groups, at| groups.iter().any(|g| g.on_duty(at)),
    )
}

/// Whether, in each slot of the week, somebody who can take team `t`'s chats is on duty but
/// every such agent is on a break: Not ready all at once. A supervisor who hands chats out
/// (`assign`) takes none of them itself, so it does not count as somebody Ready.
fn on_break_together(s: &Scenario, t: TeamId) -> Vec<bool> {
    let takes = |g: &AgentGroup| !g.pickup.as_ref().is_some_and(|p| p.assign);
    by_slot(s, t, takes, |groups, at| {
        let mut on = groups.iter().filter(|g| g.on_duty(at)).peekable();
        on.peek().is_some() && on.all(|g| g.all_on_break(at))
    })
}

/// `holds` in each slot of the week (at its middle), over the groups that can take team `t`'s
/// chats and pass `counts`.
fn by_slot(
    s: &Scenario,
    t: TeamId,
    counts: impl Fn(&AgentGroup) -> bool,
    holds: impl Fn(&[&AgentGroup], Millis) -> bool,
) -> Vec<bool> {
    let groups: Vec<&AgentGroup> = s
        .agent_groups
        .iter()
        .filter(|g| g.count > 0 && g.takes_from(t) && counts(g))
        .collect();
    (0..SLOTS)
        .map(|k| holds(&groups, k as Millis * SLOT + SLOT / 2))
        .collect()
}

/// A day's windows, `[start, end)` in time of day.
type Spans = Vec<(Millis, Millis)>;

/// The marked slots as daily windows, days with the same windows together:
/// `mon-fri 00:00–08:00, 20:00–24:00; sun 10:00–16:00`.
fn windows(marked: &[bool]) -> String {
    let per_day = (DAY / SLOT) as usize;
    let days: Vec<Spans> = marked
        .chunks(per_day)
        .map(|day| {
            let mut spans: Vec<(Millis, Millis)> = Vec::new();
            for (k, &m) in day.iter().enumerate() {
                let start = k as Millis * SLOT;
                match spans.last_mut() {
                    Some(last) if m && last.1 == start => last.1 = start + SLOT,
                    _ if m => spans.push((start, start + SLOT)),
                    _ => {}
                }
            }
            spans
        })
        .collect();
    let mut groups: Vec<(Vec<usize>, &Spans)> = Vec::new();
    for (d, spans) in days.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
        match groups.iter_mut().find(|(_, s)| *s == spans) {
            Some((ds, _)) => ds.push(d),
            None => groups.push((vec![d], spans)),
        }
    }
    groups
        .iter()
        .map(|(ds, spans)| {
            let hours: Vec<String> = spans
                .iter()
                .map(|&(a, b)| format!("{}–{}", clock(a), clock(b)))
                .collect();
            format!("{} {}", day_list(ds), hours.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    fn mark(m: &mut [bool], from: Millis, to: Millis) {
        m[(from / SLOT) as usize..(to / SLOT) as usize].fill(true);
    }

    /// Two groups of team `t` on shift 08:00-20:00, with the given breaks; chats all day.
    fn lunch(first: &str, second: &str) -> Vec<String> {
        let text = format!(
            r#"
name = "lunch"
[simulation]
horizon = "7d"
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
shifts = ["mon-sun 08:00-20:00"]
breaks = [{{ at = "{first}", length = "1h" }}]
[[agents]]
name = "b"
team = "t"
shifts = ["mon-sun 08:00-20:00"]
breaks = [{{ at = "{second}", length = "1h" }}]
[[arrivals]]
name = "in"
team = "t"
profile = [{{ when = "mon-sun 08:00-20:00", rate = "12/h" }}]
[conversation]
handle_time = {{ dist = "constant", value = "1m" }}
"#
        );
        let s = Scenario::parse(&text, std::path::Path::new("lunch.toml")).unwrap();
        warnings(&s)
    }

    #[test]
    fn a_team_whose_agents_all_break_at_once_is_warned_of() {
        // A whole-team lunch leaves nobody Ready while an hour of the day's 12 hours of chats
        // come in; staggered lunches leave someone Ready throughout.
        assert_eq!(
            lunch("12:00", "12:00"),
            vec![
                "`t`: every agent on shift is on a break mon-sun 12:00–13:00 while 8% of its chats arrive; they wait for the break to end: stagger the breaks (groups with `breaks` at different times)"
            ]
        );
        assert!(lunch("12:00", "13:00").is_empty());
    }

    #[test]
    fn windows_read_as_days_and_hours() {
        let mut m = vec![false; SLOTS];
        // Sunday all day, and Monday 22:00–24:00.
        mark(&mut m, 6 * DAY, WEEK);
        mark(&mut m, 22 * HOUR, DAY);
        assert_eq!(windows(&m), "mon 22:00–24:00; sun 00:00–24:00");
        // Every weekday night, and the weekend afternoons.
        let mut m = vec![false; SLOTS];
        for d in 0..7 {
            if d < 5 {
                mark(&mut m, d * DAY, d * DAY + 8 * HOUR);
            } else {
                mark(&mut m, d * DAY + 10 * HOUR, d * DAY + 16 * HOUR);
            }
        }
        assert_eq!(windows(&m), "mon-fri 00:00–08:00; sat,sun 10:00–16:00");
    }
}
