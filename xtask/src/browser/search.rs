//! Search: a term finds pages, and a result opens its page with the term
//! highlighted.

use anyhow::{Result, ensure};

use super::Browser;
use super::harness::{Outcome, Test, ok};
use super::pages::{BookPage, SearchBar, js};

pub const TESTS: &[Test] =
    &[Test { name: "search finds a term and opens its page", limit: 20, run: |b| Box::pin(search_opens_page(b)) }];

async fn search_opens_page(b: &Browser) -> Result<Outcome> {
    let term = "poison";
    BookPage::open(b, "index.html").await?;
    let search = SearchBar::new(b);
    let results = search.search(term).await?;
    let first = results[0].clone();
    search.open_result(0).await?;
    let at: String = js(b, "return location.href;", vec![]).await?;
    let target = first.split('#').next().unwrap_or_default().to_string();
    ensure!(at.starts_with(&target), "clicked the result {first} but the browser is at {at}");
    let text: String =
        js(b, "return document.querySelector('main').innerText.toLowerCase();", vec![]).await?;
    ensure!(text.contains(term), "the page {at} the search opened does not mention {term:?}");
    let marked: usize = js(b, "return document.querySelectorAll('main mark').length;", vec![]).await?;
    ensure!(marked > 0, "the opened page does not highlight {term:?}");
    ok(format!(
        "{} results; opened {} with {marked} highlights",
        results.len(),
        target.rsplit('/').next().unwrap_or("")
    ))
}
