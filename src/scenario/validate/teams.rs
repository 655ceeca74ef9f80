//! `[[teams]]`: distribution, offer timeouts, and the references to teams elsewhere.

use super::*;
use crate::scenario::HandBackTo;

impl Validator<'_> {
    pub(super) fn teams(&mut self, raw: &RawScenario) -> Vec<Team> {
        let key = KeyPath::root().key("teams");
        if raw.teams.is_empty() {
            self.fail(key.clone(), "at least one [[teams]] entry is needed");
        }
        let mut teams = Vec::new();
        for (i, t) in raw.teams.iter().enumerate() {
            let k = key.index(i);
            if t.name == "waiting" {
                self.fail(
                    k.key("name"),
                    "\"waiting\" names the Waiting box; choose another name",
                );
            }
            let max_chats = t
                .max_chats
                .map(|m| self.whole(k.key("max_chats"), Some(m), 1, 1, u32::MAX as i64) as u32);
            let distribution = match t.distribution.as_deref().unwrap_or("capacity") {
                "capacity" => Distribution::Capacity,
                "sequential" => Distribution::Sequential { max_chats },
                "manual" => Distribution::Manual,
                other => {
                    let round_robin =
                        other.to_lowercase().replace(['-', '_', ' '], "") == "roundrobin";
                    self.fail(
                        k.key("distribution"),
                        format!(
                            "unknown distribution {}; {}expected \"sequential\", \"capacity\" or \"manual\"",
                            crate::io::quoted(other),
                            if round_robin { "round robin is called \"sequential\"; " } else { "" }
                        ),
                    );
                    Distribution::Capacity
                }
            };
            if max_chats.is_some() && !matches!(distribution, Distribution::Sequential { .. }) {
                self.fail(
                    k.key("max_chats"),
                    "applies only to distribution = \"sequential\"",
                );
            }
            let offer_timeout = t
                .offer_timeout
                .as_deref()
                .map(|o| self.positive_duration(k.key("offer_timeout"), Some(o), MINUTE));
            let not_ready_on_timeout = t.not_ready_on_timeout.unwrap_or(false);
            if not_ready_on_timeout && offer_timeout.is_none() {
                self.fail(
                    k.key("not_ready_on_timeout"),
                    "needs an `offer_timeout` to time out",
                );
            }
            if t.not_ready_for.is_some() && !not_ready_on_timeout {
                self.fail(
                    k.key("not_ready_for"),
                    "has no effect without `not_ready_on_timeout = true`",
                );
            }
            let not_ready_for = not_ready_on_timeout.then(|| match &t.not_ready_for {
                Some(d) => self.dist(k.key("not_ready_for"), d),
                None => Some(Dist::Constant(DEFAULT_NOT_READY_FOR as f64)),
            });
            teams.push(Team {
                name: t.name.clone(),
                distribution,
                offer_timeout,
                not_ready_for: not_ready_for.flatten(),
                hand_back_to: match t.hand_back_to.as_deref() {
                    None | Some("queue") => HandBackTo::Queue,
                    Some("agent") => HandBackTo::Agent,
                    Some(other) => {
                        self.fail(
                            k.key("hand_back_to"),
                            format!(
                                "unknown value {}; expected \"queue\" (the team's queue) or \"agent\" (another available agent of the team)",
                                crate::io::quoted(other)
                            ),
                        );
                        HandBackTo::Queue
                    }
                },
                overflow_after: t
                    .overflow_after
                    .as_deref()
                    .map(|o| self.duration(k.key("overflow_after"), Some(o), 0)),
                faster_first: t.faster_first.unwrap_or(false),
            });
            if t.faster_first == Some(true) && distribution != Distribution::Capacity {
                self.fail(
                    k.key("faster_first"),
                    "ranks agents among those with free slots: it applies to distribution = \"capacity\"",
                );
            }
        }
        teams
    }

    /// Overflow (guide `routing.md#overflow` `overflow_teams`): a group's secondary teams are other
    /// teams than its own, it receives chats automatically, and every team involved hands its
    /// chats out by `capacity`, where an agent with a free slot has none of its own teams'
    /// chats waiting, so that it takes them first. A team's `overflow_after` needs a group
    /// to overflow to; with one and no `overflow_after`, chats overflow as soon as none of
    /// the team's own agents can take them.
    pub(super) fn overflow(&mut self, teams: &mut [Team], groups: &[AgentGroup]) {
        let capacity = |t: TeamId| teams[t.0 as usize].distribution == Distribution::Capacity;
        let mut failures = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            let k = KeyPath::root().key("agents").index(i).key("overflow_teams");
            for (j, &t) in g.overflow_teams.iter().enumerate() {
                let name = &teams[t.0 as usize].name;
                let problem = if g.teams.contains(&t) {
                    format!("team \"{name}\" is already one of the group's own teams")
                } else if g.role != Role::Agent {
                    "applies to role = \"agent\": supervisors and admins receive no chats automatically".into()
                } else if !capacity(t) {
                    format!("team \"{name}\" must have distribution = \"capacity\" to overflow")
                } else if let Some(&own) = g.teams.iter().find(|&&o| !capacity(o)) {
                    format!(
                        "needs the group's own teams under distribution = \"capacity\", so that its agents take their own chats first; team \"{}\" is not",
                        teams[own.0 as usize].name
                    )
                } else {
                    continue;
                };
                failures.push((k.index(j), problem));
            }
        }
        for (i, team) in teams.iter_mut().enumerate() {
            let listed = groups
                .iter()
                .any(|g| g.overflow_teams.contains(&TeamId(i as u32)));
            match (team.overflow_after, listed) {
                (Some(_), false) => failures.push((
                    KeyPath::root().key("teams").index(i).key("overflow_after"),
                    format!(
                        "no [[agents]] group lists team \"{}\" in `overflow_teams`, so its chats have nowhere to overflow to",
                        team.name
                    ),
                )),
                (None, true) => team.overflow_after = Some(0),
                _ => {}
            }
        }
        for (key, problem) in failures {
            self.fail(key, problem);
        }
    }

    pub(super) fn team_ref(&mut self, key: KeyPath, name: &str, names: &[&str]) -> Option<TeamId> {
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
}
