//! The fonts a PDF embeds, read once from the system: DejaVu Sans (regular and bold) for Latin
//! text, Noto Sans CJK JP for Japanese (and for any text DejaVu has no glyph for). A server
//! needs the Debian packages `fonts-dejavu-core` and `fonts-noto-cjk` (README); without them a
//! PDF is refused with a clear error, never drawn with missing glyphs.

use std::sync::{Arc, OnceLock};

use krilla::text::Font;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const DEJAVU_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
/// A collection; its first face is Noto Sans CJK JP.
const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// One face: its bytes (for measuring) and krilla's font (for drawing).
#[derive(Clone)]
pub struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    pub font: Font,
}

impl Face {
    fn load(path: &str, index: u32) -> Result<Face, String> {
        let data = Arc::new(std::fs::read(path).map_err(|e| format!("{path}: {e}"))?);
        let font = Font::new(data.clone().into(), index).ok_or(format!("{path}: not a font"))?;
        Ok(Face { data, index, font })
    }

    fn font_ref(&self) -> Option<skrifa::FontRef<'_>> {
        skrifa::FontRef::from_index(&self.data, self.index).ok()
    }

    /// Whether every character of `text` has a glyph here.
    pub fn covers(&self, text: &str) -> bool {
        let Some(f) = self.font_ref() else {
            return false;
        };
        let map = f.charmap();
        text.chars()
            .all(|c| c.is_whitespace() || map.map(c).is_some())
    }

    /// How wide `text` is at `size` points (advances without kerning: what right alignment
    /// and wrapping need).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let Some(f) = self.font_ref() else {
            return 0.0;
        };
        let map = f.charmap();
        let metrics = f.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| map.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
    pub cjk: Face,
}

impl Fonts {
    /// The fonts, read on first use; the error names the file that is missing.
    pub fn get() -> Result<&'static Fonts, String> {
        static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Ok(Fonts {
                    regular: Face::load(DEJAVU, 0)?,
                    bold: Face::load(DEJAVU_BOLD, 0)?,
                    cjk: Face::load(NOTO_CJK, 0)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The face to draw `text` with: Japanese documents use the CJK face throughout, as does
    /// any text the Latin face lacks a glyph for (a customer's name in kanji on an English
    /// invoice).
    pub fn face(&self, text: &str, bold: bool, japanese: bool) -> &Face {
        let latin = if bold { &self.bold } else { &self.regular };
        if japanese || !latin.covers(text) {
            &self.cjk
        } else {
            latin
        }
    }
}
