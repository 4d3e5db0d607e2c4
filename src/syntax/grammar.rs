//! The pest parser generated from `grammar/accord.pest`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/accord.pest"]
pub(crate) struct AccordParser;
