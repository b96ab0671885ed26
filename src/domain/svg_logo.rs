//! Partner logos: uploaded SVG, parsed with real XML and SVG parsers and re-written, so that what
//! is stored and served holds no script, event handler, `foreignObject`, external reference or
//! entity. Text is turned into paths, so a logo looks the same without its fonts.

use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use super::DomainError;

pub const MAX_LOGO_BYTES: usize = 256 * 1024;
/// The recommended shape is 256×48 (about 5.3:1); outside this range we warn.
const ASPECT_MIN: f32 = 2.5;
const ASPECT_MAX: f32 = 12.0;

/// A cleaned logo, ready to store and serve.
#[derive(Debug, Clone)]
pub struct SvgLogo {
    svg: String,
    width: f32,
    height: f32,
}

impl SvgLogo {
    /// Parses an upload. `Ok` carries the clean logo and, when its shape is far from the
    /// recommended one, the key of a warning to show (not a refusal).
    pub fn parse(bytes: &[u8]) -> Result<(SvgLogo, Option<&'static str>), DomainError> {
        if bytes.is_empty() {
            return Err(DomainError::new("error-logo-required"));
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(DomainError::new("error-logo-too-large"));
        }
        let text =
            std::str::from_utf8(bytes).map_err(|_| DomainError::new("error-logo-not-svg"))?;
        let text = text.trim_start_matches('\u{feff}');
        let text = strip_doctype(text)?;
        let xml = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                nodes_limit: 200_000,
                ..Default::default()
            },
        )
        .map_err(|_| DomainError::new("error-logo-not-svg"))?;
        let root = xml.root_element();
        if root.tag_name().name() != "svg"
            || root.tag_name().namespace() != Some("http://www.w3.org/2000/svg")
        {
            return Err(DomainError::new("error-logo-not-svg"));
        }
        let tree = usvg::Tree::from_xmltree(&xml, &options())
            .map_err(|_| DomainError::new("error-logo-invalid"))?;
        let size = tree.size();
        let svg = tree.to_string(&usvg::WriteOptions::default());
        let logo = SvgLogo {
            svg,
            width: size.width(),
            height: size.height(),
        };
        let ratio = logo.width / logo.height;
        let warning = (!(ASPECT_MIN..=ASPECT_MAX).contains(&ratio)).then_some("warn-logo-aspect");
        Ok((logo, warning))
    }

    /// A logo read back from the store, which only ever holds cleaned ones.
    pub fn from_stored(svg: String, width: f32, height: f32) -> SvgLogo {
        SvgLogo { svg, width, height }
    }

    pub fn svg(&self) -> &str {
        &self.svg
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    /// Content hash, used as cache key in the logo's URL.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.svg.as_bytes()))
    }
}

/// A DOCTYPE as design tools write it is dropped; one that declares entities is refused.
fn strip_doctype(text: &str) -> Result<std::borrow::Cow<'_, str>, DomainError> {
    let Some(start) = text.find("<!DOCTYPE") else {
        return Ok(text.into());
    };
    let rest = &text[start..];
    let bracket = rest.find('[');
    let close = rest
        .find('>')
        .ok_or(DomainError::new("error-logo-not-svg"))?;
    let end = match bracket {
        // An internal subset: `[...]>`.
        Some(b) if b < close => {
            let subset_end = rest
                .find("]>")
                .ok_or(DomainError::new("error-logo-not-svg"))?;
            if rest[b..subset_end].contains("<!ENTITY") {
                return Err(DomainError::new("error-logo-entities"));
            }
            subset_end + 2
        }
        _ => close + 1,
    };
    Ok(format!("{}{}", &text[..start], &rest[end..]).into())
}

fn options() -> usvg::Options<'static> {
    // Only embedded (data:) images survive; any other reference, file: or remote, is dropped.
    let image_href_resolver = usvg::ImageHrefResolver {
        resolve_string: Box::new(|_, _| None),
        ..Default::default()
    };
    usvg::Options {
        fontdb: fonts(),
        image_href_resolver,
        resources_dir: None,
        ..Default::default()
    }
}

/// The system fonts, loaded once: logos with text are turned into paths with them.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" viewBox="0 0 256 48"><rect width="256" height="48" rx="8" fill="#3b5bdb"/><circle cx="24" cy="24" r="12" fill="#fff"/></svg>"##;

    fn clean(svg: &str) -> String {
        SvgLogo::parse(svg.as_bytes())
            .map(|(l, _)| l.svg().to_string())
            .unwrap_or_else(|e| panic!("refused: {e}"))
    }

    fn assert_harmless(out: &str) {
        let lower = out.to_lowercase();
        for bad in [
            "<script",
            "onload",
            "onclick",
            "foreignobject",
            "javascript:",
            "http://evil",
            "file:",
            "<!entity",
            "<!doctype",
        ] {
            assert!(!lower.contains(bad), "{bad} survived in:\n{out}");
        }
    }

    #[test]
    fn a_plain_logo_is_kept_with_its_shape() {
        let (logo, warning) = SvgLogo::parse(GOOD.as_bytes()).unwrap();
        assert_eq!((logo.width(), logo.height()), (256.0, 48.0));
        assert!(warning.is_none());
        assert!(
            logo.svg().contains("<path") || logo.svg().contains("<rect"),
            "{}",
            logo.svg()
        );
        assert_eq!(logo.sha256().len(), 64);
    }

    #[test]
    fn scripts_handlers_foreign_objects_and_links_are_removed() {
        let hostile = [
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><script>alert(1)</script><rect width="10" height="10"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" onload="alert(1)"><rect width="10" height="10" onclick="alert(2)"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><foreignObject width="100" height="40"><div xmlns="http://www.w3.org/1999/xhtml">hi<script>alert(1)</script></div></foreignObject><rect width="10" height="10"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="256" height="48"><a xlink:href="javascript:alert(1)"><rect width="10" height="10"/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="256" height="48"><image xlink:href="http://evil.example/track.png" width="10" height="10"/><image href="file:///etc/passwd" width="10" height="10"/><rect width="10" height="10"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><style>@import url(http://evil.example/x.css); rect { fill: red }</style><rect width="10" height="10"/></svg>"#,
        ];
        for svg in hostile {
            assert_harmless(&clean(svg));
        }
    }

    #[test]
    fn entity_declarations_are_refused_and_plain_doctypes_dropped() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><text>&c;</text></svg>"#;
        assert_eq!(
            SvgLogo::parse(bomb.as_bytes()).unwrap_err().key,
            "error-logo-entities"
        );
        let plain = r#"<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><rect width="10" height="10"/></svg>"#;
        assert_harmless(&clean(plain));
    }

    #[test]
    fn size_type_and_syntax_are_checked() {
        let big = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><!-- {} --></svg>"#,
            "x".repeat(300 * 1024)
        );
        assert_eq!(
            SvgLogo::parse(big.as_bytes()).unwrap_err().key,
            "error-logo-too-large"
        );
        let png = [
            0x89u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe,
        ];
        assert_eq!(SvgLogo::parse(&png).unwrap_err().key, "error-logo-not-svg");
        assert_eq!(
            SvgLogo::parse(b"<svg").unwrap_err().key,
            "error-logo-not-svg"
        );
        assert_eq!(
            SvgLogo::parse(b"<html xmlns=\"http://www.w3.org/1999/xhtml\"/>")
                .unwrap_err()
                .key,
            "error-logo-not-svg"
        );
        assert_eq!(SvgLogo::parse(b"").unwrap_err().key, "error-logo-required");
    }

    #[test]
    fn a_square_logo_is_accepted_with_a_warning() {
        let square = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100"/></svg>"#;
        let (_, warning) = SvgLogo::parse(square.as_bytes()).unwrap();
        assert_eq!(warning, Some("warn-logo-aspect"));
    }

    #[test]
    fn text_becomes_paths() {
        let text = r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><text x="10" y="30" font-family="sans-serif" font-size="20">Acme</text></svg>"#;
        let out = clean(text);
        assert!(!out.contains("<text"), "{out}");
    }
}
