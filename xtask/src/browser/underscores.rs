//! Underscores are drawn in editable code, in every theme, at device scale 1
//! (the browser runs with `--force-device-scale-factor=1`).
//!
//! Ace paints each line inside a box with `contain: strict`, which clips
//! whatever the font draws below that box. With a system monospace font at
//! scale 1 the `_` glyph fell just below it, so `for _ in 0..5` read
//! `for   in 0..5`. The test screenshots a line of underscores in a real
//! editor and looks for the stroke: a pixel row inked across the line.

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};

use super::Browser;
use super::harness::{Outcome, Test, ok};
use super::pages::{BookPage, ThemePicker, js};

pub const TESTS: &[Test] =
    &[Test { name: "underscores show in editable code", limit: 90, run: |b| Box::pin(underscores_drawn(b)) }];

/// A page whose first editable block is edited (the example page).
const PAGE: &str = "shared-state/counter.html";
/// The line the test looks at: underscores only.
const UNDERSCORES: &str = "_____________";
/// A stroke must ink this share of the line's width in one pixel row.
const MIN_STROKE: f64 = 0.6;

async fn underscores_drawn(b: &Browser) -> Result<Outcome> {
    let mut notes = Vec::new();
    for theme in ["light", "rust", "coal", "navy", "ayu"] {
        let page = BookPage::open(b, PAGE).await?;
        ThemePicker::new(b).choose(theme).await?;
        let n = page.first_editable_block().await?.with_context(|| format!("{PAGE} has no editable block"))?;
        let scale: f64 = js(b, "return window.devicePixelRatio;", vec![]).await?;
        ensure!(scale == 1.0, "the browser runs at device scale {scale}, the test needs 1");
        page.set_editor_text(n, &format!("fn main() {{\n{UNDERSCORES}\n}}\n")).await?;
        let stroke = stroke_in_line(b, n).await.with_context(|| format!("in the {theme} theme"))?;
        ensure!(
            stroke.best >= MIN_STROKE,
            "in the {theme} theme, a line of {} underscores in an editor draws no stroke: the most inked pixel row covers {:.0} % of it (needs {:.0} %); the glyph is clipped by its line box ({} px high)",
            UNDERSCORES.len(),
            stroke.best * 100.0,
            MIN_STROKE * 100.0,
            stroke.height
        );
        notes.push(format!("{theme} {:.0} %", stroke.best * 100.0));
    }
    ok(format!("{PAGE}: the underscore stroke covers {}", notes.join(", ")))
}

/// How well the underscores of the line of editor `n` are drawn.
struct Stroke {
    /// The largest share of the underscores' width inked in one pixel row.
    best: f64,
    /// The line box's height in pixels.
    height: u32,
}

async fn stroke_in_line(b: &Browser, n: usize) -> Result<Stroke> {
    // The line's own element in Ace's text layer (its box is the clip), and
    // how wide the underscores are in it.
    let found = b
        .driver()
        .execute(
            "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
             const editor = ace.edit(pre.querySelector('.ace_editor'));
             editor.renderer.updateFull(true);
             editor.renderer.scrollToRow(0);
             pre.scrollIntoView({block: 'center'});
             const lines = [...editor.renderer.$textLayer.element.children];
             return lines.find(l => l.textContent === arguments[1]) || null;",
            vec![json!(n), json!(UNDERSCORES)],
        )
        .await
        .context("finding the line of underscores in the editor")?;
    ensure!(!found.json().is_null(), "the editor shows no line {UNDERSCORES:?}");
    let line = found.element().context("the line of underscores as an element")?;
    let width: f64 = js(
        b,
        "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
         return ace.edit(pre.querySelector('.ace_editor')).renderer.characterWidth * arguments[1];",
        vec![json!(n), json!(UNDERSCORES.len())],
    )
    .await?;
    // Let the editor paint what updateFull scheduled.
    js::<Value>(b, "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));", vec![])
        .await?;
    let png = line.screenshot_as_png().await.context("screenshotting the line")?;
    let image = Image::decode(&png)?;
    Ok(Stroke { best: image.best_row_coverage(width.round() as u32), height: image.height })
}

/// A decoded screenshot, as RGB rows.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Image {
    fn decode(png_bytes: &[u8]) -> Result<Image> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().context("reading the screenshot's PNG header")?;
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).context("decoding the screenshot")?;
        let channels = info.color_type.samples();
        ensure!(channels >= 3, "the screenshot is not in colour ({:?})", info.color_type);
        let rgb = buf[..info.buffer_size()].chunks(channels).map(|p| [p[0], p[1], p[2]]).collect();
        Ok(Image { width: info.width, height: info.height, rgb })
    }

    /// The most common colour: the line's background.
    fn background(&self) -> [u8; 3] {
        let mut counts = std::collections::HashMap::new();
        for px in &self.rgb {
            *counts.entry(*px).or_insert(0usize) += 1;
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map_or([255; 3], |(c, _)| c)
    }

    /// The largest share of the first `span` pixels of a row that differ
    /// clearly from the background, over all rows.
    fn best_row_coverage(&self, span: u32) -> f64 {
        let bg = self.background();
        let span = span.clamp(1, self.width);
        let ink = |p: &[u8; 3]| p.iter().zip(bg).map(|(a, b)| a.abs_diff(b) as u32).sum::<u32>() > 90;
        (0..self.height)
            .map(|y| {
                let row = &self.rgb[(y * self.width) as usize..][..span as usize];
                row.iter().filter(|p| ink(p)).count() as f64 / span as f64
            })
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::Image;

    fn image(width: u32, height: u32, stroke_row: Option<u32>, stroke_len: u32) -> Image {
        let mut rgb = vec![[250, 250, 250]; (width * height) as usize];
        if let Some(y) = stroke_row {
            for x in 0..stroke_len {
                rgb[(y * width + x) as usize] = [30, 30, 30];
            }
        }
        Image { width, height, rgb }
    }

    #[test]
    fn a_drawn_stroke_covers_its_row_and_a_clipped_one_nothing() {
        assert!((image(40, 16, Some(14), 30).best_row_coverage(30) - 1.0).abs() < 1e-9);
        assert_eq!(image(40, 16, None, 0).best_row_coverage(30), 0.0);
        assert!((image(40, 16, Some(3), 15).best_row_coverage(30) - 0.5).abs() < 1e-9);
    }
}
