//! The templates' own filters: money and percentages written one way on every page
//! (`{{ amount|money }}` gives `1,234.50`, `{{ bps|percent }}` gives `12.5%`, as the APIs write
//! rates). A template's module brings them in with `use crate::web::filters;`.

use crate::billing::grants;
use crate::billing::money::Cents;

/// Whole cents however deeply a template borrows them.
pub trait Whole {
    fn whole(&self) -> i64;
}

impl Whole for i64 {
    fn whole(&self) -> i64 {
        *self
    }
}

impl<T: Whole + ?Sized> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

/// Cents as dollars for people: `1,234.50`.
#[askama::filter_fn]
pub fn money(cents: impl Whole, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(Cents(cents.whole()).grouped())
}

/// Basis points as a percentage: `20%`, `12.5%`, `0.25%`.
#[askama::filter_fn]
pub fn percent(bps: impl Whole, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(grants::percent(bps.whole()))
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use crate::web::filters;

    #[derive(Template)]
    #[template(
        source = "{{ a|money }} {{ b|money }} {{ r|percent }} {{ s|percent }}",
        ext = "txt"
    )]
    struct Probe<'a> {
        a: i64,
        b: &'a i64,
        r: i64,
        s: &'a &'a i64,
    }

    #[test]
    fn one_format_for_money_and_one_for_rates() {
        let page = Probe {
            a: 123_450,
            b: &-5,
            r: 1250,
            s: &&2000,
        };
        assert_eq!(page.render().unwrap(), "1,234.50 -0.05 12.5% 20%");
    }
}
