//! What a condition reads from a row: each used field's symbol, and its
//! number when a condition compares it as one. Lead rows are interned when
//! the leads load; activity rows are only looked up, so the interner stays
//! unchanged while several threads read activities.

use super::intern::{Interner, BLANK};

/// A row's field values, by slot.
pub trait Record {
    /// The field's symbol; [`BLANK`] when absent.
    fn symbol(&self, slot: usize) -> u32;
    /// The field's value as a number, when it is one.
    fn number(&self, slot: usize) -> Option<f64>;
}

/// A lead's record: interned symbols, their numbers from the interner.
#[derive(Clone, Copy)]
pub struct Interned<'a> {
    pub symbols: &'a [u32],
    pub interner: &'a Interner,
}

impl Record for Interned<'_> {
    fn symbol(&self, slot: usize) -> u32 {
        self.symbols.get(slot).copied().unwrap_or(BLANK)
    }

    fn number(&self, slot: usize) -> Option<f64> {
        self.interner.number(self.symbol(slot))
    }
}

/// An activity's values: symbols looked up (not added), and the numbers of
/// the fields compared as numbers, parsed as the row is read (none at all
/// when no field is compared as a number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Values<'a> {
    pub symbols: &'a [u32],
    pub numbers: &'a [Option<f64>],
}

impl Record for Values<'_> {
    fn symbol(&self, slot: usize) -> u32 {
        self.symbols.get(slot).copied().unwrap_or(BLANK)
    }

    fn number(&self, slot: usize) -> Option<f64> {
        self.numbers.get(slot).copied().flatten()
    }
}

/// Owned [`Values`], for an activity kept past its visit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnedValues {
    pub symbols: Vec<u32>,
    pub numbers: Vec<Option<f64>>,
}

impl OwnedValues {
    pub fn of(values: Values<'_>) -> OwnedValues {
        OwnedValues {
            symbols: values.symbols.to_vec(),
            numbers: values.numbers.to_vec(),
        }
    }

    pub fn view(&self) -> Values<'_> {
        Values {
            symbols: &self.symbols,
            numbers: &self.numbers,
        }
    }
}
