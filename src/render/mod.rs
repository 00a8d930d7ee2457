//! `lede render`: records (JSON lines, as lede writes them) in, one self-contained HTML report
//! out, for a person to see what lede extracted and what it dropped.
//!
//! It sits after the pipeline and only reads records; it never changes what lede extracts. The
//! page is streamed: the header and legend first, then each record as it is read (its body
//! annotated by [`annotate`], its tables, the dropped boilerplate and media in a collapsed
//! `<details>`), and last the index, which needs the whole stream (counts, top entities and
//! places, language mix, near-duplicate groups); CSS order and a line of script show it at the
//! top. Memory is bounded by the aggregates, not by the page. A little inline script pages
//! through the records and, on request, checks in the browser that every highlight holds the
//! text its offsets say.

pub mod annotate;
pub mod html;

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use crate::model::{Entity, Record};
use annotate::{Annotation, Kind, Warnings};
use html::{escape, number, write_escaped};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// How many entries the index lists in each of its tables.
const TOP: usize = 15;

/// Settings of a render.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Records shown per page by the page's script.
    pub page_size: usize,
    /// The page heading.
    pub title: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { page_size: 20, title: "lede report".into() }
    }
}

/// What a render went through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderSummary {
    /// Records rendered.
    pub records: usize,
    /// Input lines that were not records (reported on the page and here, with line numbers).
    pub invalid_lines: Vec<(u64, String)>,
    /// Spans not drawn, or drawn but not matching their surface text, over all records.
    pub span_warnings: usize,
}

/// Errors that end a render.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Reading the records failed.
    #[error("cannot read records: {0}")]
    Read(#[source] io::Error),
    /// Writing the page failed.
    #[error("cannot write the page: {0}")]
    Write(#[source] io::Error),
}

/// Renders the records of `input` (JSON lines; blank lines skipped) as one HTML page on `out`,
/// writing as it reads. A line that is not a record is reported on the page and in the summary,
/// and the render goes on.
///
/// # Errors
/// When reading `input` or writing `out` fails.
pub fn render<R: BufRead, W: Write>(input: R, out: W, options: &RenderOptions) -> Result<RenderSummary, RenderError> {
    let mut renderer = Renderer::new(out, options).map_err(RenderError::Write)?;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(RenderError::Read)?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(record) => renderer.record(&record).map_err(RenderError::Write)?,
            Err(e) => renderer.invalid(n as u64 + 1, e.to_string()).map_err(RenderError::Write)?,
        }
    }
    renderer.finish().map_err(RenderError::Write)
}

/// A page being written: the header is out, records are added one at a time, [`Self::finish`]
/// writes the index and closes the page.
pub struct Renderer<W: Write> {
    out: W,
    page_size: usize,
    summary: RenderSummary,
    index: Index,
}

/// The aggregates the index needs; small beside the page.
#[derive(Default)]
struct Index {
    words: usize,
    entities: usize,
    quotes: usize,
    dates: usize,
    amounts: usize,
    removed: usize,
    /// (type, name) -> (records, mentions).
    top_entities: HashMap<(String, String), (usize, usize)>,
    /// name -> (country, records).
    places: HashMap<String, (String, usize)>,
    langs: HashMap<String, usize>,
    /// record id -> position on the page, for links.
    positions: HashMap<String, usize>,
    /// (later id, earlier id, similarity).
    duplicates: Vec<(String, String, f32)>,
}

impl<W: Write> Renderer<W> {
    /// Writes the head of the page, the legend and the opening of the record list.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn new(mut out: W, options: &RenderOptions) -> io::Result<Self> {
        let title = escape(&options.title);
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
             <title>{title}</title><style>{CSS}</style>\
             <noscript><style>article.rec[hidden] {{ display: block; }}</style></noscript></head>\n<body data-page-size=\"{}\">\n\
             <header id=\"top\"><h1>{title}</h1>\
             <p class=\"legend\" aria-label=\"legend\">Legend: \
             <mark class=\"a ent t-PER\">person<small class=\"lbl\">PER</small></mark>\
             <mark class=\"a ent t-ORG\">organisation<small class=\"lbl\">ORG</small></mark>\
             <mark class=\"a ent t-LOC\">place<small class=\"lbl\">LOC</small></mark>\
             <mark class=\"a ent t-MISC\">other name<small class=\"lbl\">MISC</small></mark>\
             <span class=\"a quote\">quotation</span><small class=\"spk\">speaker</small> \
             <span class=\"a date\">date<small class=\"lbl\">DATE</small></span> \
             <span class=\"a amt\">amount<small class=\"lbl\">NUM</small></span> \
             <span class=\"a mismatch\">offsets disagree with the record</span>. \
             Hover or focus (Tab) a highlight for its details.</p>\
             <nav id=\"pager\" hidden aria-label=\"pages\"><button class=\"prev\" type=\"button\">previous</button> \
             <output>page 1</output> <button class=\"next\" type=\"button\">next</button></nav></header>\n\
             <main id=\"records\">\n",
            options.page_size.max(1)
        )?;
        Ok(Renderer {
            out,
            page_size: options.page_size.max(1),
            summary: RenderSummary::default(),
            index: Index::default(),
        })
    }

    /// Writes one record and adds it to the index.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn record(&mut self, record: &Record) -> io::Result<()> {
        let n = self.summary.records;
        self.summary.records += 1;
        self.index.add(record, n);
        let out = &mut self.out;
        // Records past the first page start hidden, so the browser never lays them out; the
        // script pages through them, and without script a <noscript> style shows them all.
        let hidden = if n >= self.page_size { " hidden" } else { "" };
        write!(
            out,
            "<article class=\"rec\"{hidden} id=\"r-{n}\" data-id=\"{}\"><details open><summary><h2>",
            escape(&record.id)
        )?;
        match &record.title {
            Some(title) if !title.trim().is_empty() => write_escaped(out, title)?,
            _ => write!(out, "(no title) {}", escape(&record.id))?,
        }
        out.write_all(b"</h2></summary>\n<p class=\"meta\">")?;
        write_meta(out, record)?;
        out.write_all(b"</p>\n<div class=\"cols\">")?;
        let lang = record.lang.as_ref().map(|l| format!(" lang=\"{}\"", escape(&l.code))).unwrap_or_default();
        write!(out, "<div class=\"body\"{lang}>")?;
        let mut annotations = annotations(record);
        let mut body = Vec::with_capacity(record.text.len() + annotations.len() * 160);
        let warnings = annotate::write_annotated(&mut body, &record.text, &mut annotations)?;
        write_warnings(out, &warnings)?;
        self.summary.span_warnings += warnings.out_of_range + warnings.mismatched;
        out.write_all(&body)?;
        out.write_all(b"</div>\n<aside>")?;
        write_entity_table(out, &record.entities)?;
        write_quote_table(out, record)?;
        out.write_all(b"</aside></div>\n")?;
        write_dropped(out, record)?;
        out.write_all(b"</details></article>\n")
    }

    /// Notes on the page an input line that is not a record.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn invalid(&mut self, line: u64, error: String) -> io::Result<()> {
        writeln!(self.out, "<p class=\"warn\" role=\"alert\">⚠ line {line} is not a record: {}</p>", escape(&error))?;
        self.summary.invalid_lines.push((line, error));
        Ok(())
    }

    /// Writes the index and the script, and closes the page.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn finish(mut self) -> io::Result<RenderSummary> {
        self.out.write_all(b"</main>\n")?;
        self.index.write(&mut self.out, &self.summary)?;
        write!(self.out, "<script>{JS}</script>\n</body></html>\n")?;
        self.out.flush()?;
        Ok(self.summary)
    }
}

/// Source, date, language and the other facts of the record, as `<span>`s.
fn write_meta<W: Write + ?Sized>(out: &mut W, r: &Record) -> io::Result<()> {
    let mut source = format!("{:?}", r.source.kind).to_lowercase();
    if let Some(path) = &r.source.path {
        source = format!("{source} {path}");
    }
    if let Some(line) = r.source.line {
        source = format!("{source}:{line}");
    }
    let mut items = vec![("source", source)];
    if let Some(site) = &r.site {
        items.push(("site", site.clone()));
    }
    if let Some(url) = &r.url {
        items.push(("url", url.clone()));
    }
    items.push(("date", r.published.clone().unwrap_or_else(|| "no date".into())));
    items.push((
        "language",
        r.lang
            .as_ref()
            .map_or_else(|| "unknown".into(), |l| format!("{} ({})", l.code, number(l.confidence.into(), 2))),
    ));
    if !r.byline.is_empty() {
        items.push(("by", r.byline.join(", ")));
    }
    items.push(("words", r.stats.words.to_string()));
    if let Some(tone) = &r.tone {
        items.push(("tone", number(tone.score.into(), 2)));
    }
    if !r.keywords.is_empty() {
        let words: Vec<&str> = r.keywords.iter().take(8).map(|k| k.text.as_str()).collect();
        items.push(("keywords", words.join(", ")));
    }
    for d in &r.near_duplicates {
        items.push(("near duplicate of", format!("{} ({})", d.id, number(d.similarity.into(), 2))));
    }
    items.push(("id", r.id.clone()));
    for (name, value) in items {
        write!(out, "<span>{name}: {}</span>", escape(&value))?;
    }
    Ok(())
}

/// Every span of the record as an [`Annotation`], with its tooltip and label.
pub fn annotations(r: &Record) -> Vec<Annotation> {
    let mut anns = Vec::new();
    for e in &r.entities {
        let tip = entity_tip(e);
        let kind = css_type(&e.kind);
        for m in &e.mentions {
            anns.push(Annotation {
                start: m.start,
                end: m.end,
                kind: Kind::Entity,
                class: format!("t-{kind}"),
                tip: tip.clone(),
                label: e.kind.clone(),
                expect: m.text.clone(),
            });
        }
    }
    for q in &r.quotes {
        let speaker = speaker_name(r, q.speaker.as_deref());
        anns.push(Annotation {
            start: q.start,
            end: q.end,
            kind: Kind::Quote,
            class: String::new(),
            tip: match &q.cue {
                Some(cue) => format!("{} quote, said by {speaker} (cue: {})", q.kind, cue.text),
                None => format!("{} quote, said by {speaker}", q.kind),
            },
            label: speaker,
            expect: q.text.clone(),
        });
    }
    for d in &r.dates {
        anns.push(Annotation {
            start: d.start,
            end: d.end,
            kind: Kind::Date,
            class: String::new(),
            tip: format!("{}: {}", d.kind, d.value),
            label: "DATE".into(),
            expect: d.text.clone(),
        });
    }
    for a in &r.amounts {
        let mut tip = format!("amount: {}", number(a.value, 4));
        if let Some(unit) = &a.unit {
            tip = format!("{tip} {unit}");
        }
        if let Some(m) = &a.modifier {
            tip = format!("{tip}; {m}");
        } else if a.approximate {
            tip = format!("{tip}; approximate");
        }
        if let Some(c) = &a.count_of {
            tip = format!("{tip}; count of {c}");
        }
        anns.push(Annotation {
            start: a.start,
            end: a.end,
            kind: Kind::Amount,
            class: String::new(),
            tip,
            label: "NUM".into(),
            expect: a.text.clone(),
        });
    }
    anns
}

/// A known entity type for the CSS class; anything else is drawn as `MISC`.
fn css_type(kind: &str) -> &'static str {
    match kind {
        "PER" => "PER",
        "ORG" => "ORG",
        "LOC" => "LOC",
        _ => "MISC",
    }
}

fn entity_tip(e: &Entity) -> String {
    let mut tip = format!("{} · {}", e.name, e.kind);
    if let Some(sub) = &e.subtype {
        tip = format!("{tip}/{sub}");
    }
    if !e.roles.is_empty() {
        tip = format!("{tip} · {}", e.roles.join("; "));
    }
    tip = format!("{tip} · salience {}", number(e.salience.into(), 2));
    if let Some(g) = &e.geo {
        tip = format!("{tip} · {}", geo_text(g));
    }
    tip
}

fn geo_text(g: &crate::model::Geo) -> String {
    let admin = g.admin1.as_ref().map(|a| format!("-{a}")).unwrap_or_default();
    format!("{}{admin} {}, {} (GeoNames {})", g.country, number(g.lat, 3), number(g.lon, 3), g.geonames_id)
}

fn speaker_name(r: &Record, id: Option<&str>) -> String {
    match id {
        None => "unknown speaker".into(),
        Some(id) => {
            r.entities.iter().find(|e| e.id == id).map_or_else(|| format!("{id} (not found)"), |e| e.name.clone())
        }
    }
}

fn write_warnings<W: Write + ?Sized>(out: &mut W, w: &Warnings) -> io::Result<()> {
    if w.out_of_range > 0 {
        write!(
            out,
            "<span class=\"warn\" role=\"note\">⚠ {} span(s) not drawn: outside the text, empty or reversed</span>",
            w.out_of_range
        )?;
    }
    if w.mismatched > 0 {
        write!(
            out,
            "<span class=\"warn\" role=\"note\">⚠ {} span(s) do not hold the surface text the record gives (dashed outline)</span>",
            w.mismatched
        )?;
    }
    Ok(())
}

fn write_entity_table<W: Write + ?Sized>(out: &mut W, entities: &[Entity]) -> io::Result<()> {
    if entities.is_empty() {
        return out.write_all(b"<p>No entities.</p>");
    }
    let mut sorted: Vec<&Entity> = entities.iter().collect();
    sorted.sort_by(|a, b| b.salience.total_cmp(&a.salience));
    out.write_all(
        b"<table><caption>Entities</caption><thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Name</th>\
          <th scope=\"col\">Mentions</th><th scope=\"col\">Salience</th><th scope=\"col\">Roles</th>\
          <th scope=\"col\">Place</th></tr></thead><tbody>",
    )?;
    for e in sorted {
        let kind = match &e.subtype {
            Some(sub) => format!("{}/{sub}", e.kind),
            None => e.kind.clone(),
        };
        write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&kind),
            escape(&e.name),
            e.mentions.len(),
            number(e.salience.into(), 2),
            escape(&e.roles.join("; ")),
            escape(&e.geo.as_ref().map(geo_text).unwrap_or_default())
        )?;
    }
    out.write_all(b"</tbody></table>")
}

fn write_quote_table<W: Write + ?Sized>(out: &mut W, r: &Record) -> io::Result<()> {
    if r.quotes.is_empty() {
        return out.write_all(b"<p>No quotes.</p>");
    }
    out.write_all(
        b"<table><caption>Who said what</caption><thead><tr><th scope=\"col\">Speaker</th>\
          <th scope=\"col\">Quote</th></tr></thead><tbody>",
    )?;
    for q in &r.quotes {
        write!(
            out,
            "<tr><td>{}</td><td>{} <small>({})</small></td></tr>",
            escape(&speaker_name(r, q.speaker.as_deref())),
            escape(&q.text),
            escape(&q.kind)
        )?;
    }
    out.write_all(b"</tbody></table>")
}

/// The removed boilerplate and the media, collapsed.
fn write_dropped<W: Write + ?Sized>(out: &mut W, r: &Record) -> io::Result<()> {
    write!(
        out,
        "<details class=\"dropped\"><summary>Dropped from the text: {} boilerplate paragraph(s); {} media item(s)</summary>",
        r.removed.len(),
        r.media.len()
    )?;
    if !r.removed.is_empty() {
        out.write_all(b"<h3>Removed boilerplate</h3><ul>")?;
        for p in &r.removed {
            write!(out, "<li><span class=\"reason\">{}</span>{}</li>", escape(&p.reason), escape(&p.text))?;
        }
        out.write_all(b"</ul>")?;
    }
    if !r.media.is_empty() {
        out.write_all(b"<h3>Media</h3><ul>")?;
        for m in &r.media {
            out.write_all(b"<li>")?;
            if let (Some(p), Some(c)) = (m.position, m.count) {
                write!(out, "<span class=\"reason\">{p}/{c}</span>")?;
            }
            write_escaped(out, &m.caption)?;
            if let Some(credit) = &m.credit {
                write!(out, " <em>credit: {}</em>", escape(credit))?;
            }
            if let Some(url) = &m.url {
                write!(out, " <code>{}</code>", escape(url))?;
            }
            out.write_all(b"</li>")?;
        }
        out.write_all(b"</ul>")?;
    }
    out.write_all(b"</details>\n")
}

impl Index {
    fn add(&mut self, r: &Record, n: usize) {
        self.words += r.stats.words;
        self.entities += r.entities.len();
        self.quotes += r.quotes.len();
        self.dates += r.dates.len();
        self.amounts += r.amounts.len();
        self.removed += r.removed.len();
        *self.langs.entry(r.lang.as_ref().map_or_else(|| "unknown".into(), |l| l.code.clone())).or_default() += 1;
        for e in &r.entities {
            let entry = self.top_entities.entry((e.kind.clone(), e.name.clone())).or_default();
            entry.0 += 1;
            entry.1 += e.mentions.len();
            if let Some(g) = &e.geo {
                self.places.entry(e.name.clone()).or_insert_with(|| (g.country.clone(), 0)).1 += 1;
            }
        }
        self.positions.entry(r.id.clone()).or_insert(n);
        for d in &r.near_duplicates {
            self.duplicates.push((r.id.clone(), d.id.clone(), d.similarity));
        }
    }

    /// Near-duplicate groups: connected components of the duplicate links, largest first.
    fn groups(&self) -> Vec<Vec<&str>> {
        let mut names: HashMap<&str, usize> = HashMap::new();
        let mut parent: Vec<usize> = Vec::new();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for (a, b, _) in &self.duplicates {
            let mut ends = [0; 2];
            for (end, name) in ends.iter_mut().zip([a.as_str(), b.as_str()]) {
                let next = parent.len();
                *end = *names.entry(name).or_insert(next);
                if *end == next {
                    parent.push(next);
                }
            }
            let (rx, ry) = (root(&mut parent, ends[0]), root(&mut parent, ends[1]));
            parent[rx.max(ry)] = rx.min(ry);
        }
        let mut groups: HashMap<usize, Vec<&str>> = HashMap::new();
        let mut members: Vec<(&str, usize)> = names.into_iter().collect();
        members.sort_by_key(|&(_, i)| i);
        for (name, i) in members {
            groups.entry(root(&mut parent, i)).or_default().push(name);
        }
        let mut groups: Vec<Vec<&str>> = groups.into_values().collect();
        groups.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        groups
    }

    fn write<W: Write + ?Sized>(&self, out: &mut W, summary: &RenderSummary) -> io::Result<()> {
        write!(
            out,
            "<section id=\"index\" aria-label=\"index\"><h2>Index</h2><p class=\"meta\"><span>{} records</span>\
             <span>{} words</span><span>{} entities</span><span>{} quotes</span><span>{} dates</span>\
             <span>{} amounts</span><span>{} boilerplate paragraphs removed</span>",
            summary.records, self.words, self.entities, self.quotes, self.dates, self.amounts, self.removed
        )?;
        if summary.span_warnings > 0 {
            write!(out, "<span class=\"warn\">⚠ {} span warnings</span>", summary.span_warnings)?;
        }
        if !summary.invalid_lines.is_empty() {
            write!(out, "<span class=\"warn\">⚠ {} lines were not records</span>", summary.invalid_lines.len())?;
        }
        out.write_all(b"</p><div class=\"cols\"><div>")?;

        let mut top: Vec<_> = self.top_entities.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        out.write_all(
            b"<table><caption>Top entities</caption><thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Name</th>\
              <th scope=\"col\">Records</th><th scope=\"col\">Mentions</th></tr></thead><tbody>",
        )?;
        for ((kind, name), (records, mentions)) in top.into_iter().take(TOP) {
            write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{records}</td><td>{mentions}</td></tr>",
                escape(kind),
                escape(name)
            )?;
        }
        out.write_all(b"</tbody></table>")?;

        let mut places: Vec<(&String, &(String, usize))> = self.places.iter().collect();
        places.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then_with(|| a.0.cmp(b.0)));
        out.write_all(
            b"<table><caption>Top places</caption><thead><tr><th scope=\"col\">Place</th><th scope=\"col\">Country</th>\
              <th scope=\"col\">Records</th></tr></thead><tbody>",
        )?;
        for (name, (country, records)) in places.into_iter().take(TOP) {
            write!(out, "<tr><td>{}</td><td>{}</td><td>{records}</td></tr>", escape(name), escape(country))?;
        }
        out.write_all(b"</tbody></table></div><div>")?;

        let mut langs: Vec<(&String, &usize)> = self.langs.iter().collect();
        langs.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        out.write_all(
            b"<table><caption>Languages</caption><thead><tr><th scope=\"col\">Language</th>\
              <th scope=\"col\">Records</th></tr></thead><tbody>",
        )?;
        for (code, count) in langs {
            write!(out, "<tr><td>{}</td><td>{count}</td></tr>", escape(code))?;
        }
        out.write_all(b"</tbody></table>")?;

        let groups = self.groups();
        write!(
            out,
            "<table><caption>Near-duplicate groups ({})</caption><thead><tr><th scope=\"col\">Size</th>\
             <th scope=\"col\">Records</th></tr></thead><tbody>",
            groups.len()
        )?;
        for group in groups.iter().take(TOP * 2) {
            write!(out, "<tr><td>{}</td><td>", group.len())?;
            for (i, id) in group.iter().enumerate() {
                if i > 0 {
                    out.write_all(b", ")?;
                }
                match self.positions.get(*id) {
                    Some(n) => write!(out, "<a href=\"#r-{n}\">{}</a>", escape(id))?,
                    None => write_escaped(out, id)?,
                }
            }
            out.write_all(b"</td></tr>")?;
        }
        out.write_all(b"</tbody></table></div></div></section>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateMention, Geo, Media, NearDuplicate, Quote, Removed, Span};

    fn span(text: &str, surface: &str) -> Span {
        let byte = text.find(surface).unwrap();
        let start = text[..byte].chars().count();
        Span { start, end: start + surface.chars().count(), text: surface.into() }
    }

    fn record(id: &str, text: &str) -> Record {
        Record { id: id.into(), text: text.into(), ..Record::default() }
    }

    fn page(records: &[Record]) -> (String, RenderSummary) {
        let input: String = records.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
        let mut out = Vec::new();
        let summary = render(input.as_bytes(), &mut out, &RenderOptions::default()).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    fn sample() -> Record {
        let text = "Ms Åsa Berg said “Malmö is ready” on 2 June.";
        let mut r = record("x1", text);
        r.title = Some("Malmö <b>ready</b>".into());
        r.entities = vec![
            Entity {
                id: "E1".into(),
                kind: "PER".into(),
                subtype: None,
                name: "Åsa Berg".into(),
                roles: vec!["port director".into()],
                mentions: vec![span(text, "Åsa Berg")],
                salience: 0.8,
                geo: None,
                tone: None,
            },
            Entity {
                id: "E2".into(),
                kind: "LOC".into(),
                subtype: Some("GPE".into()),
                name: "Malmö".into(),
                roles: vec![],
                mentions: vec![span(text, "Malmö")],
                salience: 0.5,
                geo: Some(Geo {
                    geonames_id: 2692969,
                    country: "SE".into(),
                    admin1: None,
                    lat: 55.6,
                    lon: 13.0,
                    population: None,
                    feature_class: "P".into(),
                }),
                tone: None,
            },
        ];
        let q = span(text, "Malmö is ready");
        r.quotes = vec![Quote {
            start: q.start,
            end: q.end,
            text: q.text,
            kind: "direct".into(),
            speaker: Some("E1".into()),
            cue: None,
            tone: None,
        }];
        let d = span(text, "2 June");
        r.dates = vec![DateMention {
            start: d.start,
            end: d.end,
            text: d.text,
            kind: "date".into(),
            value: "2024-06-02".into(),
        }];
        r.removed = vec![Removed { text: "Follow us <here>".into(), reason: "share".into() }];
        r.media = vec![Media {
            caption: "The port".into(),
            credit: Some("Staff".into()),
            position: Some(1),
            count: Some(3),
            url: None,
        }];
        r
    }

    #[test]
    fn record_shows_highlights_tables_and_dropped_parts() {
        let (html, summary) = page(&[sample()]);
        assert_eq!(summary.records, 1);
        assert_eq!(summary.span_warnings, 0);
        assert!(html.contains("<h2>Malmö &lt;b&gt;ready&lt;/b&gt;</h2>"), "title is escaped");
        assert!(html.contains("data-x=\"Åsa Berg\">Åsa Berg</mark><small class=\"lbl\">PER</small>"));
        assert!(html.contains("title=\"Malmö · LOC/GPE · salience 0.5 · SE 55.6, 13 (GeoNames 2692969)\""));
        assert!(html.contains(
            "Malmö</mark><small class=\"lbl\">LOC</small> is ready</span><small class=\"spk\">Åsa Berg</small>"
        ));
        assert!(html.contains("title=\"date: 2024-06-02\""));
        assert!(html.contains("<td>Åsa Berg</td><td>Malmö is ready <small>(direct)</small></td>"), "who said what");
        let dropped = &html[html.find("<details class=\"dropped\">").unwrap()..];
        assert!(dropped.starts_with("<details class=\"dropped\"><summary>Dropped from the text: 1 boilerplate"));
        assert!(dropped.contains("<span class=\"reason\">share</span>Follow us &lt;here&gt;"));
        assert!(dropped.contains("<span class=\"reason\">1/3</span>The port <em>credit: Staff</em>"));
    }

    #[test]
    fn script_in_an_article_is_text() {
        let mut r = record("s", "before <script>document.title='pwned'</script> after");
        r.title = Some("<script>alert(1)</script>".into());
        r.removed = vec![Removed { text: "</details><script>x()</script>".into(), reason: "<i>".into() }];
        let (html, _) = page(&[r]);
        // The page's own script is the only one.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert!(html.contains("before &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; after"));
    }

    #[test]
    fn index_counts_places_languages_and_duplicate_groups() {
        let mut a = sample();
        a.lang = Some(crate::model::Lang { code: "sv".into(), confidence: 0.9 });
        let mut b = sample();
        b.id = "x2".into();
        b.near_duplicates = vec![NearDuplicate { id: "x1".into(), similarity: 0.9 }];
        let mut c = record("x3", "Nothing here.");
        c.near_duplicates = vec![NearDuplicate { id: "gone".into(), similarity: 0.8 }];
        let (html, summary) = page(&[a, b, c]);
        assert_eq!(summary.records, 3);
        let index = &html[html.find("<section id=\"index\"").unwrap()..];
        assert!(index.contains("<span>3 records</span>"));
        assert!(index.contains("<tr><td>PER</td><td>Åsa Berg</td><td>2</td><td>2</td></tr>"));
        assert!(index.contains("<tr><td>Malmö</td><td>SE</td><td>2</td></tr>"), "places");
        assert!(index.contains("<tr><td>unknown</td><td>2</td></tr><tr><td>sv</td><td>1</td></tr>"), "languages");
        assert!(index.contains("Near-duplicate groups (2)"));
        assert!(index.contains("<a href=\"#r-1\">x2</a>, <a href=\"#r-0\">x1</a>"), "{index}");
        assert!(index.contains("<a href=\"#r-2\">x3</a>, gone"), "an id not on the page is not a link");
    }

    #[test]
    fn bad_lines_and_bad_spans_are_reported_not_fatal() {
        let mut r = sample();
        r.entities[0].mentions.push(Span { start: 1000, end: 1004, text: "nope".into() });
        let input =
            format!("{}\nnot json\n\n{}\n", serde_json::to_string(&r).unwrap(), serde_json::to_string(&r).unwrap());
        let mut out = Vec::new();
        let summary = render(input.as_bytes(), &mut out, &RenderOptions::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(summary.records, 2);
        assert_eq!(summary.invalid_lines.len(), 1);
        assert_eq!(summary.invalid_lines[0].0, 2);
        assert_eq!(summary.span_warnings, 2);
        assert!(html.contains("⚠ line 2 is not a record"));
        assert!(html.contains("⚠ 1 span(s) not drawn: outside the text, empty or reversed"));
        assert!(html.trim_end().ends_with("</body></html>"));
    }

    #[test]
    fn records_past_the_first_page_start_hidden() {
        let records: Vec<Record> = (0..3).map(|i| record(&format!("p{i}"), "text")).collect();
        let input: String = records.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
        let mut out = Vec::new();
        render(input.as_bytes(), &mut out, &RenderOptions { page_size: 2, ..RenderOptions::default() }).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains("<article class=\"rec\" id=\"r-1\""));
        assert!(html.contains("<article class=\"rec\" hidden id=\"r-2\""));
        assert!(html.contains("<body data-page-size=\"2\">"));
    }

    #[test]
    fn empty_input_is_a_valid_page() {
        let (html, summary) = page(&[]);
        assert_eq!(summary.records, 0);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<span>0 records</span>"));
    }
}
