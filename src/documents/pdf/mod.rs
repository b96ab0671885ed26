//! A document (an invoice, a statement) as a PDF (issue 24): A4, drawn in-process by krilla
//! from the same [`Document`] as the HTML page, so both say the same; text stays text
//! (selectable, searchable, its fonts embedded as subsets) and a logo stays vector paths.

mod fonts;
mod logo;

use krilla::Document as Pdf;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Paint};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::Document;
use fonts::Fonts;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const BOTTOM: f32 = PAGE_H - 60.0;

const TEXT: (u8, u8, u8) = (29, 36, 51);
const MUTED: (u8, u8, u8) = (95, 107, 128);
const RULE: (u8, u8, u8) = (223, 228, 238);
const BAD: (u8, u8, u8) = (201, 42, 42);

/// Why a PDF could not be made: the fonts a server needs are missing, or krilla refused.
#[derive(Debug, thiserror::Error)]
#[error("PDF: {0}")]
pub struct PdfError(String);

/// The document as PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::get().map_err(PdfError)?;
    let mut pdf = Pdf::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.title, number_of(doc)))
            .language(doc.lang.clone())
            .creator("Partner Console".into()),
    );
    let mut pages = vec![Vec::new()];
    layout(doc, fonts, &mut pages);
    for ops in &pages {
        let mut page =
            pdf.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).unwrap_or_default());
        let mut surface = page.surface();
        for op in ops {
            op.draw(&mut surface, doc, fonts);
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PdfError(format!("{e:?}")))
}

fn number_of(doc: &Document) -> &str {
    doc.facts
        .first()
        .map(|(_, n)| n.as_str())
        .unwrap_or_default()
}

/// One thing drawn on a page: laid out first (so a long invoice breaks across pages), drawn
/// after.
enum Op {
    Text {
        at: (f32, f32),
        text: String,
        size: f32,
        bold: bool,
        color: (u8, u8, u8),
    },
    Rule {
        y: f32,
        width: f32,
        color: (u8, u8, u8),
    },
    Band {
        top: f32,
        height: f32,
    },
    Logo,
}

impl Op {
    fn draw(&self, s: &mut Surface, doc: &Document, fonts: &Fonts) {
        match self {
            Op::Text {
                at,
                text,
                size,
                bold,
                color,
            } => {
                fill(s, *color);
                let face = fonts.face(text, *bold, doc.lang == "ja");
                s.draw_text(
                    Point::from_xy(at.0, at.1),
                    face.font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            Op::Rule { y, width, color } => {
                fill(s, *color);
                rect(s, LEFT, *y, RIGHT - LEFT, *width);
            }
            Op::Band { top, height } => {
                fill(s, (253, 236, 236));
                rect(s, LEFT, *top, RIGHT - LEFT, *height);
            }
            Op::Logo => {
                if let Some(svg) = &doc.logo_svg {
                    logo::draw(s, svg, (LEFT, 50.0), (170.0, 40.0));
                }
            }
        }
    }
}

fn fill(s: &mut Surface, (r, g, b): (u8, u8, u8)) {
    s.set_stroke(None);
    s.set_fill(Some(Fill {
        paint: Paint::from(rgb::Color::new(r, g, b)),
        ..Default::default()
    }));
}

fn rect(s: &mut Surface, x: f32, y: f32, w: f32, h: f32) {
    let mut b = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        b.push_rect(r);
    }
    if let Some(p) = b.finish() {
        s.draw_path(&p);
    }
}

/// Lays the page out top to bottom: `y` is the next line's baseline.
struct Writer<'a> {
    fonts: &'a Fonts,
    japanese: bool,
    pages: &'a mut Vec<Vec<Op>>,
    y: f32,
}

impl Writer<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.fonts.face(text, bold, self.japanese).width(text, size)
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: f32, text: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        self.push(Op::Text {
            at: (x, self.y),
            text: text.to_string(),
            size,
            bold,
            color,
        });
    }

    /// `text` ending at `right`.
    fn right(&mut self, right: f32, text: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        let x = right - self.width(text, size, bold);
        self.text(x, text, size, bold, color);
    }

    /// A table row: two texts from their columns' left, two amounts ending at theirs.
    fn row(&mut self, cols: [f32; 4], cells: [&str; 4], size: f32, color: (u8, u8, u8)) {
        self.text(cols[0], cells[0], size, false, color);
        self.text(cols[1], cells[1], size, false, color);
        self.right(cols[2], cells[2], size, false, color);
        self.right(cols[3], cells[3], size, false, color);
    }

    /// A rule across the page under the line just written.
    fn rule(&mut self, width: f32, color: (u8, u8, u8)) {
        self.down(6.0);
        self.push(Op::Rule {
            y: self.y,
            width,
            color,
        });
    }

    /// Moves down `by`, starting a new page when the next line would not fit.
    fn down(&mut self, by: f32) {
        self.y += by;
        if self.y > BOTTOM {
            self.pages.push(Vec::new());
            self.y = 70.0;
        }
    }

    /// `text` wrapped to `width` at spaces (and between any two characters of Japanese).
    fn paragraph(&mut self, x: f32, width: f32, text: &str, size: f32, color: (u8, u8, u8)) {
        for source in text.lines() {
            let mut line = String::new();
            for word in words(source) {
                let candidate = format!("{line}{word}");
                if !line.is_empty() && self.width(candidate.trim_end(), size, false) > width {
                    let done = std::mem::take(&mut line);
                    self.text(x, done.trim_end(), size, false, color);
                    self.down(size * 1.45);
                    line = word.trim_start().to_string();
                } else {
                    line = candidate;
                }
            }
            self.text(x, line.trim_end(), size, false, color);
            self.down(size * 1.45);
        }
    }
}

/// The pieces a line may break after: words with their trailing space, and each character of
/// scripts written without spaces.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        word.push(c);
        if c == ' ' || c > '\u{2e80}' {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn layout(doc: &Document, fonts: &Fonts, pages: &mut Vec<Vec<Op>>) {
    let mut w = Writer {
        fonts,
        japanese: doc.lang == "ja",
        pages,
        y: 50.0,
    };
    // The issuer on the left, under its logo; the title and the facts on the right.
    let top = if doc.logo_svg.is_some() {
        w.push(Op::Logo);
        110.0
    } else {
        62.0
    };
    w.y = 62.0;
    w.right(RIGHT, &doc.title, 22.0, true, TEXT);
    w.down(24.0);
    for (label, value) in &doc.facts {
        w.text(RIGHT - 210.0, label, 9.0, false, MUTED);
        w.right(RIGHT, value, 10.0, false, TEXT);
        w.down(15.0);
    }
    let facts_end = w.y;
    w.y = top;
    w.text(LEFT, &doc.issuer_name, 12.0, true, TEXT);
    w.down(15.0);
    for l in &doc.issuer_lines {
        w.text(LEFT, l, 9.0, false, TEXT);
        w.down(12.5);
    }
    w.y = w.y.max(facts_end) + 14.0;
    if let Some(note) = &doc.void_note {
        w.push(Op::Band {
            top: w.y - 13.0,
            height: 20.0,
        });
        w.text(LEFT + 8.0, note, 10.5, true, BAD);
        w.down(26.0);
    }
    w.text(LEFT, &doc.bill_to_label, 9.0, false, MUTED);
    w.down(15.0);
    for (i, l) in doc.customer_lines.iter().enumerate() {
        w.text(LEFT, l, if i == 0 { 11.0 } else { 10.0 }, i == 0, TEXT);
        w.down(14.0);
    }
    if let Some(note) = &doc.replaces_note {
        w.down(4.0);
        w.text(LEFT, note, 9.0, false, MUTED);
        w.down(12.0);
    }
    // The lines: description, period, list price, amount.
    let cols = [LEFT, LEFT + 190.0, RIGHT - 95.0, RIGHT];
    w.down(14.0);
    let [a, b, c, d] = &doc.heads;
    w.row(cols, [a, b, c, d], 8.5, MUTED);
    w.rule(0.8, RULE);
    for l in &doc.lines {
        w.down(16.0);
        w.row(
            cols,
            [&l.description, &l.period, &l.usage, &l.amount],
            10.0,
            TEXT,
        );
        w.rule(0.5, RULE);
    }
    for s in &doc.sums {
        w.down(16.0);
        w.right(cols[2], &s.label, 10.0, false, TEXT);
        w.right(cols[3], &s.amount, 10.0, true, TEXT);
    }
    w.down(4.0);
    w.rule(1.2, TEXT);
    w.down(18.0);
    w.right(cols[2], &doc.total.label, 12.0, true, TEXT);
    w.right(cols[3], &doc.total.amount, 13.0, true, TEXT);
    w.down(28.0);
    w.text(LEFT, &doc.currency_note, 8.5, false, MUTED);
    if !doc.footer.is_empty() {
        w.down(22.0);
        w.paragraph(LEFT, RIGHT - LEFT, &doc.footer, 9.0, TEXT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_break_at_spaces_and_between_japanese_characters() {
        assert_eq!(words("Pay by bank"), ["Pay ", "by ", "bank"]);
        assert_eq!(words("銀行振込"), ["銀", "行", "振", "込"]);
    }
}
