//! Shift templates for `ccsim staff`: the days a shift may be worked, its hours, and breaks
//! the plan places within a window (`"mon-fri 08:00-17:00 break 1h in 11:00-14:00"`).

use super::calendar::{clock, parse_window};
use super::units::parse_duration;
use crate::time::{DAY, Millis};

/// A candidate shift as `[staffing] shifts` writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftTemplate {
    /// The weekdays it may start on (0: Monday), ascending.
    pub days: Vec<usize>,
    /// Its start, as a time of day, and its length (up to a day; past midnight runs into the
    /// next day).
    pub start: Millis,
    pub length: Millis,
    pub breaks: Vec<BreakRule>,
}

/// A break the plan places: `length` long, starting no earlier than `earliest` and ending no
/// later than `latest`, both counted from the shift's start.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakRule {
    pub length: Millis,
    pub earliest: Millis,
    pub latest: Millis,
    /// A paid break counts toward the shift's hours and cost.
    pub paid: bool,
}

impl ShiftTemplate {
    /// `"08:00-17:00"`.
    pub fn hours(&self) -> String {
        let end = (self.start + self.length) % DAY;
        let end = if end == 0 {
            "24:00".to_string()
        } else {
            clock(end)
        };
        format!("{}-{end}", clock(self.start))
    }

    /// Where each break may start, from the shift's start, `step` apart (the plan's
    /// interval): the earliest start, then every step while the break still ends in time.
    pub fn break_starts(&self, rule: &BreakRule, step: Millis) -> Vec<Millis> {
        let mut out = Vec::new();
        let mut at = rule.earliest;
        while at + rule.length <= rule.latest {
            out.push(at);
            at += step.max(1);
        }
        out
    }

    /// Every way to place all the breaks, `step` apart, with no two overlapping: each a list
    /// of starts from the shift's start, in the order of the rules. One empty placement for a
    /// shift without breaks.
    pub fn placements(&self, step: Millis) -> Vec<Vec<Millis>> {
        let mut out: Vec<Vec<Millis>> = vec![Vec::new()];
        for rule in &self.breaks {
            let starts = self.break_starts(rule, step);
            out = out
                .iter()
                .flat_map(|placed| {
                    starts.iter().filter_map(move |&at| {
                        let clear = placed
                            .iter()
                            .zip(&self.breaks)
                            .all(|(&p, r)| at + rule.length <= p || p + r.length <= at);
                        clear.then(|| {
                            let mut next = placed.clone();
                            next.push(at);
                            next
                        })
                    })
                })
                .collect();
        }
        out
    }

    /// Hours a day it pays: the shift less its unpaid breaks.
    pub fn paid_hours(&self) -> f64 {
        let unpaid: Millis = self
            .breaks
            .iter()
            .filter(|b| !b.paid)
            .map(|b| b.length)
            .sum();
        (self.length - unpaid) as f64 / crate::time::HOUR as f64
    }
}

/// Parses `"<days> HH:MM-HH:MM [break <length> [paid|unpaid] in HH:MM-HH:MM]…"`.
pub fn parse_template(text: &str) -> Result<ShiftTemplate, String> {
    let mut parts = text.split(" break ");
    let shift = parts.next().unwrap_or_default().trim();
    parse_window(shift)?;
    let (days_text, hours) = shift.split_once(' ').unwrap_or((shift, ""));
    let monday = parse_window(&format!("mon {}", hours.trim()))?;
    let start = monday[0].0;
    let length = monday.iter().map(|w| w.1 - w.0).sum();
    let days = parse_window(&format!("{days_text} 00:00-00:01"))?
        .into_iter()
        .map(|w| (w.0 / DAY) as usize)
        .collect();
    let mut breaks = Vec::new();
    for clause in parts {
        breaks.push(parse_break(clause.trim(), start, length)?);
    }
    Ok(ShiftTemplate {
        days,
        start,
        length,
        breaks,
    })
}

/// `"1h in 11:00-14:00"`, `"15m paid in 15:00-16:00"`: a break within a shift that starts at
/// `start` and lasts `length`.
fn parse_break(clause: &str, start: Millis, length: Millis) -> Result<BreakRule, String> {
    let expected = || {
        format!(
            "expected a break such as \"break 1h in 11:00-14:00\" or \"break 15m paid in 15:00-16:00\", got \"break {clause}\""
        )
    };
    let (head, window) = clause.split_once(" in ").ok_or_else(expected)?;
    let mut words = head.split_whitespace();
    let duration = parse_duration(words.next().ok_or_else(expected)?)?;
    let paid = match words.next() {
        None | Some("unpaid") => false,
        Some("paid") => true,
        Some(_) => return Err(expected()),
    };
    if words.next().is_some() || duration <= 0 {
        return Err(expected());
    }
    let span = parse_window(&format!("mon {}", window.trim()))?;
    let (from, to) = (
        span[0].0,
        span[0].0 + span.iter().map(|w| w.1 - w.0).sum::<Millis>(),
    );
    // Offsets from the shift's start; a window after midnight belongs to the same shift.
    let earliest = (from - start).rem_euclid(DAY);
    let latest = earliest + (to - from);
    if latest > length {
        return Err(format!(
            "the break window {} is not inside the shift ({}-{}): a break is taken during the shift",
            window.trim(),
            clock(start),
            clock((start + length) % DAY)
        ));
    }
    if to - from < duration {
        return Err(format!(
            "a {} break does not fit in the window {}",
            crate::scenario::units::duration(duration as f64 / crate::time::MINUTE as f64),
            window.trim()
        ));
    }
    Ok(BreakRule {
        length: duration,
        earliest,
        latest,
        paid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{HOUR, MINUTE};

    #[test]
    fn a_template_with_a_lunch_window_places_the_lunch_every_half_hour() {
        let t = parse_template("mon-fri 08:00-17:00 break 1h in 11:00-14:00").unwrap();
        assert_eq!(t.days, vec![0, 1, 2, 3, 4]);
        assert_eq!((t.start, t.length), (8 * HOUR, 9 * HOUR));
        assert_eq!(t.hours(), "08:00-17:00");
        let starts = t.break_starts(&t.breaks[0], 30 * MINUTE);
        // 11:00, 11:30, 12:00, 12:30, 13:00: the last ends at 14:00.
        assert_eq!(starts.len(), 5);
        assert_eq!(starts[0], 3 * HOUR);
        assert_eq!(t.paid_hours(), 8.0);
    }

    #[test]
    fn two_breaks_never_overlap_and_a_paid_one_is_paid() {
        let t = parse_template(
            "sat 09:00-15:00 break 30m in 11:00-12:00 break 15m paid in 11:00-12:00",
        )
        .unwrap();
        for p in t.placements(15 * MINUTE) {
            let (a, b) = (p[0], p[1]);
            assert!(a + 30 * MINUTE <= b || b + 15 * MINUTE <= a, "{p:?}");
        }
        assert!(!t.placements(15 * MINUTE).is_empty());
        assert_eq!(t.paid_hours(), 5.5);
    }

    #[test]
    fn a_night_shift_takes_its_break_after_midnight() {
        let t = parse_template("mon-fri 22:00-06:00 break 30m in 02:00-03:00").unwrap();
        assert_eq!(t.length, 8 * HOUR);
        assert_eq!(t.breaks[0].earliest, 4 * HOUR);
    }

    #[test]
    fn a_break_window_outside_the_shift_is_refused() {
        let e = parse_template("mon-fri 08:00-12:00 break 1h in 11:00-14:00").unwrap_err();
        assert!(e.contains("not inside the shift"), "{e}");
        let e = parse_template("mon-fri 08:00-17:00 break 2h in 11:00-12:00").unwrap_err();
        assert!(e.contains("does not fit"), "{e}");
        let e = parse_template("mon-fri 08:00-17:00 break 1h at 11:00").unwrap_err();
        assert!(e.contains("expected a break"), "{e}");
    }
}
