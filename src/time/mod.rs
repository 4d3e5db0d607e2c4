//! Time as the agreement counts it: calendar periods and their windows,
//! rates spread over days, and business calendars. Pure functions of their
//! inputs; nothing here reads the clock.

pub mod calendar;
pub mod period;
pub mod rate;
pub mod zone;
