//! What the audit log records: every action by the one name it is stored, shown and filtered
//! under (filters match a prefix: `member_` finds every team change).

use super::{CustomerState, PartnerState};

macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// A sensitive action (SPEC 7), as the audit log names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            pub const ALL: &[AuditAction] = &[$(AuditAction::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    SignIn => "sign_in",
    AccountActivated => "account_activated",
    PasswordChanged => "password_changed",
    PasswordReset => "password_reset",
    SessionsEnded => "sessions_ended",
    TwoFactorEnabled => "two_factor_enabled",
    TwoFactorDisabled => "two_factor_disabled",
    TwoFactorCodesRenewed => "two_factor_codes_renewed",
    TwoFactorRequired => "two_factor_required",
    PasskeyAdded => "passkey_added",
    PasskeyRemoved => "passkey_removed",
    ProfileChanged => "profile_changed",
    PartnerDetailsChanged => "partner_details_changed",
    LogoReplaced => "logo_replaced",
    ApiKeyCreated => "api_key_created",
    ApiKeyRevoked => "api_key_revoked",
    ApiKeyRotated => "api_key_rotated",
    SignupLinkCreated => "signup_link_created",
    SignupLinkRevoked => "signup_link_revoked",
    MemberInvited => "member_invited",
    MemberJoined => "member_joined",
    MemberRoleChanged => "member_role_changed",
    MemberRemoved => "member_removed",
    InvitationResent => "invitation_resent",
    InvitationCancelled => "invitation_cancelled",
    ApplicationApproved => "application_approved",
    ApplicationRejected => "application_rejected",
    ActivationResent => "activation_resent",
    PartnerActive => "partner_active",
    PartnerSuspended => "partner_suspended",
    CustomerActive => "customer_active",
    CustomerSuspended => "customer_suspended",
    CustomerExpired => "customer_expired",
    CustomerPending => "customer_pending",
    DiscountGranted => "discount_granted",
    CreditGranted => "credit_granted",
    DiscountEnded => "discount_ended",
    CreditEnded => "credit_ended",
    PricePlanCreated => "price_plan_created",
    PricePlanChanged => "price_plan_changed",
    PricePlanDeleted => "price_plan_deleted",
    CustomerPlanChanged => "customer_plan_changed",
    InvoiceSettingsChanged => "invoice_settings_changed",
    InvoicesIssued => "invoices_issued",
    InvoiceVoided => "invoice_voided",
    InvoiceCorrected => "invoice_corrected",
    InvoiceSent => "invoice_sent",
    AuthorizationCreated => "authorization_created",
    AuthorizationEdited => "authorization_edited",
    AuthorizationActivated => "authorization_activated",
    AuthorizationRestricted => "authorization_restricted",
    OfferCreated => "offer_created",
    OfferEdited => "offer_edited",
    OfferReleased => "offer_released",
    OfferAccepted => "offer_accepted",
    OfferCancelled => "offer_cancelled",
    OfferExpired => "offer_expired",
    WebhookCreated => "webhook_created",
    WebhookChanged => "webhook_changed",
    WebhookDeleted => "webhook_deleted",
    WebhookSecretRotated => "webhook_secret_rotated",
    BudgetCreated => "budget_created",
    BudgetDeleted => "budget_deleted",
}

impl super::Labelled for AuditAction {
    fn label_key(&self) -> String {
        format!("audit-{}", self.as_str())
    }
}

impl AuditAction {
    /// The action stored as `name`.
    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == name)
    }

    /// A partner put in `state` by an operator.
    pub fn partner(state: PartnerState) -> AuditAction {
        match state {
            PartnerState::Active => AuditAction::PartnerActive,
            PartnerState::Suspended => AuditAction::PartnerSuspended,
        }
    }

    /// A customer moved to `state`.
    pub fn customer(state: CustomerState) -> AuditAction {
        match state {
            CustomerState::Active => AuditAction::CustomerActive,
            CustomerState::Suspended => AuditAction::CustomerSuspended,
            CustomerState::Expired => AuditAction::CustomerExpired,
            CustomerState::Pending => AuditAction::CustomerPending,
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_lower_case_name() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        assert_eq!(
            AuditAction::partner(PartnerState::Suspended).as_str(),
            "partner_suspended"
        );
        assert_eq!(
            AuditAction::customer(CustomerState::Expired).as_str(),
            "customer_expired"
        );
    }
}
