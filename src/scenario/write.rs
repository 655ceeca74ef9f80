//! Scenario values written back as TOML (`plan.toml`, a fitted scenario): the forms a person
//! would write, so the files read like the examples.

use toml_edit::{Array, InlineTable, Value};

use super::calendar::{clock, day_list};
use crate::time::{DAY, Millis};

/// `[{ when = "mon-fri 08:00-09:30", KEY = 5 }, …]` for a value per interval of the week
/// (`None`: no entry): one entry per run of equal values in a day, days with identical runs
/// together, each entry on its own line.
pub fn week_windows<T: Clone + PartialEq + Into<Value>>(
    levels: &[Option<T>],
    interval: Millis,
    key: &str,
) -> Array {
    let per_day = (DAY / interval) as usize;
    let days: Vec<Vec<(Millis, Millis, T)>> = levels
        .chunks(per_day)
        .map(|day| {
            let mut runs: Vec<(Millis, Millis, T)> = Vec::new();
            for (i, n) in day.iter().enumerate() {
                let Some(n) = n else { continue };
                let from = i as Millis * interval;
                match runs.last_mut() {
                    Some(last) if last.2 == *n && last.1 == from => last.1 = from + interval,
                    _ => runs.push((from, from + interval, n.clone())),
                }
            }
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
        for (from, to, n) in &days[d] {
            let mut entry = InlineTable::new();
            entry.insert(
                "when",
                format!("{names} {}-{}", clock(*from), clock(*to)).into(),
            );
            entry.insert(key, n.clone().into());
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
        let written: Vec<Option<i64>> = levels
            .iter()
            .map(|&n| (n > 0).then_some(n as i64))
            .collect();
        let array = week_windows(&written, interval, "count");
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
