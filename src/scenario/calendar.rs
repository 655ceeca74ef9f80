//! The weekly calendar that shifts and arrival profiles are written on: `"mon-fri 08:00-18:00"`,
//! `"sat 09:00-13:00"`, `"mon,wed 22:00-06:00"` (an end at or before the start runs past
//! midnight into the next day).

use crate::chatlog::timestamp::{civil_from_days, days_from_civil, weekday};
use crate::time::{DAY, HOUR, MINUTE, Millis, WEEK};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn weekday_name(day: usize) -> &'static str {
    DAYS[day % 7]
}

/// `"08:30"` for a time of day in ms (`"24:00"` for the end of the day).
pub fn clock(t: Millis) -> String {
    format!("{:02}:{:02}", t / HOUR, t % HOUR / MINUTE)
}

/// `"mon 08:30"` for a week time in ms.
pub fn week_label(week_time: Millis) -> String {
    let t = week_time.rem_euclid(WEEK);
    format!("{} {}", weekday_name((t / DAY) as usize), clock(t % DAY))
}

/// `mon-fri`, `sat,sun` or `mon,wed`: runs of three or more days as ranges.
pub fn day_list(days: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!(
                "{}-{}",
                weekday_name(days[i]),
                weekday_name(days[j])
            ));
        } else {
            parts.extend((i..=j).map(|k| weekday_name(days[k]).to_string()));
        }
        i = j + 1;
    }
    parts.join(",")
}

fn parse_day(text: &str) -> Result<usize, String> {
    let lower = text.trim().to_ascii_lowercase();
    DAYS.iter().position(|d| *d == lower).ok_or_else(|| {
        format!(
            "unknown weekday {} (use mon, tue, wed, thu, fri, sat, sun)",
            crate::io::quoted(text)
        )
    })
}

/// `"mon-fri"`, `"sat"`, `"mon,wed,fri"`, `"fri-mon"` (wraps through the weekend).
fn parse_days(text: &str) -> Result<Vec<usize>, String> {
    let mut days = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days.push(parse_day(part)?),
        }
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// `"08:30"` → milliseconds since midnight; `"24:00"` only where `allow_24` (an end).
fn parse_clock(text: &str, allow_24: bool) -> Result<Millis, String> {
    let bad = || {
        format!(
            "expected a time of day as HH:MM, got {}",
            crate::io::quoted(text)
        )
    };
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: i64 = h.parse().map_err(|_| bad())?;
    let m: i64 = m.parse().map_err(|_| bad())?;
    let limit = if allow_24 { 24 } else { 23 };
    if !(0..=limit).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * HOUR + m * MINUTE)
}

/// `"mon 08:00"` → milliseconds since Monday 00:00.
/// A civil date `2026-11-27`, as days since 1970-01-01.
pub fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "expected a date such as \"2026-11-27\", got {}",
            crate::io::quoted(text)
        )
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(bad());
    };
    if !(1900..=9999).contains(&y) {
        return Err(bad());
    }
    let day = days_from_civil(y, m, d);
    // A 31st of a 30-day month would silently be the 1st of the next.
    if civil_from_days(day) != (y, m, d) {
        return Err(format!(
            "{} is not a date of the calendar",
            crate::io::quoted(text)
        ));
    }
    Ok(day)
}

/// `[simulation] start`: a week point (`"mon 08:00"`), or a date with an optional time
/// (`"2026-11-23"`, `"2026-11-23 08:00"`), whose weekday it is then. Returns the week point
/// and the date of the start's day, if given.
pub fn parse_start(text: &str) -> Result<(Millis, Option<i64>), String> {
    let text = text.trim();
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_week_point(text).map(|t| (t, None));
    }
    let (date, clock) = text.split_once(' ').unwrap_or((text, "00:00"));
    let day = parse_date(date)?;
    let time = parse_clock(clock.trim(), false)?;
    Ok((weekday(day) as Millis * DAY + time, Some(day)))
}

pub fn parse_week_point(text: &str) -> Result<Millis, String> {
    let (day, clock) = text.trim().split_once(' ').ok_or_else(|| {
        format!(
            "expected a weekday and time such as \"mon 08:00\", got {}",
            crate::io::quoted(text)
        )
    })?;
    Ok(parse_day(day)? as Millis * DAY + parse_clock(clock, false)?)
}

/// Parses one window specification into half-open intervals of the week, `[start, end)` with
/// `0 <= start < end <= WEEK`, split where they wrap past Sunday midnight.
pub fn parse_window(text: &str) -> Result<Vec<(Millis, Millis)>, String> {
    let expected = || {
        format!(
            "expected days and hours such as \"mon-fri 08:00-18:00\", got {}",
            crate::io::quoted(text)
        )
    };
    let (days, hours) = text.trim().split_once(' ').ok_or_else(expected)?;
    let (from, to) = hours.trim().split_once('-').ok_or_else(expected)?;
    let from = parse_clock(from, false)?;
    let to = parse_clock(to, true)?;
    let length = if to > from {
        to - from
    } else {
        to + DAY - from
    };
    let mut out = Vec::new();
    for day in parse_days(days)? {
        let start = day as Millis * DAY + from;
        let end = start + length;
        if end <= WEEK {
            out.push((start, end));
        } else {
            out.push((start, WEEK));
            out.push((0, end - WEEK));
        }
    }
    Ok(out)
}

/// The union of a set of windows: the times of the week when an agent group is on shift.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekSchedule {
    /// Sorted, disjoint, non-adjacent `[start, end)` intervals within `[0, WEEK]`.
    on: Vec<(Millis, Millis)>,
    /// Week times at which being on duty flips, ascending: kept so that the calendar, which
    /// asks at every change, never allocates.
    changes: Vec<Millis>,
}

impl WeekSchedule {
    pub fn from_windows(mut windows: Vec<(Millis, Millis)>) -> Self {
        windows.sort_unstable();
        let mut on: Vec<(Millis, Millis)> = Vec::new();
        for (s, e) in windows {
            match on.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => on.push((s, e)),
            }
        }
        let mut schedule = WeekSchedule {
            on,
            changes: Vec::new(),
        };
        schedule.changes = schedule.flips();
        schedule
    }

    /// One schedule per agent from how many agents are on duty in each window (windows that
    /// overlap add up): agent `i` is on duty wherever more than `i` are. The first agent on is
    /// the last one off, so an agent stays on across windows instead of handing over.
    pub fn stacked(windows: &[((Millis, Millis), u32)]) -> Vec<WeekSchedule> {
        let mut cuts: Vec<Millis> = vec![0, WEEK];
        for &((s, e), _) in windows {
            cuts.extend([s, e]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let levels: Vec<(Millis, Millis, u32)> = cuts
            .windows(2)
            .map(|c| {
                let level = windows
                    .iter()
                    .filter(|((s, e), _)| *s <= c[0] && c[0] < *e)
                    .map(|(_, n)| n)
                    .sum();
                (c[0], c[1], level)
            })
            .collect();
        let most = levels.iter().map(|l| l.2).max().unwrap_or(0);
        (0..most)
            .map(|i| {
                WeekSchedule::from_windows(
                    levels
                        .iter()
                        .filter(|l| l.2 > i)
                        .map(|l| (l.0, l.1))
                        .collect(),
                )
            })
            .collect()
    }

    /// Whether this schedule is on duty for the whole of `[from, to)` of the week.
    pub fn covers(&self, from: Millis, to: Millis) -> bool {
        self.on.iter().any(|&(s, e)| s <= from && to <= e)
    }

    /// How long, of `[from, to)` (within the week), this schedule is on.
    pub fn overlap(&self, from: Millis, to: Millis) -> Millis {
        self.on
            .iter()
            .map(|&(s, e)| (e.min(to) - s.max(from)).max(0))
            .sum()
    }

    /// Agents on daily breaks at these times of day (`(at, length)`), every day of the week.
    pub fn daily(breaks: &[(Millis, Millis)]) -> Self {
        let mut windows = Vec::new();
        for day in 0..7 {
            for &(at, length) in breaks {
                let s = day * DAY + at;
                let e = s + length.min(DAY);
                if e <= WEEK {
                    windows.push((s, e));
                } else {
                    windows.extend([(s, WEEK), (0, e - WEEK)]);
                }
            }
        }
        WeekSchedule::from_windows(windows)
    }

    /// Hours on duty per week.
    pub fn weekly_hours(&self) -> f64 {
        let ms: Millis = self.on.iter().map(|(s, e)| e - s).sum();
        ms as f64 / crate::time::HOUR as f64
    }

    pub fn is_on(&self, week_time: Millis) -> bool {
        let t = week_time.rem_euclid(WEEK);
        self.on.iter().any(|&(s, e)| s <= t && t < e)
    }

    /// The first instant strictly after `t` (absolute, with `offset` the week time of t = 0) at
    /// which being on shift changes, or `None` for a schedule that never changes.
    pub fn next_change(&self, t: Millis, offset: Millis) -> Option<Millis> {
        let changes = &self.changes;
        let first = *changes.first()?;
        let week_t = (t + offset).rem_euclid(WEEK);
        let week_base = t - week_t;
        Some(match changes.iter().find(|&&x| x > week_t) {
            Some(&x) => week_base + x,
            None => week_base + WEEK + first,
        })
    }

    /// Week times at which the state flips; an interval ending at Sunday midnight that the
    /// next Monday continues is no change.
    fn flips(&self) -> Vec<Millis> {
        let mut points: Vec<Millis> = self
            .on
            .iter()
            .flat_map(|&(s, e)| [s, e % WEEK])
            .filter(|&p| self.is_on(p) != self.is_on(p - 1))
            .collect();
        points.sort_unstable();
        points.dedup();
        points
    }
}

/// A window of the week `[start, end)` and the arrival rate in it (chats per millisecond).
pub type RateWindow = ((Millis, Millis), f64);

/// A weekly piecewise-constant arrival rate (chats per millisecond).
#[derive(Clone, Debug, PartialEq)]
pub struct WeekProfile {
    /// Segment starts (ascending, first is 0) and the rate from each start to the next.
    segments: Vec<(Millis, f64)>,
}

impl WeekProfile {
    pub fn constant(rate: f64) -> Self {
        WeekProfile {
            segments: vec![(0, rate)],
        }
    }

    /// Every rate multiplied by `factor` (a what-if's volume).
    pub fn scaled(mut self, factor: f64) -> Self {
        for (_, rate) in &mut self.segments {
            *rate *= factor;
        }
        self
    }

    /// Overlapping windows add up: two campaigns running at once double the traffic.
    pub fn from_windows(windows: &[RateWindow]) -> Self {
        let mut cuts: Vec<Millis> = vec![0];
        for &((s, e), _) in windows {
            cuts.push(s);
            cuts.push(e);
        }
        cuts.retain(|&c| c < WEEK);
        cuts.sort_unstable();
        cuts.dedup();
        let mut segments: Vec<(Millis, f64)> = Vec::with_capacity(cuts.len());
        for &c in &cuts {
            let rate: f64 = windows
                .iter()
                .filter(|((s, e), _)| *s <= c && c < *e)
                .map(|(_, r)| r)
                .sum();
            match segments.last() {
                Some(&(_, last)) if last == rate => {}
                _ => segments.push((c, rate)),
            }
        }
        WeekProfile { segments }
    }

    pub fn is_constant(&self) -> Option<f64> {
        (self.segments.len() == 1).then(|| self.segments[0].1)
    }

    /// Expected arrivals over one week.
    pub fn weekly_volume(&self) -> f64 {
        self.segments
            .iter()
            .enumerate()
            .map(|(i, &(s, r))| {
                let end = self.segments.get(i + 1).map_or(WEEK, |n| n.0);
                r * (end - s) as f64
            })
            .sum()
    }

    /// The rate (chats per millisecond) at week time `week_t`.
    pub fn rate_at(&self, week_t: Millis) -> f64 {
        self.segments[self.segment_at(week_t.rem_euclid(WEEK) as f64)].1
    }

    /// Expected arrivals over `span` (a week's volume pro rata): what a replication costs.
    pub fn volume_over(&self, span: Millis) -> f64 {
        self.weekly_volume() / WEEK as f64 * span as f64
    }

    /// Where in `segments` the week time `week_t` falls.
    fn segment_at(&self, week_t: f64) -> usize {
        self.segments
            .partition_point(|&(s, _)| (s as f64) <= week_t)
            .saturating_sub(1)
    }

    /// Inverts the cumulative intensity: the time (continuous, ms) at which `mass` expected
    /// arrivals have accumulated after `t`, with the week clock shifted by `offset` and the
    /// rate of simulated day `d` multiplied by `factor(d)` (called for days in increasing
    /// order). Requires a positive weekly volume, or it would never return.
    pub fn advance(
        &self,
        mut t: f64,
        mut mass: f64,
        offset: Millis,
        factor: &mut dyn FnMut(i64) -> f64,
    ) -> f64 {
        let (week, day) = (WEEK as f64, DAY as f64);
        loop {
            let abs = t + offset as f64;
            let week_t = abs - (abs / week).floor() * week;
            let i = self.segment_at(week_t);
            let segment_end = t + self.segments.get(i + 1).map_or(week, |n| n.0 as f64) - week_t;
            let today = (t / day).floor();
            let end = segment_end.min((today + 1.0) * day);
            let rate = self.segments[i].1 * factor(today as i64);
            let room = rate * (end - t);
            if rate > 0.0 && room >= mass {
                return t + mass / rate;
            }
            mass -= room.max(0.0);
            t = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges_wrap_and_lists_combine() {
        assert_eq!(parse_days("mon-fri").unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(parse_days("fri-mon").unwrap(), vec![0, 4, 5, 6]);
        assert_eq!(parse_days("mon,wed").unwrap(), vec![0, 2]);
        assert!(parse_days("funday").is_err());
    }

    #[test]
    fn day_lists_read_back_as_the_same_days() {
        assert_eq!(day_list(&[0, 1, 2, 4]), "mon-wed,fri");
        assert_eq!(day_list(&[5, 6]), "sat,sun");
        assert_eq!(
            parse_days(&day_list(&[0, 1, 2, 4])).unwrap(),
            vec![0, 1, 2, 4]
        );
    }

    #[test]
    fn windows_past_midnight_run_into_the_next_day() {
        let w = parse_window("sun 22:00-06:00").unwrap();
        assert_eq!(w, vec![(6 * DAY + 22 * HOUR, WEEK), (0, 6 * HOUR)]);
        let all = WeekSchedule::from_windows(parse_window("mon-sun 00:00-24:00").unwrap());
        assert_eq!(all.next_change(12_345, 0), None);
        assert!(all.is_on(12_345));
    }

    #[test]
    fn schedule_changes_at_shift_edges_every_week() {
        let s = WeekSchedule::from_windows(parse_window("mon-sat 08:00-14:00").unwrap());
        assert!(!s.is_on(0));
        assert!(s.is_on(9 * HOUR));
        assert_eq!(s.next_change(0, 0), Some(8 * HOUR));
        assert_eq!(s.next_change(8 * HOUR, 0), Some(14 * HOUR));
        // Saturday 14:00 → next Monday 08:00.
        assert_eq!(s.next_change(5 * DAY + 14 * HOUR, 0), Some(WEEK + 8 * HOUR));
        // With the clock starting on Wednesday, t = 0 is Wednesday 00:00.
        assert_eq!(s.next_change(0, 2 * DAY), Some(8 * HOUR));
    }

    #[test]
    fn a_window_across_sunday_midnight_is_one_shift() {
        let s = WeekSchedule::from_windows(parse_window("sun 22:00-06:00").unwrap());
        assert_eq!(s.next_change(0, 0), Some(6 * HOUR));
        assert_eq!(s.next_change(6 * HOUR, 0), Some(6 * DAY + 22 * HOUR));
        assert_eq!(s.next_change(6 * DAY + 22 * HOUR, 0), Some(WEEK + 6 * HOUR));
    }

    #[test]
    fn overlapping_profile_windows_add_up() {
        let p = WeekProfile::from_windows(&[((0, 10 * HOUR), 1.0), ((5 * HOUR, 20 * HOUR), 2.0)]);
        assert_eq!(
            p.segments,
            vec![
                (0, 1.0),
                (5 * HOUR, 3.0),
                (10 * HOUR, 2.0),
                (20 * HOUR, 0.0)
            ]
        );
    }

    #[test]
    fn advance_skips_closed_hours() {
        let windows: Vec<_> = parse_window("mon-sun 08:00-09:00")
            .unwrap()
            .into_iter()
            .map(|w| (w, 1.0 / MINUTE as f64))
            .collect();
        let p = WeekProfile::from_windows(&windows);
        // 30 expected arrivals after midnight land at 08:30.
        let t = p.advance(0.0, 30.0, 0, &mut |_| 1.0);
        assert!((t - (8 * HOUR + 30 * MINUTE) as f64).abs() < 1e-6);
        // 90 expected arrivals need the next day's window too.
        let t = p.advance(0.0, 90.0, 0, &mut |_| 1.0);
        assert!((t - (DAY + 8 * HOUR + 30 * MINUTE) as f64).abs() < 1e-6);
    }
}
