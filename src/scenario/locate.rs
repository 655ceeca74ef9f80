//! Turns key paths into file positions and back, so that every problem in a scenario can be
//! reported as `file:line:column: key.path: message` — whether serde found it (it knows a byte
//! span but not the key) or validation did (it knows the key but not where it was written).

use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path such as `arrivals[0].rate`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPath(Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        KeyPath(segs)
    }

    /// The path cut after its last segment named `key` (unchanged if there is none).
    pub fn up_to(&self, key: &str) -> Self {
        match self.0.iter().rposition(|s| *s == Seg::Key(key.to_string())) {
            Some(i) => KeyPath(self.0[..=i].to_vec()),
            None => self.clone(),
        }
    }

    /// Whether `self` is `prefix` or lies beneath it.
    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    pub fn segments(&self) -> &[Seg] {
        &self.0
    }

    pub fn index(&self, i: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(i));
        KeyPath(segs)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The text of a scenario file with its parsed, spanned tree (absent when the TOML itself is
/// broken).
pub struct SourceMap<'a> {
    text: &'a str,
    tree: Option<Spanned<DeTable<'a>>>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> Self {
        SourceMap {
            text,
            tree: DeTable::parse(text).ok(),
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// Where `path` was written: the value at the deepest part of the path that exists.
    pub fn span_of(&self, path: &KeyPath) -> Range<usize> {
        let Some(tree) = &self.tree else {
            return 0..0;
        };
        let mut span = 0..0;
        let mut table: Option<&DeTable> = Some(tree.get_ref());
        let mut array: Option<&[Spanned<DeValue>]> = None;
        for seg in &path.0 {
            let next = match (seg, table, array) {
                (Seg::Key(k), Some(t), _) => t
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                    .map(|(key, v)| (key.span(), v)),
                (Seg::Index(i), _, Some(a)) => a.get(*i).map(|v| (v.span(), v)),
                _ => None,
            };
            let Some((key_span, value)) = next else { break };
            // A table written as `[[agents]]` spans its header; prefer the key for scalars.
            span = match value.get_ref() {
                DeValue::Table(_) | DeValue::Array(_) => value.span(),
                _ if value.span().is_empty() => key_span,
                _ => value.span(),
            };
            table = None;
            array = None;
            match value.get_ref() {
                DeValue::Table(t) => table = Some(t),
                DeValue::Array(a) => array = Some(&a[..]),
                _ => {}
            }
        }
        span
    }

    /// The key path of the deepest key or value whose span holds `span`. Containers are
    /// searched whatever their own span, because an array of tables spans only its headers.
    pub fn path_at(&self, span: &Range<usize>) -> KeyPath {
        let mut best = KeyPath::root();
        if let Some(tree) = &self.tree {
            search_table(tree.get_ref(), &KeyPath::root(), span, &mut best);
        }
        best
    }
}

/// An empty span (an error at "the document") is held by nothing, so it maps to the root.
fn holds(outer: Range<usize>, inner: &Range<usize>) -> bool {
    !inner.is_empty() && outer.start <= inner.start && inner.end <= outer.end
}

fn search_table(table: &DeTable, path: &KeyPath, span: &Range<usize>, best: &mut KeyPath) {
    for (key, value) in table.iter() {
        let here = path.key(key.get_ref());
        if holds(key.span(), span) || holds(value.span(), span) {
            keep_deeper(&here, best);
        }
        search_value(value.get_ref(), &here, span, best);
    }
}

fn search_value(value: &DeValue, path: &KeyPath, span: &Range<usize>, best: &mut KeyPath) {
    match value {
        DeValue::Table(t) => search_table(t, path, span, best),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                let here = path.index(i);
                if holds(item.span(), span) {
                    keep_deeper(&here, best);
                }
                search_value(item.get_ref(), &here, span, best);
            }
        }
        _ => {}
    }
}

fn keep_deeper(candidate: &KeyPath, best: &mut KeyPath) {
    if candidate.0.len() > best.0.len() {
        *best = candidate.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n\n[simulation]\nhorizon = \"1d\"\n\n[[agents]]\nname = \"a\"\ncount = 3\n\n[[agents]]\nname = \"b\"\nshifts = [\"mon 08:00-10:00\", \"oops\"]\n";

    #[test]
    fn paths_print_like_the_scenario_addresses_them() {
        let p = KeyPath::root().key("arrivals").index(0).key("rate");
        assert_eq!(p.to_string(), "arrivals[0].rate");
    }

    #[test]
    fn a_path_finds_its_line_and_a_span_finds_its_path() {
        let map = SourceMap::new(DOC);
        let path = KeyPath::root()
            .key("agents")
            .index(1)
            .key("shifts")
            .index(1);
        let span = map.span_of(&path);
        assert_eq!(map.line_col(span.start).0, 12);
        assert_eq!(map.path_at(&span), path);
        let count = KeyPath::root().key("agents").index(0).key("count");
        assert_eq!(map.line_col(map.span_of(&count).start), (8, 9));
    }

    #[test]
    fn a_missing_key_points_at_its_table() {
        let map = SourceMap::new(DOC);
        let path = KeyPath::root().key("agents").index(1).key("capacity");
        let line = map.line_col(map.span_of(&path).start).0;
        assert!((10..=12).contains(&line), "line {line}");
    }
}
