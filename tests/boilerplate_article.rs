//! The example article: a story with a thirty-slide photo gallery dumped
//! into its middle by a scraper.

use lede::text::boilerplate::{clean, Reason};

const ARTICLE: &str = include_str!("fixtures/article.txt");

#[test]
fn example_article_keeps_the_story_and_drops_the_gallery() {
    let c = clean(ARTICLE);
    let body: Vec<&str> = c.body_ranges().map(|r| &ARTICLE[r]).collect();
    // 13 story paragraphs before the gallery and 33 after it.
    assert_eq!(body.len(), 46);
    assert!(body[0].starts_with("US Secretary of State Rex Tillerson has warned"));
    assert!(body[45].starts_with("“The common threat is obvious”"));
    for p in &body {
        assert!(!p.starts_with("In Pictures"), "{p}");
        assert!(!p.contains("show all"), "{p}");
        assert!(!p.contains("/30 "), "{p}");
    }
    let reasons: Vec<Reason> = c.removed().map(|(_, r)| r).collect();
    assert_eq!(reasons.iter().filter(|r| **r == Reason::GalleryCaption).count(), 30);
    assert_eq!(reasons.iter().filter(|r| **r == Reason::GalleryHeader).count(), 1);
    assert_eq!(reasons.iter().filter(|r| **r == Reason::GalleryControl).count(), 1);
}

#[test]
fn example_article_gallery_becomes_thirty_credited_media_items() {
    let c = clean(ARTICLE);
    assert_eq!(c.media.len(), 30);
    for (i, m) in c.media.iter().enumerate() {
        assert_eq!(m.position, Some(i + 1));
        assert_eq!(m.count, Some(30));
        assert!(m.caption.as_deref().is_some_and(|s| !s.is_empty()));
    }
    let credit = |pos: usize| c.media[pos - 1].credit.as_deref();
    assert_eq!(credit(1), Some("Getty"));
    assert_eq!(credit(10), Some("AFP/Getty Images"));
    assert_eq!(credit(11), Some("Reuters"));
    assert_eq!(credit(12), Some("EPA"));
    assert_eq!(credit(21), Some("PA wire"));
    assert_eq!(credit(23), Some("PA Wire"));
    assert_eq!(
        c.media[10].caption.as_deref(),
        Some("Smoke rises as seen from a governement-held area of Aleppo, Syria")
    );
    assert!(c.media.iter().all(|m| m.credit.is_some()));
}
