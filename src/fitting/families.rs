//! Maximum likelihood fits of the duration families a scenario can name — exponential,
//! lognormal, gamma, Weibull — to times some of which are censored (a served customer waited
//! at least that long). Each fit gives its parameters with 95% intervals from the observed
//! information, its log-likelihood and AIC, and how far its survival curve strays from the
//! Kaplan–Meier curve of the same data.

use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_ur, ln_gamma};

use super::survival::Times;

use super::Z95;

/// The shortest time a fitted parameter may be: a tenth of a second, the precision a
/// scenario is written with. Below, the family has collapsed onto a constant.
const MIN_MINUTES: f64 = 0.1 / 60.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Exponential,
    Lognormal,
    Gamma,
    Weibull,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Exponential,
        Family::Lognormal,
        Family::Gamma,
        Family::Weibull,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Lognormal => "lognormal",
            Family::Gamma => "gamma",
            Family::Weibull => "weibull",
        }
    }

    /// The parameters as a scenario writes them; `true` for a time (in minutes).
    pub fn parameters(self) -> &'static [(&'static str, bool)] {
        match self {
            Family::Exponential => &[("mean", true)],
            Family::Lognormal | Family::Gamma => &[("mean", true), ("sd", true)],
            Family::Weibull => &[("scale", true), ("shape", false)],
        }
    }

    /// `ln f(t)` and `ln S(t)` for the natural-log parameters `p` (times in minutes).
    fn log_density_survival(self, p: &[f64], t: f64) -> (f64, f64) {
        let t = t.max(1e-9);
        match self {
            Family::Exponential => {
                let rate = (-p[0]).exp();
                (rate.ln() - rate * t, -rate * t)
            }
            Family::Lognormal => {
                let (m, s) = (p[0].exp(), p[1].exp());
                let var = (1.0 + (s / m).powi(2)).ln();
                let (mu, sigma) = (m.ln() - var / 2.0, var.sqrt());
                let z = (t.ln() - mu) / sigma;
                let ln_f =
                    -t.ln() - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() - z * z / 2.0;
                (ln_f, floor_ln(0.5 * erfc(z / std::f64::consts::SQRT_2)))
            }
            Family::Gamma => {
                let (m, s) = (p[0].exp(), p[1].exp());
                let (a, theta) = ((m / s).powi(2), s * s / m);
                let ln_f = (a - 1.0) * t.ln() - t / theta - a * theta.ln() - ln_gamma(a);
                (ln_f, floor_ln(gamma_ur(a, t / theta)))
            }
            Family::Weibull => {
                let (scale, k) = (p[0].exp(), p[1].exp());
                let x = (t / scale).powf(k);
                (k.ln() - scale.ln() + (k - 1.0) * (t / scale).ln() - x, -x)
            }
        }
    }

    pub fn survival(self, p: &[f64], t: f64) -> f64 {
        self.log_density_survival(p, t).1.exp()
    }
}

/// `ln x`, floored where `x` underflows so that a far tail never makes the likelihood -inf.
fn floor_ln(x: f64) -> f64 {
    x.max(1e-300).ln()
}

/// One parameter with its 95% interval.
#[derive(Clone, Copy, Debug)]
pub struct Parameter {
    pub name: &'static str,
    /// In minutes, or without unit (a shape).
    pub minutes: bool,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug)]
pub struct FamilyFit {
    pub family: Family,
    pub parameters: Vec<Parameter>,
    pub log_likelihood: f64,
    pub aic: f64,
    /// Largest gap between the fitted survival curve and the Kaplan–Meier curve.
    pub km_distance: f64,
}

impl FamilyFit {
    /// The mean of the fitted distribution, in minutes.
    pub fn mean(&self) -> f64 {
        match self.family {
            Family::Weibull => {
                let (scale, k) = (self.parameters[0].value, self.parameters[1].value);
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / k)
            }
            _ => self.parameters[0].value,
        }
    }
}

/// A logged time is the difference of two timestamps each cut to the log's resolution `r`,
/// so the true time lies within `r` of it either way (a triangle of weight around it): its
/// likelihood is the probability of the step `[t − r/2, t + r/2)`, cut at 0, not the density
/// at `t`. Evaluated at `t = 0` the density of a gamma or Weibull of shape below 1 is
/// infinite, and customers who close at once (0 s in a log) would make those families win
/// on exponential data. A censored time (patience beyond the wait) keeps `S(t)`.
fn log_likelihood(family: Family, p: &[f64], sample: &Times) -> f64 {
    let r = sample.resolution();
    sample
        .points()
        .iter()
        .map(|pt| {
            let (ln_f, ln_s) = family.log_density_survival(p, pt.t);
            let observed = if pt.events == 0.0 {
                0.0
            } else if r > 0.0 {
                ln_step(family, p, (pt.t - r / 2.0).max(0.0), pt.t + r / 2.0)
            } else {
                ln_f
            };
            pt.events * observed + pt.censored * ln_s
        })
        .sum()
}

/// `ln (S(lo) − S(hi))`, computed so that a narrow step far in the tail keeps its precision.
fn ln_step(family: Family, p: &[f64], lo: f64, hi: f64) -> f64 {
    let ln_s_lo = if lo <= 0.0 {
        0.0
    } else {
        family.log_density_survival(p, lo).1
    };
    let ln_s_hi = family.log_density_survival(p, hi).1;
    let gap = -(ln_s_hi - ln_s_lo).exp_m1();
    if gap > 0.0 {
        ln_s_lo + gap.ln()
    } else {
        // Both ends in the floored far tail: the density times the width.
        family.log_density_survival(p, (lo + hi) / 2.0).0 + (hi - lo).ln()
    }
}

/// Fits `family` to `sample`; `None` when the sample has no observed time, or when the
/// family degenerates on it (every time equal drives a shape to infinity).
pub fn fit(family: Family, sample: &Times) -> Option<FamilyFit> {
    let events = sample.events();
    if events == 0.0 {
        return None;
    }
    let mean = sample.exposure() / events;
    let (theta, cov) = match family {
        // With exact times the exponential has its estimate in closed form: observed times
        // over events.
        Family::Exponential if sample.resolution() == 0.0 => {
            (vec![mean.ln()], vec![vec![1.0 / events]])
        }
        Family::Exponential => {
            let theta = nelder_mead(|p| -log_likelihood(family, p, sample), vec![mean.ln()]);
            let cov = covariance(|p| -log_likelihood(family, p, sample), &theta);
            (theta, cov)
        }
        _ => {
            let start = vec![
                mean.ln(),
                if family == Family::Weibull {
                    0.0
                } else {
                    mean.ln()
                },
            ];
            let theta = nelder_mead(|p| -log_likelihood(family, p, sample), start);
            let cov = covariance(|p| -log_likelihood(family, p, sample), &theta);
            (theta, cov)
        }
    };
    let parameters = family
        .parameters()
        .iter()
        .enumerate()
        .map(|(i, &(name, minutes))| {
            let se = cov.get(i).map_or(f64::NAN, |row| row[i].sqrt());
            Parameter {
                name,
                minutes,
                value: theta[i].exp(),
                low: (theta[i] - Z95 * se).exp(),
                high: (theta[i] + Z95 * se).exp(),
            }
        })
        .collect::<Vec<Parameter>>();
    let degenerate = |p: &Parameter| {
        let (low, high) = if p.minutes {
            (MIN_MINUTES, 1e9)
        } else {
            (1e-3, 1e3)
        };
        !(p.value.is_finite() && low <= p.value && p.value <= high)
    };
    if parameters.iter().any(degenerate) {
        return None;
    }
    let ll = log_likelihood(family, &theta, sample);
    let km = sample.kaplan_meier();
    let km_distance = km
        .iter()
        .map(|&(t, before, after)| {
            let s = family.survival(&theta, t);
            (s - before).abs().max((s - after).abs())
        })
        .fold(0.0, f64::max);
    Some(FamilyFit {
        family,
        parameters,
        log_likelihood: ll,
        aic: 2.0 * theta.len() as f64 - 2.0 * ll,
        km_distance,
    })
}

/// Minimises `f` from `start` (one or two parameters, on log scales, so steps are relative).
fn nelder_mead(f: impl Fn(&[f64]) -> f64, start: Vec<f64>) -> Vec<f64> {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut p = start.clone();
            if i > 0 {
                p[i - 1] += 0.5;
            }
            let v = f(&p);
            (p, v)
        })
        .collect();
    let value = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
    for _ in 0..2000 {
        simplex.sort_by(|a, b| value(a.1).total_cmp(&value(b.1)));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        let spread = simplex
            .iter()
            .flat_map(|(p, _)| p.iter().zip(&simplex[0].0).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if (worst - best).abs() <= 1e-10 * (1.0 + best.abs()) && spread < 1e-7 {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(p, _)| p[j]).sum::<f64>() / n as f64)
            .collect();
        let towards = |c: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + c * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let reflected = towards(-1.0);
        let fr = value(f(&reflected));
        if fr < value(simplex[0].1) {
            let expanded = towards(-2.0);
            let fe = value(f(&expanded));
            simplex[n] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < value(simplex[n - 1].1) {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = towards(0.5);
            let fc = value(f(&contracted));
            if fc < value(simplex[n].1) {
                simplex[n] = (contracted, fc);
            } else {
                let best = simplex[0].0.clone();
                for (p, v) in simplex.iter_mut().skip(1) {
                    for j in 0..n {
                        p[j] = best[j] + 0.5 * (p[j] - best[j]);
                    }
                    *v = value(f(p));
                }
            }
        }
    }
    simplex.sort_by(|a, b| value(a.1).total_cmp(&value(b.1)));
    simplex.swap_remove(0).0
}

/// The inverse of the Hessian of `f` (a negative log-likelihood) at its minimum `at`: the
/// parameters' covariance (one or two parameters). NaN where the Hessian is not positive
/// definite.
fn covariance(f: impl Fn(&[f64]) -> f64, at: &[f64]) -> Vec<Vec<f64>> {
    let h = 1e-3;
    let at2 = |i: usize, di: f64, j: usize, dj: f64| {
        let mut p = at.to_vec();
        p[i] += di;
        p[j] += dj;
        f(&p)
    };
    let f0 = f(at);
    let hii = |i: usize| (at2(i, h, i, 0.0) - 2.0 * f0 + at2(i, -h, i, 0.0)) / (h * h);
    if at.len() == 1 {
        let a = hii(0);
        return vec![vec![if a > 0.0 { 1.0 / a } else { f64::NAN }]];
    }
    let (a, d) = (hii(0), hii(1));
    let b =
        (at2(0, h, 1, h) - at2(0, h, 1, -h) - at2(0, -h, 1, h) + at2(0, -h, 1, -h)) / (4.0 * h * h);
    let det = a * d - b * b;
    if !(a > 0.0 && det > 0.0) {
        return vec![vec![f64::NAN; 2]; 2];
    }
    vec![vec![d / det, -b / det], vec![-b / det, a / det]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fitting::survival::Sample;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;
    use rand_distr::{Distribution, Exp, Gamma, LogNormal, Weibull};

    /// `n` times from `truth`, each censored by an independent exponential clock of mean
    /// `censor` minutes (as service censors patience).
    fn sample(truth: &dyn Fn(&mut ChaCha8Rng) -> f64, censor: f64, n: usize) -> Times {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let clock = Exp::new(1.0 / censor).unwrap();
        let mut s = Sample::default();
        for _ in 0..n {
            let (x, c) = (truth(&mut rng), clock.sample(&mut rng));
            if x <= c {
                s.observe(x);
            } else {
                s.censor(c);
            }
        }
        s.finish()
    }

    fn inside(p: &Parameter, truth: f64) {
        assert!(
            p.low <= truth && truth <= p.high,
            "{}: {:.4} not in [{:.4}, {:.4}] (estimate {:.4})",
            p.name,
            truth,
            p.low,
            p.high,
            p.value
        );
    }

    #[test]
    fn censored_fits_recover_each_family_within_its_interval() {
        // Mean 5, sd 4 minutes (or Weibull scale 5, shape 1.5), most of it censored at a
        // mean of 2 minutes: the times that are seen are the short ones.
        let lognormal = LogNormal::from_mean_cv(5.0, 0.8).unwrap();
        let gamma = Gamma::new(25.0 / 16.0, 16.0 / 5.0).unwrap();
        let weibull = Weibull::new(5.0, 1.5).unwrap();
        type Draw = Box<dyn Fn(&mut ChaCha8Rng) -> f64>;
        let cases: [(Family, Draw, [f64; 2]); 3] = [
            (
                Family::Lognormal,
                Box::new(move |r| lognormal.sample(r)),
                [5.0, 4.0],
            ),
            (
                Family::Gamma,
                Box::new(move |r| gamma.sample(r)),
                [5.0, 4.0],
            ),
            (
                Family::Weibull,
                Box::new(move |r| weibull.sample(r)),
                [5.0, 1.5],
            ),
        ];
        for (family, truth, want) in cases {
            let s = sample(&*truth, 2.0, 20_000);
            let fitted = fit(family, &s).unwrap();
            inside(&fitted.parameters[0], want[0]);
            inside(&fitted.parameters[1], want[1]);
            // The right family fits best among the four by AIC.
            let best = Family::ALL
                .iter()
                .filter_map(|&f| fit(f, &s))
                .min_by(|a, b| a.aic.total_cmp(&b.aic))
                .unwrap();
            assert_eq!(best.family, family);
            // Its survival curve keeps closest to Kaplan–Meier's, within about the 95%
            // Kolmogorov bound for some 4 000 observed times (1.36 / sqrt(4000) = 0.022, a
            // little more under censoring).
            let closest = Family::ALL
                .iter()
                .filter_map(|&f| fit(f, &s))
                .min_by(|a, b| a.km_distance.total_cmp(&b.km_distance))
                .unwrap();
            assert_eq!(closest.family, family);
            assert!(fitted.km_distance < 0.03, "{}", fitted.km_distance);
        }
    }

    #[test]
    fn the_exponential_mean_is_exposure_over_events() {
        let exp = Exp::new(1.0 / 6.0).unwrap();
        let s = sample(&|r| exp.sample(r), 1.0, 20_000);
        let fitted = fit(Family::Exponential, &s).unwrap();
        inside(&fitted.parameters[0], 6.0);
        assert!((fitted.parameters[0].value - s.exposure() / s.events()).abs() < 1e-9);
        // Only the impatient leave, and early: their mean says under a fifth of the truth.
        assert!(s.naive_mean() < 6.0 / 5.0, "{}", s.naive_mean());
    }
}
