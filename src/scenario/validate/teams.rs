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
                    self.fail(
                        k.key("distribution"),
                        format!(
                            "unknown distribution {}; expected \"sequential\", \"capacity\" or \"manual\"",
                            crate::io::quoted(other)
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
            });
        }
        teams
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
