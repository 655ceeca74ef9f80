//! Validated probability distributions of durations, all in milliseconds.

use std::path::Path;

use super::raw::RawDist;
use super::units::parse_duration;

#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Constant(f64),
    Exponential {
        mean: f64,
    },
    LogNormal {
        mean: f64,
        sd: f64,
    },
    Gamma {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Weibull {
        scale: f64,
        shape: f64,
    },
    /// Resampled uniformly from observed values (a bootstrap of a real log).
    Empirical(Vec<f64>),
}

impl Dist {
    /// The declared mean: the average a planner's spreadsheet takes (`ccsim staff`'s Erlang
    /// column), and what the sampler tests hold the draws to.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. } => *mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Weibull { scale, shape } => {
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
            }
            Dist::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }
}

/// A problem with one key of a distribution table: (key, message).
pub type DistProblem = (&'static str, String);

const KEYS: [&str; 9] = [
    "mean", "sd", "value", "min", "max", "mode", "scale", "shape", "file",
];

/// Checks a distribution table: which parameters its `dist` takes, that they parse and make
/// sense. `base` is the folder relative file names start from.
pub fn parse_dist(raw: &RawDist, base: &Path) -> Result<Dist, DistProblem> {
    let needs: &[&str] = match raw.dist.as_str() {
        "constant" => &["value"],
        "exponential" => &["mean"],
        "lognormal" | "gamma" => &["mean", "sd"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        "weibull" => &["scale", "shape"],
        "empirical" => &["file"],
        other => {
            return Err((
                "dist",
                format!(
                    "unknown distribution {}; expected one of constant, exponential, \
                     lognormal, gamma, uniform, triangular, weibull, empirical",
                    crate::io::quoted(other)
                ),
            ));
        }
    };
    let present = |k: &str| match k {
        "mean" => raw.mean.is_some(),
        "sd" => raw.sd.is_some(),
        "value" => raw.value.is_some(),
        "min" => raw.min.is_some(),
        "max" => raw.max.is_some(),
        "mode" => raw.mode.is_some(),
        "scale" => raw.scale.is_some(),
        "shape" => raw.shape.is_some(),
        _ => raw.file.is_some(),
    };
    for key in KEYS {
        let wanted = needs.contains(&key);
        if wanted && !present(key) {
            return Err((key, format!("dist = \"{}\" needs `{key}`", raw.dist)));
        }
        if !wanted && present(key) {
            let takes = needs
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err((key, format!("dist = \"{}\" takes only {takes}", raw.dist)));
        }
    }
    let dur = |key: &'static str, v: &Option<String>| -> Result<f64, DistProblem> {
        parse_duration(v.as_deref().unwrap_or_default())
            .map(|ms| ms as f64)
            .map_err(|m| (key, m))
    };
    let positive = |key: &'static str, v: f64| -> Result<f64, DistProblem> {
        if v > 0.0 {
            Ok(v)
        } else {
            Err((key, format!("`{key}` must be greater than zero")))
        }
    };
    let dist = match raw.dist.as_str() {
        "constant" => Dist::Constant(dur("value", &raw.value)?),
        "exponential" => Dist::Exponential {
            mean: positive("mean", dur("mean", &raw.mean)?)?,
        },
        "lognormal" | "gamma" => {
            let mean = positive("mean", dur("mean", &raw.mean)?)?;
            let sd = positive("sd", dur("sd", &raw.sd)?)?;
            if raw.dist == "gamma" {
                Dist::Gamma { mean, sd }
            } else {
                Dist::LogNormal { mean, sd }
            }
        }
        "uniform" => {
            let (min, max) = (dur("min", &raw.min)?, dur("max", &raw.max)?);
            if max < min {
                return Err(("max", "`max` must not be below `min`".into()));
            }
            Dist::Uniform { min, max }
        }
        "triangular" => {
            let min = dur("min", &raw.min)?;
            let mode = dur("mode", &raw.mode)?;
            let max = dur("max", &raw.max)?;
            if !(min <= mode && mode <= max && min < max) {
                return Err(("mode", "need min <= mode <= max with min < max".into()));
            }
            Dist::Triangular { min, mode, max }
        }
        "weibull" => {
            let scale = positive("scale", dur("scale", &raw.scale)?)?;
            let shape = raw.shape.unwrap_or_default();
            if !(shape.is_finite() && shape > 0.0) {
                return Err(("shape", "`shape` must be a number greater than zero".into()));
            }
            Dist::Weibull { scale, shape }
        }
        _ => Dist::Empirical(read_samples(base, raw.file.as_deref().unwrap_or_default())?),
    };
    Ok(dist)
}

/// An empirical sample file: a header row, then one value per row in its first column, either
/// a duration (`"1m30s"`) or a plain number of seconds (`12,5` in a `;`-separated file).
fn read_samples(base: &Path, file: &str) -> Result<Vec<f64>, DistProblem> {
    let path = base.join(file);
    let text = crate::io::read_to_string(&path)
        .map_err(|e| ("file", format!("cannot read {}: {e}", path.display())))?;
    let mut samples = Vec::new();
    let separator = crate::io::Separator::of(&text);
    for row in crate::io::csv_rows(&text).records() {
        let row = row.map_err(|e| ("file", format!("{}: {e}", path.display())))?;
        let line = row.position().map_or(0, |p| p.line());
        let cell = row.get(0).unwrap_or_default();
        let at = |m: &str| ("file", format!("{} line {line}: {m}", path.display()));
        if cell.is_empty() {
            if row.iter().all(str::is_empty) {
                continue;
            }
            return Err(at("the sample is empty; remove the row or give a value"));
        }
        let value = match separator.number(cell).ok_or(()) {
            Ok(secs) if secs.is_finite() && secs >= 0.0 => secs * 1000.0,
            Ok(secs) if !secs.is_finite() => {
                return Err(at(&format!(
                    "\"{cell}\" is not a number of seconds or a duration"
                )));
            }
            Ok(_) => return Err(at("a sample cannot be negative")),
            Err(()) => parse_duration(cell)
                .map_err(|m| ("file", format!("{} line {line}: {m}", path.display())))?
                as f64,
        };
        samples.push(value);
    }
    if samples.is_empty() {
        return Err((
            "file",
            format!("{} holds no samples below its header row", path.display()),
        ));
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(dist: &str) -> RawDist {
        RawDist {
            dist: dist.to_string(),
            ..RawDist::default()
        }
    }

    #[test]
    fn empirical_samples_read_durations_and_seconds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("s.csv"),
            "handle,source\n1m30s,log\n45,log\n\n\"2m\",log\n",
        )
        .unwrap();
        let mut r = raw("empirical");
        r.file = Some("s.csv".into());
        let d = parse_dist(&r, dir.path()).unwrap();
        assert_eq!(d, Dist::Empirical(vec![90_000.0, 45_000.0, 120_000.0]));
        assert_eq!(d.mean(), 85_000.0);
    }

    #[test]
    fn empirical_files_with_bad_rows_name_the_row() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.csv"), "handle\n30\nsoon\n").unwrap();
        let mut r = raw("empirical");
        r.file = Some("s.csv".into());
        let (key, message) = parse_dist(&r, dir.path()).unwrap_err();
        assert_eq!(key, "file");
        assert!(message.contains("s.csv line 3"), "{message}");
        std::fs::write(dir.path().join("s.csv"), "handle\n").unwrap();
        assert!(
            parse_dist(&r, dir.path())
                .unwrap_err()
                .1
                .contains("no samples")
        );
    }

    #[test]
    fn parameters_are_checked_per_family() {
        let mut r = raw("uniform");
        r.min = Some("2m".into());
        r.max = Some("1m".into());
        assert_eq!(parse_dist(&r, Path::new(".")).unwrap_err().0, "max");
        let mut r = raw("weibull");
        r.scale = Some("3m".into());
        r.shape = Some(-1.0);
        assert_eq!(parse_dist(&r, Path::new(".")).unwrap_err().0, "shape");
        let mut r = raw("triangular");
        r.min = Some("1m".into());
        r.mode = Some("5m".into());
        r.max = Some("3m".into());
        assert_eq!(parse_dist(&r, Path::new(".")).unwrap_err().0, "mode");
        let mut r = raw("gamma");
        r.mean = Some("3m".into());
        r.sd = Some("2m".into());
        assert_eq!(
            parse_dist(&r, Path::new(".")).unwrap(),
            Dist::Gamma {
                mean: 180_000.0,
                sd: 120_000.0
            }
        );
    }
}
