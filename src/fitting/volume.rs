//! How many chats arrive: per team, the log's average week by interval (the weekly profile a
//! scenario takes) and how much whole days stray from it beyond Poisson noise (the
//! `day_to_day_cv` of a gamma day factor with mean 1). Memory grows with the days the log
//! covers, never with its chats.

use std::collections::BTreeMap;

use super::Z95;
use crate::chatlog::timestamp::weekday;
use crate::time::{DAY, HOUR, Millis, WEEK};

/// Arrivals of one team, counted as they are read.
#[derive(Clone, Debug, Default)]
pub struct Counter {
    /// Per interval of the week (from Monday 00:00).
    slots: Vec<u64>,
    /// Per day of the log's calendar (days since 1970).
    days: BTreeMap<i64, u64>,
    chats: u64,
}

/// A team's fitted arrivals.
#[derive(Clone, Debug)]
pub struct Volume {
    pub chats: u64,
    /// Chats per hour in each interval of the average week.
    pub rates: Vec<f64>,
    /// Expected chats a week, with its 95% interval (Poisson, over the weeks observed).
    pub per_week: (f64, f64, f64),
    /// The median number of chats an interval's rate rests on (over intervals with any):
    /// its relative noise is about one over the square root.
    pub median_interval_chats: u64,
    /// Day-to-day coefficient of variation with its 95% interval (jackknife over days);
    /// `None` when no weekday was seen twice.
    pub cv: Option<(f64, f64, f64)>,
}

impl Counter {
    pub fn new(interval: Millis) -> Self {
        Counter {
            slots: vec![0; (WEEK / interval) as usize],
            ..Counter::default()
        }
    }

    pub fn add(&mut self, arrived: Millis, interval: Millis) {
        let day = arrived.div_euclid(DAY);
        let week_time = weekday(day) as Millis * DAY + arrived.rem_euclid(DAY);
        self.slots[(week_time / interval) as usize] += 1;
        *self.days.entry(day).or_default() += 1;
        self.chats += 1;
    }

    /// The fit over the days `first..=last` of the log (days without chats count as 0).
    pub fn volume(&self, first: i64, last: i64, interval: Millis) -> Volume {
        let mut seen = [0u32; 7];
        for day in first..=last {
            seen[weekday(day)] += 1;
        }
        let per_day = (DAY / interval) as usize;
        let hours = interval as f64 / HOUR as f64;
        let rates = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, &n)| match seen[i / per_day] {
                0 => 0.0,
                times => n as f64 / (times as f64 * hours),
            })
            .collect();
        let weeks = (last - first + 1) as f64 / 7.0;
        let n = self.chats as f64;
        let half = Z95 * n.sqrt();
        let totals: Vec<(usize, f64)> = (first..=last)
            .map(|d| (weekday(d), self.days.get(&d).copied().unwrap_or(0) as f64))
            .collect();
        let mut counts: Vec<u64> = self.slots.iter().copied().filter(|&n| n > 0).collect();
        counts.sort_unstable();
        Volume {
            median_interval_chats: counts.get(counts.len() / 2).copied().unwrap_or(0),
            chats: self.chats,
            rates,
            per_week: (n / weeks, (n - half).max(0.0) / weeks, (n + half) / weeks),
            cv: day_to_day_cv(&totals),
        }
    }
}

/// Moment estimate of the day factor's cv from daily totals by weekday: a day's count has
/// variance `E + cv² E²` (Poisson given the factor), so within each weekday the excess of
/// the sample variance over the mean, pooled over weekdays, estimates `cv² E²`. Its interval
/// comes from the jackknife over days. Each weekday is summed once (days, Σn, Σn²), and
/// leaving a day out changes only its weekday's sums, so the whole is linear in the days.
fn day_to_day_cv(days: &[(usize, f64)]) -> Option<(f64, f64, f64)> {
    let mut sums = [(0.0f64, 0.0f64, 0.0f64); 7];
    for &(w, n) in days {
        let s = &mut sums[w];
        *s = (s.0 + 1.0, s.1 + n, s.2 + n * n);
    }
    // (excess, scale) of one weekday's sums.
    let part = |(k, sum, squares): (f64, f64, f64)| -> (f64, f64) {
        let mean = sum / k;
        if k < 2.0 || mean <= 0.0 {
            return (0.0, 0.0);
        }
        let var = ((squares - k * mean * mean) / (k - 1.0)).max(0.0);
        ((k - 1.0) * (var - mean), (k - 1.0) * mean * mean)
    };
    let parts: Vec<(f64, f64)> = sums.iter().map(|&s| part(s)).collect();
    let (excess, scale) = parts
        .iter()
        .fold((0.0, 0.0), |(e, s), &(pe, ps)| (e + pe, s + ps));
    let cv = |excess: f64, scale: f64| (scale > 0.0).then(|| (excess / scale).max(0.0).sqrt());
    let all = cv(excess, scale)?;
    let leave_one_out: Vec<f64> = days
        .iter()
        .filter_map(|&(w, n)| {
            let (k, sum, squares) = sums[w];
            let (pe, ps) = part((k - 1.0, sum - n, squares - n * n));
            cv(excess - parts[w].0 + pe, scale - parts[w].1 + ps)
        })
        .collect();
    let m = leave_one_out.len() as f64;
    if m < 2.0 {
        return Some((all, f64::NAN, f64::NAN));
    }
    let mean = leave_one_out.iter().sum::<f64>() / m;
    let var = (m - 1.0) / m
        * leave_one_out
            .iter()
            .map(|c| (c - mean).powi(2))
            .sum::<f64>();
    let se = var.sqrt();
    Some((all, (all - Z95 * se).max(0.0), all + Z95 * se))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MINUTE;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;
    use rand_distr::{Distribution, Gamma, Poisson};

    #[test]
    fn the_profile_is_the_average_week_and_the_cv_the_excess_day_variance() {
        // 20 weeks; 100 chats expected on weekdays at 09:00-09:30 only, each day's volume
        // scaled by a gamma factor of cv 0.2.
        let interval = 30 * MINUTE;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let factor = Gamma::new(25.0, 0.04).unwrap();
        let monday = crate::chatlog::timestamp::days_from_civil(2026, 3, 2);
        let mut c = Counter::new(interval);
        for day in monday..monday + 140 {
            if weekday(day) >= 5 {
                continue;
            }
            let n = Poisson::new(100.0 * factor.sample(&mut rng))
                .unwrap()
                .sample(&mut rng);
            for i in 0..n as i64 {
                c.add(day * DAY + 9 * HOUR + i * 1000, interval);
            }
        }
        let v = c.volume(monday, monday + 139, interval);
        let slot = 18; // Monday 09:00
        assert!(
            (v.rates[slot] / 200.0 - 1.0).abs() < 0.1,
            "{}",
            v.rates[slot]
        );
        assert_eq!(v.rates[17], 0.0);
        assert!((v.per_week.0 / 500.0 - 1.0).abs() < 0.1);
        let (cv, low, high) = v.cv.unwrap();
        assert!(low <= 0.2 && 0.2 <= high, "{cv} [{low}, {high}]");
    }
}
