//! Arrival times of one source: a Poisson process whose rate follows the weekly profile, scaled
//! day by day by a volume factor with mean 1 when `day_to_day_cv` is set and by the
//! `[[calendar]]` factor of the day, sampled by inverting the cumulative intensity (one
//! exponential draw per arrival).

use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Gamma};

use std::sync::Arc;

use crate::scenario::calendar::WeekProfile;
use crate::scenario::{Trace, TracedChat};
use crate::time::{Millis, round_ms};

pub struct ArrivalProcess {
    rng: ChaCha8Rng,
    /// Continuous time of the last arrival, so rounding to milliseconds never accumulates.
    t: f64,
    /// The rate when it never changes: one division per arrival.
    constant: Option<f64>,
    profile: WeekProfile,
    offset: Millis,
    days: Option<DayFactors>,
}

/// Gamma-distributed day factors (mean 1, the given coefficient of variation), drawn in day
/// order from their own stream so that the within-day draws do not depend on them, times
/// the calendar's factor of the day.
struct DayFactors {
    /// `None` without day-to-day variation: the calendar's factors alone.
    gamma: Option<Gamma<f64>>,
    /// Per simulated day, the `[[calendar]]` factor (empty: 1 every day).
    calendar: Vec<f64>,
    rng: ChaCha8Rng,
    day: i64,
    factor: f64,
    /// The last day of the run: arrivals later are discarded, so the days after it keep
    /// factor 1 and a long run of near-zero factors cannot make the sampler walk for ever.
    last: i64,
}

impl DayFactors {
    fn at(&mut self, day: i64) -> f64 {
        if day > self.last {
            return 1.0;
        }
        if let Some(gamma) = &self.gamma {
            while self.day < day {
                self.day += 1;
                self.factor = gamma.sample(&mut self.rng);
            }
        }
        let event = usize::try_from(day)
            .ok()
            .and_then(|d| self.calendar.get(d))
            .copied()
            .unwrap_or(1.0);
        self.factor * event
    }
}

impl ArrivalProcess {
    /// `cv` is the day-to-day coefficient of variation; `day_rng` its stream; `calendar` the
    /// `[[calendar]]` factor per day (`Scenario::day_factors`); `horizon` the end of the run
    /// (arrivals after it are not used).
    pub fn new(
        profile: &WeekProfile,
        offset: Millis,
        cv: f64,
        calendar: Vec<f64>,
        horizon: Millis,
        rng: ChaCha8Rng,
        day_rng: ChaCha8Rng,
    ) -> Self {
        let days = (cv > 0.0 || !calendar.is_empty()).then(|| DayFactors {
            gamma: (cv > 0.0).then(|| {
                Gamma::new(1.0 / (cv * cv), cv * cv).expect("a positive cv gives a valid gamma")
            }),
            calendar,
            rng: day_rng,
            day: -1,
            factor: 1.0,
            last: horizon / crate::time::DAY,
        });
        ArrivalProcess {
            rng,
            t: 0.0,
            constant: profile.is_constant().filter(|_| days.is_none()),
            profile: profile.clone(),
            offset,
            days,
        }
    }

    /// The next arrival time in milliseconds.
    #[inline]
    pub fn next_arrival(&mut self) -> Millis {
        let mass: f64 = Exp1.sample(&mut self.rng);
        self.t = match (self.constant, &mut self.days) {
            (Some(rate), _) => self.t + mass / rate,
            (None, Some(days)) => self
                .profile
                .advance(self.t, mass, self.offset, &mut |d| days.at(d)),
            (None, None) => self
                .profile
                .advance(self.t, mass, self.offset, &mut |_| 1.0),
        };
        round_ms(self.t)
    }
}

/// Where a source's chats come from: sampled, or replayed from a log.
pub enum Arrivals {
    Sampled(Box<ArrivalProcess>),
    Replayed(Replay),
}

/// A log's chats in order; `current` is the one whose arrival was scheduled last.
pub struct Replay {
    trace: Arc<Trace>,
    next: usize,
    current: usize,
}

impl Arrivals {
    pub fn replay(trace: Arc<Trace>) -> Self {
        Arrivals::Replayed(Replay {
            trace,
            next: 0,
            current: 0,
        })
    }

    /// The next arrival time in milliseconds (`Millis::MAX` once a log is done).
    #[inline]
    pub fn next_arrival(&mut self) -> Millis {
        match self {
            Arrivals::Sampled(p) => p.next_arrival(),
            Arrivals::Replayed(r) => match r.trace.chats.get(r.next) {
                Some(c) => {
                    r.current = r.next;
                    r.next += 1;
                    c.at
                }
                None => Millis::MAX,
            },
        }
    }

    /// The logged chat arriving now, and whether its own times are replayed too. A source
    /// has one arrival scheduled at a time, so this is the one the last `next_arrival` gave.
    /// Only asked of a replayed source.
    pub fn replayed(&self) -> (&TracedChat, bool) {
        match self {
            Arrivals::Sampled(_) => unreachable!("only a trace's chats are replayed"),
            Arrivals::Replayed(r) => (&r.trace.chats[r.current], r.trace.times),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Stream, rng};
    use crate::scenario::calendar::parse_window;
    use crate::time::{DAY, HOUR, WEEK};

    fn process(profile: &WeekProfile, cv: f64) -> ArrivalProcess {
        with_calendar(profile, cv, Vec::new())
    }

    fn with_calendar(profile: &WeekProfile, cv: f64, calendar: Vec<f64>) -> ArrivalProcess {
        ArrivalProcess::new(
            profile,
            0,
            cv,
            calendar,
            Millis::MAX,
            rng(1, 0, Stream::Arrivals(0)),
            rng(1, 0, Stream::DayFactor(0)),
        )
    }

    #[test]
    fn arrivals_follow_the_profile_hour_by_hour() {
        // 60/h on weekdays 08:00-18:00, nothing else: over 20 weeks, 60 000 arrivals in
        // expectation; every arrival falls in an open hour.
        let windows: Vec<_> = parse_window("mon-fri 08:00-18:00")
            .unwrap()
            .into_iter()
            .map(|w| (w, 60.0 / HOUR as f64))
            .collect();
        let profile = WeekProfile::from_windows(&windows);
        let mut p = process(&profile, 0.0);
        let weeks = 20;
        let mut n = 0u64;
        loop {
            let t = p.next_arrival();
            if t >= weeks * WEEK {
                break;
            }
            let w = t % WEEK;
            assert!(
                w / DAY < 5 && (8 * HOUR..18 * HOUR).contains(&(w % DAY)),
                "arrival at {t}"
            );
            n += 1;
        }
        let expected = (weeks * 5 * 10 * 60) as f64;
        // Poisson: sd = sqrt(expected); 4 sd.
        assert!(
            (n as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{n} vs {expected}"
        );
    }

    #[test]
    fn a_calendar_day_multiplies_that_day_only_and_leaves_the_others_draw_for_draw() {
        // 100/h all week; day 2 three times busier, day 4 closed. Days 0, 1 and 3 get the very
        // arrivals they get without the calendar (the same exponential draws, in order).
        let profile = WeekProfile::constant(100.0 / HOUR as f64);
        let days = |mut p: ArrivalProcess| {
            let mut count = [0u32; 6];
            let mut first = Vec::new();
            loop {
                let t = p.next_arrival();
                if t >= 6 * DAY {
                    break (count, first);
                }
                count[(t / DAY) as usize] += 1;
                if t < 2 * DAY {
                    first.push(t);
                }
            }
        };
        let (plain, plain_first) = days(process(&profile, 0.0));
        let (busy, busy_first) = days(with_calendar(&profile, 0.0, vec![1.0, 1.0, 3.0, 1.0, 0.0]));
        assert_eq!(plain_first, busy_first);
        assert_eq!(busy[4], 0, "a closed day has no arrivals");
        // 7200 expected on day 2 against 2400: within 4 Poisson sd of each.
        assert!(
            (busy[2] as f64 - 7200.0).abs() < 4.0 * 7200f64.sqrt(),
            "{busy:?}"
        );
        assert!(
            (plain[2] as f64 - 2400.0).abs() < 4.0 * 2400f64.sqrt(),
            "{plain:?}"
        );
        // Past the calendar's days, 1 again.
        assert!(
            (busy[5] as f64 - 2400.0).abs() < 4.0 * 2400f64.sqrt(),
            "{busy:?}"
        );
    }

    #[test]
    fn day_to_day_variation_keeps_the_mean_and_spreads_the_days() {
        // 100/h all week with cv 0.3: daily counts have mean 2400 and variance
        // 2400 + (0.3 · 2400)² (Poisson noise plus the day factor's).
        let profile = WeekProfile::constant(100.0 / HOUR as f64);
        let mut p = process(&profile, 0.3);
        let days = 400;
        let mut counts = vec![0f64; days];
        loop {
            let t = p.next_arrival();
            if t >= days as i64 * DAY {
                break;
            }
            counts[(t / DAY) as usize] += 1.0;
        }
        let mean = counts.iter().sum::<f64>() / days as f64;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (days - 1) as f64;
        let sd = (2400.0 + (0.3f64 * 2400.0).powi(2)).sqrt();
        // The mean of 400 days is within 4 standard errors; the sd within 20% (its own
        // standard error is about 3.5% here).
        assert!(
            (mean - 2400.0).abs() < 4.0 * sd / (days as f64).sqrt(),
            "mean {mean}"
        );
        assert!(
            (var.sqrt() / sd - 1.0).abs() < 0.2,
            "sd {} vs {sd}",
            var.sqrt()
        );
    }
}
