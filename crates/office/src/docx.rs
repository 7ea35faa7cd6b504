//! Word documents in official layout (to be written).
