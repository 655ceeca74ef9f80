//! The block model's mechanics, driven by hand-placed chats instead of random arrivals.

use super::*;
use crate::scenario::units::{MINUTE, SECOND};
use std::path::Path;

fn scenario(capacity: u32, slowdown: f64, shifts: &str) -> Scenario {
    scenario_with(capacity, slowdown, shifts, "capacity", "keep")
}

fn scenario_with(
    capacity: u32,
    slowdown: f64,
    shifts: &str,
    distribution: &str,
    on_shift_end: &str,
) -> Scenario {
    let text = format!(
        r#"
name = "t"
[simulation]
horizon = "7d"
replications = 1
[[teams]]
name = "a"
distribution = "{distribution}"
[[agents]]
name = "g"
team = "a"
capacity = {capacity}
shifts = ["{shifts}"]
on_shift_end = "{on_shift_end}"
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
handle_time = {{ dist = "constant", value = "1m" }}
concurrency_slowdown = {slowdown}
"#
    );
    Scenario::parse(&text, Path::new("t.toml")).unwrap()
}

/// A simulation with no random arrivals, so a test places every chat itself.
fn quiet(s: &Scenario) -> Sim<'_> {
    let mut sim = Sim::new(s, 1, 0);
    sim.events = EventQueue::default();
    sim
}

fn inject(sim: &mut Sim, work: Millis) -> ChatId {
    let chat = sim.allocate(Chat {
        generation: 0,
        state: ChatState::Waiting,
        source: 0,
        window: None,
        queue: QueueId(0),
        queued_at: sim.now,
        started: false,
        work: work as f64,
        transfer: None,
        patience: None,
        bot_resolves: false,
        offer: 0,
        offer_agent: 0,
        answer: Answer::Accept,
        talk: None,
        returns: 0,
    });
    sim.route_to(chat, QueueId(0));
    chat
}

/// Runs events up to `until`, returning the times at which chats finished.
fn run_until(sim: &mut Sim, until: Millis) -> Vec<Millis> {
    let mut finished = Vec::new();
    while let Some((t, e)) = sim.events.pop() {
        if t > until {
            sim.events.schedule(t, e);
            break;
        }
        sim.now = t;
        sim.stats.advance(t);
        let before = sim.live;
        sim.handle(e);
        for _ in sim.live..before {
            finished.push(t);
        }
    }
    sim.now = until;
    sim.stats.advance(until);
    finished
}

#[test]
fn chats_without_slowdown_do_not_delay_each_other() {
    // SPEC §4: with s = 0 chats do not slow each other.
    let s = scenario(2, 0.0, "mon-sun 00:00-24:00");
    let mut sim = quiet(&s);
    inject(&mut sim, MINUTE);
    inject(&mut sim, 2 * MINUTE);
    assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![MINUTE, 2 * MINUTE]);
}

#[test]
fn slowdown_shares_the_agent_and_recomputes_finishing_times() {
    // SPEC §4: each chat drains at 1 / (1 + s(k - 1)); finishing times change with k.
    let s = scenario(2, 1.0, "mon-sun 00:00-24:00");
    let mut sim = quiet(&s);
    inject(&mut sim, 60 * SECOND);
    assert!(run_until(&mut sim, 30 * SECOND).is_empty());
    inject(&mut sim, 60 * SECOND);
    // From 30 s both run at half speed: the first (30 s left) ends at 90 s, when the second
    // has 30 s left at full speed again: 120 s.
    assert_eq!(
        run_until(&mut sim, 10 * MINUTE),
        vec![90 * SECOND, 120 * SECOND]
    );
}

#[test]
fn an_agent_keeps_its_chat_past_shift_end() {
    // SPEC §2.9 on_shift_end = "keep": the open chat is finished after the shift.
    let s = scenario(1, 0.0, "mon 00:00-01:00");
    let mut sim = quiet(&s);
    let group = &s.agent_groups[0];
    if let Some(t) = group.schedule.next_change(0, 0) {
        sim.events.schedule(t, Event::Calendar);
    }
    run_until(&mut sim, 59 * MINUTE);
    inject(&mut sim, 10 * MINUTE);
    assert_eq!(run_until(&mut sim, 2 * 60 * MINUTE), vec![69 * MINUTE]);
    assert!(!sim.router.agent(AgentId(0)).online);
    assert!(
        sim.desks[0].presence == Presence::Offline,
        "no longer counts as online once the chat is done"
    );
    // A chat arriving now waits: nobody is online.
    inject(&mut sim, MINUTE);
    assert_eq!(sim.stats.levels.queue_length, 1.0);
}

#[test]
fn requeue_hands_back_every_chat_and_only_the_started_one_counts_as_started() {
    // SPEC §2.9 on_shift_end = "requeue"; §2.2: sequential gives the agent chats beyond its
    // capacity, which wait in its queue. At the shift end all three go back to the team queue;
    // the two that never reached a slot must not count as started on the way out.
    let s = scenario_with(1, 0.0, "mon 00:00-01:00", "sequential", "requeue");
    let mut sim = quiet(&s);
    if let Some(t) = s.agent_groups[0].schedule.next_change(0, 0) {
        sim.events.schedule(t, Event::Calendar);
    }
    let chats: Vec<ChatId> = (0..3).map(|_| inject(&mut sim, 120 * MINUTE)).collect();
    assert_eq!(sim.router.agent(AgentId(0)).backlog(), 2);
    assert!(
        run_until(&mut sim, 2 * 60 * MINUTE).is_empty(),
        "nothing finishes"
    );
    let started: Vec<bool> = chats
        .iter()
        .map(|c| sim.chats[c.index as usize].started)
        .collect();
    assert_eq!(started, vec![true, false, false]);
    for c in &chats {
        assert_eq!(sim.chats[c.index as usize].state, ChatState::Waiting);
    }
    assert_eq!(sim.router.waiting(QueueId(0)), 3);
    assert_eq!(sim.stats.levels.queue_length, 3.0);
    assert_eq!(sim.stats.levels.busy_slots, 0.0);
    // The first chat keeps the work already done: 60 of its 120 minutes are left.
    assert!((sim.chats[chats[0].index as usize].work - (60 * MINUTE) as f64).abs() < 1.0);
}

mod properties {
    //! Invariants that must hold whatever the scenario (issue: "alerts of an episode come in
    //! order; no action on a snoozed chat; a transferred chat leaves its agent's slot; every
    //! chat ends in exactly one outcome"), checked after every event of random scenarios.

    use super::*;
    use crate::stats::metrics::Metric;
    use proptest::prelude::*;

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
                    (transfer, transfer_to),
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
                },
            )
    }

    fn scenario(p: &Params) -> Scenario {
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
[[teams]]
name = "b"
[[agents]]
name = "day"
team = "a"
count = {agents}
capacity = {capacity}
shifts = ["mon-sun 06:00-18:00"]
on_shift_end = "{end}"
pickup = {{ every = {{ dist = "exponential", mean = "5m" }} }}
[[agents]]
name = "other"
teams = ["a", "b"]
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
{auto_close}
[inactivity.snooze]
probability = {snooze}
after_reply = {snooze}
duration = {{ dist = "exponential", mean = "5m" }}
resume_probability = 0.5
resume_after = {{ dist = "exponential", mean = "2m" }}
"#,
            distribution = p.distribution,
            agents = p.agents,
            capacity = p.capacity,
            end = if p.requeue { "requeue" } else { "keep" },
            rate = p.rate_per_hour,
            patience = if p.patience {
                "patience = { dist = \"exponential\", mean = \"4m\" }\npatience_in_conversation = { dist = \"exponential\", mean = \"6m\" }"
            } else {
                ""
            },
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
        for c in sim.chats.iter().filter(|c| c.state != ChatState::Free) {
            if let Some(t) = &c.talk {
                assert!(
                    !(t.snoozed && t.episode.is_some()),
                    "a snoozed chat has no running episode"
                );
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
                let member = agent.role == crate::routing::Role::Agent
                    && agent.teams.contains(&crate::scenario::TeamId(0));
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
            let mut sim = Sim::new(&s, seed, 0);
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
            let unfinished = sim.chats.iter().filter(|c| c.state != ChatState::Free && c.window.is_some()).count();
            let m = sim.stats.finish(unfinished as u64).metrics;
            let get = |x: Metric| m[x as usize];
            // Every chat ends in exactly one outcome.
            let outcomes = get(Metric::BotResolved) + get(Metric::Abandoned) + get(Metric::AbandonedInConversation)
                + get(Metric::AutoClosed) + get(Metric::Resolved) + get(Metric::Unfinished);
            prop_assert_eq!(outcomes, get(Metric::Arrivals));
            // Alerts of an episode come in order: a second alert needs a first, an action a second.
            prop_assert!(get(Metric::FirstAlerts) >= get(Metric::SecondAlerts));
            prop_assert!(get(Metric::SecondAlerts) >= get(Metric::InactivityTransfers));
        }
    }
}
