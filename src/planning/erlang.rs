//! The per-interval staffing a spreadsheet planner would compute: each interval on its own, in
//! steady state, as an M/M/s+M queue (Erlang A) when patience is exponential, M/M/s (Erlang C)
//! otherwise, with an agent of capacity c counted as c servers. ccsim's own plan is held
//! against it, so it is computed exactly from the queue's birth–death chain, not from
//! approximations.

use crate::scenario::Target;
use crate::stats::metrics::IntervalMetric;

/// Probabilities below this are dropped from the chain's tail and the series below.
const NEGLIGIBLE: f64 = 1e-13;

/// One interval's queue. Rates are per minute; `theta` is 1 / mean patience (0: nobody
/// abandons, Erlang C).
#[derive(Clone, Copy, Debug)]
pub struct Queue {
    pub lambda: f64,
    pub mu: f64,
    pub theta: f64,
    pub servers: u64,
}

impl Queue {
    /// Whether the queue settles at all: without abandonment the servers must outpace the
    /// arrivals.
    fn stable(&self) -> bool {
        self.theta > 0.0 || self.lambda < self.servers as f64 * self.mu
    }

    /// Stationary probabilities of the number in system, from 0 up to where they vanish;
    /// built in logarithms, so that hundreds of servers do not overflow.
    fn stationary(&self) -> Vec<f64> {
        let s = self.servers as f64;
        let mut logs = vec![0.0f64];
        let mut best = 0.0f64;
        for k in 1usize.. {
            let kf = k as f64;
            let out = if kf <= s {
                kf * self.mu
            } else {
                s * self.mu + (kf - s) * self.theta
            };
            let next = logs[k - 1] + (self.lambda / out).ln();
            logs.push(next);
            best = best.max(next);
            if kf > s && next < best + NEGLIGIBLE.ln() && next < logs[k - 1] {
                break;
            }
        }
        let p: Vec<f64> = logs.iter().map(|l| (l - best).exp()).collect();
        let total: f64 = p.iter().sum();
        p.into_iter().map(|x| x / total).collect()
    }

    /// For a customer who arrives to find `j` waiting, j = 0, 1, …: the probability of being
    /// answered within `t` minutes (`patient`: and before giving up), by uniformizing the
    /// chain of its place in line. At place `i` the line moves on at `sμ + iθ` (a service
    /// ends or someone ahead gives up); the customer leaves at θ.
    fn reached_within(&self, t: f64, places: usize, patient: bool) -> Vec<f64> {
        let s = self.servers as f64 * self.mu;
        let kill = if patient { self.theta } else { 0.0 };
        let rate = |i: usize| s + i as f64 * self.theta;
        let top = rate(places) + kill;
        if top <= 0.0 || t <= 0.0 {
            return vec![0.0; places + 1];
        }
        let mass = top * t;
        // v[i]: probability of being answered within n steps of the uniformized chain.
        let mut v = vec![0.0f64; places + 1];
        let mut out = vec![0.0f64; places + 1];
        let mut weight = (-mass).exp();
        let mut log_weight = -mass;
        let mut cumulative = 0.0;
        for n in 0u64.. {
            // Poisson weights in logarithms where e^{-mass} underflows.
            let w = if weight > 0.0 {
                weight
            } else {
                log_weight.exp()
            };
            for (o, x) in out.iter_mut().zip(&v) {
                *o += w * x;
            }
            cumulative += w;
            if n as f64 > mass && 1.0 - cumulative < NEGLIGIBLE {
                break;
            }
            if n > 10 * (mass as u64 + 100) {
                break;
            }
            let mut previous = 1.0;
            for (i, x) in v.iter_mut().enumerate() {
                let move_on = rate(i) / top;
                let stay = 1.0 - (rate(i) + kill) / top;
                let next = move_on * previous + stay * *x;
                previous = *x;
                *x = next;
            }
            let n1 = (n + 1) as f64;
            weight *= mass / n1;
            log_weight += (mass / n1).ln();
        }
        out
    }

    /// The interval's value of `metric` in steady state (`sl_target` in minutes); NaN where
    /// the queue does not settle.
    pub fn metric(&self, metric: IntervalMetric, sl_target: f64) -> f64 {
        if self.lambda <= 0.0 {
            return f64::NAN;
        }
        if !self.stable() {
            return match metric {
                IntervalMetric::ServiceLevel | IntervalMetric::AnswerLevel => 0.0,
                IntervalMetric::AbandonRate | IntervalMetric::AbandonRateQueue => 0.0,
                _ => f64::INFINITY,
            };
        }
        let p = self.stationary();
        let n = self.servers as usize;
        let queued = &p[n.min(p.len())..];
        let mean_queue: f64 = queued.iter().enumerate().map(|(j, x)| j as f64 * x).sum();
        match metric {
            // Erlang's customers leave only from the queue.
            IntervalMetric::AbandonRate | IntervalMetric::AbandonRateQueue => {
                self.theta * mean_queue / self.lambda
            }
            IntervalMetric::MeanWait => mean_queue / self.lambda,
            IntervalMetric::ServiceLevel | IntervalMetric::AnswerLevel => {
                let at_once: f64 = p[..n.min(p.len())].iter().sum();
                let within = self.reached_within(sl_target, queued.len(), true);
                at_once + queued.iter().zip(&within).map(|(x, u)| x * u).sum::<f64>()
            }
            IntervalMetric::WaitP90 => self.wait_quantile(&p, 0.9),
            _ => f64::NAN,
        }
    }

    /// The `q` quantile of the wait of every customer, answered or not, in minutes: a wait
    /// ends at the answer or at giving up, so P(W > t) = Σ p(j waiting) e^{-θt} P(line > t).
    fn wait_quantile(&self, p: &[f64], q: f64) -> f64 {
        let n = self.servers as usize;
        let queued = &p[n.min(p.len())..];
        let beyond = |t: f64| {
            let within = self.reached_within(t, queued.len(), false);
            (-self.theta * t).exp()
                * queued
                    .iter()
                    .zip(&within)
                    .map(|(x, u)| x * (1.0 - u))
                    .sum::<f64>()
        };
        if beyond(0.0) <= 1.0 - q {
            return 0.0;
        }
        let (mut lo, mut hi) = (0.0, 1.0);
        while beyond(hi) > 1.0 - q {
            hi *= 2.0;
            if hi > 1e6 {
                return f64::INFINITY;
            }
        }
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if beyond(mid) > 1.0 - q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    }
}

/// The fewest agents of capacity `capacity` for which every target holds, by Erlang A (or C),
/// or `None` if even `max_agents` are not enough. `lambda`, `mu`, `theta` per minute.
pub fn agents_needed(
    lambda: f64,
    mu: f64,
    theta: f64,
    capacity: u32,
    targets: &[Target],
    sl_target: f64,
    max_agents: u32,
) -> Option<u32> {
    if lambda <= 0.0 {
        return Some(0);
    }
    let holds = |agents: u32| {
        let q = Queue {
            lambda,
            mu,
            theta,
            servers: agents as u64 * capacity as u64,
        };
        agents > 0
            && targets
                .iter()
                .all(|t| t.holds(q.metric(t.metric, sl_target)))
    };
    if !holds(max_agents) {
        return None;
    }
    // Every metric improves with each agent: the smallest that holds, by bisection.
    let (mut lo, mut hi) = (0, max_agents);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(lambda: f64, mu: f64, theta: f64, servers: u64) -> Queue {
        Queue {
            lambda,
            mu,
            theta,
            servers,
        }
    }

    #[test]
    fn erlang_c_matches_the_textbook_formula() {
        // λ = 2/min, μ = 0.5/min, 5 servers: a = 4, Erlang C probability of waiting 0.5541.
        let queue = q(2.0, 0.5, 0.0, 5);
        let p = queue.stationary();
        let c: f64 = p[5..].iter().sum();
        assert!((c - 0.554_113).abs() < 1e-5, "{c}");
        let sl = queue.metric(IntervalMetric::ServiceLevel, 0.5);
        let closed = 1.0 - c * (-(5.0 * 0.5 - 2.0) * 0.5f64).exp();
        assert!((sl - closed).abs() < 1e-9, "{sl} vs {closed}");
        // P(W > t) = C e^{-(sμ-λ)t}: the 90th percentile solves C e^{-0.5 t} = 0.1.
        let p90 = queue.metric(IntervalMetric::WaitP90, 0.5);
        assert!((p90 - (c / 0.1).ln() / 0.5).abs() < 1e-6, "{p90}");
        assert_eq!(queue.metric(IntervalMetric::AbandonRate, 0.5), 0.0);
    }

    #[test]
    fn erlang_a_abandonment_and_waits_follow_littles_law() {
        // Overloaded but held by abandonment: the abandonment flow balances the excess.
        let queue = q(12.0, 1.0, 0.5, 10);
        let abandon = queue.metric(IntervalMetric::AbandonRate, 1.0);
        let wait = queue.metric(IntervalMetric::MeanWait, 1.0);
        assert!((abandon - 0.5 * wait).abs() < 1e-12);
        // Served flow ≤ capacity: λ(1 - abandon) ≤ sμ.
        assert!(12.0 * (1.0 - abandon) <= 10.0 + 1e-9);
        assert!(abandon > 2.0 / 12.0 - 1e-9, "{abandon}");
        // Patient customers' service level is below Erlang C's for the same servers: the
        // impatient leave, but a customer who leaves is a miss.
        let sl = queue.metric(IntervalMetric::ServiceLevel, 1.0);
        assert!(sl > 0.0 && sl < 1.0, "{sl}");
    }

    #[test]
    fn service_level_with_abandonment_agrees_with_a_direct_sum() {
        // One server, a customer who finds one waiting must see two services end before it
        // gives up: P = E[e^{-θ S} 1{S ≤ T}] with S ~ Erlang(2, μ + θ·i) phases, checked
        // against numerical integration of the hypoexponential density.
        let queue = q(0.5, 1.0, 0.3, 1);
        let within = queue.reached_within(2.0, 1, true);
        let (a, b, th) = (1.3, 1.0, 0.3); // rates at place 1 (μ + θ) then place 0 (μ)
        let steps = 200_000;
        let dt = 2.0 / steps as f64;
        let direct: f64 = (0..steps)
            .map(|i| {
                let t = (i as f64 + 0.5) * dt;
                let density = a * b / (b - a) * ((-a * t).exp() - (-b * t).exp());
                density * (-th * t).exp() * dt
            })
            .sum();
        assert!(
            (within[1] - direct).abs() < 1e-6,
            "{} vs {direct}",
            within[1]
        );
        let single = (1.0 - (-(1.0 + th) * 2.0f64).exp()) * 1.0 / (1.0 + th);
        assert!(
            (within[0] - single).abs() < 1e-9,
            "{} vs {single}",
            within[0]
        );
    }

    #[test]
    fn the_fewest_agents_meet_the_target_and_one_fewer_does_not() {
        let target = Target {
            metric: IntervalMetric::ServiceLevel,
            min: Some(0.8),
            max: None,
            scope: "all".into(),
        };
        let targets = [target];
        let n = agents_needed(2.0, 0.5, 0.2, 1, &targets, 0.5, 100).unwrap();
        let sl = |s| q(2.0, 0.5, 0.2, s).metric(IntervalMetric::ServiceLevel, 0.5);
        assert!(sl(n as u64) >= 0.8 && sl(n as u64 - 1) < 0.8, "{n}");
        // Capacity 3: the fewest agents whose 3 slots each meet it.
        let with_three = agents_needed(2.0, 0.5, 0.2, 3, &targets, 0.5, 100).unwrap();
        assert!(sl(3 * with_three as u64) >= 0.8 && sl(3 * (with_three as u64 - 1)) < 0.8);
        assert_eq!(agents_needed(0.0, 0.5, 0.2, 1, &targets, 0.5, 100), Some(0));
        assert_eq!(agents_needed(500.0, 0.5, 0.0, 1, &targets, 0.5, 100), None);
    }
}
