//! Every internal link and `#anchor` of the built HTML must resolve.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;

use crate::cmd;
use crate::problems::Problems;

/// Checks `book/`: each relative `href`/`src` names an existing file, and
/// each fragment names an `id` in its target page.
pub fn check() -> Result<()> {
    cmd::step("Check internal links and anchors in book/");
    let book = crate::paths::root().join("book");
    let pages = if book.is_dir() { crate::paths::files_with_extension(&book, "html")? } else { Vec::new() };
    if pages.is_empty() {
        bail!("no HTML in {}: build the book first", book.display());
    }
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?:href|src)="([^"]*)""#).expect("valid regex"));
    static ID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\b(?:id|name)="([^"]*)""#).expect("valid regex"));
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut texts = Vec::new();
    for page in &pages {
        let text = fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
        ids.insert(page.clone(), ID.captures_iter(&text).map(|c| unescape(&c[1])).collect());
        texts.push((page.clone(), text));
    }
    let mut broken = Problems::new();
    let mut checked = 0;
    for (page, text) in &texts {
        // mdBook's 404 page is served from any depth; it uses site-url links.
        if page.file_name().is_some_and(|n| n == "404.html") {
            continue;
        }
        let rel_page = page.strip_prefix(&book).unwrap_or(page);
        // A directive that reached the HTML was never expanded: e.g. a quiz in a
        // chapter nested under a draft entry, which mdbook-quiz 0.5.0 skips.
        if let Some(at) = text.find("{{#") {
            let directive: String = text[at..].chars().take_while(|c| *c != '}').collect();
            broken.push(format!(
                "{}: `{directive}}}}}` was not expanded (is the page under a draft entry in SUMMARY.md?)",
                rel_page.display()
            ));
        }
        for cap in LINK.captures_iter(text) {
            let link = unescape(&cap[1]);
            if link.is_empty() || is_external(&link) {
                continue;
            }
            checked += 1;
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or_default();
            let target = if path_part.is_empty() {
                page.clone()
            } else {
                let t = book.join(resolve(rel_page.parent().unwrap_or(Path::new("")), path_part));
                if t.is_dir() { t.join("index.html") } else { t }
            };
            if !target.exists() {
                broken.push(format!("{}: link `{link}` points to a missing file", rel_page.display()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && target.extension().is_some_and(|e| e == "html")
                && !ids.get(&target).is_some_and(|set| set.contains(fragment))
            {
                broken.push(format!(
                    "{}: link `{link}`: no anchor `#{fragment}` in that page",
                    rel_page.display()
                ));
            }
        }
    }
    broken.fail_if_any(|n| format!("{n} broken internal link(s)"))?;
    println!("{checked} internal links in {} pages resolve", pages.len());
    Ok(())
}

fn is_external(link: &str) -> bool {
    link.starts_with("//")
        || link.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.contains('#'))
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Resolves `link` against the page's folder (both relative to the book
/// root) the way a browser does when the book is served at a site's root:
/// `..` never climbs above the root.
fn resolve(page_dir: &Path, link: &str) -> PathBuf {
    crate::paths::normalize(&page_dir.join(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_external_links() {
        assert!(is_external("https://doc.rust-lang.org/std/"));
        assert!(is_external("mailto:someone@example.org"));
        assert!(is_external("//cdn.example.org/x.js"));
        assert!(!is_external("mutex/poisoning.html#recovering"));
        assert!(!is_external("../index.html"));
    }

    #[test]
    fn resolves_like_a_browser_at_the_site_root() {
        assert_eq!(resolve(Path::new("mutex"), "../quiz/x.js"), PathBuf::from("quiz/x.js"));
        assert_eq!(resolve(Path::new(""), "../quiz/x.js"), PathBuf::from("quiz/x.js"));
        assert_eq!(resolve(Path::new("a/b"), "./c.html"), PathBuf::from("a/b/c.html"));
    }
}
