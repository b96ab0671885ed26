//! The bill of one month (SPEC section 4): base lines (one per customer, service, project and
//! cluster), then percentage discounts, then fixed-amount discounts, then credits.
//!
//! - Percentage rates are basis points. A customer's and its partner's rates for the same line
//!   add, capped at 100 %, and are applied to each line, rounding half-even once per line.
//! - Fixed amounts and credits are spread over the lines they cover in proportion to what is
//!   left on each line, by largest remainder, so no cent appears or disappears.
//! - Credits are used oldest expiry first and never take a line below zero.
//!
//! Every summary is a sum of lines, so summaries add up to the overview exactly.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// One customer's usage total for a month on one service, project and cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseLine {
    pub customer_id: i64,
    pub service: std::sync::Arc<str>,
    pub project: std::sync::Arc<str>,
    pub cluster: std::sync::Arc<str>,
    /// What was consumed, before anything is taken off.
    pub usage: i64,
}

/// One shared copy of each service, project and cluster name of a bill's lines: a partner of
/// 100 000 customers has hundreds of thousands of lines and few distinct names, and a line's
/// own copies were most of a bill's memory.
#[derive(Debug, Default)]
pub struct Names(std::collections::HashSet<std::sync::Arc<str>>);

impl Names {
    pub fn of(&mut self, name: &str) -> std::sync::Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return std::sync::Arc::clone(shared);
        }
        let shared: std::sync::Arc<str> = name.into();
        self.0.insert(std::sync::Arc::clone(&shared));
        shared
    }
}

/// Who a discount or credit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Partner,
    Customer(i64),
}

impl Scope {
    fn covers(self, line: &BaseLine) -> bool {
        match self {
            Scope::Partner => true,
            Scope::Customer(id) => id == line.customer_id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountKind {
    /// Basis points: 1 000 is 10 %.
    Rate(i64),
    /// A fixed amount in cents for the month.
    Fixed(i64),
}

/// A discount that applies to the month being billed (the caller filters by period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    pub id: i64,
    pub scope: Scope,
    /// Only this service, or every service.
    pub service: Option<String>,
    pub kind: DiscountKind,
}

impl Discount {
    fn covers(&self, line: &BaseLine) -> bool {
        self.scope.covers(line) && self.service.as_ref().is_none_or(|s| **s == *line.service)
    }
}

/// A credit usable in the month, with what is left of it at the month's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub id: i64,
    pub scope: Scope,
    pub remaining: i64,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditUse {
    pub credit_id: i64,
    pub used: i64,
}

/// A base line with what discounts and credits took off it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub base: BaseLine,
    pub discounts: i64,
    pub credits: i64,
}

impl BillLine {
    /// A line before anything is taken off it.
    pub fn new(base: BaseLine) -> BillLine {
        BillLine {
            base,
            discounts: 0,
            credits: 0,
        }
    }

    /// What is owed for the line: usage less discounts and credits.
    pub fn owed(&self) -> i64 {
        self.base.usage - self.discounts - self.credits
    }

    fn left(&self) -> i64 {
        self.owed()
    }
}

/// The four amounts of every bill level. Named so that none can be taken for another: the
/// public API calls `usage` `runningTotal` and `owed` `totalCost`, and only its answer types
/// use those names (`api::bills`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Consumed in the month, before anything is taken off.
    pub usage: i64,
    pub discounts: i64,
    pub credits: i64,
    /// `usage - discounts - credits`: the amount due.
    pub owed: i64,
}

impl Totals {
    pub fn add(&mut self, l: &BillLine) {
        self.usage += l.base.usage;
        self.discounts += l.discounts;
        self.credits += l.credits;
        self.owed += l.owed();
    }

    pub fn plus(mut self, o: Totals) -> Totals {
        self.usage += o.usage;
        self.discounts += o.discounts;
        self.credits += o.credits;
        self.owed += o.owed;
        self
    }

    pub fn of<'a>(lines: impl IntoIterator<Item = &'a BillLine>) -> Totals {
        let mut t = Totals::default();
        for l in lines {
            t.add(l);
        }
        t
    }
}

/// Totals per key (service, project, customer...), each a sum of whole lines.
pub fn summarize<K: Ord>(lines: &[BillLine], key: impl Fn(&BillLine) -> K) -> BTreeMap<K, Totals> {
    let mut out: BTreeMap<K, Totals> = BTreeMap::new();
    for l in lines {
        out.entry(key(l)).or_default().add(l);
    }
    out
}

/// Computes the month: discounts (rates, then fixed amounts), then credits oldest expiry first.
/// Returns the lines and how much of each credit was used.
pub fn compute(
    base: Vec<BaseLine>,
    discounts: &[Discount],
    credits: &[Credit],
) -> (Vec<BillLine>, Vec<CreditUse>) {
    let mut lines: Vec<BillLine> = base.into_iter().map(BillLine::new).collect();
    let uses = take_off(&mut lines, discounts, credits);
    (lines, uses)
}

/// [`compute`] on lines made with [`BillLine::new`] as they were read, so a large bill never
/// holds its base lines and its bill lines at once. Returns how much of each credit was used.
pub fn take_off(
    lines: &mut [BillLine],
    discounts: &[Discount],
    credits: &[Credit],
) -> Vec<CreditUse> {
    for l in lines.iter_mut() {
        let bps: i64 = discounts
            .iter()
            .filter(|d| d.covers(&l.base))
            .filter_map(|d| match d.kind {
                DiscountKind::Rate(bps) => Some(bps.max(0)),
                DiscountKind::Fixed(_) => None,
            })
            .sum::<i64>()
            .min(10_000);
        l.discounts = rate_of(l.base.usage, bps);
    }

    let mut fixed: Vec<&Discount> = discounts
        .iter()
        .filter(|d| matches!(d.kind, DiscountKind::Fixed(_)))
        .collect();
    fixed.sort_by_key(|d| d.id);
    for d in fixed {
        let DiscountKind::Fixed(amount) = d.kind else {
            continue;
        };
        spread(
            lines,
            amount.max(0),
            |l| d.covers(&l.base),
            |l, share| l.discounts += share,
        );
    }

    let mut ordered: Vec<&Credit> = credits.iter().collect();
    ordered.sort_by_key(|c| (c.expires_on, c.id));
    let mut uses = Vec::new();
    for c in ordered {
        let used = spread(
            lines,
            c.remaining.max(0),
            |l| c.scope.covers(&l.base),
            |l, share| l.credits += share,
        );
        uses.push(CreditUse {
            credit_id: c.id,
            used,
        });
    }
    uses
}

/// `amount` × `bps` / 10 000, rounded half to even.
pub fn rate_of(amount: i64, bps: i64) -> i64 {
    let n = amount as i128 * bps as i128;
    let (q, r) = (n.div_euclid(10_000), n.rem_euclid(10_000));
    let up = r * 2 > 10_000 || (r * 2 == 10_000 && q % 2 != 0);
    (q + up as i128) as i64
}

/// Spreads up to `amount` over the lines `covered` selects, in proportion to what is left on
/// each, by largest remainder ([`largest_remainder`]'s shares), handing each line its share
/// with `take`. Never more than is left on a line, so the total spread (returned) is
/// `min(amount, left on covered lines)`. Works on the lines themselves: a partner-wide credit
/// covers every line of a bill of 100 000 customers, and a copy of its weights and shares beside
/// the lines was most of a large bill's memory.
fn spread(
    lines: &mut [BillLine],
    amount: i64,
    covered: impl Fn(&BillLine) -> bool,
    take: impl Fn(&mut BillLine, i64),
) -> i64 {
    let weight = |l: &BillLine| if covered(l) { l.left().max(0) } else { 0 };
    let total: i128 = lines.iter().map(|l| weight(l) as i128).sum();
    let amount = (amount as i128).min(total);
    if amount <= 0 {
        return 0;
    }
    // Remainders are below `total`: 16 bytes a line where cents fit an i64, as they do.
    if i64::try_from(total).is_ok() {
        spread_with::<i64>(lines, amount, total, weight, take)
    } else {
        spread_with::<i128>(lines, amount, total, weight, take)
    }
}

/// [`spread`] once its total is known, each remainder kept as an `R`.
fn spread_with<R: TryFrom<i128> + Ord + Copy + Default>(
    lines: &mut [BillLine],
    amount: i128,
    total: i128,
    weight: impl Fn(&BillLine) -> i64,
    take: impl Fn(&mut BillLine, i64),
) -> i64 {
    // Each line's remainder, for the cents left after rounding down; only lines with a weight
    // can have one. A line's index fits a u32: four billion lines would not fit in memory.
    let mut rems: Vec<(R, u32)> = Vec::new();
    let mut given: i128 = 0;
    for (i, l) in lines.iter_mut().enumerate() {
        let w = weight(l) as i128;
        if w == 0 {
            continue;
        }
        let n = amount * w;
        let share = n / total;
        given += share;
        if n % total != 0 {
            let rem = R::try_from(n % total).unwrap_or_default();
            rems.push((rem, i as u32));
        }
        take(l, share as i64);
    }
    let left = (amount - given) as usize;
    if left > 0 {
        // The largest remainders, ties to the first line.
        let order = |a: &(R, u32), b: &(R, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if left < rems.len() {
            rems.select_nth_unstable_by(left - 1, order);
            rems.truncate(left);
        }
        for &(_, i) in &rems {
            take(&mut lines[i as usize], 1);
        }
    }
    amount as i64
}

/// Splits `amount` (≤ the sum of `weights`) in proportion to `weights`: each share is rounded
/// down, and the cents left go one each to the largest remainders (ties to the first line).
pub fn largest_remainder(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| *w as i128).sum();
    if amount <= 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let n = amount as i128 * *w as i128;
        shares.push((n / total) as i64);
        rems.push((n % total, i));
    }
    let mut left = amount - shares.iter().sum::<i64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests;
