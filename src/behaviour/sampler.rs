//! Draws from the scenario's distributions. Built once per replication so that the hot loop
//! only matches on a small enum and calls rand_distr.

use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution, Exp, Gamma, Geometric, LogNormal, Poisson, Triangular, Weibull};

use crate::scenario::{Count, Dist};

#[derive(Clone, Debug)]
pub enum Sampler {
    Constant(f64),
    Exp(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform { min: f64, width: f64 },
    Triangular(Triangular<f64>),
    Weibull(Weibull<f64>),
    Empirical(Vec<f64>),
}

impl Sampler {
    /// Fails only for parameters that validation lets through by mistake; `parse_dist` calls
    /// it so that such a mistake is a scenario error, never a panic mid-run.
    pub fn new(d: &Dist) -> Result<Sampler, String> {
        let e = |err: &dyn std::fmt::Display| format!("invalid parameters: {err}");
        Ok(match d {
            Dist::Constant(v) => Sampler::Constant(*v),
            Dist::Exponential { mean } => Sampler::Exp(Exp::new(1.0 / mean).map_err(|x| e(&x))?),
            Dist::LogNormal { mean, sd } => {
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                Sampler::LogNormal(LogNormal::new(mu, sigma2.sqrt()).map_err(|x| e(&x))?)
            }
            Dist::Gamma { mean, sd } => {
                let shape = (mean / sd).powi(2);
                Sampler::Gamma(Gamma::new(shape, sd * sd / mean).map_err(|x| e(&x))?)
            }
            Dist::Uniform { min, max } => Sampler::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(*min, *max, *mode).map_err(|x| e(&x))?)
            }
            Dist::Weibull { scale, shape } => {
                Sampler::Weibull(Weibull::new(*scale, *shape).map_err(|x| e(&x))?)
            }
            Dist::Empirical(v) => Sampler::Empirical(v.clone()),
        })
    }

    /// A draw in milliseconds, never negative.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Constant(v) => *v,
            Sampler::Exp(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Empirical(v) => v[rng.random_range(0..v.len())],
        }
    }
}

/// Draws whole numbers of at least 1 (the turns of a conversation).
#[derive(Clone, Debug)]
pub enum CountSampler {
    Fixed(u32),
    Geometric(Geometric),
    Poisson(Poisson<f64>),
}

impl CountSampler {
    pub fn new(c: &Count) -> Result<CountSampler, String> {
        let e = |err: &dyn std::fmt::Display| format!("invalid parameters: {err}");
        Ok(match *c {
            Count::Fixed(n) => CountSampler::Fixed(n),
            // Further turns: geometric on 0, 1, ... with mean `mean - 1`.
            Count::Geometric { mean } => {
                CountSampler::Geometric(Geometric::new(1.0 / mean).map_err(|x| e(&x))?)
            }
            Count::Poisson { mean } if mean <= 1.0 => CountSampler::Fixed(1),
            Count::Poisson { mean } => {
                CountSampler::Poisson(Poisson::new(mean - 1.0).map_err(|x| e(&x))?)
            }
        })
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        match self {
            CountSampler::Fixed(n) => *n,
            CountSampler::Geometric(d) => 1 + d.sample(rng).min(u32::MAX as u64 - 1) as u32,
            CountSampler::Poisson(d) => 1 + d.sample(rng).min(1e9) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::streams::{Stream, rng};
    use crate::time::SECOND;

    /// The scenario accepts durations from 1 ms to 10^15 ms with the shape checks of
    /// `scenario::dist`; at those extremes every sampler must still build, since the engine
    /// counts on it (the scenario does not depend on the samplers to check this).
    #[test]
    fn every_distribution_the_scenario_accepts_builds_at_its_extremes() {
        let (lo, hi) = (1.0, 1e15);
        for (mean, sd) in [(lo, hi), (hi, lo), (lo, lo), (hi, hi)] {
            assert!(
                Sampler::new(&Dist::LogNormal { mean, sd }).is_ok(),
                "{mean} {sd}"
            );
            assert!(
                Sampler::new(&Dist::Gamma { mean, sd }).is_ok(),
                "{mean} {sd}"
            );
            assert!(Sampler::new(&Dist::Exponential { mean }).is_ok(), "{mean}");
        }
        for (scale, shape) in [(lo, 1e-300), (hi, 1e300), (lo, f64::MAX)] {
            assert!(
                Sampler::new(&Dist::Weibull { scale, shape }).is_ok(),
                "{shape}"
            );
        }
        assert!(
            Sampler::new(&Dist::Triangular {
                min: 0.0,
                mode: 0.0,
                max: hi
            })
            .is_ok()
        );
    }

    /// The sample mean of every distribution agrees with its declared mean within 4 standard
    /// errors (the sample sd estimates the standard error).
    #[test]
    fn sample_means_match_declared_means() {
        let s = SECOND as f64;
        let dists = [
            Dist::Constant(30.0 * s),
            Dist::Exponential { mean: 60.0 * s },
            Dist::LogNormal {
                mean: 40.0 * s,
                sd: 30.0 * s,
            },
            Dist::Gamma {
                mean: 180.0 * s,
                sd: 120.0 * s,
            },
            Dist::Uniform {
                min: 10.0 * s,
                max: 60.0 * s,
            },
            Dist::Triangular {
                min: 10.0 * s,
                mode: 20.0 * s,
                max: 60.0 * s,
            },
            Dist::Weibull {
                scale: 180.0 * s,
                shape: 1.5,
            },
            Dist::Empirical(vec![1.0 * s, 2.0 * s, 6.0 * s]),
        ];
        let mut r = rng(3, 0, Stream::Work(0, false));
        for d in &dists {
            let sampler = Sampler::new(d).unwrap();
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| sampler.sample(&mut r)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (var / n as f64).sqrt();
            assert!(
                (mean - d.mean()).abs() <= 4.0 * se + 1e-9,
                "{d:?}: {mean} vs {}",
                d.mean()
            );
            assert!(xs.iter().all(|&x| x >= 0.0));
        }
    }

    #[test]
    fn counts_are_at_least_one_with_the_declared_mean() {
        let mut r = rng(3, 0, Stream::Work(0, false));
        for c in [
            Count::Fixed(3),
            Count::Geometric { mean: 5.0 },
            Count::Poisson { mean: 4.0 },
        ] {
            let s = CountSampler::new(&c).unwrap();
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut r) as f64).collect();
            assert!(xs.iter().all(|&x| x >= 1.0));
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let want = match c {
                Count::Fixed(k) => k as f64,
                Count::Geometric { mean } | Count::Poisson { mean } => mean,
            };
            assert!(
                (mean - want).abs() <= 4.0 * (var / n as f64).sqrt() + 1e-12,
                "{c:?}: {mean}"
            );
        }
    }
}
