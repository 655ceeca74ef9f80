//! Simulated time: every instant and duration is an integer number of milliseconds, so that event
//! order is exact and a run is a pure function of its inputs (guide
//! `statistics.md#determinism-and-statistics`). A leaf module: the routing core, the scenario and
//! the engine all count time in these units.

/// A point in simulated time or a duration, in milliseconds.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;
pub const WEEK: Millis = 7 * DAY;

/// The first whole millisecond at or after a non-negative time: `x.ceil()` without the libm
/// call that baseline x86-64 makes for it, on the engine's hot path.
#[inline]
pub fn ceil_ms(x: f64) -> Millis {
    let t = x as Millis;
    if (t as f64) < x { t + 1 } else { t }
}

/// The nearest whole millisecond to a non-negative time (halves round up).
#[inline]
pub fn round_ms(x: f64) -> Millis {
    (x + 0.5) as Millis
}

/// Longest time the engine schedules ahead: a sampled duration from a long-tailed
/// distribution is capped here so that `now + duration` can never overflow.
pub const MAX_AHEAD: Millis = 1 << 52;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_milliseconds_match_the_float_functions() {
        for x in [0.0, 0.2, 0.5, 0.7, 1.0, 59_999.5, 60_000.0, 1e12 + 0.25] {
            assert_eq!(ceil_ms(x), x.ceil() as Millis, "{x}");
            assert_eq!(round_ms(x), x.round() as Millis, "{x}");
        }
    }
}
