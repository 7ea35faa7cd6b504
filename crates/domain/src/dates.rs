//! Dates as people type them (to be written).
