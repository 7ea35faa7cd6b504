//! Roles of DESIGN §6. A user holds one or more.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Bureau,
    Leader,
    UnitHead,
    Officer,
    Department,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Bureau,
        Role::Leader,
        Role::UnitHead,
        Role::Officer,
        Role::Department,
        Role::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Bureau => "bureau",
            Role::Leader => "leader",
            Role::UnitHead => "unit_head",
            Role::Officer => "officer",
            Role::Department => "department",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Bureau => "市局工作人员",
            Role::Leader => "领导",
            Role::UnitHead => "单位负责人",
            Role::Officer => "招商专员",
            Role::Department => "产业链牵头部门",
            Role::Viewer => "查看者",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Parses a comma-separated list as stored in the database; unknown codes are an error naming them.
    pub fn parse_list(codes: &str) -> Result<Vec<Role>, String> {
        let mut roles = Vec::new();
        for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let role = Role::parse(code).ok_or_else(|| format!("未知的角色「{code}」"))?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        roles.sort();
        Ok(roles)
    }

    pub fn join(roles: &[Role]) -> String {
        roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn role_list_table() {
        let cases: &[(&str, Result<Vec<Role>, &str>)] = &[
            ("officer", Ok(vec![Role::Officer])),
            ("officer, unit_head", Ok(vec![Role::UnitHead, Role::Officer])),
            ("officer,officer", Ok(vec![Role::Officer])),
            ("", Ok(vec![])),
            ("officer,boss", Err("未知的角色「boss」")),
        ];
        for (input, expected) in cases {
            let got = Role::parse_list(input);
            match expected {
                Ok(roles) => assert_eq!(got.as_ref(), Ok(roles), "{input}"),
                Err(msg) => assert_eq!(got, Err(msg.to_string()), "{input}"),
            }
        }
    }
}
