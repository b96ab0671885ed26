//! The demo's accounts: the operator and the two partners a newcomer signs in as.

use crate::domain::PartnerKind;

pub(super) struct DemoPartner {
    pub name: &'static str,
    pub slug: &'static str,
    pub kind: PartnerKind,
    pub website: &'static str,
    pub owner: &'static str,
    pub password: &'static str,
}

pub(super) const OPERATOR: (&str, &str) = ("ops@demo.example", "Demo-Operator-2026!");

pub(super) const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Acme Cloud",
        slug: "acme-cloud",
        kind: PartnerKind::Msp,
        website: "https://acme.example",
        owner: "owner@acme.example",
        password: "Acme-Demo-Pass-2026",
    },
    DemoPartner {
        name: "Borealis Resale",
        slug: "borealis-resale",
        kind: PartnerKind::Reseller,
        website: "https://borealis.example",
        owner: "owner@borealis.example",
        password: "Borealis-Demo-Pass-2026",
    },
];
