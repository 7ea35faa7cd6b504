//! Reading tables people hand in (to be written).
