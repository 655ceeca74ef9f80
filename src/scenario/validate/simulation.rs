//! `[simulation]`: the clock, horizon, warm-up, drain, intervals, replications and seed.

use super::*;

impl Validator<'_> {
    pub(super) fn simulation(&mut self, raw: &RawScenario) -> Simulation {
        let s = &raw.simulation;
        let key = KeyPath::root().key("simulation");
        let (start, date) = match s.start.as_deref().map(parse_start) {
            None => (0, None),
            Some(Ok(t)) => t,
            Some(Err(m)) => {
                self.fail(key.key("start"), m);
                (0, None)
            }
        };
        let before = self.problems.len();
        let horizon = self.positive_duration(key.key("horizon"), Some(&s.horizon), DAY);
        let warmup = self.duration(key.key("warmup"), s.warmup.as_deref(), 0);
        if warmup >= horizon && self.problems.len() == before {
            self.fail(
                key.key("warmup"),
                "must be shorter than `horizon`, or no chat would be counted",
            );
        }
        let drain = self.duration(key.key("drain"), s.drain.as_deref(), DAY);
        if horizon.saturating_add(drain) > capacity::MAX_TIME {
            self.fail(
                key.key("horizon"),
                "`horizon` plus `drain` must stay under 34 years",
            );
        }
        let interval =
            self.positive_duration(key.key("interval"), s.interval.as_deref(), 30 * MINUTE);
        let intervals = (horizon - warmup).max(0) / interval;
        if intervals > MAX_INTERVALS {
            self.fail(
                key.key("interval"),
                format!(
                    "makes {intervals} reporting intervals between `warmup` and `horizon`; \
                     at most {MAX_INTERVALS} are allowed: choose a longer interval"
                ),
            );
        }
        let replications = self.whole(
            key.key("replications"),
            s.replications,
            10,
            1,
            MAX_REPLICATIONS,
        ) as u32;
        let seed = match s.seed {
            Some(v) if v < 0 => {
                self.fail(key.key("seed"), "must be a whole number of at least 0");
                0
            }
            v => v.unwrap_or(1) as u64,
        };
        let service_level_target = self.duration(
            key.key("service_level_target"),
            s.service_level_target.as_deref(),
            MINUTE,
        );
        Simulation {
            start,
            date,
            horizon,
            warmup,
            drain,
            interval,
            replications,
            seed,
            service_level_target,
        }
    }
}
