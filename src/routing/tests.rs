//! Rule-by-rule tests of the routing core, each citing where its rule comes from.

use super::*;

const CAP: Distribution = Distribution::Capacity;

fn chat(i: u32) -> ChatId {
    ChatId {
        index: i,
        generation: 0,
    }
}

fn team(i: u32) -> TeamId {
    TeamId(i)
}

/// One capacity team, agents with the given capacities, all online at t = 0.
fn one_team(capacities: &[u32]) -> Router {
    let agents: Vec<_> = capacities.iter().map(|&c| (vec![team(0)], c)).collect();
    let mut r = Router::new(&[CAP], &agents);
    let mut out = Vec::new();
    for i in 0..capacities.len() {
        r.set_online(AgentId(i as u32), true, 0, &mut out);
    }
    r
}

fn enqueue(r: &mut Router, c: u32, now: Millis) -> Option<AgentId> {
    let mut out = Vec::new();
    r.enqueue(chat(c), team(0), now, &mut out);
    assert!(out.len() <= 1);
    out.first().map(|a| a.agent)
}

#[test]
fn capacity_goes_to_the_agent_with_most_free_slots() {
    // SPEC §2.3: "the eligible agent with the most free slots".
    let mut r = one_team(&[2, 3]);
    assert_eq!(enqueue(&mut r, 0, 0), Some(AgentId(1)));
    // Both now have 2 free; agent 0 was never assigned, so it has been idle the longest.
    assert_eq!(enqueue(&mut r, 1, 10), Some(AgentId(0)));
    // Both have 1 free; agent 1 was assigned at 0, agent 0 at 10: agent 1 idles longer.
    assert_eq!(enqueue(&mut r, 2, 20), Some(AgentId(1)));
}

#[test]
fn capacity_ties_go_to_the_lowest_index_when_idle_times_match() {
    // SPEC §2.3: "then to the lowest index".
    let mut r = one_team(&[1, 1, 1]);
    assert_eq!(enqueue(&mut r, 0, 0), Some(AgentId(0)));
    assert_eq!(enqueue(&mut r, 1, 0), Some(AgentId(1)));
}

#[test]
fn capacity_never_exceeds_capacity_and_queues_the_rest() {
    // SPEC §1: "never above capacity".
    let mut r = one_team(&[2]);
    assert!(enqueue(&mut r, 0, 0).is_some());
    assert!(enqueue(&mut r, 1, 0).is_some());
    assert_eq!(enqueue(&mut r, 2, 0), None);
    assert_eq!(r.agent(AgentId(0)).held, 2);
    assert_eq!(r.waiting(team(0)), 1);
}

#[test]
fn a_freed_slot_takes_the_oldest_waiting_chat() {
    // SPEC §2.3: runs "when a slot frees; the oldest waiting chat goes first".
    let mut r = one_team(&[1]);
    enqueue(&mut r, 0, 0);
    enqueue(&mut r, 1, 1);
    enqueue(&mut r, 2, 2);
    let mut out = Vec::new();
    r.finish(chat(0), 5, &mut out);
    assert_eq!(
        out,
        vec![Assignment {
            chat: chat(1),
            agent: AgentId(0)
        }]
    );
    assert_eq!(r.waiting(team(0)), 1);
}

#[test]
fn capacity_hands_out_the_backlog_when_an_agent_comes_online() {
    // Seed 004: under capacity distribution, chats that arrived before anyone was online
    // "serão distribuídas automaticamente".
    let mut r = Router::new(&[CAP], &[(vec![team(0)], 2)]);
    let mut out = Vec::new();
    for c in 0..3 {
        r.enqueue(chat(c), team(0), c as Millis, &mut out);
    }
    assert!(out.is_empty(), "nobody is online");
    r.set_online(AgentId(0), true, 100, &mut out);
    let got: Vec<u32> = out.iter().map(|a| a.chat.index).collect();
    assert_eq!(got, vec![0, 1], "oldest first, up to capacity");
    assert_eq!(r.waiting(team(0)), 1);
}

#[test]
fn an_offline_agent_receives_nothing_and_keeps_its_chats() {
    // SPEC §1: only online agents receive chats; §2.9 on_shift_end = "keep".
    let mut r = one_team(&[2, 2]);
    assert_eq!(enqueue(&mut r, 0, 0), Some(AgentId(0)));
    let mut out = Vec::new();
    r.set_online(AgentId(0), false, 1, &mut out);
    assert_eq!(r.agent(AgentId(0)).held, 1, "keeps the open chat");
    assert_eq!(enqueue(&mut r, 1, 2), Some(AgentId(1)));
    assert_eq!(enqueue(&mut r, 2, 3), Some(AgentId(1)));
    assert_eq!(
        enqueue(&mut r, 3, 4),
        None,
        "agent 0 has a free slot but is offline"
    );
    r.finish(chat(0), 5, &mut out);
    assert!(
        out.is_empty(),
        "a slot freeing on an offline agent takes nothing"
    );
}

#[test]
fn a_customer_who_left_is_skipped_in_the_queue() {
    // SPEC §2.10: abandonment removes the chat from the queue before anyone takes it.
    let mut r = one_team(&[1]);
    enqueue(&mut r, 0, 0);
    enqueue(&mut r, 1, 1);
    enqueue(&mut r, 2, 2);
    assert!(r.withdraw(chat(1)));
    assert!(!r.withdraw(chat(0)), "already with an agent");
    assert_eq!(r.waiting(team(0)), 1);
    let mut out = Vec::new();
    r.finish(chat(0), 3, &mut out);
    assert_eq!(out[0].chat, chat(2));
}

#[test]
fn a_reused_slot_is_not_confused_with_a_stale_queue_entry() {
    let mut r = one_team(&[1]);
    enqueue(&mut r, 0, 0);
    enqueue(&mut r, 1, 1);
    assert!(r.withdraw(chat(1)));
    // The engine reuses slot 1 for a new chat with the next generation.
    let reborn = ChatId {
        index: 1,
        generation: 1,
    };
    let mut out = Vec::new();
    r.enqueue(reborn, team(0), 2, &mut out);
    r.finish(chat(0), 3, &mut out);
    assert_eq!(
        out,
        vec![Assignment {
            chat: reborn,
            agent: AgentId(0)
        }]
    );
}

#[test]
fn an_agent_of_two_teams_takes_the_oldest_chat_across_them() {
    // SPEC §1: agents belong to one or more teams; §2.3 the oldest waiting chat goes first.
    let agents = vec![(vec![team(0), team(1)], 1)];
    let mut r = Router::new(&[CAP, CAP], &agents);
    let mut out = Vec::new();
    r.set_online(AgentId(0), true, 0, &mut out);
    r.enqueue(chat(0), team(0), 0, &mut out);
    r.enqueue(chat(1), team(1), 1, &mut out);
    r.enqueue(chat(2), team(0), 2, &mut out);
    out.clear();
    r.finish(chat(0), 3, &mut out);
    assert_eq!(out[0].chat, chat(1), "team 1's chat waited longer");
}
