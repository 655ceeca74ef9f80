//! Invariants that must hold whatever the scenario (issue: "alerts of an episode come in
//! order; no action on a snoozed chat; a transferred chat leaves its agent's slot; every
//! chat ends in exactly one outcome"), checked after every event of random scenarios.

use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::stats::metrics::Metric;

#[derive(Debug, Clone)]
struct Params {
    distribution: &'static str,
    agents: u32,
    capacity: u32,
    rate_per_hour: u32,
    turns_mean: f64,
    silent: f64,
    snooze: f64,
    action: Option<&'static str>,
    auto_close: bool,
    patience: bool,
    requeue: bool,
    transfer: f64,
    /// `transfer_to`: a team, or an agent group.
    transfer_to: &'static str,
    /// `[inactivity.on_hold]`'s keys, if any.
    on_hold: Option<&'static str>,
    /// Customers who give up in conversation leave silently (with `patience`).
    silent_leavers: bool,
    /// Under `capacity`: the group "other" serves team "b" and takes team "a"'s chats after
    /// this `overflow_after`, instead of serving both teams.
    overflow: Option<&'static str>,
    /// Group "other" works at 1.5 and, under `capacity`, team "a" ranks faster agents first.
    faster: bool,
}

fn params() -> impl Strategy<Value = Params> {
    (
        prop::sample::select(vec!["capacity", "sequential", "manual"]),
        1u32..5,
        1u32..4,
        2u32..40,
        1.0f64..6.0,
        0.0f64..0.5,
        0.0f64..0.5,
        prop::sample::select(vec![
            None,
            Some("close = true"),
            Some("transfer_to = \"b\""),
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        (
            0.0f64..0.3,
            prop::sample::select(vec!["\"b\"", "{ group = \"other\" }"]),
            prop::sample::select(vec![
                None,
                Some("after_silence = \"3m\"\nclose_after = \"30m\""),
                Some("after_reply = 0.3\nclose_after = \"20m\"\nresume = \"queue\""),
            ]),
            any::<bool>(),
            prop::sample::select(vec![None, Some("0s"), Some("1m")]),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                distribution,
                agents,
                capacity,
                rate_per_hour,
                turns_mean,
                silent,
                snooze,
                action,
                auto_close,
                patience,
                requeue,
                (transfer, transfer_to, on_hold, silent_leavers, overflow, faster),
            )| Params {
                distribution,
                agents,
                capacity,
                rate_per_hour,
                turns_mean,
                silent,
                snooze,
                action,
                auto_close,
                patience,
                requeue,
                transfer,
                transfer_to,
                on_hold,
                silent_leavers,
                overflow,
                faster,
            },
        )
}

fn scenario(p: &Params) -> Scenario {
    let overflow = p.overflow.filter(|_| p.distribution == "capacity");
    let action = p.action.map_or(String::new(), |a| {
        format!("action = {{ after = \"6m\", {a} }}")
    });
    let text = format!(
        r#"
name = "prop"
[simulation]
horizon = "2d"
drain = "6h"
interval = "1h"
replications = 1
[[teams]]
name = "a"
distribution = "{distribution}"
{hand_back_to}
{overflow_after}
{faster_first}
[[teams]]
name = "b"
[[agents]]
name = "day"
team = "a"
count = {agents}
capacity = {capacity}
shifts = ["mon-sun 06:00-18:00"]
on_shift_end = "{end}"
breaks = [{{ at = "12:00", length = "30m" }}]
{not_ready}
pickup = {{ every = {{ dist = "exponential", mean = "5m" }} }}
[[agents]]
name = "other"
{other_teams}
{other_speed}
count = 1
capacity = 2
[[arrivals]]
name = "in"
team = "a"
rate = "{rate}/h"
[customers]
{patience}
[conversation]
turns = {{ dist = "geometric", mean = {turns} }}
first_reply = {{ dist = "exponential", mean = "1m" }}
agent_reply = {{ dist = "exponential", mean = "2m" }}
customer_reply = {{ dist = "exponential", mean = "1m" }}
customer_silent_probability = {silent}
wrap_up = {{ dist = "constant", value = "10s" }}
concurrency_slowdown = 0.3
transfer_probability = {transfer}
transfer_to = {transfer_to}
[inactivity.team_queue]
first_alert = "2m"
second_alert = "4m"
{action}
exceptions = [{{ teams = ["b"], first_alert = "2m", second_alert = "4m" }}]
[inactivity.agent_queue]
first_alert = "1m"
second_alert = "3m"
{action}
exceptions = [{{ teams = ["b"], first_alert = "1m", second_alert = "3m" }}]
{auto_close}
[inactivity.snooze]
probability = {snooze}
after_reply = {snooze}
duration = {{ dist = "exponential", mean = "5m" }}
resume_probability = 0.5
resume_after = {{ dist = "exponential", mean = "2m" }}
{on_hold}
"#,
        distribution = p.distribution,
        agents = p.agents,
        capacity = p.capacity,
        end = if p.requeue { "requeue" } else { "keep" },
        not_ready = if p.requeue {
            "on_not_ready = \"requeue\"\nnot_ready_grace = \"2m\""
        } else {
            ""
        },
        hand_back_to = if p.transfer > 0.15 {
            "hand_back_to = \"agent\""
        } else {
            ""
        },
        rate = p.rate_per_hour,
        faster_first = if p.faster && p.distribution == "capacity" {
            "faster_first = true"
        } else {
            ""
        },
        other_speed = if p.faster { "speed = 1.5" } else { "" },
        overflow_after = overflow.map_or(String::new(), |o| format!("overflow_after = \"{o}\"")),
        other_teams = match overflow {
            Some(_) => "teams = [\"b\"]\noverflow_teams = [\"a\"]",
            None => "teams = [\"a\", \"b\"]",
        },
        patience = match (p.patience, p.silent_leavers) {
            (false, _) => "",
            (true, false) =>
                "patience = { dist = \"exponential\", mean = \"4m\" }\npatience_in_conversation = { dist = \"exponential\", mean = \"6m\" }",
            (true, true) =>
                "patience = { dist = \"exponential\", mean = \"4m\" }\npatience_in_conversation = { dist = \"exponential\", mean = \"6m\" }\nsilent_abandonment = 0.7\nsilent_noticed_after = { dist = \"exponential\", mean = \"10m\" }",
        },
        on_hold = p
            .on_hold
            .map_or(String::new(), |h| format!("[inactivity.on_hold]\n{h}")),
        turns = p.turns_mean,
        silent = p.silent,
        transfer = p.transfer,
        transfer_to = p.transfer_to,
        action = action,
        auto_close = if p.auto_close {
            "[inactivity.auto_close]\nafter = \"15m\""
        } else {
            ""
        },
        snooze = p.snooze,
    );
    Scenario::parse(&text, Path::new("prop.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn check_state(sim: &Sim) {
    let on_desks: usize = sim.desks.iter().map(|d| d.chats.len()).sum();
    assert_eq!(sim.stats.levels.busy_slots, on_desks as f64);
    for (a, desk) in sim.desks.iter().enumerate() {
        for c in &desk.chats {
            // A chat taken away (transfer, requeue, action) must have left its slot.
            assert_eq!(sim.router.holder(c.chat), Some(AgentId(a as u32)));
            assert_eq!(sim.chats[c.chat.index as usize].state, ChatState::InService);
        }
    }
    for (i, (c, t)) in sim.chats.iter().zip(&sim.talks).enumerate() {
        if c.state != ChatState::Free {
            assert!(
                !(t.snoozed && t.episode.is_some()),
                "a snoozed chat has no running episode"
            );
            if c.state == ChatState::OnHold {
                // Held: off every slot (desks hold only chats in service) and every queue.
                assert!(t.episode.is_none(), "a held chat has no running episode");
                let id = ChatId {
                    index: i as u32,
                    generation: c.generation,
                };
                assert_eq!(sim.router.holder(id), None);
            }
            if let Some(e) = t.episode {
                assert!(e.start <= sim.now);
                assert!(e.next().is_none_or(|(at, _)| at >= e.start));
            }
        }
    }
    assert!(sim.stats.levels.queue_length >= 0.0);
    // Capacity distribution never leaves a chat waiting in the team queue while a member
    // who could take it has a free slot: every path that frees a slot refills it.
    if sim.scenario.teams[0].distribution == crate::scenario::Distribution::Capacity
        && sim.router.waiting(QueueId(0)) > 0
    {
        for a in 0..sim.desks.len() {
            let agent = sim.router.agent(AgentId(a as u32));
            let group = &sim.scenario.agent_groups[sim.desks[a].group];
            // With no wait to overflow, team "a"'s secondary agents count as members here.
            let secondary = group.overflow_teams.contains(&crate::scenario::TeamId(0))
                && sim.scenario.teams[0].overflow_after == Some(0);
            let member = agent.role == crate::routing::Role::Agent
                && (agent.teams.contains(&crate::scenario::TeamId(0)) || secondary);
            assert!(
                !(member && agent.available() && agent.held < agent.capacity),
                "agent {a} has a free slot while chats wait at {}",
                sim.now
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_for_any_scenario(p in params(), seed in 0u64..1000) {
        let s = scenario(&p);
        let mut sim = Sim::new(&s, seed, 0, false);
        while let Some((t, e)) = sim.events.pop() {
            sim.now = t;
            sim.stats.advance(t);
            sim.handle(e);
            check_state(&sim);
            if sim.done {
                break;
            }
        }
        sim.stats.advance(sim.now.max(s.simulation.horizon));
        let open: Vec<_> = sim.chats.iter().filter(|c| c.state != ChatState::Free).filter_map(|c| c.window).collect();
        for tag in open {
            sim.stats.unfinished(tag);
        }
        let m = sim.stats.finish().all().metrics;
        let get = |x: Metric| m[x as usize];
        // Every chat ends in exactly one outcome.
        // Silent abandonment is undefined (NaN) when unused: `max` counts it as none.
        let outcomes = get(Metric::BotResolved) + get(Metric::Abandoned) + get(Metric::AbandonedInConversation)
            + get(Metric::SilentAbandoned).max(0.0)
            + get(Metric::AutoClosed) + get(Metric::Resolved) + get(Metric::Unfinished);
        prop_assert_eq!(outcomes, get(Metric::Arrivals));
        // Alerts of an episode come in order: a second alert needs a first, an action a second.
        prop_assert!(get(Metric::FirstAlerts) >= get(Metric::SecondAlerts));
        prop_assert!(get(Metric::SecondAlerts) >= get(Metric::InactivityTransfers));
    }
}
