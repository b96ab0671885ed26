//! What the pages listing offers and authorizations write of them; the operators' pages share it.

use crate::billing::grants::percent;
use crate::store::offers::Offer;
use crate::web::page::PageCtx;
use crate::web::routes;
use crate::web::session::{self, FlashLevel};
use actix_session::Session;

/// Messages at their fields, in the page's language.
/// What the pages listing offers and authorizations write of them; the admin pages share it.
pub trait Figures {
    fn page(&self) -> &PageCtx;

    /// Where an offer's id links to.
    fn offer_href(&self, id: &i64) -> String {
        routes::console_offer(id)
    }

    fn months(&self, n: &i64) -> String {
        self.page()
            .t_args("offer-months", &[("n", n.to_string().as_str())])
    }
}

/// What the pages say of an offer.
pub struct Shown<'a>(pub &'a Offer);

impl Shown<'_> {
    pub fn markup(&self) -> String {
        percent(self.0.markup_bps)
    }

    pub fn wholesale(&self) -> String {
        percent(self.0.wholesale_bps)
    }
}

/// The reason a state change was refused, shown on the page it goes back to.
pub fn flash_refusal(ctx: &PageCtx, sess: &Session, e: &crate::app::Error) {
    let text = ctx.refusal(e).unwrap_or_else(|| ctx.t("error-400-text"));
    session::flash(sess, FlashLevel::Error, text);
}
