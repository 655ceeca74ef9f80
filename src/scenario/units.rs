//! Units as the scenario writes them: durations (`"1h30m"`), rates (`"22.5/min"`) and shares
//! (`0.05` or `"5%"`), parsed into `crate::time` milliseconds, rates per millisecond and
//! fractions.

use super::raw::RawShare;
use crate::time::{DAY, HOUR, MINUTE, Millis, SECOND, WEEK};

/// An arrival rate in chats per millisecond.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate(pub f64);

/// Parses `"45s"`, `"5m"`, `"1h30m"`, `"7d"`, `"250ms"`, `"1.5h"`, or `"0"`.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let s = text.trim();
    let expected = || {
        format!(
            "expected a duration such as \"45s\", \"5m\", \"1h30m\" or \"7d\", got {}",
            crate::io::quoted(text)
        )
    };
    if s.is_empty() {
        return Err(expected());
    }
    if s == "0" {
        return Ok(0);
    }
    if s.starts_with('-') {
        return Err(format!(
            "a duration cannot be negative, got {}",
            crate::io::quoted(text)
        ));
    }
    let mut total = 0.0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(expected)?;
        if num_len == 0 {
            return Err(expected());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| expected())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 1,
            "s" => SECOND,
            "m" | "min" => MINUTE,
            "h" => HOUR,
            "d" => DAY,
            "w" => WEEK,
            _ => return Err(expected()),
        };
        rest = &rest[unit_len..];
        total += value * unit as f64;
    }
    if !total.is_finite() || total > 1e15 {
        return Err(format!("duration {} is too long", crate::io::quoted(text)));
    }
    Ok(total.round() as Millis)
}

/// Parses `"2/min"`, `"120/h"`, `"3000/d"`, `"0.5/s"`.
pub fn parse_rate(text: &str) -> Result<Rate, String> {
    let expected = || {
        format!(
            "expected a rate such as \"2/min\", \"120/h\" or \"3000/d\", got {}",
            crate::io::quoted(text)
        )
    };
    let (count, unit) = text.trim().split_once('/').ok_or_else(expected)?;
    let count: f64 = count.trim().parse().map_err(|_| expected())?;
    if !count.is_finite() {
        return Err(expected());
    }
    if count < 0.0 {
        return Err(format!(
            "a rate cannot be negative, got {}",
            crate::io::quoted(text)
        ));
    }
    let per = match unit.trim() {
        "ms" => 1,
        "s" | "sec" => SECOND,
        "m" | "min" => MINUTE,
        "h" | "hour" => HOUR,
        "d" | "day" => DAY,
        "w" | "week" => WEEK,
        _ => return Err(expected()),
    };
    Ok(Rate(count / per as f64))
}

/// A share written as a fraction (`0.05`) or a percentage (`"5%"`). A bare number above 1 is
/// refused rather than read as a percentage: `5` could mean 5 % or 500 %, and guessing
/// would let a bound that can never fail pass silently.
pub fn parse_share(raw: &RawShare) -> Result<f64, String> {
    match raw {
        RawShare::Number(x) if !x.is_finite() || *x < 0.0 => Err(format!(
            "must be a share from 0 to 1 (or \"0%\" to \"100%\"), got {x}"
        )),
        RawShare::Number(x) if *x > 1.0 => Err(format!(
            "a share is a fraction from 0 to 1: write {} or \"{x}%\", not {x}",
            x / 100.0
        )),
        RawShare::Number(x) => Ok(*x),
        RawShare::Text(text) => {
            let expected = || {
                format!(
                    "expected a share such as 0.05 or \"5%\", got {}",
                    crate::io::quoted(text)
                )
            };
            let number = text.trim().strip_suffix('%').ok_or_else(expected)?;
            let pct: f64 = number.trim().parse().map_err(|_| expected())?;
            if !(0.0..=100.0).contains(&pct) {
                return Err(format!(
                    "a percentage must be from \"0%\" to \"100%\", got {}",
                    crate::io::quoted(text)
                ));
            }
            Ok(pct / 100.0)
        }
    }
}

/// Minutes as a duration a scenario takes, in the largest units that divide it: `4m32.5s`,
/// `45.2s`, `4h`, `1h30m`, `2d`.
pub fn duration(minutes: f64) -> String {
    let tenths = (minutes * MINUTE as f64 / (SECOND as f64 / 10.0)).round() as i64;
    let (m, rest) = (tenths / 600, tenths % 600);
    let s = if rest % 10 == 0 {
        format!("{}s", rest / 10)
    } else {
        format!("{}.{}s", rest / 10, rest % 10)
    };
    let whole = match (m / 1440, m % 1440 / 60, m % 60) {
        (d, 0, 0) if d > 0 => format!("{d}d"),
        (0, h, 0) if h > 0 => format!("{h}h"),
        (0, h, mm) if h > 0 => format!("{h}h{mm}m"),
        _ => format!("{m}m"),
    };
    match (m, rest) {
        (0, _) => s,
        (_, 0) => whole,
        _ => format!("{m}m{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_the_largest_units_that_divide_them() {
        for (minutes, text) in [
            (240.0, "4h"),
            (90.0, "1h30m"),
            (2880.0, "2d"),
            (1500.0, "1500m"),
            (45.0, "45m"),
            (4.5, "4m30s"),
            (0.754, "45.2s"),
        ] {
            assert_eq!(duration(minutes), text);
            assert_eq!(
                parse_duration(text),
                Ok((minutes * 600.0).round() as i64 * 100)
            );
        }
    }

    #[test]
    fn durations_in_every_unit_and_compound() {
        assert_eq!(parse_duration("45s"), Ok(45 * SECOND));
        assert_eq!(parse_duration("5m"), Ok(5 * MINUTE));
        assert_eq!(parse_duration("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("7d"), Ok(7 * DAY));
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("1.5h"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("1m30s"), Ok(90 * SECOND));
    }

    #[test]
    fn bad_durations_say_what_is_expected() {
        for bad in ["", "5", "m5", "5x", "-5m", "5m-", "1.2.3s"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("duration"), "{bad}: {err}");
        }
    }

    #[test]
    fn rates_convert_to_per_millisecond() {
        assert!((parse_rate("2/min").unwrap().0 * HOUR as f64 - 120.0).abs() < 1e-9);
        assert!((parse_rate("120/h").unwrap().0 * HOUR as f64 - 120.0).abs() < 1e-9);
        assert!((parse_rate("2400/d").unwrap().0 * HOUR as f64 - 100.0).abs() < 1e-9);
        assert!(parse_rate("-3/min").unwrap_err().contains("negative"));
        assert!(parse_rate("3 per min").is_err());
        assert!(parse_rate("3/fortnight").is_err());
    }

    #[test]
    fn shares_as_fractions_or_percentages_and_nothing_in_between() {
        assert_eq!(parse_share(&RawShare::Number(0.05)), Ok(0.05));
        assert_eq!(parse_share(&RawShare::Text("5%".into())), Ok(0.05));
        assert_eq!(parse_share(&RawShare::Text(" 12.5 % ".into())), Ok(0.125));
        assert_eq!(parse_share(&RawShare::Number(1.0)), Ok(1.0));
        let five = parse_share(&RawShare::Number(5.0)).unwrap_err();
        assert!(five.contains("write 0.05 or \"5%\""), "{five}");
        for bad in ["5", "five%", "120%", "-1%"] {
            assert!(parse_share(&RawShare::Text(bad.into())).is_err(), "{bad}");
        }
        assert!(parse_share(&RawShare::Number(-0.1)).is_err());
        assert!(parse_share(&RawShare::Number(f64::NAN)).is_err());
    }
}
