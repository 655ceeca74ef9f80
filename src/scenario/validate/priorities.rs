//! `[[priorities]]` and each stream's `priority` (guide
//! `routing.md#priority-classes-and-sla-order`).

use super::*;
use crate::scenario::PriorityClass;
use crate::scenario::raw::{RawPriorityChoice, RawPriorityShare};

/// Levels a class may take: a handful is what platforms offer (Rocket.Chat has five).
const MAX_LEVEL: i64 = 15;
/// Pairs of a stream and a class, which the statistics number in 16 bits beside the scopes.
const MAX_PAIRS: usize = 30_000;

impl Validator<'_> {
    pub(super) fn priorities(&mut self, raw: &RawScenario) -> Vec<PriorityClass> {
        let key = KeyPath::root().key("priorities");
        let Some(list) = &raw.priorities else {
            return Vec::new();
        };
        if list.is_empty() {
            self.fail(
                key.clone(),
                "lists no class: leave `[[priorities]]` out, or give at least one",
            );
        }
        // Each pair of a stream and a class is counted apart (see `Scopes::origin`).
        if list.len() > 1 && list.len() * raw.arrivals.len() > MAX_PAIRS {
            self.fail(
                key.clone(),
                format!("{} classes of {} arrival streams make over {MAX_PAIRS} pairs to count apart: use fewer streams or classes", list.len(), raw.arrivals.len()),
            );
        }
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        self.unique_names(&key, "priority class", &names, MAX_LEVEL as usize);
        list.iter()
            .enumerate()
            .map(|(i, p)| {
                let k = key.index(i);
                let level = self.whole(k.key("level"), p.level, i as i64 + 1, 1, MAX_LEVEL) as u8;
                let sla = self.positive_duration(k.key("sla"), Some(&p.sla), MINUTE);
                PriorityClass {
                    name: p.name.clone(),
                    level,
                    sla,
                }
            })
            .collect()
    }

    /// A stream's classes with cumulative shares: as given, or the last class listed (the
    /// lowest) for a stream that names none.
    pub(super) fn classes_of(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        classes: &[PriorityClass],
    ) -> Vec<(u8, f64)> {
        let k = key.key("priority");
        let Some(choice) = &a.priority else {
            return match classes.len() {
                0 => Vec::new(),
                n => vec![((n - 1) as u8, 1.0)],
            };
        };
        if classes.is_empty() {
            self.fail(
                k,
                "names a priority class, but the scenario has no `[[priorities]]`",
            );
            return Vec::new();
        }
        let find = |v: &mut Self, key: KeyPath, name: &str| -> Option<u8> {
            let at = classes.iter().position(|c| c.name == name);
            if at.is_none() {
                let known: Vec<&str> = classes.iter().map(|c| c.name.as_str()).collect();
                v.fail(
                    key,
                    format!(
                        "unknown priority class {}; [[priorities]] defines {}",
                        crate::io::quoted(name),
                        quoted(&known)
                    ),
                );
            }
            at.map(|i| i as u8)
        };
        match choice {
            RawPriorityChoice::One(name) => find(self, k, name)
                .map(|c| vec![(c, 1.0)])
                .unwrap_or_default(),
            RawPriorityChoice::Shares(shares) => self.shares(&k, shares, &find),
        }
    }

    fn shares(
        &mut self,
        key: &KeyPath,
        shares: &[RawPriorityShare],
        find: &dyn Fn(&mut Self, KeyPath, &str) -> Option<u8>,
    ) -> Vec<(u8, f64)> {
        let mut out = Vec::new();
        let mut total = 0.0;
        for (j, s) in shares.iter().enumerate() {
            let sk = key.index(j);
            let class = find(self, sk.key("class"), &s.class);
            let share = self.probability(sk.key("share"), Some(&s.share));
            total += share;
            if let Some(c) = class {
                out.push((c, total));
            }
        }
        if (total - 1.0).abs() > 1e-6 {
            self.fail(
                key.clone(),
                format!(
                    "the shares add up to {}%, not 100%",
                    (total * 1e4).round() / 1e2
                ),
            );
        }
        if let Some(last) = out.last_mut() {
            last.1 = 1.0;
        }
        out
    }
}
