//! Themes: a dark theme keeps text, quizzes and diagrams readable, and the
//! reader's choice persists.

use std::fs;

use anyhow::{Result, ensure};
use serde::Deserialize;
use serde_json::json;

use super::harness::{Outcome, Test, ok};
use super::pages::{BookPage, QuizPage, ThemePicker, js};
use super::quiz::pick_quiz;
use super::Browser;
use crate::course::Course;

pub const TESTS: &[Test] =
    &[Test { name: "dark theme is readable and persists", limit: 30, run: |b| Box::pin(dark_theme(b)) }];

/// Contrast ratios (WCAG) of text against its effective background, for
/// the elements matched by `selector`; diagrams (`.diagram`) are measured by
/// their most common ink colour against the page background.
const CONTRAST_JS: &str = r#"
const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return parse(getComputedStyle(document.body).backgroundColor); };
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.offsetParent || !el.innerText.trim()) continue;
  out.push({what: el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' "' + el.innerText.trim().slice(0, 30) + '"', ratio: ratio(parse(getComputedStyle(el).color), bgOf(el))});
}
for (const img of document.querySelectorAll('img.diagram')) {
  const bg = bgOf(img);
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth || img.width; canvas.height = img.naturalHeight || img.height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `rgb(${bg.r},${bg.g},${bg.b})`; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const px = {r: data[i], g: data[i + 1], b: data[i + 2]};
    if (Math.abs(px.r - bg.r) + Math.abs(px.g - bg.g) + Math.abs(px.b - bg.b) < 30) continue;
    const k = px.r + ',' + px.g + ',' + px.b; counts.set(k, (counts.get(k) || 0) + 1);
  }
  const top = [...counts.entries()].sort((x, y) => y[1] - x[1])[0];
  if (!top) { out.push({what: 'img.diagram ' + img.getAttribute('src') + ' (draws nothing visible)', ratio: 1}); continue; }
  const [r, g, b] = top[0].split(',').map(Number);
  out.push({what: 'img.diagram ' + img.getAttribute('src'), ratio: ratio({r, g, b}, bg)});
}
for (const t of document.querySelectorAll('svg.diagram text, .diagram svg text')) {
  out.push({what: 'svg text "' + t.textContent.trim().slice(0, 30) + '"', ratio: ratio(parse(getComputedStyle(t).fill.startsWith('rgb') ? getComputedStyle(t).fill : getComputedStyle(t).color), bgOf(t.closest('svg')))});
}
return out;
"#;

#[derive(Deserialize)]
struct Contrast {
    what: String,
    ratio: f64,
}

async fn dark_theme(b: &Browser) -> Result<Outcome> {
    let theme = "navy";
    let (path, _) = pick_quiz()?;
    BookPage::open(b, &path).await?;
    let picker = ThemePicker::new(b);
    picker.choose(theme).await?;
    let quiz = QuizPage::find(b).await?;
    quiz.start().await?;
    let selector = "main p, main li, main h1, .mdbook-quiz .question, .mdbook-quiz label, .mdbook-quiz pre";
    let mut measured: Vec<Contrast> = js(b, CONTRAST_JS, vec![json!(selector)]).await?;
    // Diagrams live on other pages: measure every page that has one.
    let mut diagram_pages = 0;
    for page in Course::load()?.html_pages() {
        let html = fs::read_to_string(crate::paths::root().join("book").join(&page)).unwrap_or_default();
        if html.contains("diagram") && page != path {
            diagram_pages += 1;
            BookPage::open(b, &page).await?;
            let found: Vec<Contrast> = js(b, CONTRAST_JS, vec![json!(".diagram-frame")]).await?;
            measured.extend(
                found.into_iter().map(|c| Contrast { what: format!("{page}: {}", c.what), ratio: c.ratio }),
            );
        }
    }
    let quiz_count =
        measured.iter().filter(|c| c.what.contains("question") || c.what.starts_with("label")).count();
    ensure!(quiz_count > 0, "measured no quiz text in the {theme} theme");
    let low: Vec<String> = measured
        .iter()
        .filter(|c| c.ratio < 4.5)
        .map(|c| format!("{} has contrast {:.2} (< 4.5)", c.what, c.ratio))
        .collect();
    ensure!(low.is_empty(), "unreadable in the {theme} theme:\n{}", low.join("\n"));
    // The choice persists across a reload and onto another page.
    BookPage::open(b, &path).await?;
    let now = picker.current().await?;
    ensure!(now == theme, "after a reload the theme is {now:?}, not {theme:?}");
    BookPage::open(b, "index.html").await?;
    let now = picker.current().await?;
    ensure!(now == theme, "on another page the theme is {now:?}, not {theme:?}");
    let min = measured.iter().map(|c| c.ratio).fold(f64::INFINITY, f64::min);
    let diagrams =
        measured.iter().filter(|c| c.what.contains("diagram") || c.what.contains("svg text")).count();
    ok(format!(
        "{} elements ({quiz_count} quiz, {diagrams} diagram parts on {diagram_pages} pages), lowest contrast {min:.1}",
        measured.len()
    ))
}
