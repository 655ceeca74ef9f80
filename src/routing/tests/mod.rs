//! Rule-by-rule tests of the routing core, each citing where its rule comes from.

use super::*;

const CAP: Distribution = Distribution::Capacity;
const SEQ: Distribution = Distribution::Sequential { max_chats: None };

pub(super) fn chat(i: u32) -> ChatId {
    ChatId {
        index: i,
        generation: 0,
    }
}

fn team(i: u32) -> TeamId {
    TeamId(i)
}

pub(super) fn queue(i: u32) -> QueueId {
    QueueId(i)
}

pub(super) fn spec(teams: &[u32], capacity: u32, role: Role) -> AgentSpec {
    AgentSpec {
        teams: teams.iter().map(|&t| team(t)).collect(),
        capacity,
        role,
        manual_over_capacity: false,
        overflow_teams: Vec::new(),
        speed_rank: 0,
    }
}

/// One agent's presence changes, alone at that instant; `None` keeps that part as it is.
fn change(
    r: &mut Router,
    agent: AgentId,
    online: Option<bool>,
    ready: Option<bool>,
    now: Millis,
) -> Vec<Decision> {
    let a = r.agent(agent);
    let p = Presence {
        agent,
        online: online.unwrap_or(a.online),
        ready: ready.unwrap_or(a.ready),
    };
    let mut out = Vec::new();
    r.update_presence(&[p], now, &mut out);
    out
}

pub(super) fn set_online(
    r: &mut Router,
    agent: AgentId,
    online: bool,
    now: Millis,
    out: &mut Vec<Decision>,
) {
    out.extend(change(r, agent, Some(online), None, now));
}

pub(super) fn set_ready(
    r: &mut Router,
    agent: AgentId,
    ready: bool,
    now: Millis,
    out: &mut Vec<Decision>,
) {
    out.extend(change(r, agent, None, Some(ready), now));
}

/// One team of the given distribution, agents with the given capacities, all online.
pub(super) fn one_team(distribution: Distribution, capacities: &[u32]) -> Router {
    let agents: Vec<_> = capacities
        .iter()
        .map(|&c| spec(&[0], c, Role::Agent))
        .collect();
    let mut r = Router::new(&[distribution], &agents);
    let mut out = Vec::new();
    for i in 0..capacities.len() {
        set_online(&mut r, AgentId(i as u32), true, 0, &mut out);
    }
    r
}

/// Offers in `out` are accepted at once; returns the agents that started chats, in order.
pub(super) fn accept_all(r: &mut Router, out: &mut Vec<Decision>) -> Vec<(u32, u32)> {
    let mut started = Vec::new();
    let mut i = 0;
    while i < out.len() {
        match out[i] {
            Decision::Offer { chat, .. } => r.accept(chat, out),
            Decision::Start { chat, agent } => started.push((chat.index, agent.0)),
            Decision::Stranded { .. }
            | Decision::Backlog { .. }
            | Decision::Returned { .. }
            | Decision::Overflow { .. } => {}
        }
        i += 1;
    }
    out.clear();
    started
}

/// Enqueues chat `c` at `now` and accepts any offer; the agent it started with, if any.
fn arrive(r: &mut Router, c: u32, now: Millis) -> Option<u32> {
    let mut out = Vec::new();
    r.enqueue(chat(c), queue(0), now, &mut out);
    accept_all(r, &mut out).first().map(|&(_, a)| a)
}

/// Enqueues chat `c` and returns the decisions as they are, offers unanswered.
fn arrive_raw(r: &mut Router, c: u32, now: Millis) -> Vec<Decision> {
    let mut out = Vec::new();
    r.enqueue(chat(c), queue(0), now, &mut out);
    out
}

fn offered_to(out: &[Decision]) -> Option<(u32, bool)> {
    out.iter().find_map(|d| match d {
        Decision::Offer { agent, forced, .. } => Some((agent.0, *forced)),
        _ => None,
    })
}

// ---- capacity (guide `routing.md#capacity-distribution`) ----

#[test]
fn capacity_goes_to_the_agent_with_most_free_slots() {
    // guide `routing.md#capacity-distribution`: "the eligible agent with the most free slots".
    let mut r = one_team(CAP, &[2, 3]);
    assert_eq!(arrive(&mut r, 0, 0), Some(1));
    // Both now have 2 free; agent 0 was never assigned, so it has been idle the longest.
    assert_eq!(arrive(&mut r, 1, 10), Some(0));
    // Both have 1 free; agent 1 was assigned at 0, agent 0 at 10: agent 1 idles longer.
    assert_eq!(arrive(&mut r, 2, 20), Some(1));
}

#[test]
fn capacity_ties_go_to_the_lowest_index_when_idle_times_match() {
    // guide `routing.md#capacity-distribution`: "then to the lowest index".
    let mut r = one_team(CAP, &[1, 1, 1]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    assert_eq!(arrive(&mut r, 1, 0), Some(1));
}

#[test]
fn capacity_never_exceeds_capacity_and_queues_the_rest() {
    // guide `routing.md#capacity-distribution`: "never above capacity".
    let mut r = one_team(CAP, &[2]);
    assert!(arrive(&mut r, 0, 0).is_some());
    assert!(arrive(&mut r, 1, 0).is_some());
    assert_eq!(arrive(&mut r, 2, 0), None);
    assert_eq!(r.agent(AgentId(0)).held, 2);
    assert_eq!(r.waiting(queue(0)), 1);
}

#[test]
fn a_freed_slot_takes_the_oldest_waiting_chat() {
    // guide `routing.md#capacity-distribution`: runs "when a slot frees; the oldest waiting chat
    // goes first".
    let mut r = one_team(CAP, &[1]);
    arrive(&mut r, 0, 0);
    arrive(&mut r, 1, 1);
    arrive(&mut r, 2, 2);
    let mut out = Vec::new();
    r.release(chat(0), 5, &mut out);
    assert_eq!(accept_all(&mut r, &mut out), vec![(1, 0)]);
    assert_eq!(r.waiting(queue(0)), 1);
}

#[test]
fn capacity_hands_out_the_backlog_when_an_agent_comes_online() {
    // guide `routing.md#capacity-distribution`: under capacity distribution, chats that arrived
    // before anyone was online "serão distribuídas automaticamente".
    let mut r = Router::new(&[CAP], &[spec(&[0], 2, Role::Agent)]);
    let mut out = Vec::new();
    for c in 0..3 {
        r.enqueue(chat(c), queue(0), c as Millis, &mut out);
    }
    assert!(
        out.is_empty(),
        "nobody is online, and capacity chats are not stranded"
    );
    set_online(&mut r, AgentId(0), true, 100, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(0, 0), (1, 0)],
        "oldest first, up to capacity"
    );
    assert_eq!(r.waiting(queue(0)), 1);
}

#[test]
fn an_offline_agent_receives_nothing_and_keeps_its_chats() {
    // guide `routing.md#capacity-distribution`: only online agents receive chats; `[[agents]]`:
    // on_shift_end = "keep".
    let mut r = one_team(CAP, &[2, 2]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), false, 1, &mut out);
    assert_eq!(r.agent(AgentId(0)).held, 1, "keeps the open chat");
    assert_eq!(arrive(&mut r, 1, 2), Some(1));
    assert_eq!(arrive(&mut r, 2, 3), Some(1));
    assert_eq!(
        arrive(&mut r, 3, 4),
        None,
        "agent 0 has a free slot but is offline"
    );
    r.release(chat(0), 5, &mut out);
    assert!(
        out.is_empty(),
        "a slot freeing on an offline agent takes nothing"
    );
}

#[test]
fn a_not_ready_agent_is_skipped_and_takes_waiting_chats_when_ready_again() {
    // guide `routing.md`: only Ready agents receive chats; `[[teams]]`: the pick runs when an agent
    // becomes Ready.
    let mut r = one_team(CAP, &[1]);
    let mut out = Vec::new();
    set_ready(&mut r, AgentId(0), false, 0, &mut out);
    assert_eq!(arrive(&mut r, 0, 1), None);
    set_ready(&mut r, AgentId(0), true, 2, &mut out);
    assert_eq!(accept_all(&mut r, &mut out), vec![(0, 0)]);
}

#[test]
fn a_customer_who_left_is_skipped_in_the_queue() {
    // guide `scenarios.md#customers`: abandonment removes the chat from the queue before anyone
    // takes it.
    let mut r = one_team(CAP, &[1]);
    arrive(&mut r, 0, 0);
    arrive(&mut r, 1, 1);
    arrive(&mut r, 2, 2);
    let mut out = Vec::new();
    assert!(r.withdraw(chat(1), 3, &mut out));
    assert!(!r.withdraw(chat(0), 3, &mut out), "already with an agent");
    assert_eq!(r.waiting(queue(0)), 1);
    r.release(chat(0), 3, &mut out);
    assert_eq!(accept_all(&mut r, &mut out), vec![(2, 0)]);
}

#[test]
fn a_reused_slot_is_not_confused_with_a_stale_queue_entry() {
    let mut r = one_team(CAP, &[1]);
    arrive(&mut r, 0, 0);
    arrive(&mut r, 1, 1);
    let mut out = Vec::new();
    assert!(r.withdraw(chat(1), 1, &mut out));
    // The engine reuses slot 1 for a new chat with the next generation.
    let reborn = ChatId {
        index: 1,
        generation: 1,
    };
    r.enqueue(reborn, queue(0), 2, &mut out);
    r.release(chat(0), 3, &mut out);
    let started = accept_all(&mut r, &mut out);
    assert_eq!(started, vec![(1, 0)]);
}

#[test]
fn an_agent_of_two_teams_takes_the_oldest_chat_across_them() {
    // guide `routing.md#capacity-distribution`: agents belong to one or more teams; `[[teams]]`:
    // the oldest waiting chat goes first.
    let mut r = Router::new(&[CAP, CAP], &[spec(&[0, 1], 1, Role::Agent)]);
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 0, &mut out);
    r.enqueue(chat(0), queue(0), 0, &mut out);
    r.enqueue(chat(1), queue(1), 1, &mut out);
    r.enqueue(chat(2), queue(0), 2, &mut out);
    accept_all(&mut r, &mut out);
    r.release(chat(0), 3, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(1, 0)],
        "team 1's chat waited longer"
    );
}

// ---- sequential (guide `routing.md#sequential-distribution-round-robin`) ----

#[test]
fn sequential_gives_each_of_n_agents_every_nth_chat() {
    // guide `routing.md#sequential-distribution-round-robin`: "the pick is the next eligible agent
    // after the last one picked".
    let mut r = one_team(SEQ, &[1, 1, 1]);
    let got: Vec<_> = (0..9).map(|c| arrive(&mut r, c, c as Millis)).collect();
    let want: Vec<_> = (0..9).map(|c| Some(c % 3)).collect();
    // Beyond capacity the chats still go round (they wait in the agents' queues).
    let assigned: Vec<_> = (0..3).map(|a| r.agent(AgentId(a)).assigned).collect();
    assert_eq!(assigned, vec![3, 3, 3]);
    assert_eq!(got[..3], want[..3]);
}

#[test]
fn sequential_skips_a_not_ready_agent_who_keeps_its_place() {
    // guide `routing.md#sequential-distribution-round-robin`: "ineligible agents (offline, Not
    // ready, at max_chats) are skipped but keep their place".
    let mut r = one_team(SEQ, &[5, 5, 5]);
    let mut out = Vec::new();
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    set_ready(&mut r, AgentId(1), false, 1, &mut out);
    assert_eq!(arrive(&mut r, 1, 2), Some(2));
    set_ready(&mut r, AgentId(1), true, 3, &mut out);
    assert!(out.is_empty(), "sequential never sweeps");
    assert_eq!(arrive(&mut r, 2, 4), Some(0));
    assert_eq!(arrive(&mut r, 3, 5), Some(1));
}

#[test]
fn sequential_ignores_load_and_extra_chats_wait_in_the_agents_queue() {
    // guide `routing.md#sequential-distribution-round-robin`: without max_chats "an agent can be
    // given more chats than its capacity, and those beyond capacity wait in the agent's queue, in
    // arrival order, until a slot frees".
    let mut r = one_team(SEQ, &[1]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    assert_eq!(
        arrive(&mut r, 1, 1),
        None,
        "accepted into the agent's queue, not started"
    );
    assert_eq!(arrive(&mut r, 2, 2), None);
    assert_eq!(r.agent(AgentId(0)).backlog(), 2);
    assert_eq!(r.waiting(queue(0)), 0, "not in the team queue");
    let mut out = Vec::new();
    r.release(chat(0), 3, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(1, 0)],
        "its own queue, in arrival order"
    );
    // A customer waiting in the agent's queue may still give up.
    assert!(r.withdraw(chat(2), 4, &mut out));
    assert_eq!(r.agent(AgentId(0)).backlog(), 0);
}

#[test]
fn sequential_max_chats_skips_an_agent_at_the_limit() {
    // guide `routing.md#sequential-distribution-round-robin`: `max_chats` makes an agent at the
    // limit ineligible.
    let mut r = one_team(Distribution::Sequential { max_chats: Some(1) }, &[3, 3]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    assert_eq!(arrive(&mut r, 1, 1), Some(1));
    let out = arrive_raw(&mut r, 2, 2);
    assert_eq!(
        out,
        vec![Decision::Stranded {
            chat: chat(2),
            nobody_online: false
        }],
        "both are at max_chats: online, but not eligible"
    );
}

#[test]
fn sequential_strands_chats_that_arrive_with_nobody_online() {
    // guide `routing.md#sequential-distribution-round-robin`: "as conversas que chegaram ao time
    // antes que qualquer atendente estivesse online ... não serão distribuídas automaticamente".
    let mut r = Router::new(&[SEQ], &[spec(&[0], 2, Role::Agent)]);
    let out = arrive_raw(&mut r, 0, 0);
    assert_eq!(
        out,
        vec![Decision::Stranded {
            chat: chat(0),
            nobody_online: true
        }]
    );
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 10, &mut out);
    assert!(
        out.is_empty(),
        "an agent who comes online does not receive the backlog"
    );
    assert_eq!(r.waiting(queue(0)), 1);
    // "Assim que novas conversas chegarem ao time, ele receberá as conversas automaticamente."
    assert_eq!(arrive(&mut r, 1, 11), Some(0));
    // The stranded chat still waits until somebody takes it by hand.
    assert_eq!(r.waiting(queue(0)), 1);
    r.pickup(AgentId(0), &[queue(0)], 12, &mut out);
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(0)
        }]
    );
}

#[test]
fn manual_distribution_hands_out_nothing() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: `manual`: "nothing is automatic;
    // agents take chats from the queue themselves".
    let mut r = one_team(Distribution::Manual, &[3]);
    let out = arrive_raw(&mut r, 0, 0);
    assert!(out.is_empty());
    let mut out = Vec::new();
    r.release(chat(99), 1, &mut out);
    set_ready(&mut r, AgentId(0), false, 1, &mut out);
    set_ready(&mut r, AgentId(0), true, 2, &mut out);
    assert!(out.is_empty());
    r.pickup(AgentId(0), &[queue(0)], 3, &mut out);
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(0)
        }]
    );
}

mod offers;

#[test]
fn a_held_chat_resumes_in_its_agents_free_slot_and_frees_it_for_others_meanwhile() {
    use crate::time::MINUTE;
    // guide `inactivity.md#on-hold`: a chat on hold frees its agent's slot; when the customer
    // writes it goes back to that agent if online, Ready and with a free slot.
    let mut r = one_team(CAP, &[1]);
    let me = AgentId(0);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    let mut out = Vec::new();
    r.release(chat(0), MINUTE, &mut out);
    assert_eq!(r.agent(me).held, 0, "on hold, off the slot");
    // Another chat takes the freed slot: the held one cannot come back now.
    assert_eq!(arrive(&mut r, 1, 2 * MINUTE), Some(0));
    assert!(!r.resume_with(chat(0), me, 3 * MINUTE, &mut out));
    assert!(out.is_empty(), "nothing changes when it cannot resume");
    r.release(chat(1), 4 * MINUTE, &mut out);
    set_ready(&mut r, me, false, 4 * MINUTE, &mut out);
    assert!(
        !r.resume_with(chat(0), me, 5 * MINUTE, &mut out),
        "Not ready"
    );
    set_ready(&mut r, me, true, 6 * MINUTE, &mut out);
    out.clear();
    assert!(r.resume_with(chat(0), me, 7 * MINUTE, &mut out));
    assert_eq!(accept_all(&mut r, &mut out), vec![(0, 0)]);
    assert_eq!(r.holder(chat(0)), Some(me));
    assert_eq!(r.agent(me).held, 1);
    assert!(
        !r.resume_with(chat(0), me, 8 * MINUTE, &mut out),
        "already there"
    );
}

#[test]
fn a_freed_slot_takes_the_highest_priority_chat_whatever_its_age() {
    // guide `routing.md#priority-classes-and-sla-order`: the queue is ordered by level, then due
    // time, then age.
    use crate::routing::priority::{Class, Priorities};
    use crate::time::MINUTE;
    let mut r = one_team(CAP, &[1]);
    r.priorities = Priorities::new(vec![
        Class {
            level: 1,
            sla: MINUTE,
        },
        Class {
            level: 2,
            sla: MINUTE,
        },
    ]);
    for (c, class) in [(0, 1), (1, 1), (2, 0), (3, 1)] {
        r.priorities.classify(chat(c), class);
    }
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    // Two normal chats and then a VIP wait behind the busy agent.
    for (c, t) in [(1, MINUTE), (2, 2 * MINUTE), (3, 3 * MINUTE)] {
        assert_eq!(arrive(&mut r, c, t), None);
    }
    let mut out = Vec::new();
    r.release(chat(0), 4 * MINUTE, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(2, 0)],
        "the VIP, last to come"
    );
    r.release(chat(2), 5 * MINUTE, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(1, 0)],
        "then the oldest normal"
    );
}

mod overflow;
