//! Field values as small integers: every distinct value read from the data
//! gets a `u32` symbol once, so rows hold 4-byte symbols instead of strings
//! and conditions compare integers.
//!
//! Values are kept exactly as written (`is "v"` compares exactly), except
//! that every blank value (empty after trimming white space) is symbol 0:
//! `is empty` then needs no string at all.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

/// The symbol of every blank or missing value.
pub const BLANK: u32 = 0;

/// The symbol of a value that is set but never compared (see
/// [`super::Wanted::compared`]); it resolves to blank text.
pub const PRESENT: u32 = u32::MAX;

/// The symbol of an activity value the interner does not hold (see
/// [`super::Wanted::lookup`]): set, and equal to no literal.
pub const UNSEEN: u32 = u32::MAX - 1;

/// A table of distinct field values.
#[derive(Debug)]
pub struct Interner {
    /// Shared with `values`, so a new value costs one allocation. FxHash:
    /// every cell of every row is looked up here, and the values are not
    /// attacker-chosen keys a slower, DoS-resistant hash would guard.
    by_value: FxHashMap<Arc<str>, u32>,
    /// Indexed by symbol; `values[0]` is the blank value.
    values: Vec<Arc<str>>,
    /// Each value's number, parsed the first time a condition asks for it:
    /// most values (ids, names, emails) are never compared as numbers.
    numbers: Vec<OnceLock<Option<f64>>>,
}

impl Default for Interner {
    fn default() -> Self {
        Self::new()
    }
}

impl Interner {
    /// An interner holding only the blank value.
    pub fn new() -> Self {
        Interner {
            by_value: FxHashMap::default(),
            values: vec![Arc::from("")],
            numbers: vec![OnceLock::from(None)],
        }
    }

    /// The symbol for `value`, adding it if it is new. Looks up by `&str`
    /// first, so a value seen before allocates nothing.
    pub fn intern(&mut self, value: &str) -> u32 {
        if is_blank(value) {
            return BLANK;
        }
        if let Some(&sym) = self.by_value.get(value) {
            return sym;
        }
        // Four billion distinct values would exhaust memory long before the
        // symbol space; saturating keeps this total without a panic path.
        let sym = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        let shared: Arc<str> = Arc::from(value);
        self.values.push(Arc::clone(&shared));
        self.numbers.push(OnceLock::new());
        self.by_value.insert(shared, sym);
        sym
    }

    /// The text of a symbol; an unknown symbol reads as blank.
    pub fn resolve(&self, sym: u32) -> &str {
        usize::try_from(sym)
            .ok()
            .and_then(|i| self.values.get(i))
            .map_or("", |v| v)
    }

    /// The value as a number, if it is one (`42`, `-1.5`, `1e3`, with
    /// surrounding white space allowed); `None` for anything else, including
    /// blank, `NaN` and infinities.
    pub fn number(&self, sym: u32) -> Option<f64> {
        let i = usize::try_from(sym).ok()?;
        let cell = self.numbers.get(i)?;
        *cell.get_or_init(|| parse_number(self.values.get(i).map_or("", |v| v)))
    }

    /// The number of distinct values, the blank one included.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Never true: the blank value is always there. (For clippy's sake.)
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Blank means empty after trimming white space.
pub fn is_blank(value: &str) -> bool {
    // Most cells are empty or start with a visible ASCII character: no
    // need to trim.
    match value.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        None => true,
        _ => value.trim().is_empty(),
    }
}

/// Whether two short texts (lead ids, kinds, outcomes) are equal, read a
/// word at a time: compared millions of times, and each call to `memcmp`
/// cost more than the comparison. Longer texts are compared as usual.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    // The first and the last `N` bytes, overlapping when shorter than 2N.
    fn ends<const N: usize>(s: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((s.first_chunk::<N>()?, s.last_chunk::<N>()?))
    }
    match a.len() {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => ends::<4>(a) == ends::<4>(b),
        8..=16 => ends::<8>(a) == ends::<8>(b),
        _ => a == b,
    }
}

pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    // Rust also reads `inf`, `NaN` and `infinity`: words, not numbers, here.
    let numeric = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !numeric {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::{same_text, Interner, BLANK};

    proptest::proptest! {
        #[test]
        fn same_text_is_equality(a in "[ab]{0,20}", b in "[ab]{0,20}", at in 0usize..20) {
            proptest::prop_assert_eq!(same_text(&a, &b), a == b);
            proptest::prop_assert!(same_text(&a, &a.clone()));
            // One byte changed, wherever it is, and the texts differ.
            let mut changed = a.clone().into_bytes();
            if let Some(byte) = changed.get_mut(at) {
                *byte = if *byte == b'a' { b'b' } else { b'a' };
                let changed = String::from_utf8(changed).unwrap();
                proptest::prop_assert!(!same_text(&a, &changed), "{} {}", a, changed);
            }
        }
    }

    #[test]
    fn same_value_same_symbol() {
        let mut i = Interner::new();
        let a = i.intern("CEO");
        let b = i.intern("Manager");
        assert_ne!(a, b);
        assert_ne!(a, BLANK);
        assert_eq!(i.intern("CEO"), a);
        assert_eq!(i.resolve(a), "CEO");
        assert_eq!(i.resolve(b), "Manager");
        assert_eq!(i.len(), 3);
    }

    #[test]
    fn values_are_exact_but_blanks_are_one() {
        let mut i = Interner::new();
        let padded = i.intern(" CEO ");
        assert_ne!(padded, i.intern("CEO"));
        assert_eq!(i.resolve(padded), " CEO ");
        assert_ne!(i.intern("ceo"), i.intern("CEO"));
        assert_eq!(i.intern(""), BLANK);
        assert_eq!(i.intern("  \t"), BLANK);
        assert_eq!(i.resolve(BLANK), "");
        assert_eq!(i.resolve(999), "");
    }

    #[test]
    fn numbers_are_parsed_on_demand() {
        let mut i = Interner::new();
        let cases = [
            ("42", Some(42.0)),
            (" -1.5 ", Some(-1.5)),
            ("1e3", Some(1000.0)),
            ("+7", Some(7.0)),
            ("1,200", None),
            ("EUR 5", None),
            ("NaN", None),
            ("inf", None),
            ("1e999", None),
            ("-", None),
            ("abc", None),
        ];
        for (text, want) in cases {
            let sym = i.intern(text);
            assert_eq!(i.number(sym), want, "{text}");
            // Cached: asking again gives the same.
            assert_eq!(i.number(sym), want, "{text}");
        }
        assert_eq!(i.number(BLANK), None);
        assert_eq!(i.number(12345), None);
    }
}
