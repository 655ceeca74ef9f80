//! A small generator of chat logs from a known M_t/M/n+M system, written as a platform
//! exports them: timestamps to the second. Chats arrive by a weekly profile (Monday to
//! Saturday 08:00–20:00, closed on Sundays), wait first come first served for one of `agents`,
//! and leave if their exponential patience runs out first. Independent of the simulator, so
//! that `fit` is tested against the truth and not against ccsim's own engine.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp};

pub struct System {
    pub weeks: i64,
    pub seed: u64,
    pub agents: usize,
    /// Chats an hour while open.
    pub rate: f64,
    /// Minutes.
    pub patience: f64,
    pub handle: f64,
}

impl System {
    /// Chats a week the profile sends: 12 open hours, 6 days.
    pub fn chats_a_week(&self) -> f64 {
        self.rate * 12.0 * 6.0
    }
}

const SECOND: i64 = 1_000;
const HOUR: i64 = 3_600 * SECOND;
const DAY: i64 = 24 * HOUR;

/// `2026-03-02T08:15:03` for `ms` after Monday 2 March 2026 00:00, cut to the second.
fn timestamp(ms: i64) -> String {
    let days = ms.div_euclid(DAY);
    // Days from 1970-01-01 to 2026-03-02, then the civil date (Hinnant's algorithm).
    let z = 20_514 + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    let s = ms.rem_euclid(DAY) / SECOND;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3_600,
        s / 60 % 60,
        s % 60
    )
}

/// The log's CSV text.
pub fn log(system: &System) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(system.seed);
    let gap = Exp::new(system.rate / HOUR as f64).unwrap();
    let patience = Exp::new(1.0 / (system.patience * 60_000.0)).unwrap();
    let handle = Exp::new(1.0 / (system.handle * 60_000.0)).unwrap();
    let mut free: BinaryHeap<Reverse<i64>> = (0..system.agents).map(|_| Reverse(0)).collect();
    let mut out = String::from("id,team,arrived_at,first_reply_at,ended_at,outcome\n");
    let mut id = 0;
    for day in 0..7 * system.weeks {
        if day % 7 == 6 {
            continue;
        }
        let (open, close) = (day * DAY + 8 * HOUR, day * DAY + 20 * HOUR);
        let mut t = open as f64;
        loop {
            t += gap.sample(&mut rng);
            if t >= close as f64 {
                break;
            }
            let arrived = t as i64;
            let patient = patience.sample(&mut rng) as i64;
            let work = handle.sample(&mut rng) as i64;
            let Reverse(earliest) = *free.peek().unwrap();
            let start = earliest.max(arrived);
            id += 1;
            if start - arrived > patient {
                let left = arrived + patient;
                out.push_str(&format!(
                    "{id},support,{},,{},abandoned\n",
                    timestamp(arrived),
                    timestamp(left)
                ));
            } else {
                free.pop();
                free.push(Reverse(start + work));
                out.push_str(&format!(
                    "{id},support,{},{},{},served\n",
                    timestamp(arrived),
                    timestamp(start),
                    timestamp(start + work)
                ));
            }
        }
        let _ = rng.random::<u8>();
    }
    out
}

#[test]
fn timestamps_are_civil_dates_to_the_second() {
    assert_eq!(timestamp(0), "2026-03-02T00:00:00");
    assert_eq!(
        timestamp(30 * DAY + 8 * HOUR + 1_999),
        "2026-04-01T08:00:01"
    );
    assert_eq!(timestamp(365 * DAY), "2027-03-02T00:00:00");
}
