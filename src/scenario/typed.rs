//! The scenario's TOML types checked all at once. serde stops at the first key of the wrong
//! type, so a file with three mistakes would take three runs to fix: here each error is
//! recorded, the offending key removed (or a placeholder put where a required key is
//! missing), and the document deserialised again, until it passes. Value checks then run on
//! what is left, and say nothing about the keys already reported.

use std::ops::Range;

use toml::{Table, Value};

use super::locate::{KeyPath, Seg, SourceMap};
use super::raw::RawScenario;

/// A type-level problem: where it is, where it was written (when serde knew), and what.
pub struct TypeProblem {
    pub key: KeyPath,
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// What the type pass leaves for validation.
pub struct Typed {
    /// The document as deserialised, once every type problem was set aside.
    pub raw: Option<RawScenario>,
    pub problems: Vec<TypeProblem>,
    /// Keys already reported: validation problems at or beneath them are consequences.
    pub reported: Vec<KeyPath>,
}

/// Placeholders tried in turn for a required key that is missing or of the wrong type.
fn placeholder(attempt: usize) -> Option<Value> {
    match attempt {
        0 => Some(Value::String(String::new())),
        1 => Some(Value::Float(0.0)),
        2 => Some(Value::Table(Table::new())),
        3 => Some(Value::Array(Vec::new())),
        _ => None,
    }
}

/// At most this many passes: enough for a file with a hundred broken keys.
const MAX_PASSES: usize = 400;

/// Deserialises `doc` (parsed from `text`), collecting every type problem. `friendly`
/// rewords serde's messages.
pub fn check(text: &str, mut doc: Table, friendly: impl Fn(&str) -> String) -> Typed {
    let mut problems = Vec::new();
    let mut reported: Vec<KeyPath> = Vec::new();
    let mut placeholders: Vec<(KeyPath, usize)> = Vec::new();
    for pass in 0..MAX_PASSES {
        let current = if pass == 0 {
            text.to_string()
        } else {
            match toml::to_string(&doc) {
                Ok(t) => t,
                Err(_) => break,
            }
        };
        let error = match toml::from_str::<RawScenario>(&current) {
            Ok(raw) => {
                return Typed {
                    raw: Some(raw),
                    problems,
                    reported,
                };
            }
            Err(e) => e,
        };
        let span = error.span().unwrap_or(0..0);
        let mut key = SourceMap::new(&current).path_at(&span);
        let mut message = friendly(error.message());
        let mut missing = false;
        // serde names a missing key in its message and points at the enclosing table.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            key = key.key(name);
            message = "is required but missing".to_string();
            missing = true;
        }
        // A dotted table header (`[inactivity.auto_close]`) points below the unknown key.
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|m| m.split('`').next())
            .map(str::to_string);
        if let Some(name) = &unknown {
            key = key.up_to(name);
        }
        let consequence = reported.iter().any(|r| key.starts_with(r));
        if !consequence {
            problems.push(TypeProblem {
                key: key.clone(),
                span: (pass == 0 && !missing).then_some(span),
                message,
            });
            reported.push(key.clone());
        }
        let fixed = if unknown.is_some() {
            remove(&mut doc, &key)
        } else if missing || placeholders.iter().any(|(p, _)| *p == key) {
            put(&mut doc, &key, &mut placeholders)
        } else {
            // A value of the wrong type: drop it; if the key is required, the next pass
            // finds it missing and puts a placeholder (already reported, so silently).
            remove(&mut doc, &key)
        };
        if !fixed {
            break;
        }
    }
    Typed {
        raw: None,
        problems,
        reported,
    }
}

/// Puts the next placeholder at `key`; false when every one has been tried.
fn put(doc: &mut Table, key: &KeyPath, tried: &mut Vec<(KeyPath, usize)>) -> bool {
    let attempt = match tried.iter_mut().find(|(p, _)| p == key) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            tried.push((key.clone(), 0));
            0
        }
    };
    let Some(value) = placeholder(attempt) else {
        return false;
    };
    let Some((last, parent)) = key.segments().split_last() else {
        return false;
    };
    match (parent_table(doc, parent), last) {
        (Some(table), Seg::Key(name)) => {
            table.insert(name.clone(), value);
            true
        }
        _ => false,
    }
}

fn remove(doc: &mut Table, key: &KeyPath) -> bool {
    let Some((last, parent)) = key.segments().split_last() else {
        return false;
    };
    match last {
        Seg::Key(name) => parent_table(doc, parent).is_some_and(|t| t.remove(name).is_some()),
        Seg::Index(i) => match value_at(doc, parent) {
            Some(Value::Array(a)) if *i < a.len() => {
                // Keep the indices of the entries after it, which later problems name.
                a[*i] = Value::Table(Table::new());
                true
            }
            _ => false,
        },
    }
}

fn parent_table<'a>(doc: &'a mut Table, path: &[Seg]) -> Option<&'a mut Table> {
    if path.is_empty() {
        return Some(doc);
    }
    match value_at(doc, path)? {
        Value::Table(t) => Some(t),
        _ => None,
    }
}

fn value_at<'a>(doc: &'a mut Table, path: &[Seg]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(k) = first else { return None };
    let mut value = doc.get_mut(k)?;
    for seg in rest {
        value = match (seg, value) {
            (Seg::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}
