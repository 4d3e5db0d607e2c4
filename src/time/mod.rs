//! Time as the agreement counts it: periods and windows, rates spread over
//! days, and business calendars. Pure functions of their inputs; nothing
//! here reads the clock.

pub mod period;
pub mod rate;
