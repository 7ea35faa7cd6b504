//! Who may do what (DESIGN §6): one decision function that every route, HTML or JSON, asks.
//! A denial carries a Chinese reason that is shown to the user and written to the audit log.

use crate::role::Role;

/// The signed-in person, as the rules need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub unit_id: i64,
    pub roles: Vec<Role>,
}

/// Whose a record is: the unit it was made for and, when it belongs to a chain, the chain's lead department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub unit_id: i64,
    pub chain_lead_unit_id: Option<i64>,
}

impl Owner {
    pub fn unit(unit_id: i64) -> Self {
        Owner { unit_id, chain_lead_unit_id: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// City-wide powers that do not depend on a record's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    ManageUsers,
    ManageUnits,
    EditProfile,
    ViewAudit,
    SeeAllUnits,
    /// Verify stages and funds on site (实地核查).
    Verify,
    /// Decide eligibility rules, duplicates and credit shares, review policy packages.
    Adjudicate,
    /// Set targets and schemes, run and publish assessments, compile the weekly dispatch.
    Assess,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub reason: String,
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn can(&self, power: Power) -> Result<(), Denied> {
        let allowed = match power {
            Power::ManageUsers | Power::ManageUnits => self.has(Role::Admin),
            Power::EditProfile | Power::ViewAudit => self.has(Role::Admin) || self.has(Role::Bureau),
            Power::SeeAllUnits => self.has(Role::Admin) || self.has(Role::Bureau) || self.has(Role::Leader),
            Power::Verify | Power::Adjudicate | Power::Assess => self.has(Role::Bureau),
        };
        if allowed {
            Ok(())
        } else {
            Err(Denied { reason: format!("您的角色无权{}", power_label(power)) })
        }
    }

    /// May this actor read or change a record owned as `owner` says?
    pub fn may(&self, access: Access, owner: Owner) -> Result<(), Denied> {
        let own_unit = owner.unit_id == self.unit_id;
        let own_chain = owner.chain_lead_unit_id == Some(self.unit_id);
        let allowed = self.roles.iter().any(|role| match (role, access) {
            (Role::Admin | Role::Bureau, _) => true,
            (Role::Leader, Access::Read) => true,
            (Role::Leader, Access::Write) => false,
            (Role::UnitHead | Role::Officer, _) => own_unit,
            (Role::Department, _) => own_chain || own_unit,
            (Role::Viewer, Access::Read) => own_unit,
            (Role::Viewer, Access::Write) => false,
        });
        if allowed {
            return Ok(());
        }
        let reason = match access {
            Access::Read if self.roles.is_empty() => "您的账号没有任何角色，无法查看".to_string(),
            Access::Read => "这是其他单位的记录，您无权查看".to_string(),
            Access::Write if own_unit || own_chain => "您的角色只能查看，不能修改".to_string(),
            Access::Write => "这是其他单位的记录，您无权修改".to_string(),
        };
        Err(Denied { reason })
    }
}

impl Actor {
    /// Access to a record several units take part in (a project's landing unit, the unit that
    /// brought it, units sharing its credit): allowed when any of them allows it; the denial is
    /// the first owner's.
    pub fn may_any(&self, access: Access, owners: &[Owner]) -> Result<(), Denied> {
        let mut first = None;
        for owner in owners {
            match self.may(access, *owner) {
                Ok(()) => return Ok(()),
                Err(denied) => {
                    first.get_or_insert(denied);
                }
            }
        }
        Err(first.unwrap_or(Denied { reason: "这是其他单位的记录，您无权查看".into() }))
    }
}

/// Which units' records a list may show to an actor: the list counterpart of `Actor::may`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    All,
    /// Records of this unit only.
    Unit(i64),
    /// Records of this unit, and records tied to chains this unit leads (departments).
    UnitAndLedChains(i64),
}

impl Actor {
    pub fn visibility(&self) -> Visibility {
        if self.has(Role::Admin) || self.has(Role::Bureau) || self.has(Role::Leader) {
            Visibility::All
        } else if self.has(Role::Department) {
            Visibility::UnitAndLedChains(self.unit_id)
        } else {
            Visibility::Unit(self.unit_id)
        }
    }
}

fn power_label(power: Power) -> &'static str {
    match power {
        Power::ManageUsers => "管理用户",
        Power::ManageUnits => "管理单位",
        Power::EditProfile => "修改产业链配置",
        Power::ViewAudit => "查看审计日志",
        Power::SeeAllUnits => "查看全市数据",
        Power::Verify => "实地核查",
        Power::Adjudicate => "认定项目",
        Power::Assess => "考核与调度",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: i64 = 3;
    const OTHER: i64 = 4;

    fn actor(roles: &[Role]) -> Actor {
        Actor { user_id: 1, unit_id: OWN, roles: roles.to_vec() }
    }

    #[test]
    fn record_access_table() {
        use Access::*;
        let own = Owner::unit(OWN);
        let other = Owner::unit(OTHER);
        let other_in_my_chain = Owner { unit_id: OTHER, chain_lead_unit_id: Some(OWN) };
        // (roles, access, owner, allowed): each row a case a bureau officer would recognise.
        let cases: &[(&[Role], Access, Owner, bool)] = &[
            (&[Role::Admin], Write, other, true),
            (&[Role::Bureau], Write, other, true),
            (&[Role::Leader], Read, other, true),
            (&[Role::Leader], Write, own, false),
            (&[Role::Officer], Read, own, true),
            (&[Role::Officer], Write, own, true),
            (&[Role::Officer], Read, other, false),
            (&[Role::Officer], Write, other, false),
            (&[Role::UnitHead], Read, other, false),
            (&[Role::Department], Read, other_in_my_chain, true),
            (&[Role::Department], Write, other_in_my_chain, true),
            (&[Role::Department], Read, other, false),
            (&[Role::Viewer], Read, own, true),
            (&[Role::Viewer], Write, own, false),
            (&[Role::Viewer], Read, other, false),
            (&[Role::Officer, Role::Leader], Read, other, true),
            (&[Role::Officer, Role::Leader], Write, other, false),
            (&[], Read, own, false),
        ];
        for (roles, access, owner, allowed) in cases {
            let got = actor(roles).may(*access, *owner);
            assert_eq!(got.is_ok(), *allowed, "{roles:?} {access:?} {owner:?}: {got:?}");
        }
    }

    #[test]
    fn denial_reasons_say_why() {
        let officer = actor(&[Role::Officer]);
        assert_eq!(officer.may(Access::Read, Owner::unit(OTHER)).unwrap_err().reason, "这是其他单位的记录，您无权查看");
        let viewer = actor(&[Role::Viewer]);
        assert_eq!(viewer.may(Access::Write, Owner::unit(OWN)).unwrap_err().reason, "您的角色只能查看，不能修改");
        assert_eq!(officer.can(Power::ManageUsers).unwrap_err().reason, "您的角色无权管理用户");
    }

    #[test]
    fn list_visibility_agrees_with_record_access() {
        let cases: &[(&[Role], Visibility)] = &[
            (&[Role::Admin], Visibility::All),
            (&[Role::Leader], Visibility::All),
            (&[Role::Officer], Visibility::Unit(OWN)),
            (&[Role::UnitHead, Role::Department], Visibility::UnitAndLedChains(OWN)),
            (&[Role::Viewer], Visibility::Unit(OWN)),
        ];
        for (roles, expected) in cases {
            let a = actor(roles);
            assert_eq!(a.visibility(), *expected, "{roles:?}");
            // A record the list would show is one `may` lets the actor read.
            let other = Owner::unit(OTHER);
            assert_eq!(a.may(Access::Read, other).is_ok(), *expected == Visibility::All, "{roles:?}");
        }
    }

    #[test]
    fn any_of_several_owners() {
        let officer = actor(&[Role::Officer]);
        assert!(officer.may_any(Access::Read, &[Owner::unit(OTHER), Owner::unit(OWN)]).is_ok());
        assert_eq!(officer.may_any(Access::Write, &[Owner::unit(OTHER), Owner::unit(5)]).unwrap_err().reason, "这是其他单位的记录，您无权修改");
        assert!(officer.may_any(Access::Read, &[]).is_err());
    }

    #[test]
    fn power_table() {
        let cases: &[(&[Role], Power, bool)] = &[
            (&[Role::Admin], Power::ManageUsers, true),
            (&[Role::Bureau], Power::ManageUsers, false),
            (&[Role::Bureau], Power::EditProfile, true),
            (&[Role::Bureau], Power::ViewAudit, true),
            (&[Role::Leader], Power::ViewAudit, false),
            (&[Role::Leader], Power::SeeAllUnits, true),
            (&[Role::Officer], Power::SeeAllUnits, false),
            (&[Role::UnitHead], Power::ManageUnits, false),
            (&[Role::Bureau], Power::Verify, true),
            (&[Role::Admin], Power::Verify, false),
            (&[Role::Leader], Power::Verify, false),
            (&[Role::Officer], Power::Adjudicate, false),
            (&[Role::Bureau], Power::Adjudicate, true),
            (&[Role::UnitHead], Power::Assess, false),
            (&[Role::Leader], Power::Assess, false),
            (&[Role::Bureau], Power::Assess, true),
        ];
        for (roles, power, allowed) in cases {
            assert_eq!(actor(roles).can(*power).is_ok(), *allowed, "{roles:?} {power:?}");
        }
    }
}
