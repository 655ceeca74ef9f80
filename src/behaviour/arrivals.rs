//! Arrival times of one source: a Poisson process whose rate follows the weekly profile,
//! sampled by inverting the cumulative intensity (one exponential draw per arrival).

use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

use crate::scenario::calendar::WeekProfile;
use crate::scenario::units::{Millis, round_ms};

pub struct ArrivalProcess {
    rng: ChaCha8Rng,
    /// Continuous time of the last arrival, so rounding to milliseconds never accumulates.
    t: f64,
    constant: Option<f64>,
    profile: WeekProfile,
    offset: Millis,
}

impl ArrivalProcess {
    pub fn new(profile: &WeekProfile, offset: Millis, rng: ChaCha8Rng) -> Self {
        ArrivalProcess {
            rng,
            t: 0.0,
            constant: profile.is_constant(),
            profile: profile.clone(),
            offset,
        }
    }

    /// The next arrival time in milliseconds.
    #[inline]
    pub fn next_arrival(&mut self) -> Millis {
        let mass: f64 = Exp1.sample(&mut self.rng);
        self.t = match self.constant {
            Some(rate) => self.t + mass / rate,
            None => self.profile.advance(self.t, mass, self.offset),
        };
        round_ms(self.t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Stream, rng};
    use crate::scenario::calendar::parse_window;
    use crate::scenario::units::{DAY, HOUR, WEEK};

    #[test]
    fn arrivals_follow_the_profile_hour_by_hour() {
        // 60/h on weekdays 08:00-18:00, nothing else: over 20 weeks, 12 000 per weekday hour
        // slot in expectation; every arrival falls in an open hour.
        let windows: Vec<_> = parse_window("mon-fri 08:00-18:00")
            .unwrap()
            .into_iter()
            .map(|w| (w, 60.0 / HOUR as f64))
            .collect();
        let profile = WeekProfile::from_windows(&windows);
        let mut p = ArrivalProcess::new(&profile, 0, rng(1, 0, Stream::Arrivals(0)));
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
}
