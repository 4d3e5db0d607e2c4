//! Lead ids that are numbers: `L0000703`, HubSpot's and Pipedrive's record
//! ids (`51`, `1234567`). When most of a file's ids are a number under one
//! prefix, in a range not much wider than their count, a lead is found by
//! its number in a table, one load, where the index by id (`index.rs`)
//! takes two scattered ones (its slot, then the id it names) and a hash.
//! That is every activity row of an export.
//!
//! Exact, like the index: an id has the form or not by its text alone
//! (prefix, then digits: all of one width, or without leading zeros), and
//! every lead whose id has the form is in the table. So an id of the form
//! that the table does not hold is no lead's, and one not of the form is
//! looked up in the index.

use compact_str::CompactString;
use rayon::prelude::*;

/// How the digits after the prefix are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Digits {
    /// Exactly this many, zero-padded (`L0000703`), up to 18.
    Padded(usize),
    /// Without leading zeros (`0` itself aside), up to 18.
    Plain,
}

/// At most this many digits: any such number fits a `u64`.
const MAX_DIGITS: usize = 18;

impl Digits {
    /// The number the digits write, when they have this form: one loop
    /// that checks and adds up, as it runs for every activity row.
    fn number(self, digits: &[u8]) -> Option<u64> {
        let width = match self {
            // Longer numbers would wrap, and two ids share a number.
            Digits::Padded(width) => digits.len() == width && width <= MAX_DIGITS,
            Digits::Plain => {
                (1..=MAX_DIGITS).contains(&digits.len())
                    && (digits.first() != Some(&b'0') || digits.len() == 1)
            }
        };
        let mut n = 0u64;
        for d in digits {
            let d = d.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n.wrapping_mul(10).wrapping_add(u64::from(d));
        }
        width.then_some(n)
    }
}

/// `text` without `prefix`, compared byte by byte: prefixes are a letter
/// or a few, too short to be worth a call to `memcmp`.
fn after<'t>(prefix: &[u8], text: &'t [u8]) -> Option<&'t [u8]> {
    let (head, rest) = text.split_at_checked(prefix.len())?;
    head.iter().zip(prefix).all(|(a, b)| a == b).then_some(rest)
}

/// The table of leads by number.
#[derive(Debug)]
pub(crate) struct NumberedIds {
    prefix: Box<[u8]>,
    digits: Digits,
    /// The smallest number: the table's first entry.
    base: u64,
    /// `lead + 1` by number less `base`; 0 where no lead has the number.
    leads: Vec<u32>,
}

/// A table may have this many entries per lead it holds, and this many
/// over: at most 16 bytes a lead, so sparse numbers (Zoho's 19-digit ids)
/// are left to the index.
const SPREAD: u64 = 4;
const SLACK: u64 = 1024;

impl NumberedIds {
    /// The table of `ids` (the leads', in order, each once), when at least
    /// half of them are numbers of one form under the first one's prefix,
    /// in a range at most [`SPREAD`] times as wide as their count.
    pub fn new(ids: &[CompactString]) -> Option<NumberedIds> {
        let first = ids.first()?.as_bytes();
        let digits = first
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let prefix = first.get(..first.len().checked_sub(digits)?)?;
        if digits == 0 {
            return None;
        }
        // Both forms counted in one pass over the ids, on every core (a
        // million ids took 30 ms on one).
        let forms = [Digits::Padded(digits), Digits::Plain];
        let fits = |id: &CompactString| {
            let rest = after(prefix, id.as_bytes());
            forms.map(|form| usize::from(rest.and_then(|r| form.number(r)).is_some()))
        };
        let fitting = ids
            .par_iter()
            .map(fits)
            .reduce(|| [0, 0], |[a, b], [c, d]| [a + c, b + d]);
        let (digits, fitting) = forms.into_iter().zip(fitting).max_by_key(|(_, n)| *n)?;
        if fitting == 0 || fitting.saturating_mul(2) < ids.len() {
            return None;
        }
        let mut numbered = NumberedIds {
            prefix: prefix.to_vec().into_boxed_slice(),
            digits,
            base: 0,
            leads: Vec::new(),
        };
        // The numbers are read again to fill the table rather than kept
        // from this pass: a list of them all (16 MiB at a million leads),
        // freed at once, raised the allocator's threshold for giving
        // memory back, and the peak with it, by more than the list.
        let (low, high) = ids
            .par_iter()
            .filter_map(|id| numbered.number(id))
            .fold(|| (u64::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)))
            .reduce(|| (u64::MAX, 0), |(a, b), (c, d)| (a.min(c), b.max(d)));
        let span = high.checked_sub(low)?.checked_add(1)?;
        // Positions are `u32`s (see `get_all`).
        if span
            > (fitting as u64)
                .saturating_mul(SPREAD)
                .saturating_add(SLACK)
            || span > u64::from(u32::MAX)
        {
            return None;
        }
        let mut leads = vec![0u32; usize::try_from(span).ok()?];
        for (lead, id) in ids.iter().enumerate() {
            let entry = numbered
                .number(id)
                .and_then(|n| leads.get_mut(usize::try_from(n.checked_sub(low)?).ok()?));
            if let (Some(entry), Ok(lead)) = (entry, u32::try_from(lead)) {
                *entry = lead.saturating_add(1);
            }
        }
        numbered.base = low;
        numbered.leads = leads;
        Some(numbered)
    }

    /// The id's number, when it has the form.
    fn number(&self, id: &str) -> Option<u64> {
        self.digits.number(after(&self.prefix, id.as_bytes())?)
    }

    /// For an id of the form, the lead with it, if any; None for an id
    /// not of the form, which the index must settle.
    pub fn get(&self, id: &str) -> Option<Option<u32>> {
        let at = self.position(self.number(id)?);
        Some(at.and_then(|at| self.lead_at(at)))
    }

    /// The lead of every id, in order, into `found`; the ids not of the
    /// form are None there and listed, by their place, in `others`. In two
    /// passes, so that the table's loads are all in flight together: the
    /// ids' places in the table, each asked for ahead, then the leads.
    pub fn get_all<'k>(
        &self,
        ids: impl Iterator<Item = &'k str>,
        found: &mut Vec<Option<u32>>,
        others: &mut Vec<usize>,
    ) {
        found.clear();
        others.clear();
        found.extend(ids.enumerate().map(|(i, id)| {
            let Some(n) = self.number(id) else {
                others.push(i);
                return None;
            };
            let at = self.position(n)?;
            if let Some(entry) = self.leads.get(at as usize) {
                crate::prefetch::prefetch(entry);
            }
            Some(at)
        }));
        for slot in found.iter_mut() {
            *slot = slot.and_then(|at| self.lead_at(at));
        }
    }

    /// Where the number sits in the table, if in its range.
    fn position(&self, n: u64) -> Option<u32> {
        let at = u32::try_from(n.checked_sub(self.base)?).ok()?;
        ((at as usize) < self.leads.len()).then_some(at)
    }

    fn lead_at(&self, at: u32) -> Option<u32> {
        self.leads.get(at as usize).and_then(|e| e.checked_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(list: &[&str]) -> Vec<CompactString> {
        list.iter().map(|id| CompactString::from(*id)).collect()
    }

    /// What the index answers: the position of the id, if any.
    fn truth(ids: &[CompactString], id: &str) -> Option<u32> {
        ids.iter().position(|k| k == id).map(|p| p as u32)
    }

    #[test]
    fn padded_ids_are_found_by_number_and_other_widths_are_not_of_the_form() {
        let leads = ids(&["L0000003", "L0000001", "L0000010"]);
        let numbered = NumberedIds::new(&leads).unwrap();
        assert_eq!(numbered.digits, Digits::Padded(7));
        assert_eq!(numbered.get("L0000001"), Some(Some(1)));
        assert_eq!(numbered.get("L0000010"), Some(Some(2)));
        assert_eq!(numbered.get("L0000002"), Some(None), "a gap in the range");
        assert_eq!(numbered.get("L9999999"), Some(None), "past the range");
        assert_eq!(numbered.get("L0000000"), Some(None), "before the range");
        for other in [
            "L000001",
            "L00000010",
            "l0000001",
            "L000000x",
            " L0000001",
            "",
        ] {
            assert_eq!(numbered.get(other), None, "{other:?} is for the index");
        }
    }

    #[test]
    fn plain_numbers_of_any_width_without_leading_zeros() {
        let leads = ids(&["51", "7", "123", "0", "980"]);
        let numbered = NumberedIds::new(&leads).unwrap();
        assert_eq!(numbered.digits, Digits::Plain);
        assert_eq!(numbered.get("123"), Some(Some(2)));
        assert_eq!(numbered.get("0"), Some(Some(3)));
        assert_eq!(numbered.get("52"), Some(None));
        // `051` is not `51`: the index settles it (and finds nothing).
        assert_eq!(numbered.get("051"), None);
        assert_eq!(numbered.get("51.0"), None);
        assert_eq!(numbered.get("9999999999999999999"), None, "19 digits");
    }

    #[test]
    fn sparse_or_unnumbered_ids_have_no_table() {
        assert!(NumberedIds::new(&ids(&[])).is_none());
        assert!(NumberedIds::new(&ids(&["a", "b", "c"])).is_none());
        assert!(NumberedIds::new(&ids(&["00Q5g00000AbCdEUAZ", "00Q5g00000AbCdFUAZ"])).is_none());
        // Zoho-like: three ids spread over a range of billions.
        let sparse = ids(&["4876876000000298001", "4876876000001298001", "1"]);
        assert!(NumberedIds::new(&sparse).is_none());
        // Twenty digits at one width would wrap a `u64`: these two would
        // share a number.
        let long = ids(&["L00000000000000000001", "L18446744073709551617"]);
        assert!(NumberedIds::new(&long).is_none());
        let wide = ids(&["1", "2", "3", "5000"]);
        assert!(
            NumberedIds::new(&wide).is_none(),
            "5,000 entries for 4 leads"
        );
        // Fewer than half of the form.
        let mixed = ids(&["x1", "x2", "y", "z", "w"]);
        assert!(NumberedIds::new(&mixed).is_none());
    }

    #[test]
    fn leads_not_of_the_form_are_left_out_and_others_found() {
        let leads = ids(&["L01", "L02", "L3", "Lx", "L04", "M05"]);
        let numbered = NumberedIds::new(&leads).unwrap();
        assert_eq!(numbered.digits, Digits::Padded(2));
        assert_eq!(numbered.get("L04"), Some(Some(4)));
        for other in ["L3", "Lx", "M05"] {
            assert_eq!(numbered.get(other), None);
        }
    }

    proptest! {
        /// Whatever the ids and the id asked for, the table either leaves
        /// it to the index or answers what the index would.
        #[test]
        fn the_table_answers_as_the_index(
            numbers in proptest::collection::btree_set(0u64..3_000, 1..200),
            width in 1usize..6,
            padded in any::<bool>(),
            strays in proptest::collection::vec("[A-Z]?[0-9]{0,6}", 0..20),
            asked in proptest::collection::vec("[A-Z]?[0-9]{0,7}", 1..60),
        ) {
            let mut leads: Vec<CompactString> = numbers
                .iter()
                .map(|n| if padded { format!("A{n:0width$}") } else { format!("A{n}") }.into())
                .collect();
            for stray in strays {
                if !leads.iter().any(|id| *id == stray) {
                    leads.push(stray.into());
                }
            }
            if let Some(numbered) = NumberedIds::new(&leads) {
                let probes = leads.iter().map(CompactString::as_str).chain(asked.iter().map(String::as_str));
                for id in probes {
                    if let Some(found) = numbered.get(id) {
                        prop_assert_eq!(found, truth(&leads, id), "{}", id);
                    }
                }
                let (mut found, mut others) = (Vec::new(), Vec::new());
                numbered.get_all(asked.iter().map(String::as_str), &mut found, &mut others);
                for (i, id) in asked.iter().enumerate() {
                    let one = numbered.get(id);
                    prop_assert_eq!(one.is_none(), others.contains(&i), "{}", id);
                    prop_assert_eq!(found[i], one.flatten(), "{}", id);
                }
                for (lead, id) in leads.iter().enumerate() {
                    if numbered.number(id).is_some() {
                        prop_assert_eq!(numbered.get(id), Some(Some(lead as u32)));
                    }
                }
            }
        }
    }
}
