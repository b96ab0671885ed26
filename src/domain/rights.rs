//! Who in a partner may do what (SPEC 3, issue 15): the one table of rights. Every page, form
//! and API operation asks [`Role::can`] (through `app::Actor::require`); nothing else decides.
//! Roles govern people; API keys carry their partner's full rights (SPEC 6).

use super::partner::Role;

/// What a partner member may be allowed to do. Reading the partner's billing, customers,
/// offers, authorizations, signup links and branding is every member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Download a month's bill lines as CSV (organizations and amounts, no people).
    ExportBills,
    /// Download the customer list, with its contacts' e-mails, as CSV.
    ExportCustomers,
    /// Change customers, private offers and their acceptance.
    ManageCustomers,
    /// Create and revoke signup links; replace the logos.
    ManageLinks,
    /// See, create and revoke API keys.
    ManageApiKeys,
    /// Invite members, change roles other than owner, remove members who are not owners.
    ManageTeam,
    /// Make someone an owner, or change or remove an owner.
    ManageOwners,
    /// Read the partner's own audit log.
    ReadAudit,
    /// Change the partner's contact e-mail and website.
    EditPartnerDetails,
    /// Define price plans and give customers one (an MSP's own prices, issue 24).
    ManagePlans,
    /// Void, correct and send invoices; set the partner's invoice details (issue 24).
    ManageInvoices,
    /// Require two-factor sign-in of every member (issue 26).
    RequireTwoFactor,
    /// Register, change and remove webhook endpoints; read their delivery log (issue 27).
    ManageWebhooks,
    /// Set and remove budgets (issue 27). Choosing to receive their alerts is every member's.
    ManageBudgets,
}

/// Each action and whether an owner, an admin, a billing member and a viewer may do it, in
/// that order: SPEC 3's table, row by row.
pub const RIGHTS: &[(Action, [bool; 4])] = &[
    (Action::ExportBills, [true, true, true, true]),
    (Action::ExportCustomers, [true, true, true, false]),
    (Action::ManageCustomers, [true, true, false, false]),
    (Action::ManageLinks, [true, true, false, false]),
    (Action::ManageApiKeys, [true, true, false, false]),
    (Action::ManageTeam, [true, true, false, false]),
    (Action::ManageOwners, [true, false, false, false]),
    (Action::ReadAudit, [true, true, false, false]),
    (Action::EditPartnerDetails, [true, false, false, false]),
    (Action::ManagePlans, [true, true, false, false]),
    (Action::ManageInvoices, [true, true, false, false]),
    (Action::RequireTwoFactor, [true, false, false, false]),
    (Action::ManageWebhooks, [true, true, false, false]),
    (Action::ManageBudgets, [true, true, true, false]),
];

impl super::Labelled for Role {
    fn label_key(&self) -> String {
        format!("role-{}", self.as_str())
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Billing, Role::Viewer];

    fn column(self) -> usize {
        match self {
            Role::Owner => 0,
            Role::Admin => 1,
            Role::Billing => 2,
            Role::Viewer => 3,
        }
    }

    /// Whether a member with this role may do `action`, as [`RIGHTS`] says.
    pub fn can(self, action: Action) -> bool {
        RIGHTS
            .iter()
            .find(|(a, _)| *a == action)
            .is_some_and(|(_, who)| who[self.column()])
    }

    /// Owners and admins: the members who change things.
    pub fn manages(self) -> bool {
        self.can(Action::ManageCustomers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_row_and_owners_may_do_everything() {
        for (i, (a, who)) in RIGHTS.iter().enumerate() {
            assert!(RIGHTS[i + 1..].iter().all(|(b, _)| b != a), "{a:?} twice");
            assert!(who[0], "owners may {a:?}");
        }
        assert_eq!(RIGHTS.len(), 14);
    }

    #[test]
    fn the_table_reads_as_spec_3() {
        use Action::*;
        assert!(Role::Viewer.can(ExportBills) && !Role::Viewer.can(ExportCustomers));
        assert!(Role::Billing.can(ExportCustomers) && !Role::Billing.can(ManageCustomers));
        assert!(Role::Admin.can(ManageTeam) && !Role::Admin.can(ManageOwners));
        assert!(Role::Admin.can(ReadAudit) && !Role::Admin.can(EditPartnerDetails));
        for r in [Role::Billing, Role::Viewer] {
            for a in [
                ManageLinks,
                ManageApiKeys,
                ManageTeam,
                ReadAudit,
                ManagePlans,
                ManageInvoices,
            ] {
                assert!(!r.can(a), "{r:?} {a:?}");
            }
        }
    }
}
