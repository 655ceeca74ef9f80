//! Skills with ranks and overflow after a wait (guide `routing.md#overflow` `overflow_teams`).

use super::*;
use crate::time::{MINUTE, SECOND};

/// Team 0 ("sales") overflows to the group of team 1 ("support") after `after`: agent 0 is
/// sales, agents 1 and 2 support with sales as a secondary team; everyone capacity 1, online.
fn sales_and_support(after: Millis) -> Router {
    let mut support = spec(&[1], 1, Role::Agent);
    support.overflow_teams = vec![team(0)];
    let agents = [spec(&[0], 1, Role::Agent), support.clone(), support];
    let mut r = Router::new(&[CAP, CAP], &agents);
    r.set_overflow_after(team(0), after);
    let mut out = Vec::new();
    for a in 0..3 {
        set_online(&mut r, AgentId(a), true, 0, &mut out);
    }
    assert!(out.is_empty());
    r
}

fn enqueue(r: &mut Router, c: u32, q: u32, now: Millis) -> Vec<Decision> {
    let mut out = Vec::new();
    r.enqueue(chat(c), queue(q), now, &mut out);
    out
}

fn due(r: &mut Router, c: u32, now: Millis) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    r.overflow_due(chat(c), now, &mut out);
    accept_all(r, &mut out)
}

fn end(r: &mut Router, c: u32, now: Millis) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    r.release(chat(c), now, &mut out);
    accept_all(r, &mut out)
}

#[test]
fn a_chat_goes_to_its_own_team_first_and_overflows_only_when_nobody_there_can_take_it() {
    let mut r = sales_and_support(0);
    let mut out = enqueue(&mut r, 0, 0, 0);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(0, 0)],
        "the sales agent first"
    );
    // The sales agent is full: with no wait required, a support agent takes the next at once.
    let mut out = enqueue(&mut r, 1, 0, SECOND);
    assert_eq!(accept_all(&mut r, &mut out), vec![(1, 1)]);
}

#[test]
fn an_overflow_waits_the_teams_time_and_an_own_agent_freed_before_then_takes_the_chat() {
    let mut r = sales_and_support(MINUTE);
    let mut out = enqueue(&mut r, 0, 0, 0);
    accept_all(&mut r, &mut out);
    let out = enqueue(&mut r, 1, 0, 10 * SECOND);
    assert_eq!(
        out,
        vec![Decision::Overflow {
            chat: chat(1),
            queue: queue(0)
        }],
        "it waits, and the engine is told to come back"
    );
    assert_eq!(r.overflow_wait(queue(0)), MINUTE);
    assert_eq!(
        due(&mut r, 1, 70 * SECOND),
        vec![(1, 1)],
        "then a support agent"
    );
    // Chat 2 waits too, but the sales agent frees at 30 s, before its time.
    let out = enqueue(&mut r, 2, 0, 20 * SECOND);
    assert!(matches!(out[..], [Decision::Overflow { .. }]));
    assert_eq!(end(&mut r, 0, 30 * SECOND), vec![(2, 0)]);
    assert_eq!(
        due(&mut r, 2, 80 * SECOND),
        vec![],
        "taken already: nothing to do"
    );
}

#[test]
fn a_secondary_agent_takes_its_own_teams_chats_before_an_overflowed_one() {
    let mut r = sales_and_support(0);
    for (c, q) in [(0, 0), (1, 1), (2, 1)] {
        let mut out = enqueue(&mut r, c, q, 0);
        accept_all(&mut r, &mut out);
    }
    // Everyone is busy; a sales chat waits from 1 s, then a support chat from 2 s.
    assert_eq!(enqueue(&mut r, 3, 0, SECOND), vec![]);
    assert_eq!(enqueue(&mut r, 4, 1, 2 * SECOND), vec![]);
    // A support agent frees: its own team's chat first, although the sales chat is older.
    assert_eq!(end(&mut r, 1, 3 * SECOND), vec![(4, 1)]);
    // The next one free has no support chat waiting: it takes the sales chat.
    assert_eq!(end(&mut r, 2, 4 * SECOND), vec![(3, 2)]);
}

#[test]
fn with_priorities_secondary_agents_take_the_first_chat_in_line_that_has_waited() {
    use crate::routing::priority::{Class, Priorities};
    let mut r = sales_and_support(MINUTE);
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
    for c in 0..5 {
        r.priorities.classify(chat(c), if c == 3 { 0 } else { 1 });
    }
    for c in 0..3 {
        let mut out = enqueue(&mut r, c, if c == 0 { 0 } else { 1 }, 0);
        accept_all(&mut r, &mut out);
    }
    // A normal sales chat at 0 s; a VIP at 50 s goes ahead of it in the queue.
    let mut out = enqueue(&mut r, 4, 0, 0);
    out.extend(enqueue(&mut r, 3, 0, 50 * SECOND));
    assert_eq!(out.len(), 2);
    assert_eq!(
        end(&mut r, 1, 55 * SECOND),
        vec![],
        "nothing has waited a minute yet"
    );
    // At 60 s the normal chat has: the VIP ahead of it, which has not, does not hold it back.
    assert_eq!(due(&mut r, 4, 60 * SECOND), vec![(4, 1)]);
}

#[test]
fn an_overflowed_chat_a_secondary_agent_refuses_goes_to_another_secondary_agent() {
    let mut r = sales_and_support(0);
    let mut out = enqueue(&mut r, 0, 0, 0);
    accept_all(&mut r, &mut out);
    let out = enqueue(&mut r, 1, 0, SECOND);
    assert_eq!(offered_to(&out), Some((1, false)));
    let mut out = Vec::new();
    r.refuse(chat(1), 2 * SECOND, &mut out);
    assert_eq!(
        offered_to(&out),
        Some((2, false)),
        "the other support agent"
    );
}
