//! A partner's SVG logo drawn into a PDF as vector paths: the stored logo is parsed again with
//! usvg (which has turned shapes and text into paths) and each path is filled or stroked with
//! its colour. Gradients and patterns take their first colour; the logos partners upload are
//! flat marks, and a vector mark that prints sharp matters more than a gradient.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Paint, Stroke};
use krilla::surface::Surface;

/// Draws `svg` into the box at (`x`, `y`) at most `max_w` × `max_h` points, keeping its
/// shape; returns the width it took, or `None` when the logo cannot be read.
pub fn draw(
    surface: &mut Surface,
    svg: &str,
    (x, y): (f32, f32),
    (max_w, max_h): (f32, f32),
) -> Option<f32> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).ok()?;
    let size = tree.size();
    let scale = (max_w / size.width()).min(max_h / size.height());
    surface.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
    group(surface, tree.root());
    surface.pop();
    Some(size.width() * scale)
}

fn group(surface: &mut Surface, g: &usvg::Group) {
    for node in g.children() {
        match node {
            usvg::Node::Group(inner) => group(surface, inner),
            usvg::Node::Path(p) => path(surface, p),
            usvg::Node::Text(t) => group(surface, t.flattened()),
            usvg::Node::Image(_) => {}
        }
    }
}

fn color(paint: &usvg::Paint) -> rgb::Color {
    let c = match paint {
        usvg::Paint::Color(c) => *c,
        usvg::Paint::LinearGradient(g) => g
            .stops()
            .first()
            .map(|s| s.color())
            .unwrap_or(usvg::Color::black()),
        usvg::Paint::RadialGradient(g) => g
            .stops()
            .first()
            .map(|s| s.color())
            .unwrap_or(usvg::Color::black()),
        usvg::Paint::Pattern(_) => usvg::Color::black(),
    };
    rgb::Color::new(c.red, c.green, c.blue)
}

fn opacity(o: usvg::Opacity) -> NormalizedF32 {
    NormalizedF32::new(o.get()).unwrap_or(NormalizedF32::ONE)
}

fn path(surface: &mut Surface, p: &usvg::Path) {
    if !p.is_visible() {
        return;
    }
    let t = p.abs_transform();
    let mut b = PathBuilder::new();
    for seg in p.data().segments() {
        use usvg::tiny_skia_path::PathSegment as S;
        match seg {
            S::MoveTo(a) => b.move_to(a.x, a.y),
            S::LineTo(a) => b.line_to(a.x, a.y),
            S::QuadTo(a, c) => b.quad_to(a.x, a.y, c.x, c.y),
            S::CubicTo(a, c, d) => b.cubic_to(a.x, a.y, c.x, c.y, d.x, d.y),
            S::Close => b.close(),
        }
    }
    let Some(shape) = b.finish() else { return };
    surface.push_transform(&Transform::from_row(t.sx, t.ky, t.kx, t.sy, t.tx, t.ty));
    surface.set_fill(p.fill().map(|f| Fill {
        paint: Paint::from(color(f.paint())),
        opacity: opacity(f.opacity()),
        rule: Default::default(),
    }));
    surface.set_stroke(p.stroke().map(|s| Stroke {
        paint: Paint::from(color(s.paint())),
        width: s.width().get(),
        opacity: opacity(s.opacity()),
        ..Default::default()
    }));
    surface.draw_path(&shape);
    surface.pop();
}
