//! Offers, moves away from an agent, manual takes and roles.

use super::*;

// ---- offers (guide `routing.md#offers-refusals-and-timeouts`) ----

#[test]
fn a_refused_chat_goes_to_the_next_agent_not_yet_tried() {
    // guide `routing.md#offers-refusals-and-timeouts`: "caso recuse a plataforma busca por outro
    // analista disponível".
    let mut r = one_team(CAP, &[1, 1, 1]);
    let out = arrive_raw(&mut r, 0, 0);
    assert_eq!(offered_to(&out), Some((0, false)));
    let mut out = Vec::new();
    r.refuse(chat(0), 1, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
    out.clear();
    r.refuse(chat(0), 2, &mut out);
    assert_eq!(
        offered_to(&out),
        Some((2, false)),
        "agent 0 is not offered it again"
    );
}

#[test]
fn with_nobody_left_the_chat_returns_to_the_refusing_agent_who_must_accept() {
    // guide `routing.md#offers-refusals-and-timeouts`: "Caso não tenha, o chamado retorna para
    // você."
    let mut r = one_team(SEQ, &[1, 1]);
    let out = arrive_raw(&mut r, 0, 0);
    assert_eq!(offered_to(&out), Some((0, false)));
    let mut out = Vec::new();
    r.refuse(chat(0), 1, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
    out.clear();
    r.refuse(chat(0), 2, &mut out);
    assert_eq!(
        offered_to(&out),
        Some((1, true)),
        "back to the last agent who refused, forced"
    );
    out.clear();
    r.accept(chat(0), &mut out);
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(1)
        }]
    );
}

#[test]
fn a_capacity_offer_holds_its_slot_until_answered() {
    // guide `routing.md#capacity-distribution` picks by free slots: an offer in flight must not let
    // a second chat into the same slot.
    let mut r = one_team(CAP, &[1]);
    assert_eq!(offered_to(&arrive_raw(&mut r, 0, 0)), Some((0, false)));
    assert!(
        arrive_raw(&mut r, 1, 1).is_empty(),
        "the only slot is held by the offer"
    );
    // The customer leaves during the offer: the slot goes to the waiting chat.
    let mut out = Vec::new();
    assert!(r.withdraw(chat(0), 2, &mut out));
    assert_eq!(offered_to(&out), Some((0, false)));
}

#[test]
fn a_refused_chat_is_forced_only_on_a_refuser_still_there() {
    // With nobody else, the refused chat comes back to the agent who refused it — only to an agent
    // who is still available (guide `routing.md#offers-refusals-and-timeouts`). Agent 0's shift
    // ends while its offer is open, agent 1 goes on a break while its own is: neither can take it
    // back, so it returns to the queue, where nobody online is Ready (unplaced). Before, it was
    // forced on agent 1 on its break.
    let mut r = one_team(SEQ, &[1, 1]);
    let out = arrive_raw(&mut r, 0, 0);
    assert_eq!(offered_to(&out), Some((0, false)));
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), false, 1, &mut out);
    r.refuse(chat(0), 2, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
    out.clear();
    set_ready(&mut r, AgentId(1), false, 3, &mut out);
    r.refuse(chat(0), 4, &mut out);
    assert_eq!(
        out,
        vec![
            Decision::Returned {
                chat: chat(0),
                queue: queue(0)
            },
            Decision::Stranded {
                chat: chat(0),
                nobody_online: false
            }
        ]
    );
    assert_eq!(r.waiting(queue(0)), 1);
    assert_eq!(
        (r.agent(AgentId(0)).assigned, r.agent(AgentId(1)).assigned),
        (0, 0)
    );
}

#[test]
fn with_the_last_refuser_gone_an_earlier_refuser_still_there_takes_the_chat() {
    // The chat comes back to an agent who refused it and is still available.
    let mut r = one_team(SEQ, &[1, 1]);
    arrive_raw(&mut r, 0, 0);
    let mut out = Vec::new();
    r.refuse(chat(0), 1, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
    out.clear();
    set_online(&mut r, AgentId(1), false, 2, &mut out);
    r.refuse(chat(0), 3, &mut out);
    assert_eq!(offered_to(&out), Some((0, true)));
}

#[test]
fn a_returned_chat_keeps_its_place_ahead_of_younger_chats() {
    // Oldest first (guide `routing.md#capacity-distribution`): the chat refused by a Not-ready
    // agent goes back ahead of the chat that arrived while it was on offer, and is the first handed
    // out when the agent is Ready again (as a plain offer, which it may refuse).
    let mut r = one_team(CAP, &[1]);
    assert_eq!(offered_to(&arrive_raw(&mut r, 0, 0)), Some((0, false)));
    assert!(arrive_raw(&mut r, 1, 1).is_empty());
    let mut out = Vec::new();
    set_ready(&mut r, AgentId(0), false, 2, &mut out);
    r.refuse(chat(0), 2, &mut out);
    assert_eq!(
        out,
        vec![Decision::Returned {
            chat: chat(0),
            queue: queue(0)
        }],
        "capacity chats that wait are not stranded"
    );
    assert_eq!(r.waiting(queue(0)), 2);
    out.clear();
    set_ready(&mut r, AgentId(0), true, 5, &mut out);
    assert_eq!(
        out,
        vec![Decision::Offer {
            chat: chat(0),
            agent: AgentId(0),
            forced: false
        }]
    );
}

#[test]
fn a_chat_moved_away_from_its_agent_goes_to_another_when_one_is_eligible() {
    // An inactivity action moved the chat from agent 0: capacity would pick agent 0 again
    // (most free slots), but agent 1 can take it. With agent 1 away, agent 0 is the only one,
    // and gets it.
    let mut r = one_team(CAP, &[2, 1]);
    let mut out = Vec::new();
    r.enqueue_avoiding(chat(0), queue(0), Some(AgentId(0)), 0, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
    out.clear();
    set_ready(&mut r, AgentId(1), false, 1, &mut out);
    r.enqueue_avoiding(chat(1), queue(0), Some(AgentId(0)), 2, &mut out);
    assert_eq!(offered_to(&out), Some((0, false)));
    // Sequential: the ring skips the agent the chat was moved from.
    let mut r = one_team(SEQ, &[1, 1, 1]);
    let mut out = Vec::new();
    r.enqueue_avoiding(chat(0), queue(0), Some(AgentId(0)), 0, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
}

#[test]
fn a_reassigned_chat_waits_in_the_queue_rather_than_go_back_to_its_agent() {
    // guide `inactivity.md#actions-move-close-reassign`, `reassign`: with agent 1 away, agent 0 is
    // the only one who could take it; the chat waits for somebody instead.
    let mut r = one_team(CAP, &[2, 1]);
    let mut out = Vec::new();
    set_ready(&mut r, AgentId(1), false, 0, &mut out);
    out.clear();
    r.enqueue_away(chat(0), queue(0), Some(AgentId(0)), false, 1, &mut out);
    assert_eq!(offered_to(&out), None);
    assert_eq!(r.waiting(queue(0)), 1);
    // With agent 1 back, it is offered to agent 1.
    let mut r = one_team(CAP, &[2, 1]);
    let mut out = Vec::new();
    r.enqueue_away(chat(0), queue(0), Some(AgentId(0)), false, 1, &mut out);
    assert_eq!(offered_to(&out), Some((1, false)));
}

// ---- manual takes and roles (guide `routing.md#manual-takes-supervisors-and-admins`, `[[teams]]`)
// ----

#[test]
fn pickup_takes_the_oldest_chat_while_slots_are_free() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: an agent opens a queue and takes the
    // oldest chat ("assumir").
    let mut r = Router::new(
        &[Distribution::Manual, Distribution::Manual],
        &[spec(&[0, 1], 2, Role::Agent)],
    );
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 0, &mut out);
    r.enqueue(chat(0), queue(1), 0, &mut out);
    r.enqueue(chat(1), queue(0), 1, &mut out);
    r.enqueue(chat(2), queue(0), 2, &mut out);
    r.pickup(AgentId(0), &[queue(0), queue(1)], 3, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(0, 0), (1, 0)],
        "oldest across its queues, up to capacity"
    );
    r.pickup(AgentId(0), &[queue(0), queue(1)], 4, &mut out);
    assert!(out.is_empty(), "no free slot");
}

#[test]
fn manual_over_capacity_allows_one_more_chat() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: a manual take may exceed capacity
    // only if manual_over_capacity = true.
    let mut s = spec(&[0], 1, Role::Agent);
    s.manual_over_capacity = true;
    let mut r = Router::new(&[Distribution::Manual], &[s]);
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 0, &mut out);
    for c in 0..3 {
        r.enqueue(chat(c), queue(0), c as Millis, &mut out);
    }
    r.pickup(AgentId(0), &[queue(0)], 5, &mut out);
    assert_eq!(out.len(), 1);
    r.pickup(AgentId(0), &[queue(0)], 6, &mut out);
    assert_eq!(out.len(), 2, "one more beyond capacity per take");
    assert_eq!(r.agent(AgentId(0)).held, 2);
}

#[test]
fn an_unavailable_agent_takes_nothing() {
    let mut r = Router::new(&[Distribution::Manual], &[spec(&[0], 1, Role::Agent)]);
    let mut out = Vec::new();
    r.enqueue(chat(0), queue(0), 0, &mut out);
    r.pickup(AgentId(0), &[queue(0)], 1, &mut out);
    assert!(out.is_empty(), "offline");
}

#[test]
fn roles_decide_which_queues_a_take_may_come_from() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: admins see every conversation,
    // supervisors only their teams'; agents take from their own teams (guide
    // `routing.md#the-waiting-box-and-weighted-routes`). The Waiting box only when the pickup
    // includes it (guide `routing.md#manual-takes-supervisors-and-admins`).
    let specs = [
        spec(&[0], 1, Role::Agent),
        spec(&[1], 1, Role::Supervisor),
        spec(&[], 1, Role::Admin),
    ];
    let r = Router::new(&[CAP, CAP, CAP], &specs);
    assert_eq!(r.pickup_scope(AgentId(0), false), vec![queue(0)]);
    assert_eq!(
        r.pickup_scope(AgentId(0), true),
        vec![queue(0), r.waiting_box()]
    );
    assert_eq!(r.pickup_scope(AgentId(1), false), vec![queue(1)]);
    assert_eq!(
        r.pickup_scope(AgentId(2), false),
        vec![queue(0), queue(1), queue(2)]
    );
}

#[test]
fn supervisors_receive_no_chats_automatically() {
    let mut r = Router::new(&[CAP], &[spec(&[0], 5, Role::Supervisor)]);
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 0, &mut out);
    r.enqueue(chat(0), queue(0), 1, &mut out);
    assert!(out.is_empty());
    r.pickup(AgentId(0), &[queue(0)], 2, &mut out);
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(0)
        }]
    );
}

#[test]
fn the_waiting_box_is_never_distributed_automatically() {
    // guide `routing.md#the-waiting-box-and-weighted-routes`: the Waiting box holds chats no rule
    // sent to a team; someone takes them by hand.
    let mut r = one_team(CAP, &[3]);
    let mut out = Vec::new();
    let wb = r.waiting_box();
    r.enqueue(chat(0), wb, 0, &mut out);
    assert!(out.is_empty());
    r.pickup(AgentId(0), &[queue(0)], 1, &mut out);
    assert!(out.is_empty(), "not in the agent's scope");
    r.pickup(AgentId(0), &[queue(0), wb], 2, &mut out);
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(0)
        }]
    );
}

// ---- handing chats back (guide `routing.md#shift-ends-breaks-and-hand-backs`, transfers) ----

#[test]
fn a_transfer_to_an_agent_needs_that_agent_available() {
    // guide `routing.md#transfers`: "para transferir um atendimento para outro analista ele precisa
    // estar disponível ... Caso o usuário esteja com a bolinha vermelha ou cinza, o atendimento não
    // poderá ser transferido."
    let mut r = one_team(CAP, &[2, 1, 2]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    let mut out = Vec::new();
    set_ready(&mut r, AgentId(2), false, 1, &mut out);
    set_online(&mut r, AgentId(1), false, 1, &mut out);
    assert_eq!(
        r.transfer_to_agent(chat(0), [AgentId(1), AgentId(2)], 1, &mut out),
        None
    );
    assert_eq!(r.agent(AgentId(0)).held, 1, "the chat stays where it was");
    set_ready(&mut r, AgentId(2), true, 2, &mut out);
    assert_eq!(
        r.transfer_to_agent(chat(0), [AgentId(1), AgentId(2)], 2, &mut out),
        Some(AgentId(2))
    );
    assert_eq!(
        out,
        vec![Decision::Start {
            chat: chat(0),
            agent: AgentId(2)
        }]
    );
    assert_eq!((r.agent(AgentId(0)).held, r.agent(AgentId(2)).held), (0, 1));
}

#[test]
fn a_transfer_to_an_agent_refills_the_senders_slot() {
    // guide `routing.md#transfers` (transfer to another analyst) with guide
    // `routing.md#capacity-distribution`: the sender's freed slot is like any other, so the oldest
    // waiting chat takes it at once. Before this rule went through the one exit path, chats queued
    // behind the transfer waited for good.
    let agents = [spec(&[0], 1, Role::Agent), spec(&[1], 5, Role::Agent)];
    let mut r = Router::new(&[CAP, CAP], &agents);
    let mut out = Vec::new();
    set_online(&mut r, AgentId(0), true, 0, &mut out);
    set_online(&mut r, AgentId(1), true, 0, &mut out);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    assert_eq!(arrive(&mut r, 1, 1), None, "agent 0 is full");
    let to = r.transfer_to_agent(chat(0), [AgentId(1)], 2, &mut out);
    assert_eq!(to, Some(AgentId(1)));
    assert_eq!(accept_all(&mut r, &mut out), vec![(0, 1), (1, 0)]);
    assert_eq!(
        r.waiting(queue(0)),
        0,
        "the queued chat took the freed slot"
    );
}

#[test]
fn accepting_beyond_capacity_puts_the_chat_in_the_agents_queue_and_says_so() {
    // guide `inactivity.md#episodes-when-the-clock-runs`: "Fila do vendedor: ... quando é
    // transferida ou assumida por alguém": an accepted chat is the agent's even while it waits
    // behind the agent's capacity, so the engine must time it by the agent-queue flow from this
    // moment.
    let mut r = one_team(SEQ, &[1]);
    assert_eq!(arrive(&mut r, 0, 0), Some(0));
    let mut out = arrive_raw(&mut r, 1, 1);
    r.accept(chat(1), &mut out);
    assert_eq!(
        out[1..],
        [Decision::Backlog {
            chat: chat(1),
            agent: AgentId(0)
        }]
    );
}

#[test]
fn agents_who_come_online_together_share_the_backlog_evenly() {
    // guide `routing.md#capacity-distribution`: under capacity distribution "os atendimentos são
    // distribuídos igualmente para atendentes que estão on-line" and those that arrived before
    // anyone was online "serão distribuídas automaticamente". Two agents of capacity 10 start
    // together with 9 chats waiting: 5 and 4, not 9 to whoever was switched on first.
    let mut r = Router::new(
        &[CAP],
        &[spec(&[0], 10, Role::Agent), spec(&[0], 10, Role::Agent)],
    );
    for c in 0..9 {
        assert_eq!(arrive(&mut r, c, c as Millis), None);
    }
    let mut out = Vec::new();
    let both = [AgentId(0), AgentId(1)].map(|agent| Presence {
        agent,
        online: true,
        ready: true,
    });
    r.update_presence(&both, 100, &mut out);
    let started = accept_all(&mut r, &mut out);
    let first = started.iter().filter(|s| s.1 == 0).count();
    assert_eq!((first, started.len() - first), (5, 4));
    let order: Vec<u32> = started.iter().map(|s| s.0).collect();
    assert_eq!(order, (0..9).collect::<Vec<_>>(), "oldest first");
}

#[test]
fn chats_of_lists_everything_an_agent_holds_and_release_frees_it() {
    let mut r = one_team(SEQ, &[1]);
    arrive(&mut r, 0, 0);
    arrive(&mut r, 1, 1);
    let mut held = Vec::new();
    r.chats_of(AgentId(0), &mut held);
    assert_eq!(held, vec![chat(0), chat(1)]);
    let mut out = Vec::new();
    r.release(chat(1), 2, &mut out);
    r.release(chat(0), 2, &mut out);
    assert!(out.is_empty());
    let a = r.agent(AgentId(0));
    assert_eq!((a.held, a.assigned, a.backlog()), (0, 0, 0));
}

#[test]
fn a_reopened_chat_goes_to_its_last_agent_only_when_that_agent_can_take_it_now() {
    // guide `routing.md#customers-who-come-back-and-reopened-chats` `reopen_window`: first to the
    // agent who resolved the customer's chat, if it is an agent of the team, online, Ready and with
    // a free slot; else the team's rule (here `capacity`: agent 1, with more free slots).
    let mut r = one_team(CAP, &[2, 3]);
    let mut out = Vec::new();
    r.enqueue_to(chat(0), queue(0), AgentId(0), 0, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(0, 0)],
        "preferred over more free slots"
    );
    r.enqueue_to(chat(1), queue(0), AgentId(0), 1, &mut out);
    assert_eq!(accept_all(&mut r, &mut out), vec![(1, 0)]);
    r.enqueue_to(chat(2), queue(0), AgentId(0), 2, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![(2, 1)],
        "agent 0 is full"
    );
    set_ready(&mut r, AgentId(1), false, 3, &mut out);
    r.enqueue_to(chat(3), queue(0), AgentId(1), 4, &mut out);
    assert_eq!(
        accept_all(&mut r, &mut out),
        vec![],
        "Not ready, and agent 0 is full"
    );
    assert_eq!(r.waiting(queue(0)), 1);
}
