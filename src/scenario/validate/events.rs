//! `[[calendar]]`: dated days whose arrivals differ from the weekly profile (a Black Friday,
//! a holiday), placed on the days of a clock that starts on a date.

use super::*;
use crate::scenario::calendar::parse_date;
use crate::scenario::{CalendarEvent, MAX_EVENT_FACTOR};

impl Validator<'_> {
    pub(super) fn calendar(
        &mut self,
        raw: &RawScenario,
        simulation: &Simulation,
    ) -> Vec<CalendarEvent> {
        let key = KeyPath::root().key("calendar");
        let events = raw.calendar.as_deref().unwrap_or_default();
        let Some(first) = events.first() else {
            return Vec::new();
        };
        let Some(start) = simulation.date else {
            self.fail(
                key.index(0).key("date"),
                format!(
                    "a dated event needs a clock that starts on a date: write [simulation] start = \"{}\" (the run's first day), not a weekday",
                    first.date.trim()
                ),
            );
            return Vec::new();
        };
        if simulation.start % DAY != 0 {
            self.fail(
                KeyPath::root().key("simulation").key("start"),
                "with [[calendar]] events the clock starts at midnight, so that an event covers its whole day: give the date alone",
            );
            return Vec::new();
        }
        let mut out: Vec<CalendarEvent> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let k = key.index(i);
            let day = match parse_date(&e.date) {
                Ok(d) => d,
                Err(m) => {
                    self.fail(k.key("date"), m);
                    continue;
                }
            };
            if !(e.arrivals.is_finite() && (0.0..=MAX_EVENT_FACTOR).contains(&e.arrivals)) {
                self.fail(
                    k.key("arrivals"),
                    format!(
                        "multiplies the day's arrivals: from 0 (closed) to {MAX_EVENT_FACTOR}, got {}",
                        e.arrivals
                    ),
                );
                continue;
            }
            if out.iter().any(|o| o.day == day - start) {
                self.fail(
                    k.key("date"),
                    format!(
                        "a second event on {}: give one, with the product of their factors",
                        e.date.trim()
                    ),
                );
                continue;
            }
            out.push(CalendarEvent {
                day: day - start,
                arrivals: e.arrivals,
                label: e.label.clone().unwrap_or_else(|| e.date.trim().to_string()),
            });
        }
        out
    }
}
