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
    /// Expected chats a week, with its 95% interval: each weekday's mean day summed, so
    /// that a log that ends before a closed day, or covers some weekdays once more than
    /// others, is not read as a busier week; its spread is Poisson's plus the day-to-day
    /// variation.
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
        let totals: Vec<(usize, f64)> = (first..=last)
            .map(|d| (weekday(d), self.days.get(&d).copied().unwrap_or(0) as f64))
            .collect();
        let mut counts: Vec<u64> = self.slots.iter().copied().filter(|&n| n > 0).collect();
        counts.sort_unstable();
        let cv = day_to_day_cv(&totals);
        Volume {
            median_interval_chats: counts.get(counts.len() / 2).copied().unwrap_or(0),
            chats: self.chats,
            rates,
            per_week: per_week(&totals, cv.map_or(0.0, |c| c.0)),
            cv,
        }
    }
}

/// Chats a week: the sum over weekdays of the mean day of that weekday (a weekday the log
/// never covers adds nothing). A weekday's mean over `k` days has variance `(E + cv² E²)/k`,
/// the model the day-to-day cv is fitted under, so the interval is normal with that spread.
fn per_week(days: &[(usize, f64)], cv: f64) -> (f64, f64, f64) {
    let mut sums = [(0.0f64, 0.0f64); 7];
    for &(w, n) in days {
        sums[w] = (sums[w].0 + 1.0, sums[w].1 + n);
    }
    let (mut total, mut var) = (0.0, 0.0);
    for &(k, sum) in sums.iter().filter(|(k, _)| *k > 0.0) {
        let mean = sum / k;
        total += mean;
        var += (mean + cv * cv * mean * mean) / k;
    }
    let half = Z95 * var.sqrt();
    (total, (total - half).max(0.0), total + half)
}

/// Moment estimate of the day factor's cv from daily totals by weekday: a day's count has
/// variance `E + cv² E²` (Poisson given the factor), so within each weekday the excess of
/// the sample variance over the mean, pooled over weekdays, estimates `cv² E²`. The estimate
/// of cv² can come out below 0 (days steadier than Poisson's noise): its interval is taken
/// as it is, from the jackknife over days (never narrower than Poisson noise alone makes
/// it), and only then are the point and both ends cut at 0
/// and square-rooted, so that a true cv of 0 is inside the interval as often as it should
/// be, and the interval is not a point at 0. Each weekday is summed once (days, Σn, Σn²), and
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
        let var = (squares - k * mean * mean) / (k - 1.0);
        ((k - 1.0) * (var - mean), (k - 1.0) * mean * mean)
    };
    let parts: Vec<(f64, f64)> = sums.iter().map(|&s| part(s)).collect();
    let (excess, scale) = parts
        .iter()
        .fold((0.0, 0.0), |(e, s), &(pe, ps)| (e + pe, s + ps));
    let square = |excess: f64, scale: f64| (scale > 0.0).then(|| excess / scale);
    let all = square(excess, scale)?;
    let root = |x: f64| x.max(0.0).sqrt();
    let leave_one_out: Vec<f64> = days
        .iter()
        .filter_map(|&(w, n)| {
            let (k, sum, squares) = sums[w];
            let (pe, ps) = part((k - 1.0, sum - n, squares - n * n));
            square(excess - parts[w].0 + pe, scale - parts[w].1 + ps)
        })
        .collect();
    let m = leave_one_out.len() as f64;
    if m < 2.0 {
        return Some((root(all), f64::NAN, f64::NAN));
    }
    let mean = leave_one_out.iter().sum::<f64>() / m;
    let var = (m - 1.0) / m
        * leave_one_out
            .iter()
            .map(|c| (c - mean).powi(2))
            .sum::<f64>();
    // With few days per weekday the jackknife can find almost no spread; Poisson noise alone
    // gives the estimate of cv² a variance of about Σ 2(k − 1)E² / (Σ (k − 1)E²)², which the
    // interval never undercuts.
    let poisson = {
        let (num, den) = sums.iter().filter(|s| s.0 >= 2.0 && s.1 > 0.0).fold(
            (0.0, 0.0),
            |(n, d), &(k, sum, _)| {
                let mean = sum / k;
                (
                    n + 2.0 * (k - 1.0) * mean * mean,
                    d + (k - 1.0) * mean * mean,
                )
            },
        );
        num.sqrt() / den
    };
    let se = var.sqrt().max(poisson);
    Some((root(all), root(all - Z95 * se), root(all + Z95 * se)))
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

    /// `logs` logs of `days` days from a Monday, 100 chats expected Monday to Saturday and
    /// none on Sunday, each day scaled by a gamma factor of coefficient of variation `cv`.
    fn logs(logs: u64, days: i64, cv: f64) -> Vec<Volume> {
        let interval = 30 * MINUTE;
        let monday = crate::chatlog::timestamp::days_from_civil(2026, 3, 2);
        (0..logs)
            .map(|seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mut c = Counter::new(interval);
                for day in monday..monday + days {
                    if weekday(day) == 6 {
                        continue;
                    }
                    let factor = if cv > 0.0 {
                        let shape = 1.0 / (cv * cv);
                        Gamma::new(shape, 1.0 / shape).unwrap().sample(&mut rng)
                    } else {
                        1.0
                    };
                    let n = Poisson::new(100.0 * factor).unwrap().sample(&mut rng);
                    for i in 0..n as i64 {
                        c.add(day * DAY + 9 * HOUR + i * 1000, interval);
                    }
                }
                // The log spans its first chat to its last: a log that ends on a Saturday
                // does not cover the Sunday after.
                let last = (monday..monday + days)
                    .rev()
                    .find(|&d| weekday(d) != 6)
                    .unwrap();
                c.volume(monday, last, interval)
            })
            .collect()
    }

    /// How many of `intervals` hold `truth`.
    fn covering(truth: f64, intervals: impl Iterator<Item = (f64, f64)>) -> usize {
        intervals
            .filter(|&(lo, hi)| lo <= truth && truth <= hi)
            .count()
    }

    #[test]
    fn chats_a_week_of_a_centre_closed_on_sundays_are_covered_by_their_interval() {
        // 60 logs each, 95% intervals: about 57 cover 600 a week; fewer than 52 would be
        // 3 standard deviations short.
        for (days, cv) in [(13, 0.0), (13, 0.2), (41, 0.2)] {
            let v = logs(60, days, cv);
            let covered = covering(600.0, v.iter().map(|v| (v.per_week.1, v.per_week.2)));
            let mean = v.iter().map(|v| v.per_week.0).sum::<f64>() / v.len() as f64;
            println!("{days} days, cv {cv}: mean {mean:.1} a week, {covered} of 60 cover 600");
            assert!((mean / 600.0 - 1.0).abs() < 0.02, "{mean}");
            assert!(covered >= 52, "{covered} of 60");
        }
    }

    #[test]
    fn the_day_to_day_cv_interval_covers_the_truth_and_is_never_a_point_at_zero() {
        for (days, cv) in [(14, 0.0), (42, 0.0), (42, 0.2)] {
            let v = logs(60, days, cv);
            let cvs: Vec<(f64, f64, f64)> = v.iter().map(|v| v.cv.unwrap()).collect();
            let covered = covering(cv, cvs.iter().map(|c| (c.1, c.2)));
            println!("{days} days, true cv {cv}: {covered} of 60 intervals cover it");
            assert!(covered >= 52, "{days} days, cv {cv}: {covered} of 60");
            assert!(
                cvs.iter().all(|c| c.2 > 0.0),
                "an interval [0, 0] says the days are exactly Poisson, which no log can show"
            );
        }
    }
}
