//! Builders of the paths with `{param}` segments: each fills its path's segments in.

use std::fmt::Display;

use super::*;

pub fn password_reset(token: &str) -> String {
    fill(PASSWORD_RESET, &[token])
}

pub fn activate(token: &str) -> String {
    fill(ACTIVATE, &[token])
}

pub fn invitation(token: &str) -> String {
    fill(INVITATION, &[token])
}

pub fn account_passkey_remove(id: impl Display) -> String {
    fill(ACCOUNT_PASSKEY_REMOVE, &[&id.to_string()])
}

pub fn console_team_role(id: impl Display) -> String {
    fill(CONSOLE_TEAM_ROLE, &[&id.to_string()])
}

pub fn console_team_remove(id: impl Display) -> String {
    fill(CONSOLE_TEAM_REMOVE, &[&id.to_string()])
}

pub fn console_team_resend(id: impl Display) -> String {
    fill(CONSOLE_TEAM_RESEND, &[&id.to_string()])
}

pub fn console_team_cancel(id: impl Display) -> String {
    fill(CONSOLE_TEAM_CANCEL, &[&id.to_string()])
}

pub fn uploaded_logo(key: &str) -> String {
    fill(UPLOADED_LOGO, &[key])
}

pub fn signup(slug: &str, token: &str) -> String {
    fill(SIGNUP, &[slug, token])
}

pub fn confirm_organization(token: &str) -> String {
    fill(CONFIRM_ORGANIZATION, &[token])
}

pub fn partner_logo(slug: &str, mode: &str) -> String {
    fill(PARTNER_LOGO, &[slug, mode])
}

pub fn admin_application(id: impl Display) -> String {
    fill(ADMIN_APPLICATION, &[&id.to_string()])
}

/// The sign-in page saying that the session ended.
pub fn signed_out() -> String {
    format!("{SIGN_IN}?signed_out=1")
}

pub fn admin_partner(id: impl Display) -> String {
    fill(ADMIN_PARTNER, &[&id.to_string()])
}

pub fn console_customer(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER, &[&org_id.to_string()])
}

pub fn admin_application_approve(id: impl Display) -> String {
    fill(ADMIN_APPLICATION_APPROVE, &[&id.to_string()])
}

pub fn admin_application_logo(id: impl Display, mode: impl Display) -> String {
    fill(
        ADMIN_APPLICATION_LOGO,
        &[&id.to_string(), &mode.to_string()],
    )
}

pub fn admin_application_reject(id: impl Display) -> String {
    fill(ADMIN_APPLICATION_REJECT, &[&id.to_string()])
}

pub fn admin_billing_close(month: impl Display) -> String {
    fill(ADMIN_BILLING_CLOSE, &[&month.to_string()])
}

pub fn admin_customer_suspend(id: impl Display, org_id: impl Display) -> String {
    fill(
        ADMIN_CUSTOMER_SUSPEND,
        &[&id.to_string(), &org_id.to_string()],
    )
}

pub fn admin_customer_unsuspend(id: impl Display, org_id: impl Display) -> String {
    fill(
        ADMIN_CUSTOMER_UNSUSPEND,
        &[&id.to_string(), &org_id.to_string()],
    )
}

pub fn admin_discount_end(id: impl Display, grant: impl Display) -> String {
    fill(ADMIN_DISCOUNT_END, &[&id.to_string(), &grant.to_string()])
}

pub fn admin_credit_end(id: impl Display, grant: impl Display) -> String {
    fill(ADMIN_CREDIT_END, &[&id.to_string(), &grant.to_string()])
}

pub fn admin_partner_credits(id: impl Display) -> String {
    fill(ADMIN_PARTNER_CREDITS, &[&id.to_string()])
}

pub fn admin_partner_discounts(id: impl Display) -> String {
    fill(ADMIN_PARTNER_DISCOUNTS, &[&id.to_string()])
}

pub fn admin_partner_reactivate(id: impl Display) -> String {
    fill(ADMIN_PARTNER_REACTIVATE, &[&id.to_string()])
}

pub fn admin_partner_resend_activation(id: impl Display) -> String {
    fill(ADMIN_PARTNER_RESEND_ACTIVATION, &[&id.to_string()])
}

pub fn admin_partner_suspend(id: impl Display) -> String {
    fill(ADMIN_PARTNER_SUSPEND, &[&id.to_string()])
}

pub fn console_api_key_revoke(id: impl Display) -> String {
    fill(CONSOLE_API_KEY_REVOKE, &[&id.to_string()])
}

pub fn console_api_key_rotate(id: impl Display) -> String {
    fill(CONSOLE_API_KEY_ROTATE, &[&id.to_string()])
}

pub fn console_webhook(id: impl Display) -> String {
    fill(CONSOLE_WEBHOOK, &[&id.to_string()])
}

pub fn console_webhook_test(id: impl Display) -> String {
    fill(CONSOLE_WEBHOOK_TEST, &[&id.to_string()])
}

pub fn console_webhook_rotate(id: impl Display) -> String {
    fill(CONSOLE_WEBHOOK_ROTATE, &[&id.to_string()])
}

pub fn console_budget_delete(id: impl Display) -> String {
    fill(CONSOLE_BUDGET_DELETE, &[&id.to_string()])
}

pub fn console_webhook_delete(id: impl Display) -> String {
    fill(CONSOLE_WEBHOOK_DELETE, &[&id.to_string()])
}

pub fn console_webhook_retry(id: impl Display, delivery: impl Display) -> String {
    fill(
        CONSOLE_WEBHOOK_RETRY,
        &[&id.to_string(), &delivery.to_string()],
    )
}

pub fn console_branding_logo(mode: impl Display) -> String {
    fill(CONSOLE_BRANDING_LOGO, &[&mode.to_string()])
}

pub fn console_customer_expire(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER_EXPIRE, &[&org_id.to_string()])
}

pub fn console_customer_plan(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER_PLAN, &[&org_id.to_string()])
}

pub fn console_customer_invoice_language(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER_INVOICE_LANGUAGE, &[&org_id.to_string()])
}

pub fn console_invoice(number: impl Display) -> String {
    fill(CONSOLE_INVOICE, &[&number.to_string()])
}

pub fn console_invoice_pdf(number: impl Display) -> String {
    fill(CONSOLE_INVOICE_PDF, &[&number.to_string()])
}

pub fn console_invoice_send(number: impl Display) -> String {
    fill(CONSOLE_INVOICE_SEND, &[&number.to_string()])
}

pub fn console_invoice_void(number: impl Display) -> String {
    fill(CONSOLE_INVOICE_VOID, &[&number.to_string()])
}

pub fn console_invoice_correct(number: impl Display) -> String {
    fill(CONSOLE_INVOICE_CORRECT, &[&number.to_string()])
}

/// The invoices of `month`.
pub fn console_invoices_of(month: impl Display) -> String {
    format!("{CONSOLE_INVOICES}?month={month}")
}

pub fn console_plan(id: impl Display) -> String {
    fill(CONSOLE_PLAN, &[&id.to_string()])
}

pub fn console_plan_default(id: impl Display) -> String {
    fill(CONSOLE_PLAN_DEFAULT, &[&id.to_string()])
}

pub fn console_plan_delete(id: impl Display) -> String {
    fill(CONSOLE_PLAN_DELETE, &[&id.to_string()])
}

pub fn console_signup_link_revoke(id: impl Display) -> String {
    fill(CONSOLE_SIGNUP_LINK_REVOKE, &[&id.to_string()])
}

pub fn admin_authorization(id: impl Display) -> String {
    fill(ADMIN_AUTHORIZATION, &[&id.to_string()])
}

pub fn admin_authorization_activate(id: impl Display) -> String {
    fill(ADMIN_AUTHORIZATION_ACTIVATE, &[&id.to_string()])
}

pub fn admin_authorization_restrict(id: impl Display) -> String {
    fill(ADMIN_AUTHORIZATION_RESTRICT, &[&id.to_string()])
}

pub fn admin_offer(id: impl Display) -> String {
    fill(ADMIN_OFFER, &[&id.to_string()])
}

pub fn console_offer(id: impl Display) -> String {
    fill(CONSOLE_OFFER, &[&id.to_string()])
}

pub fn console_offer_edit(id: impl Display) -> String {
    fill(CONSOLE_OFFER_EDIT, &[&id.to_string()])
}

pub fn console_offer_release(id: impl Display) -> String {
    fill(CONSOLE_OFFER_RELEASE, &[&id.to_string()])
}

pub fn console_offer_accept(id: impl Display) -> String {
    fill(CONSOLE_OFFER_ACCEPT, &[&id.to_string()])
}

pub fn console_offer_cancel(id: impl Display) -> String {
    fill(CONSOLE_OFFER_CANCEL, &[&id.to_string()])
}

pub fn console_statement(month: impl Display) -> String {
    fill(CONSOLE_STATEMENT, &[&month.to_string()])
}

pub fn console_statement_pdf(month: impl Display) -> String {
    fill(CONSOLE_STATEMENT_PDF, &[&month.to_string()])
}

pub fn console_statement_csv(month: impl Display) -> String {
    fill(CONSOLE_STATEMENT_CSV, &[&month.to_string()])
}
