//! The page's navigation: the main row, the account menu and the tabs of each area, with the
//! current page marked.

use super::{NavItem, PageCtx};
use crate::web::routes;

impl PageCtx {
    /// The main navigation: the pages used every day, on one row at 1 024 px and wider.
    pub fn nav(&self) -> Vec<NavItem> {
        let items: Vec<(&'static str, &str)> = match &self.user {
            Some(u) if u.is_operator => vec![
                (routes::ADMIN, "nav-admin-overview"),
                (routes::ADMIN_APPLICATIONS, "nav-admin-applications"),
                (routes::ADMIN_PARTNERS, "nav-admin-partners"),
                (routes::ADMIN_AUTHORIZATIONS, "nav-admin-authorizations"),
                (routes::ADMIN_OFFERS, "nav-admin-offers"),
                (routes::ADMIN_BILLING, "nav-admin-billing"),
            ],
            Some(u) => {
                let mut v = vec![
                    (routes::CONSOLE, "nav-console-dashboard"),
                    (routes::CONSOLE_BILLING, "nav-console-billing"),
                    (routes::CONSOLE_CUSTOMERS, "nav-console-customers"),
                ];
                // A reseller's customers come from private offers, not signup links.
                if u.is_msp {
                    v.push((routes::CONSOLE_SIGNUP_LINKS, "nav-console-signup-links"));
                } else {
                    // The authorizations are a tab of Private offers.
                    v.push((routes::CONSOLE_OFFERS, "nav-console-offers"));
                }
                v.push((routes::CONSOLE_BRANDING, "nav-console-branding"));
                v.push((routes::CONSOLE_SUPPORT, "nav-console-support"));
                v
            }
            None => vec![],
        };
        self.items(&items)
    }

    /// The account menu under the person's name: the team, keys, log and settings, used less
    /// often than the main navigation.
    pub fn account_nav(&self) -> Vec<NavItem> {
        let items: Vec<(&'static str, &str)> = match &self.user {
            Some(u) if u.is_operator => vec![
                (routes::ADMIN_OUTBOX, "nav-admin-outbox"),
                (routes::ADMIN_AUDIT, "nav-admin-audit"),
                (routes::ACCOUNT_SECURITY, "nav-security"),
            ],
            Some(u) => {
                let mut v = Vec::new();
                if u.is_manager() {
                    v.push((routes::CONSOLE_TEAM, "nav-console-team"));
                    v.push((routes::CONSOLE_API_KEYS, "nav-console-api-keys"));
                    v.push((routes::CONSOLE_WEBHOOKS, "nav-console-webhooks"));
                    v.push((routes::CONSOLE_AUDIT, "nav-console-audit"));
                }
                v.push((routes::CONSOLE_SETTINGS, "nav-console-settings"));
                v.push((routes::ACCOUNT_SECURITY, "nav-security"));
                v
            }
            None => vec![],
        };
        self.items(&items)
    }

    /// The tabs of the billing pages: the bill, the credits, the discounts, the statements, an
    /// MSP's invoices to its customers, and the budgets.
    pub fn billing_tabs(&self) -> Vec<NavItem> {
        let mut items = vec![
            (routes::CONSOLE_BILLING, "nav-console-billing"),
            (routes::CONSOLE_CREDITS, "nav-console-credits"),
            (routes::CONSOLE_DISCOUNTS, "nav-console-discounts"),
        ];
        items.push((routes::CONSOLE_STATEMENTS, "nav-console-statements"));
        if self.user.as_ref().is_some_and(|u| u.is_msp) {
            items.push((routes::CONSOLE_INVOICES, "nav-console-invoices"));
        }
        items.push((routes::CONSOLE_BUDGETS, "nav-console-budgets"));
        self.tabs(&items)
    }

    /// The tabs of an MSP's customer pages: its customers and the plans that price them.
    pub fn customers_tabs(&self) -> Vec<NavItem> {
        self.tabs(&[
            (routes::CONSOLE_CUSTOMERS, "nav-console-customers"),
            (routes::CONSOLE_PLANS, "nav-console-plans"),
        ])
    }

    /// The tabs of a reseller's offer pages: its offers and the authorizations it holds.
    pub fn offers_tabs(&self) -> Vec<NavItem> {
        self.tabs(&[
            (routes::CONSOLE_OFFERS, "nav-console-offers"),
            (routes::CONSOLE_AUTHORIZATIONS, "nav-console-authorizations"),
        ])
    }

    /// Tabs, each marked on its own page and its sub-pages only.
    fn tabs(&self, items: &[(&'static str, &str)]) -> Vec<NavItem> {
        self.items(items)
            .into_iter()
            .map(|mut i| {
                i.active = self.path == i.href || self.path.starts_with(&format!("{}/", i.href));
                i
            })
            .collect()
    }

    /// Whether the account menu holds the page shown (the menu is then marked too).
    pub fn in_account_nav(&self) -> bool {
        self.account_nav().iter().any(|i| i.active)
    }

    fn items(&self, items: &[(&'static str, &str)]) -> Vec<NavItem> {
        items
            .iter()
            .map(|(href, key)| NavItem {
                href,
                label: self.t(key),
                active: self.shows(href),
            })
            .collect()
    }

    /// Whether the page shown is `href` or one of its sub-pages (Billing holds Credits and
    /// Discounts); an area's home is marked only on itself.
    fn shows(&self, href: &str) -> bool {
        let under = |p: &str| self.path == p || self.path.starts_with(&format!("{p}/"));
        match href {
            routes::ADMIN | routes::CONSOLE => self.path == href,
            routes::CONSOLE_BILLING => {
                under(routes::CONSOLE_BILLING)
                    || under(routes::CONSOLE_CREDITS)
                    || under(routes::CONSOLE_DISCOUNTS)
                    || under(routes::CONSOLE_INVOICES)
                    || under(routes::CONSOLE_STATEMENTS)
            }
            routes::CONSOLE_OFFERS => {
                under(routes::CONSOLE_OFFERS) || under(routes::CONSOLE_AUTHORIZATIONS)
            }
            routes::CONSOLE_CUSTOMERS => {
                under(routes::CONSOLE_CUSTOMERS) || under(routes::CONSOLE_PLANS)
            }
            _ => under(href),
        }
    }
}
