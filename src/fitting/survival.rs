//! Durations kept as a fine histogram rather than one by one, so that a log of any length
//! fits in a few thousand numbers: bins 0.5% wide on a log scale (finer than the seconds a
//! log is written in, below three minutes), each holding how many times fell in it and
//! their sum, so the likelihood is evaluated at each bin's mean, not its edge.

use std::collections::BTreeMap;

/// Relative width of a bin.
const WIDTH: f64 = 0.005;

#[derive(Clone, Copy, Debug, Default)]
struct Bin {
    events: f64,
    event_sum: f64,
    censored: f64,
    censored_sum: f64,
}

/// A time (minutes) with how many were observed there and how many censored.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub t: f64,
    pub events: f64,
    pub censored: f64,
}

/// Times being collected, some observed (the customer left; the chat ended) and some
/// censored (the customer was answered before their patience ran out), in minutes.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    bins: BTreeMap<i32, Bin>,
    /// The greatest common divisor of every time in milliseconds: the log's resolution
    /// (1000 for a log written to the second), 0 before any time.
    grid: u64,
}

/// A finished sample: its bins as points, shortest first (at a tie, events first).
#[derive(Clone, Debug, Default)]
pub struct Times {
    points: Vec<Point>,
    /// The resolution the times were logged at, in minutes (0: exact to the millisecond).
    resolution: f64,
    events: f64,
    censored: f64,
    event_sum: f64,
    censored_sum: f64,
}

fn bin_of(t: f64) -> i32 {
    if t <= 0.0 {
        i32::MIN
    } else {
        (t.ln() / WIDTH.ln_1p()).floor() as i32
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The coarsest resolution looked for: a log written to the minute.
const MAX_GRID_MS: u64 = 60_000;
/// Below this a grid is no coarser than the clock's own noise: the times count as exact.
const MIN_GRID_MS: u64 = 10;

impl Sample {
    fn on_grid(&mut self, t: f64) {
        let ms = (t * 60_000.0).round().max(0.0) as u64;
        self.grid = gcd(self.grid, ms);
    }

    pub fn observe(&mut self, t: f64) {
        self.on_grid(t);
        let b = self.bins.entry(bin_of(t)).or_default();
        b.events += 1.0;
        b.event_sum += t;
    }

    pub fn censor(&mut self, t: f64) {
        self.on_grid(t);
        let b = self.bins.entry(bin_of(t)).or_default();
        b.censored += 1.0;
        b.censored_sum += t;
    }

    pub fn finish(self) -> Times {
        let mut times = Times::default();
        if self.grid >= MIN_GRID_MS {
            times.resolution = self.grid.min(MAX_GRID_MS) as f64 / 60_000.0;
        }
        for b in self.bins.values() {
            times.events += b.events;
            times.event_sum += b.event_sum;
            times.censored += b.censored;
            times.censored_sum += b.censored_sum;
            if b.events > 0.0 {
                times.points.push(Point {
                    t: b.event_sum / b.events,
                    events: b.events,
                    censored: 0.0,
                });
            }
            if b.censored > 0.0 {
                times.points.push(Point {
                    t: b.censored_sum / b.censored,
                    events: 0.0,
                    censored: b.censored,
                });
            }
        }
        times
            .points
            .sort_by(|a, b| a.t.total_cmp(&b.t).then(b.events.total_cmp(&a.events)));
        times
    }
}

impl Times {
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The resolution the times were logged at, in minutes; 0 when they are exact.
    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    /// Observed and censored times alike.
    pub fn len(&self) -> u64 {
        (self.events + self.censored) as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn events(&self) -> f64 {
        self.events
    }

    pub fn censored(&self) -> f64 {
        self.censored
    }

    /// Total time at risk: every time, observed or censored.
    pub fn exposure(&self) -> f64 {
        self.event_sum + self.censored_sum
    }

    /// The mean of the observed times alone: what a spreadsheet takes for patience, biased
    /// low because only the impatient are observed.
    pub fn naive_mean(&self) -> f64 {
        self.event_sum / self.events
    }

    /// The Kaplan–Meier curve at each time with events, while at least 1% of the times (and
    /// 30) are still at risk — beyond, its steps are noise: (t, S just before, S just after).
    pub fn kaplan_meier(&self) -> Vec<(f64, f64, f64)> {
        let mut at_risk = self.events + self.censored;
        let enough = (0.01 * at_risk).max(30.0);
        let mut s = 1.0;
        let mut curve = Vec::new();
        for p in &self.points {
            if at_risk < enough {
                break;
            }
            if p.events > 0.0 {
                let before = s;
                s *= 1.0 - p.events / at_risk;
                curve.push((p.t, before, s));
            }
            at_risk -= p.events + p.censored;
        }
        curve
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_counts_the_censored_as_at_risk_until_they_leave() {
        // Times 1, 2+, 3, 4+ (censored marked +), 25 of each: S drops by 1/4 at 1, by 1/2
        // at 3.
        let mut s = Sample::default();
        for _ in 0..25 {
            s.observe(1.0);
            s.censor(2.0);
            s.observe(3.0);
            s.censor(4.0);
        }
        let s = s.finish();
        let km = s.kaplan_meier();
        assert_eq!(km.len(), 2);
        assert!((km[0].2 - 0.75).abs() < 1e-12);
        assert!((km[1].2 - 0.375).abs() < 1e-12);
        assert_eq!(
            (s.events(), s.exposure(), s.naive_mean()),
            (50.0, 250.0, 2.0)
        );
    }

    #[test]
    fn bins_keep_each_time_within_half_a_percent() {
        let mut s = Sample::default();
        for i in 1..=10_000 {
            s.observe(i as f64 * 0.013);
        }
        let s = s.finish();
        assert!(s.points().len() < 2_000, "{}", s.points().len());
        let total: f64 = s.points().iter().map(|p| p.t * p.events).sum();
        assert!((total - s.exposure()).abs() < 1e-6 * total);
    }
}
