//! ISO 8601 times as chat platforms export them (`2026-03-02T08:15:03`, with optional
//! fractions of a second and an optional `Z` or `±hh:mm` offset), and the civil calendar
//! they count in. Written here rather than taken from a date crate: the log needs one format,
//! parsed a million times, and nothing of time zones but the offset written on the row.

use crate::time::{DAY, HOUR, MINUTE, Millis, SECOND};

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian; Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Monday is 0. 1970-01-01 was a Thursday.
pub fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// The latest time at or before `t` that falls on the week point `week_point` (time since
/// Monday 00:00): where a log's clock meets a scenario's `start`.
pub fn week_origin(t: Millis, week_point: Millis) -> Millis {
    let week_time = weekday(t.div_euclid(DAY)) as Millis * DAY + t.rem_euclid(DAY);
    t - (week_time - week_point).rem_euclid(crate::time::WEEK)
}

/// A time as written: milliseconds since 1970-01-01 00:00 on the row's own clock, and the
/// offset from UTC in minutes when the row states one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub wall: Millis,
    pub offset_minutes: Option<i32>,
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    part.iter().try_fold(0u32, |v, &c| {
        c.is_ascii_digit().then(|| v * 10 + (c - b'0') as u32)
    })
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]` (a space may stand for the `T`).
pub fn parse(text: &str) -> Result<Stamp, String> {
    let s = text.trim().as_bytes();
    let bad = || {
        format!(
            "\"{}\" is not an ISO 8601 time like 2026-03-02T08:15:03 (optionally with Z or an offset such as -03:00)",
            text.trim()
        )
    };
    let (Some(y), Some(mo), Some(d)) = (digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) else {
        return Err(bad());
    };
    if s[4] != b'-' || s[7] != b'-' || !matches!(s.get(10), Some(b'T' | b't' | b' ')) {
        return Err(bad());
    }
    let (Some(h), Some(mi)) = (digits(s, 11, 2), digits(s, 14, 2)) else {
        return Err(bad());
    };
    if s[13] != b':' {
        return Err(bad());
    }
    let mut at = 16;
    let mut sec = 0;
    let mut ms = 0;
    if s.get(at) == Some(&b':') {
        sec = digits(s, at + 1, 2).ok_or_else(bad)?;
        at += 3;
        if matches!(s.get(at), Some(b'.' | b',')) {
            at += 1;
            let mut scale = 100;
            let start = at;
            while let Some(c) = s.get(at).filter(|c| c.is_ascii_digit()) {
                ms += (c - b'0') as u32 * scale;
                scale /= 10;
                at += 1;
            }
            if at == start {
                return Err(bad());
            }
        }
    }
    let offset_minutes = match s.get(at) {
        None => None,
        Some(b'Z' | b'z') if at + 1 == s.len() => Some(0),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(s, at + 1, 2).ok_or_else(bad)?;
            let om_at = if s.get(at + 3) == Some(&b':') {
                at + 4
            } else {
                at + 3
            };
            let om = digits(s, om_at, 2).ok_or_else(bad)?;
            if om_at + 2 != s.len() || oh > 23 || om > 59 {
                return Err(bad());
            }
            let minutes = (oh * 60 + om) as i32;
            Some(if sign == b'-' { -minutes } else { minutes })
        }
        _ => return Err(bad()),
    };
    let month_days = [
        31,
        28 + leap(y) as u32,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d == 0 || d > month_days[mo as usize - 1] {
        return Err(format!("\"{}\" is not a date of the calendar", text.trim()));
    }
    if h > 23 || mi > 59 || sec > 60 {
        return Err(format!("\"{}\" is not a time of the day", text.trim()));
    }
    let day = days_from_civil(y as i64, mo, d);
    let wall = day * DAY
        + h as Millis * HOUR
        + mi as Millis * MINUTE
        + sec as Millis * SECOND
        + ms as Millis;
    Ok(Stamp {
        wall,
        offset_minutes,
    })
}

fn leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

/// `2026-03-02T08:15:03`, with milliseconds when there are any.
pub fn format(t: Millis) -> String {
    let day = t.div_euclid(DAY);
    let (y, m, d) = civil_from_days(day);
    let in_day = t.rem_euclid(DAY);
    let (h, mi, s, ms) = (
        in_day / HOUR,
        in_day % HOUR / MINUTE,
        in_day % MINUTE / SECOND,
        in_day % SECOND,
    );
    if ms == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}")
    }
}

/// `2026-03-02`.
pub fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_and_know_the_weekday() {
        for day in -800_000..800_000 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        // 2026-03-02 is a Monday; 2000-02-29 existed.
        assert_eq!(weekday(days_from_civil(2026, 3, 2)), 0);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }

    #[test]
    fn times_parse_with_fractions_and_offsets() {
        let base = days_from_civil(2026, 3, 2) * DAY + 8 * HOUR + 15 * MINUTE + 3 * SECOND;
        let at = |s| parse(s).unwrap();
        assert_eq!(at("2026-03-02T08:15:03").wall, base);
        assert_eq!(at("2026-03-02 08:15:03").offset_minutes, None);
        assert_eq!(at("2026-03-02T08:15:03.25").wall, base + 250);
        assert_eq!(at("2026-03-02T08:15:03Z").offset_minutes, Some(0));
        assert_eq!(at("2026-03-02T08:15:03-03:00").offset_minutes, Some(-180));
        assert_eq!(at("2026-03-02T08:15:03+0530").offset_minutes, Some(330));
        assert_eq!(at("2026-03-02T08:15").wall, base - 3 * SECOND);
        assert_eq!(format(base + 250), "2026-03-02T08:15:03.250");
        assert_eq!(format(base), "2026-03-02T08:15:03");
    }

    #[test]
    fn broken_times_are_refused() {
        for s in [
            "",
            "02/03/2026 08:15",
            "2026-03-02",
            "2026-02-30T08:00:00",
            "2026-03-02T25:00:00",
            "2026-03-02T08:15:03X",
            "2026-03-02T08:15:03+3",
            "2026-03-02T08:15:03.",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
