//! Scenario files: TOML as written (`raw`) → a validated `Scenario` with units as types.
//! Every problem is reported with its file, line, column and key path; a scenario with any
//! problem is never simulated.

pub mod calendar;
pub mod dist;
pub mod locate;
pub mod raw;
pub mod units;

use std::path::{Path, PathBuf};

use crate::error::{Problem, ScenarioError};
use crate::routing::capacity;
use calendar::{RateWindow, WeekProfile, WeekSchedule, parse_week_point, parse_window};
pub use dist::Dist;
use locate::{KeyPath, SourceMap};
use raw::{RawArrivals, RawDist, RawProfile, RawScenario};
use units::{DAY, MINUTE, Millis, parse_duration, parse_rate};

/// Limits that keep memory bounded and the routing keys exact (see `routing::capacity`).
const MAX_INTERVALS: i64 = 1_000_000;
/// More arrivals than this per replication is a typo (`"2/ms"`), not a plan: hours of work.
const MAX_ARRIVALS: f64 = 1e10;
const MAX_REPLICATIONS: i64 = 100_000;
const MAX_AGENTS: i64 = capacity::MAX_MEMBERS as i64 - 1;

/// Index of a team in `Scenario::teams`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamId(pub u32);

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// The file it came from, as given.
    pub path: PathBuf,
    /// FNV-1a of the file's bytes, so a report says which version of a scenario produced it.
    pub hash: u64,
    pub simulation: Simulation,
    pub teams: Vec<Team>,
    pub agent_groups: Vec<AgentGroup>,
    pub arrivals: Vec<ArrivalStream>,
    pub customers: Customers,
    pub conversation: Conversation,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    /// Week time (ms since Monday 00:00) at which the clock starts.
    pub start: Millis,
    pub horizon: Millis,
    pub warmup: Millis,
    pub drain: Millis,
    pub interval: Millis,
    pub replications: u32,
    pub seed: u64,
    pub service_level_target: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// Most free slots first, waiting chats handed out automatically (SPEC §2.3, seed 004).
    Capacity,
}

#[derive(Clone, Debug)]
pub struct Team {
    pub name: String,
    pub distribution: Distribution,
}

#[derive(Clone, Debug)]
pub struct AgentGroup {
    pub name: String,
    pub teams: Vec<TeamId>,
    pub count: u32,
    pub capacity: u32,
    pub schedule: WeekSchedule,
}

#[derive(Clone, Debug)]
pub struct ArrivalStream {
    pub name: String,
    pub team: TeamId,
    pub profile: WeekProfile,
}

#[derive(Clone, Debug, Default)]
pub struct Customers {
    /// Time a customer waits for the first human reply; `None`: nobody abandons.
    pub patience: Option<Dist>,
}

#[derive(Clone, Debug)]
pub struct Conversation {
    /// Work per chat (block model, SPEC §4).
    pub handle_time: Dist,
    pub concurrency_slowdown: f64,
}

impl Scenario {
    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Scenario::parse(&text, path)
    }

    /// Parses scenario text; `path` names it in messages and anchors relative file names.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let map = SourceMap::new(text);
        let locate = |key: &KeyPath, span: std::ops::Range<usize>, message: String| {
            let (line, column) = map.line_col(span.start);
            Problem {
                file: path.to_path_buf(),
                line,
                column,
                key: key.to_string(),
                message,
            }
        };
        let raw: RawScenario = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let mut key = map.path_at(&span);
                let mut message = friendly(e.message());
                // serde names a missing key in its message and points at the enclosing table.
                if let Some(missing) = message
                    .strip_prefix("missing field `")
                    .and_then(|m| m.strip_suffix('`'))
                {
                    key = key.key(missing);
                    message = "is required but missing".to_string();
                }
                return Err(ScenarioError::Invalid(vec![locate(&key, span, message)]));
            }
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let mut v = Validator {
            base,
            problems: Vec::new(),
        };
        let scenario = v.scenario(raw, path, text);
        if v.problems.is_empty() {
            Ok(scenario.expect("a scenario without problems is complete"))
        } else {
            let problems = v
                .problems
                .into_iter()
                .map(|(key, message)| {
                    let span = map.span_of(&key);
                    locate(&key, span, message)
                })
                .collect();
            Err(ScenarioError::Invalid(problems))
        }
    }
}

/// serde's wording, made to say what a scenario author should write.
fn friendly(message: &str) -> String {
    if message.contains("untagged enum RawProfile") {
        return "expected a CSV file name or a list of { when = \"mon-fri 08:00-18:00\", rate = \"12/h\" } tables".into();
    }
    let mut m = message.trim().to_string();
    for (serde, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [...]"),
        (
            "expected struct RawDist",
            "expected a table such as { dist = \"exponential\", mean = \"2m\" }",
        ),
        ("expected struct ", "expected a table "),
    ] {
        m = m.replace(serde, plain);
    }
    m
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Collects every problem rather than stopping at the first, so one run of `validate` shows
/// the author all of them.
struct Validator<'a> {
    base: &'a Path,
    problems: Vec<(KeyPath, String)>,
}

impl Validator<'_> {
    fn fail(&mut self, key: KeyPath, message: impl Into<String>) {
        self.problems.push((key, message.into()));
    }

    fn duration(&mut self, key: KeyPath, text: Option<&str>, default: Millis) -> Millis {
        match text.map(parse_duration) {
            None => default,
            Some(Ok(ms)) => ms,
            Some(Err(m)) => {
                self.fail(key, m);
                default
            }
        }
    }

    fn positive_duration(&mut self, key: KeyPath, text: Option<&str>, default: Millis) -> Millis {
        let ms = self.duration(key.clone(), text, default);
        if ms <= 0 {
            self.fail(key, "must be longer than zero");
            return default;
        }
        ms
    }

    fn dist(&mut self, key: KeyPath, raw: &RawDist) -> Option<Dist> {
        match dist::parse_dist(raw, self.base) {
            Ok(d) => Some(d),
            Err((k, m)) => {
                self.fail(key.key(k), m);
                None
            }
        }
    }

    fn whole(&mut self, key: KeyPath, value: Option<i64>, default: i64, min: i64, max: i64) -> i64 {
        let v = value.unwrap_or(default);
        if v < min || v > max {
            self.fail(
                key,
                format!("must be a whole number from {min} to {max}, got {v}"),
            );
            return default;
        }
        v
    }

    fn scenario(&mut self, raw: RawScenario, path: &Path, text: &str) -> Option<Scenario> {
        let root = KeyPath::root();
        if raw.name.trim().is_empty() {
            self.fail(root.key("name"), "must not be empty");
        }
        let simulation = self.simulation(&raw);
        let teams = self.teams(&raw);
        let names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
        let agent_groups = self.agents(&raw, &names);
        let arrivals: Vec<ArrivalStream> = raw
            .arrivals
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                self.arrival(root.key("arrivals").index(i), a, &names, simulation.horizon)
            })
            .collect();
        if raw.arrivals.is_empty() {
            self.fail(
                root.key("arrivals"),
                "at least one [[arrivals]] stream is needed",
            );
        }
        let patience = raw
            .customers
            .as_ref()
            .and_then(|c| c.patience.as_ref())
            .and_then(|p| self.dist(root.key("customers").key("patience"), p));
        let conv = root.key("conversation");
        let handle_time = self.dist(conv.key("handle_time"), &raw.conversation.handle_time);
        let concurrency_slowdown = raw.conversation.concurrency_slowdown.unwrap_or(0.0);
        if !(concurrency_slowdown.is_finite() && concurrency_slowdown >= 0.0) {
            self.fail(
                conv.key("concurrency_slowdown"),
                "must be a number of at least 0",
            );
        }
        if let Some(Dist::Constant(v)) = &handle_time
            && *v <= 0.0
        {
            self.fail(
                conv.key("handle_time").key("value"),
                "a chat's work must take some time",
            );
        }
        let served_by: Vec<bool> = (0..teams.len())
            .map(|t| {
                agent_groups
                    .iter()
                    .any(|g| g.teams.contains(&TeamId(t as u32)))
            })
            .collect();
        for a in &arrivals {
            if !served_by.get(a.team.0 as usize).copied().unwrap_or(true) {
                let i = raw
                    .arrivals
                    .iter()
                    .position(|r| r.name == a.name)
                    .unwrap_or(0);
                self.fail(
                    root.key("arrivals").index(i).key("team"),
                    format!(
                        "no [[agents]] group serves team \"{}\"",
                        names[a.team.0 as usize]
                    ),
                );
            }
        }
        if !self.problems.is_empty() {
            return None;
        }
        Some(Scenario {
            name: raw.name,
            path: path.to_path_buf(),
            hash: fnv1a(text.as_bytes()),
            simulation,
            teams,
            agent_groups,
            arrivals,
            customers: Customers { patience },
            conversation: Conversation {
                handle_time: handle_time?,
                concurrency_slowdown,
            },
        })
    }

    fn simulation(&mut self, raw: &RawScenario) -> Simulation {
        let s = &raw.simulation;
        let key = KeyPath::root().key("simulation");
        let start = match s.start.as_deref().map(parse_week_point) {
            None => 0,
            Some(Ok(t)) => t,
            Some(Err(m)) => {
                self.fail(key.key("start"), m);
                0
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
            horizon,
            warmup,
            drain,
            interval,
            replications,
            seed,
            service_level_target,
        }
    }

    fn teams(&mut self, raw: &RawScenario) -> Vec<Team> {
        let key = KeyPath::root().key("teams");
        if raw.teams.is_empty() {
            self.fail(key.clone(), "at least one [[teams]] entry is needed");
        }
        let mut teams = Vec::new();
        for (i, t) in raw.teams.iter().enumerate() {
            if raw.teams[..i].iter().any(|o| o.name == t.name) {
                self.fail(
                    key.index(i).key("name"),
                    format!("team \"{}\" is defined twice", t.name),
                );
            }
            let distribution = match t.distribution.as_deref().unwrap_or("capacity") {
                "capacity" => Distribution::Capacity,
                "sequential" | "manual" => {
                    self.fail(
                        key.index(i).key("distribution"),
                        "only \"capacity\" distribution is implemented so far",
                    );
                    Distribution::Capacity
                }
                other => {
                    self.fail(
                        key.index(i).key("distribution"),
                        format!("unknown distribution \"{other}\"; expected \"capacity\""),
                    );
                    Distribution::Capacity
                }
            };
            teams.push(Team {
                name: t.name.clone(),
                distribution,
            });
        }
        teams
    }

    fn team_ref(&mut self, key: KeyPath, name: &str, names: &[&str]) -> Option<TeamId> {
        match names.iter().position(|n| *n == name) {
            Some(i) => Some(TeamId(i as u32)),
            None => {
                self.fail(
                    key,
                    format!(
                        "team \"{name}\" does not exist; [[teams]] defines {}",
                        quoted(names)
                    ),
                );
                None
            }
        }
    }

    fn agents(&mut self, raw: &RawScenario, names: &[&str]) -> Vec<AgentGroup> {
        let key = KeyPath::root().key("agents");
        if raw.agents.is_empty() {
            self.fail(key.clone(), "at least one [[agents]] group is needed");
        }
        let mut groups = Vec::new();
        for (i, a) in raw.agents.iter().enumerate() {
            let k = key.index(i);
            if raw.agents[..i].iter().any(|o| o.name == a.name) {
                self.fail(
                    k.key("name"),
                    format!("agent group \"{}\" is defined twice", a.name),
                );
            }
            let mut teams = Vec::new();
            match (&a.team, &a.teams) {
                (Some(t), None) => teams.extend(self.team_ref(k.key("team"), t, names)),
                (None, Some(list)) if !list.is_empty() => {
                    for (j, t) in list.iter().enumerate() {
                        teams.extend(self.team_ref(k.key("teams").index(j), t, names));
                    }
                }
                (Some(_), Some(_)) => self.fail(k.key("teams"), "give `team` or `teams`, not both"),
                _ => self.fail(
                    k.clone(),
                    "needs `team = \"name\"` or `teams = [\"a\", \"b\"]`",
                ),
            }
            let count = self.whole(k.key("count"), a.count, 1, 1, MAX_AGENTS) as u32;
            let capacity = self.whole(
                k.key("capacity"),
                a.capacity,
                1,
                1,
                capacity::MAX_CAPACITY as i64,
            ) as u32;
            let mut windows = Vec::new();
            match &a.shifts {
                None => windows.extend(parse_window("mon-sun 00:00-24:00").unwrap_or_default()),
                Some(list) => {
                    for (j, s) in list.iter().enumerate() {
                        match parse_window(s) {
                            Ok(w) => windows.extend(w),
                            Err(m) => self.fail(k.key("shifts").index(j), m),
                        }
                    }
                    if list.is_empty() {
                        self.fail(k.key("shifts"), "an empty list means the group never works");
                    }
                }
            }
            groups.push(AgentGroup {
                name: a.name.clone(),
                teams,
                count,
                capacity,
                schedule: WeekSchedule::from_windows(windows),
            });
        }
        let total: u64 = groups.iter().map(|g| g.count as u64).sum();
        if total > MAX_AGENTS as u64 {
            self.fail(
                key,
                format!("{total} agents in all; at most {MAX_AGENTS} are allowed"),
            );
        }
        groups
    }

    fn arrival(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        names: &[&str],
        horizon: Millis,
    ) -> Option<ArrivalStream> {
        let team = self.team_ref(key.key("team"), &a.team, names);
        let profile = match (&a.rate, &a.profile) {
            (Some(rate), None) => match parse_rate(rate) {
                Ok(r) => Some(WeekProfile::constant(r.0)),
                Err(m) => {
                    self.fail(key.key("rate"), m);
                    None
                }
            },
            (None, Some(RawProfile::Inline(list))) => {
                let before = self.problems.len();
                let mut windows = Vec::new();
                for (j, w) in list.iter().enumerate() {
                    let k = key.key("profile").index(j);
                    match (parse_window(&w.when), parse_rate(&w.rate)) {
                        (Ok(ws), Ok(r)) => windows.extend(ws.into_iter().map(|x| (x, r.0))),
                        (Err(m), _) => self.fail(k.key("when"), m),
                        (_, Err(m)) => self.fail(k.key("rate"), m),
                    }
                }
                (self.problems.len() == before).then(|| WeekProfile::from_windows(&windows))
            }
            (None, Some(RawProfile::File(file))) => match read_profile(&self.base.join(file)) {
                Ok(windows) => Some(WeekProfile::from_windows(&windows)),
                Err(m) => {
                    self.fail(key.key("profile"), m);
                    None
                }
            },
            (Some(_), Some(_)) => {
                self.fail(key.key("profile"), "give `rate` or `profile`, not both");
                None
            }
            (None, None) => {
                self.fail(key.clone(), "needs `rate = \"2/min\"` or a `profile`");
                None
            }
        };
        let profile = profile?;
        let k = if a.rate.is_some() {
            key.key("rate")
        } else {
            key.key("profile")
        };
        let weekly = profile.weekly_volume();
        if weekly <= 0.0 {
            self.fail(k, "the arrival rate is zero at every hour of the week");
            return None;
        }
        if weekly / units::WEEK as f64 * horizon as f64 > MAX_ARRIVALS {
            self.fail(
                k,
                format!("would bring over {MAX_ARRIVALS:e} chats per replication before `horizon`; check the unit"),
            );
            return None;
        }
        Some(ArrivalStream {
            name: a.name.clone(),
            team: team?,
            profile,
        })
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A profile CSV: header `weekday,start,end,rate_per_hour`, then rows such as
/// `mon-fri,08:00,12:00,40`.
fn read_profile(path: &Path) -> Result<Vec<RateWindow>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .map(|(_, l)| {
            l.split(',')
                .map(|c| c.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    if header != ["weekday", "start", "end", "rate_per_hour"] {
        return Err(format!(
            "{} must start with the header row weekday,start,end,rate_per_hour",
            path.display()
        ));
    }
    let mut windows = Vec::new();
    for (i, line) in lines {
        let at = |m: String| format!("{} line {}: {m}", path.display(), i + 1);
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [days, start, end, rate] = cells[..] else {
            return Err(at(format!("expected 4 cells, found {}", cells.len())));
        };
        let ws = parse_window(&format!("{days} {start}-{end}")).map_err(at)?;
        let per_hour: f64 = rate
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r >= 0.0)
            .ok_or_else(|| {
                at(format!(
                    "rate_per_hour must be a number of at least 0, got \"{rate}\""
                ))
            })?;
        let per_ms = per_hour / units::HOUR as f64;
        windows.extend(ws.into_iter().map(|w| (w, per_ms)));
    }
    Ok(windows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// No input makes validation panic: thousands of random edits of real scenarios (including
    /// multi-byte characters, which TOML error spans can point into) either parse or fail
    /// with located problems.
    #[test]
    fn mangled_scenarios_never_panic() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(2026);
        let alphabet: Vec<char> = "=[]{}\",.-:0123456789abcdemsh/é€ \n#".chars().collect();
        for file in ["erlang-a.toml", "day-shifts.toml"] {
            let path = dir.join(file);
            let original: Vec<char> = std::fs::read_to_string(&path).unwrap().chars().collect();
            for _ in 0..1500 {
                let mut text = original.clone();
                for _ in 0..rng.random_range(1..4) {
                    let at = rng.random_range(0..text.len());
                    match rng.random_range(0..3) {
                        0 => {
                            text.remove(at);
                        }
                        1 => text.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                        _ => text[at] = alphabet[rng.random_range(0..alphabet.len())],
                    }
                }
                let text: String = text.into_iter().collect();
                if let Err(ScenarioError::Invalid(problems)) = Scenario::parse(&text, &path) {
                    assert!(!problems.is_empty());
                    for p in problems {
                        assert!(p.line >= 1 && p.column >= 1, "{p}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_rate_typo_that_would_run_for_hours_is_refused() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang-a.toml"),
        )
        .unwrap()
        .replace("rate = \"2/min\"", "rate = \"20/ms\"");
        let err = Scenario::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("arrivals[0].rate: would bring over"), "{err}");
    }
}
