//! Field values as small integers: every distinct value read from the data
//! gets a `u32` symbol once, so rows hold 4-byte symbols instead of strings
//! and conditions compare integers.
//!
//! Values are kept exactly as written (`is "v"` compares exactly, blank
//! literals included: `" "` is not `""`). Blank values (empty after trimming
//! white space) take symbols of their own range, so `is empty` and grouping
//! tell them from the symbol alone, without the text: the empty value is
//! symbol 0, white space the rare symbols from [`FIRST_SPACE`].

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

/// The symbol of an empty or missing value, and the group of every blank
/// one.
pub const BLANK: u32 = 0;

/// The first symbol of a value of white space only (`" "`, `"\t"`): blank,
/// but equal to none of the others. Values proper are numbered below it.
pub const FIRST_SPACE: u32 = 0xFF00_0000;

/// The symbol of an activity value of white space that no literal names
/// (see [`super::Wanted::lookup`]): blank, and equal to no literal.
pub const UNSEEN_SPACE: u32 = u32::MAX - 2;

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
    /// Indexed by symbol; `values[0]` is the empty value.
    values: Vec<Arc<str>>,
    /// Values of white space only, indexed by symbol − [`FIRST_SPACE`].
    spaces: Vec<Arc<str>>,
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
            spaces: Vec::new(),
            numbers: vec![OnceLock::from(None)],
        }
    }

    /// The symbol for `value`, adding it if it is new. Looks up by `&str`
    /// first, so a value seen before allocates nothing.
    pub fn intern(&mut self, value: &str) -> u32 {
        if value.is_empty() {
            return BLANK;
        }
        if let Some(&sym) = self.by_value.get(value) {
            return sym;
        }
        let shared: Arc<str> = Arc::from(value);
        // Four billion distinct values would exhaust memory long before the
        // symbol space; the fallbacks keep this total without a panic path.
        if is_blank(value) {
            let Some(sym) = u32::try_from(self.spaces.len())
                .ok()
                .and_then(|i| FIRST_SPACE.checked_add(i))
                .filter(|sym| *sym < UNSEEN_SPACE)
            else {
                return UNSEEN_SPACE;
            };
            self.spaces.push(Arc::clone(&shared));
            self.by_value.insert(shared, sym);
            return sym;
        }
        let Some(sym) = u32::try_from(self.values.len())
            .ok()
            .filter(|sym| *sym < FIRST_SPACE)
        else {
            return UNSEEN;
        };
        self.values.push(Arc::clone(&shared));
        self.numbers.push(OnceLock::new());
        self.by_value.insert(shared, sym);
        sym
    }

    /// The text of a symbol; an unknown symbol reads as empty.
    pub fn resolve(&self, sym: u32) -> &str {
        let found = match sym.checked_sub(FIRST_SPACE) {
            Some(i) => usize::try_from(i).ok().and_then(|i| self.spaces.get(i)),
            None => usize::try_from(sym).ok().and_then(|i| self.values.get(i)),
        };
        found.map_or("", |v| v)
    }

    /// The value as a number, if it is one (see [`parse_number`]); `None`
    /// for anything else, blank included.
    pub fn number(&self, sym: u32) -> Option<f64> {
        let i = usize::try_from(sym).ok()?;
        let cell = self.numbers.get(i)?;
        *cell.get_or_init(|| parse_number(self.values.get(i).map_or("", |v| v)))
    }

    /// The number of distinct values, the empty one included.
    pub fn len(&self) -> usize {
        self.values.len() + self.spaces.len()
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

/// Whether a symbol stands for a blank value: empty, missing or white space.
#[inline]
pub fn is_blank_symbol(sym: u32) -> bool {
    sym == BLANK || (FIRST_SPACE..=UNSEEN_SPACE).contains(&sym)
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

/// A number as the data writes one (LANGUAGE.md §12): ASCII digits with an
/// optional decimal part, `42` or `90.5`, white space around allowed. No
/// sign, exponent, digit groups or bare dot: `-5`, `1e3` or `.5` in a score
/// column is a typo or another unit more often than a number, and Rust's
/// own reading would also take `inf` and `NaN`.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (whole, fraction) = t.split_once('.').unwrap_or((t, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(whole) && digits(fraction)) {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::{is_blank_symbol, same_text, Interner, BLANK, UNSEEN, UNSEEN_SPACE};

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
    fn values_are_exact_blanks_included() {
        let mut i = Interner::new();
        let padded = i.intern(" CEO ");
        assert_ne!(padded, i.intern("CEO"));
        assert_eq!(i.resolve(padded), " CEO ");
        assert!(!is_blank_symbol(padded));
        assert_ne!(i.intern("ceo"), i.intern("CEO"));
        assert_eq!(i.intern(""), BLANK);
        // LANGUAGE.md §12: `" "` is not `""`, but blank all the same.
        let space = i.intern(" ");
        let spaces = i.intern("  \t");
        assert_ne!(space, BLANK);
        assert_ne!(space, spaces);
        assert_eq!(i.intern(" "), space);
        assert!(is_blank_symbol(space) && is_blank_symbol(spaces) && is_blank_symbol(BLANK));
        assert!(is_blank_symbol(UNSEEN_SPACE) && !is_blank_symbol(UNSEEN));
        assert_eq!(i.resolve(spaces), "  \t");
        assert_eq!(i.number(space), None);
        assert_eq!(i.len(), 6);
        assert_eq!(i.resolve(BLANK), "");
        assert_eq!(i.resolve(999), "");
    }

    #[test]
    fn numbers_are_parsed_on_demand() {
        let mut i = Interner::new();
        let cases = [
            ("42", Some(42.0)),
            (" 90.5 ", Some(90.5)),
            ("007", Some(7.0)),
            // LANGUAGE.md §12: digits and an optional decimal part, no more.
            (" -1.5 ", None),
            ("-5", None),
            ("1e3", None),
            ("+7", None),
            (".5", None),
            ("50.", None),
            ("1_000", None),
            ("1.2.3", None),
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
