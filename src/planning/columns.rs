//! What one agent of a shift template can work in a week: on which days, with breaks where,
//! which intervals that leaves them Ready in, and what it costs. The shift plan chooses how
//! many agents work each (`shifts`).
//!
//! Without `work_days`, every day of a template is a choice of its own (the roster may
//! differ by day); with it, a choice is a week of `work_days` days of the template's, the
//! days off together.

use crate::scenario::calendar::WeekSchedule;
use crate::scenario::templates::ShiftTemplate;
use crate::scenario::{Premium, Staffing};
use crate::time::{DAY, HOUR, Millis, WEEK};

#[derive(Clone, Debug)]
pub(super) struct Column {
    pub template: usize,
    /// The weekdays worked (0: Monday), ascending.
    pub days: Vec<usize>,
    /// Each break's start, from the shift's start, in the order of the template's.
    pub breaks: Vec<Millis>,
    /// The breaks as daily times, when the template places them (`None`: the group's own).
    pub break_schedule: Option<WeekSchedule>,
    /// Slots of the week in which the agent is on duty and off its breaks throughout.
    pub covers: Vec<usize>,
    /// Paid hours a week, and the same with each hour times one plus its premiums.
    pub hours: f64,
    pub weighted: f64,
}

/// Every choice of every template, with `interval`-long slots and break starts `interval`
/// apart.
pub(super) fn columns(staffing: &Staffing, interval: Millis) -> Vec<Column> {
    let placed = staffing.shifts.iter().any(|t| !t.breaks.is_empty());
    let mut out = Vec::new();
    for (j, t) in staffing.shifts.iter().enumerate() {
        for days in patterns(&t.days, staffing.work_days) {
            for breaks in t.placements(interval) {
                out.push(column(
                    t,
                    j,
                    days.clone(),
                    breaks,
                    placed,
                    interval,
                    staffing,
                ));
            }
        }
    }
    out
}

/// The day sets an agent of a template with `days` may work: each day alone, or `work` of
/// them with the others off in one block (counted round the template's days).
pub(super) fn patterns(days: &[usize], work: Option<usize>) -> Vec<Vec<usize>> {
    let Some(work) = work else {
        return days.iter().map(|&d| vec![d]).collect();
    };
    let m = days.len();
    if work >= m {
        return vec![days.to_vec()];
    }
    let mut out: Vec<Vec<usize>> = (0..m)
        .map(|first_off| {
            let off: Vec<usize> = (0..m - work).map(|k| days[(first_off + k) % m]).collect();
            days.iter().copied().filter(|d| !off.contains(d)).collect()
        })
        .collect();
    out.dedup();
    out
}

/// `[s, e)` of the week, split where it wraps past Sunday midnight.
fn wrapped(s: Millis, e: Millis) -> Vec<(Millis, Millis)> {
    if e <= WEEK {
        vec![(s, e)]
    } else {
        vec![(s, WEEK), (0, e - WEEK)]
    }
}

/// A window's hours, each times one plus the premiums on it.
fn weighted_hours(premiums: &[Premium], s: Millis, e: Millis) -> f64 {
    wrapped(s, e)
        .into_iter()
        .map(|(a, b)| {
            let extra: f64 = premiums
                .iter()
                .map(|p| p.extra * p.when.overlap(a, b) as f64)
                .sum();
            ((b - a) as f64 + extra) / HOUR as f64
        })
        .sum()
}

/// The shift of template `t` worked on `days` with its breaks at `breaks`.
pub(super) fn shift_schedule(t: &ShiftTemplate, days: &[usize]) -> WeekSchedule {
    WeekSchedule::from_windows(
        days.iter()
            .flat_map(|&d| {
                let s = d as Millis * DAY + t.start;
                wrapped(s, s + t.length)
            })
            .collect(),
    )
}

/// The breaks at `breaks` (from the shift's start) as daily times of day and lengths.
pub(super) fn break_times(t: &ShiftTemplate, breaks: &[Millis]) -> Vec<(Millis, Millis)> {
    breaks
        .iter()
        .zip(&t.breaks)
        .map(|(&at, rule)| ((t.start + at) % DAY, rule.length))
        .collect()
}

fn column(
    t: &ShiftTemplate,
    template: usize,
    days: Vec<usize>,
    breaks: Vec<Millis>,
    placed: bool,
    interval: Millis,
    staffing: &Staffing,
) -> Column {
    let schedule = shift_schedule(t, &days);
    let break_schedule = placed.then(|| WeekSchedule::daily(&break_times(t, &breaks)));
    let covers = (0..(WEEK / interval) as usize)
        .filter(|&i| {
            let from = i as Millis * interval;
            let to = from + interval;
            schedule.covers(from, to)
                && break_schedule
                    .as_ref()
                    .is_none_or(|b| b.overlap(from, to) == 0)
        })
        .collect();
    let mut hours = 0.0;
    let mut weighted = 0.0;
    for &d in &days {
        let s = d as Millis * DAY + t.start;
        hours += t.paid_hours();
        weighted += weighted_hours(&staffing.premiums, s, s + t.length);
        for (&at, rule) in breaks.iter().zip(&t.breaks).filter(|(_, r)| !r.paid) {
            weighted -= weighted_hours(&staffing.premiums, s + at, s + at + rule.length);
        }
    }
    Column {
        template,
        days,
        breaks,
        break_schedule,
        covers,
        hours,
        weighted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::templates::parse_template;
    use crate::time::MINUTE;

    fn staffing(shifts: &[&str], work_days: Option<usize>, premiums: Vec<Premium>) -> Staffing {
        Staffing {
            groups: vec![0],
            targets: Vec::new(),
            shifts: shifts.iter().map(|s| parse_template(s).unwrap()).collect(),
            work_days,
            max_agents: 10,
            costs: None,
            premiums,
        }
    }

    #[test]
    fn five_days_of_seven_have_their_two_days_off_together() {
        let all: Vec<usize> = (0..7).collect();
        let p = patterns(&all, Some(5));
        assert_eq!(p.len(), 7);
        assert!(p.contains(&vec![0, 1, 2, 3, 4]));
        // Off on Sunday and Monday, round the week.
        assert!(p.contains(&vec![1, 2, 3, 4, 5]));
        assert!(p.iter().all(|d| d.len() == 5));
        assert_eq!(patterns(&[5], Some(5)), vec![vec![5]]);
        assert_eq!(patterns(&[0, 1], None), vec![vec![0], vec![1]]);
    }

    #[test]
    fn an_agent_on_lunch_covers_neither_half_hour_of_it() {
        let s = staffing(
            &["mon 08:00-12:00 break 1h in 10:00-11:00"],
            None,
            Vec::new(),
        );
        let c = columns(&s, 30 * MINUTE);
        assert_eq!(c.len(), 1);
        // 08:00–10:00 and 11:00–12:00: six half-hours of eight.
        assert_eq!(c[0].covers, vec![16, 17, 18, 19, 22, 23]);
        assert_eq!(c[0].hours, 3.0);
    }

    #[test]
    fn weekend_and_night_premiums_weigh_the_hours_they_fall_on() {
        let weekend = Premium {
            when: WeekSchedule::from_windows(
                crate::scenario::calendar::parse_window("sat-sun 00:00-24:00").unwrap(),
            ),
            extra: 0.5,
        };
        let s = staffing(&["fri-sat 20:00-02:00"], None, vec![weekend]);
        let c = columns(&s, 30 * MINUTE);
        // Friday's shift: 4 h on Friday, 2 h on Saturday at +50%; Saturday's: 6 h at +50%.
        assert_eq!(c[0].weighted, 4.0 + 3.0);
        assert_eq!(c[1].weighted, 9.0);
        assert_eq!(c[0].hours, 6.0);
    }
}
