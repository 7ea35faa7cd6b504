//! Kinds of unit (单位): the bureau, counties and districts, parks, out-of-town offices, city departments.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Bureau,
    County,
    Park,
    Office,
    Department,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] = [
        UnitKind::Bureau,
        UnitKind::County,
        UnitKind::Park,
        UnitKind::Office,
        UnitKind::Department,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Bureau => "bureau",
            UnitKind::County => "county",
            UnitKind::Park => "park",
            UnitKind::Office => "office",
            UnitKind::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Bureau => "市局",
            UnitKind::County => "县区",
            UnitKind::Park => "园区",
            UnitKind::Office => "驻外分局",
            UnitKind::Department => "市级部门",
        }
    }

    pub fn parse(code: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_kind_codes_round_trip() {
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(UnitKind::parse("village"), None);
    }
}
