//! `[customers]` and `[conversation]`: patience, returns, and the block or turn model of work.

use super::*;

impl Validator<'_> {
    pub(super) fn customers(&mut self, raw: &RawScenario) -> Customers {
        let key = KeyPath::root().key("customers");
        let Some(c) = &raw.customers else {
            return Customers::default();
        };
        let patience = c
            .patience
            .as_ref()
            .and_then(|p| self.dist(key.key("patience"), p));
        let patience_in_conversation = c
            .patience_in_conversation
            .as_ref()
            .and_then(|p| self.dist(key.key("patience_in_conversation"), p));
        if c.patience_in_conversation.is_some() && raw.conversation.turns.is_none() {
            self.fail(
                key.key("patience_in_conversation"),
                "belongs to the turn model: the block model has no later replies",
            );
        }
        let return_probability =
            self.probability(key.key("return_probability"), c.return_probability.as_ref());
        let return_after = c
            .return_after
            .as_ref()
            .and_then(|d| self.dist(key.key("return_after"), d));
        if return_probability > 0.0 && c.return_after.is_none() {
            self.fail(
                key.key("return_after"),
                "`return_probability` needs `return_after`",
            );
        }
        if return_probability > 0.0 && c.patience.is_none() {
            self.fail(
                key.key("return_probability"),
                "only customers who abandon return: give a `patience`",
            );
        }
        let return_after_resolution = c.return_after_resolution.as_ref().and_then(|r| {
            let rk = key.key("return_after_resolution");
            let probability = self.probability(rk.key("probability"), Some(&r.probability));
            let after = self.dist(rk.key("after"), &r.after)?;
            let reopen_window = r
                .reopen_window
                .as_deref()
                .map(|w| self.positive_duration(rk.key("reopen_window"), Some(w), 0));
            Some(ResolvedReturn {
                probability,
                after,
                reopen_window,
            })
        });
        let max_returns = self.whole(
            key.key("max_returns"),
            c.max_returns,
            DEFAULT_MAX_RETURNS,
            0,
            MAX_RETURNS,
        ) as u32;
        let silent_abandonment =
            self.probability(key.key("silent_abandonment"), c.silent_abandonment.as_ref());
        if silent_abandonment > 0.0 && c.patience_in_conversation.is_none() {
            self.fail(
                key.key("silent_abandonment"),
                "is a share of the customers who give up during the conversation: give a `patience_in_conversation`",
            );
        }
        let silent_noticed_after = c
            .silent_noticed_after
            .as_ref()
            .and_then(|d| self.dist(key.key("silent_noticed_after"), d));
        if c.silent_noticed_after.is_some() && silent_abandonment == 0.0 {
            self.fail(
                key.key("silent_noticed_after"),
                "says when agents close the chats of customers who left silently: give a `silent_abandonment`",
            );
        }
        Customers {
            patience,
            patience_in_conversation,
            return_probability,
            return_after,
            return_after_resolution,
            max_returns,
            silent_abandonment,
            silent_noticed_after,
        }
    }

    pub(super) fn conversation(
        &mut self,
        raw: &RawScenario,
        names: &[&str],
    ) -> Option<Conversation> {
        let key = KeyPath::root().key("conversation");
        let c = &raw.conversation;
        let model = self.work_model(&key, c);
        let concurrency_slowdown = c.concurrency_slowdown.unwrap_or(0.0);
        if !(concurrency_slowdown.is_finite() && concurrency_slowdown >= 0.0) {
            self.fail(
                key.key("concurrency_slowdown"),
                "must be a number of at least 0",
            );
        }
        let concurrency_speed = self.speed_table(&key, raw);
        let transfer_probability = self.probability(
            key.key("transfer_probability"),
            c.transfer_probability.as_ref(),
        );
        let transfer_to = match &c.transfer_to {
            None => None,
            Some(RawTransferTo::Team(t)) => self
                .team_ref(key.key("transfer_to"), t, names)
                .map(TransferTarget::Team),
            Some(RawTransferTo::Group(g)) => {
                match raw.agents.iter().position(|a| a.name == g.group) {
                    Some(i) => Some(TransferTarget::Agents(i)),
                    None => {
                        self.fail(
                            key.key("transfer_to").key("group"),
                            format!("agent group \"{}\" does not exist", g.group),
                        );
                        None
                    }
                }
            }
        };
        if transfer_probability == 0.0 && c.transfer_to.is_some() {
            self.fail(
                key.key("transfer_to"),
                "has no effect without `transfer_probability`, the share of chats transferred",
            );
        }
        if transfer_probability > 0.0 && c.transfer_to.is_none() {
            self.fail(
                key.key("transfer_to"),
                "`transfer_probability` needs the team to transfer to",
            );
        }
        Some(Conversation {
            model: model?,
            concurrency_slowdown,
            concurrency_speed,
            transfer_probability,
            transfer_to,
        })
    }

    /// `concurrency_speed`: per-level speeds, each in (0, 1], never rising with the load
    /// (a chat does not go faster because the agent holds more), no longer than the largest
    /// capacity (an entry no agent can reach is a mistake), and not beside the linear form.
    fn speed_table(&mut self, key: &KeyPath, raw: &RawScenario) -> Vec<f64> {
        let Some(table) = &raw.conversation.concurrency_speed else {
            return Vec::new();
        };
        let k = key.key("concurrency_speed");
        if raw.conversation.concurrency_slowdown.is_some() {
            self.fail(
                k.clone(),
                "give `concurrency_slowdown` (the linear form) or `concurrency_speed` (a speed per number of chats held), not both",
            );
        }
        let most = raw
            .agents
            .iter()
            .map(|a| a.capacity.unwrap_or(1))
            .max()
            .unwrap_or(1);
        if table.is_empty() {
            self.fail(
                k.clone(),
                "needs the speed with 1 chat at least, e.g. [1.0, 0.8]",
            );
        } else if table.len() as i64 > most {
            self.fail(
                k.clone(),
                format!(
                    "has {} entries, but no agent's capacity is above {most}: the entries past {most} would never apply",
                    table.len()
                ),
            );
        }
        for (i, &v) in table.iter().enumerate() {
            if i == 0 && v != 1.0 {
                self.fail(
                    k.index(0),
                    format!("is the speed of a chat alone, which is full speed, 1 (`handle_time` is the work of one chat on its own), got {v}"),
                );
            } else if !(v > 0.0 && v <= 1.0) {
                self.fail(
                    k.index(i),
                    format!("is the speed of each chat while {} are held, a share of full speed from above 0 to 1, got {v}", i + 1),
                );
            } else if i > 0 && v > table[i - 1] {
                self.fail(
                    k.index(i),
                    format!(
                        "rises from {} to {v}: a chat does not go faster because its agent holds more chats",
                        table[i - 1]
                    ),
                );
            }
        }
        table.clone()
    }

    /// `handle_time` (block model) or `turns` with its reply times (turn model), not both.
    pub(super) fn work_model(&mut self, key: &KeyPath, c: &RawConversation) -> Option<WorkModel> {
        let turn_keys = [
            ("first_reply", c.first_reply.is_some()),
            ("agent_reply", c.agent_reply.is_some()),
            ("customer_reply", c.customer_reply.is_some()),
            (
                "customer_silent_probability",
                c.customer_silent_probability.is_some(),
            ),
            ("wrap_up", c.wrap_up.is_some()),
        ];
        match (&c.handle_time, &c.turns) {
            (Some(h), None) => {
                for (k, present) in turn_keys {
                    if present {
                        self.fail(
                            key.key(k),
                            "belongs to the turn model: give `turns` instead of `handle_time`",
                        );
                    }
                }
                let handle_time = self.dist(key.key("handle_time"), h)?;
                if let Dist::Constant(v) = handle_time
                    && v <= 0.0
                {
                    self.fail(
                        key.key("handle_time").key("value"),
                        "a chat's work must take some time",
                    );
                }
                Some(WorkModel::Block { handle_time })
            }
            (None, Some(t)) => {
                let turns = self.count(key.key("turns"), t);
                let need = |v: &mut Self, k: &str, d: &Option<RawDist>| match d {
                    Some(d) => v.dist(key.key(k), d),
                    None => {
                        v.fail(key.key(k), "the turn model needs it");
                        None
                    }
                };
                let first_reply = need(self, "first_reply", &c.first_reply);
                let agent_reply = need(self, "agent_reply", &c.agent_reply);
                let customer_reply = need(self, "customer_reply", &c.customer_reply);
                let customer_silent_probability = self.probability(
                    key.key("customer_silent_probability"),
                    c.customer_silent_probability.as_ref(),
                );
                let wrap_up = c
                    .wrap_up
                    .as_ref()
                    .and_then(|d| self.dist(key.key("wrap_up"), d));
                Some(WorkModel::Turns(TurnModel {
                    turns: turns?,
                    first_reply: first_reply?,
                    agent_reply: agent_reply?,
                    customer_reply: customer_reply?,
                    customer_silent_probability,
                    wrap_up,
                }))
            }
            (Some(_), Some(_)) => {
                self.fail(
                    key.key("turns"),
                    "give `handle_time` (block model) or `turns` (turn model), not both",
                );
                None
            }
            (None, None) => {
                self.fail(
                    key.clone(),
                    "needs `handle_time` (block model) or `turns` (turn model)",
                );
                None
            }
        }
    }

    pub(super) fn count(&mut self, key: KeyPath, raw: &RawCount) -> Option<Count> {
        match raw {
            RawCount::Fixed(n) if (1..=100_000).contains(n) => Some(Count::Fixed(*n as u32)),
            RawCount::Fixed(n) => {
                self.fail(
                    key,
                    format!("must be a whole number from 1 to 100000, got {n}"),
                );
                None
            }
            RawCount::Dist(d) => {
                if !(d.mean.is_finite() && (1.0..=100_000.0).contains(&d.mean)) {
                    self.fail(key.key("mean"), "a count's mean must be from 1 to 100000");
                    return None;
                }
                match d.dist.as_str() {
                    "geometric" => Some(Count::Geometric { mean: d.mean }),
                    "poisson" => Some(Count::Poisson { mean: d.mean }),
                    other => {
                        self.fail(
                            key.key("dist"),
                            format!("unknown count distribution {}; expected \"geometric\" or \"poisson\"", crate::io::quoted(other)),
                        );
                        None
                    }
                }
            }
        }
    }
}
