//! The gazetteer as one flat binary table, and the code that builds it.
//!
//! `build.rs` runs [`build`] on `data/gazetteer.tsv.gz` at compile time and
//! the library reads the result in place with [`Table`]: no inflating,
//! parsing or index building when a process starts. This file is compiled
//! into both (so it uses `std` alone), which keeps the folding of names at
//! build time and at query time one and the same code.
//!
//! Layout, all integers little-endian:
//! - header: `LEDEGAZ1`, then u32 counts of records, slots, postings,
//!   countries and the byte lengths of the string and key arenas;
//! - records, [`RECORD_BYTES`] each: geonameid u32, lat and lon as f32 bits,
//!   population u64, start u32 of `name|country|admin1` in the string arena,
//!   their lengths (u16, u8, u8), the feature (u8) and padding;
//! - slots, [`SLOT_BYTES`] each, an open-addressing hash table of the folded
//!   names (see [`key_hash`]): key start u32 in the key arena, postings start
//!   u32, key length u16 (0: empty slot), postings count u16;
//! - postings, u32 each: record index << 2 | match kind, grouped by name,
//!   each group in file order;
//! - countries: record index u32 of each country, in file order;
//! - the string arena (UTF-8), then the key arena (UTF-8).

/// Bytes per record.
pub const RECORD_BYTES: usize = 32;
/// Bytes per hash slot.
pub const SLOT_BYTES: usize = 12;
const MAGIC: &[u8; 8] = b"LEDEGAZ1";
const HEADER_BYTES: usize = 8 + 6 * 4;

/// Feature codes as stored, in the order of the library's `Feature`.
pub const FEATURES: [&str; 4] = ["PCLI", "ADM1", "PPLC", "PPL"];
/// Match kinds as stored: primary name, alternate name, demonym.
pub const KIND_NAME: u32 = 0;
pub const KIND_ALT_NAME: u32 = 1;
pub const KIND_DEMONYM: u32 = 2;

/// One record read from the table; the strings borrow the table.
#[derive(Clone, Copy, Debug)]
pub struct RawRecord<'a> {
    pub geonameid: u32,
    /// Index into [`FEATURES`].
    pub feature: u8,
    pub name: &'a str,
    pub country: &'a str,
    pub admin1: &'a str,
    pub lat: f32,
    pub lon: f32,
    pub population: u64,
}

/// The hash of a folded name that places it in the slot table: FxHash-style
/// over 8-byte words, then a multiply so that the top bits are mixed.
pub fn key_hash(key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = key.len() as u64;
    for chunk in key.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    hash.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn slot_of(hash: u64, slot_bits: u32) -> usize {
    if slot_bits == 0 {
        0
    } else {
        (hash >> (64 - slot_bits)) as usize
    }
}

/// Why the gazetteer text cannot be turned into a table.
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

fn too_big(what: &str) -> BuildError {
    BuildError(format!("gazetteer: {what} does not fit the table format"))
}

/// Turns the gazetteer's TSV text into the binary table. Rows with fewer
/// than ten columns, another feature code or unparsable numbers are skipped,
/// as the query side has always done.
pub fn build(text: &str) -> Result<Vec<u8>, BuildError> {
    let mut records: Vec<u8> = Vec::new();
    let mut record_count = 0u32;
    let mut strings = String::new();
    let mut keys = String::new();
    let mut countries: Vec<u32> = Vec::new();
    // (key range in `keys`, record, kind), in file order.
    let mut raw: Vec<((usize, usize), u32, u32)> = Vec::new();
    for line in text.lines() {
        let mut cols = [""; 10];
        let mut n = 0;
        for (slot, col) in cols.iter_mut().zip(split_byte(line, b'\t')) {
            *slot = col;
            n += 1;
        }
        if n < cols.len() {
            continue;
        }
        let Some(feature) = FEATURES.iter().position(|code| *code == cols[1]) else {
            continue;
        };
        let (Ok(geonameid), Ok(lat), Ok(lon), Ok(population)) =
            (cols[0].parse::<u32>(), cols[5].parse::<f32>(), cols[6].parse::<f32>(), cols[7].parse::<u64>())
        else {
            continue;
        };
        let idx = record_count;
        let first = raw.len();
        let mut add = |name: &str, kind: u32| {
            let Some((s, e)) = normalize_into(name, &mut keys) else {
                return;
            };
            // A name is listed once per record, with its first kind.
            let key = &keys[s..e];
            if raw[first..].iter().any(|p| &keys[p.0 .0..p.0 .1] == key) {
                return;
            }
            raw.push(((s, e), idx, kind));
        };
        add(cols[2], KIND_NAME);
        for alt in split_byte(cols[8], b'|').filter(|a| !a.is_empty()) {
            add(alt, KIND_ALT_NAME);
        }
        for dem in split_byte(cols[9], b'|').filter(|d| !d.is_empty()) {
            add(dem, KIND_DEMONYM);
        }
        if feature == 0 {
            countries.push(idx);
        }
        let start = u32::try_from(strings.len()).map_err(|_| too_big("the string arena"))?;
        let name_len = u16::try_from(cols[2].len()).map_err(|_| too_big("a name"))?;
        let country_len = u8::try_from(cols[3].len()).map_err(|_| too_big("a country code"))?;
        let admin1_len = u8::try_from(cols[4].len()).map_err(|_| too_big("an admin1 code"))?;
        strings.push_str(cols[2]);
        strings.push_str(cols[3]);
        strings.push_str(cols[4]);
        records.extend_from_slice(&geonameid.to_le_bytes());
        records.extend_from_slice(&lat.to_bits().to_le_bytes());
        records.extend_from_slice(&lon.to_bits().to_le_bytes());
        records.extend_from_slice(&population.to_le_bytes());
        records.extend_from_slice(&start.to_le_bytes());
        records.extend_from_slice(&name_len.to_le_bytes());
        records.extend_from_slice(&[country_len, admin1_len, feature as u8, 0, 0, 0]);
        record_count = record_count.checked_add(1).filter(|n| *n < 1 << 30).ok_or_else(|| too_big("the count"))?;
    }

    // Group the postings by name, names in order of first appearance, each
    // group in file order (a stable counting sort).
    let mut ids: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut names: Vec<(usize, usize)> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let key_ids: Vec<usize> = raw
        .iter()
        .map(|&((s, e), _, _)| {
            let id = *ids.entry(&keys[s..e]).or_insert_with(|| {
                names.push((s, e));
                counts.push(0);
                names.len() - 1
            });
            counts[id] += 1;
            id
        })
        .collect();
    let mut starts = Vec::with_capacity(counts.len());
    let mut total = 0usize;
    for count in &counts {
        starts.push(total);
        total += count;
    }
    let group_starts = starts.clone();
    let mut postings = vec![0u32; raw.len()];
    for (&(_, idx, kind), &id) in raw.iter().zip(&key_ids) {
        postings[starts[id]] = (idx << 2) | kind;
        starts[id] += 1;
    }

    // At most half full, so that probe chains stay short.
    let slot_bits = (names.len().max(1) * 2).next_power_of_two().trailing_zeros();
    let slot_count = 1usize << slot_bits;
    let mut slots = vec![0u8; slot_count * SLOT_BYTES];
    for (id, &(s, e)) in names.iter().enumerate() {
        let key = &keys.as_bytes()[s..e];
        let mut slot = slot_of(key_hash(key), slot_bits);
        while slots[slot * SLOT_BYTES + 8..slot * SLOT_BYTES + 10] != [0, 0] {
            slot = (slot + 1) & (slot_count - 1);
        }
        let at = slot * SLOT_BYTES;
        let key_start = u32::try_from(s).map_err(|_| too_big("the key arena"))?;
        let key_len = u16::try_from(e - s).map_err(|_| too_big("a folded name"))?;
        let post_start = u32::try_from(group_starts[id]).map_err(|_| too_big("the postings"))?;
        let post_len = u16::try_from(counts[id]).map_err(|_| too_big("a name's postings"))?;
        slots[at..at + 4].copy_from_slice(&key_start.to_le_bytes());
        slots[at + 4..at + 8].copy_from_slice(&post_start.to_le_bytes());
        slots[at + 8..at + 10].copy_from_slice(&key_len.to_le_bytes());
        slots[at + 10..at + 12].copy_from_slice(&post_len.to_le_bytes());
    }

    let count = |n: usize, what: &str| u32::try_from(n).map_err(|_| too_big(what));
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    for n in [
        count(record_count as usize, "records")?,
        count(slot_count, "slots")?,
        count(postings.len(), "postings")?,
        count(countries.len(), "countries")?,
        count(strings.len(), "strings")?,
        count(keys.len(), "keys")?,
    ] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&records);
    out.extend_from_slice(&slots);
    for posting in &postings {
        out.extend_from_slice(&posting.to_le_bytes());
    }
    for country in &countries {
        out.extend_from_slice(&country.to_le_bytes());
    }
    out.extend_from_slice(strings.as_bytes());
    out.extend_from_slice(keys.as_bytes());
    Ok(out)
}

/// The binary table, read in place.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table<'a> {
    records: &'a [u8],
    slots: &'a [u8],
    slot_bits: u32,
    postings: &'a [u8],
    countries: &'a [u8],
    strings: &'a [u8],
    keys: &'a [u8],
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

impl<'a> Table<'a> {
    /// Splits `bytes` into the table's sections; `None` unless the header
    /// is right and the sizes add up exactly.
    pub fn open(bytes: &'a [u8]) -> Option<Self> {
        if bytes.get(..8)? != MAGIC {
            return None;
        }
        let field = |i: usize| u32_at(bytes, 8 + 4 * i).map(|n| n as usize);
        let (records, slots, postings, countries, strings, keys) =
            (field(0)?, field(1)?, field(2)?, field(3)?, field(4)?, field(5)?);
        if !slots.is_power_of_two() {
            return None;
        }
        let mut at = HEADER_BYTES;
        let mut take = |len: Option<usize>| -> Option<&'a [u8]> {
            let end = at.checked_add(len?)?;
            let section = bytes.get(at..end)?;
            at = end;
            Some(section)
        };
        let table = Table {
            records: take(records.checked_mul(RECORD_BYTES))?,
            slots: take(slots.checked_mul(SLOT_BYTES))?,
            slot_bits: slots.trailing_zeros(),
            postings: take(postings.checked_mul(4))?,
            countries: take(countries.checked_mul(4))?,
            strings: take(Some(strings))?,
            keys: take(Some(keys))?,
        };
        (at == bytes.len()).then_some(table)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len() / RECORD_BYTES
    }

    /// Whether the table has no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record at `idx`; `None` out of range or on a damaged entry.
    pub fn record(&self, idx: u32) -> Option<RawRecord<'a>> {
        let at = (idx as usize).checked_mul(RECORD_BYTES)?;
        let r = self.records.get(at..at.checked_add(RECORD_BYTES)?)?;
        let start = u32_at(r, 20)? as usize;
        let name_end = start.checked_add(usize::from(u16_at(r, 24)?))?;
        let country_end = name_end.checked_add(usize::from(*r.get(26)?))?;
        let admin1_end = country_end.checked_add(usize::from(*r.get(27)?))?;
        let text = |from: usize, to: usize| std::str::from_utf8(self.strings.get(from..to)?).ok();
        Some(RawRecord {
            geonameid: u32_at(r, 0)?,
            feature: *r.get(28)?,
            name: text(start, name_end)?,
            country: text(name_end, country_end)?,
            admin1: text(country_end, admin1_end)?,
            lat: f32::from_bits(u32_at(r, 4)?),
            lon: f32::from_bits(u32_at(r, 8)?),
            population: u64::from_le_bytes(r.get(12..20)?.try_into().ok()?),
        })
    }

    /// The postings of a folded name: `record << 2 | kind`, u32 each; `None`
    /// when no record has the name.
    pub fn postings(&self, key: &str) -> Option<&'a [u8]> {
        let key = key.as_bytes();
        if key.is_empty() || self.slots.is_empty() {
            return None;
        }
        let mask = (self.slots.len() / SLOT_BYTES) - 1;
        let mut slot = slot_of(key_hash(key), self.slot_bits);
        // Bounded by the slot count, so that a damaged full table cannot
        // loop forever.
        for _ in 0..=mask {
            let at = slot * SLOT_BYTES;
            let key_len = usize::from(u16_at(self.slots, at + 8)?);
            if key_len == 0 {
                return None;
            }
            let key_start = u32_at(self.slots, at)? as usize;
            if self.keys.get(key_start..key_start.checked_add(key_len)?) == Some(key) {
                let start = (u32_at(self.slots, at + 4)? as usize).checked_mul(4)?;
                let len = usize::from(u16_at(self.slots, at + 10)?) * 4;
                return self.postings.get(start..start.checked_add(len)?);
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// The record index of each country, in file order.
    pub fn countries(&self) -> impl Iterator<Item = u32> + 'a {
        self.countries.chunks_exact(4).filter_map(|c| u32_at(c, 0))
    }
}

/// `text.split(sep)` for an ASCII separator. The fields of the gazetteer
/// are short, and a plain byte scan beats the memchr set-up per field.
pub fn split_byte(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == sep) {
            // Splitting at an ASCII byte keeps both sides valid UTF-8.
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `normalize` appending to `out`: returns the key's byte range in `out`,
/// or `None` (and `out` unchanged) for an empty key.
pub fn normalize_into(name: &str, out: &mut String) -> Option<(usize, usize)> {
    let base = out.len();
    if is_plain_ascii(name) {
        // Nothing to collapse, fold or unify: lowercasing is all there is.
        out.push_str(name);
        out[base..].make_ascii_lowercase();
    } else if name.is_ascii() {
        // Most names: no UTF-8 decoding, no case-mapping tables, nothing to
        // fold; the same steps as the general loop below.
        out.reserve(name.len());
        let mut space = false;
        for b in name.bytes() {
            if char::from(b).is_whitespace() {
                space = out.len() > base;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(if b == b'`' { '\'' } else { char::from(b.to_ascii_lowercase()) });
        }
    } else {
        let mut space = false;
        for c in name.chars() {
            if c.is_whitespace() {
                space = out.len() > base;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            if c.is_ascii() {
                out.push(if c == '`' { '\'' } else { c.to_ascii_lowercase() });
                continue;
            }
            for l in c.to_lowercase() {
                match l {
                    '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
                    _ => match fold_char(l) {
                        Some(folded) => out.push_str(folded),
                        None => out.push(l),
                    },
                }
            }
        }
    }
    // Only single ' ' can separate words in `out` here (input whitespace is
    // dropped, and folds and lowercase letters are not whitespace), so the
    // strips and the trim work on bytes.
    let key = out.as_bytes();
    let mut start = base;
    let mut end = key.len();
    if key[start..end].starts_with(b"the ") {
        start += 4;
    }
    if key[start..end].ends_with(b"'s") {
        end -= 2;
    }
    if key[start..end].ends_with(b"'") {
        end -= 1;
    }
    while start < end && key[start] == b' ' {
        start += 1;
    }
    while start < end && key[end - 1] == b' ' {
        end -= 1;
    }
    if start == end {
        out.truncate(base);
        return None;
    }
    Some((start, end))
}

/// Printable ASCII without backticks, with single spaces between words and
/// none at the ends: names [`normalize_into`] only has to lowercase.
fn is_plain_ascii(name: &str) -> bool {
    let b = name.as_bytes();
    b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter().all(|&c| (b' '..=b'~').contains(&c) && c != b'`')
        && !b.windows(2).any(|w| w == b"  ")
}

/// A lowercase Latin letter without its diacritic; `None` for a char that
/// stays as it is.
fn fold_char(c: char) -> Option<&'static str> {
    // Indexed by code point - 0xE0, covering Latin-1 (à..ÿ).
    const LATIN1: [&str; 32] = [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o",
        "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    ];
    let cp = c as u32;
    if (0xE0..=0xFF).contains(&cp) && cp != 0xF7 {
        return LATIN1.get((cp - 0xE0) as usize).copied();
    }
    if cp == 0xDF {
        return Some("ss");
    }
    // Latin Extended-A (ā..ž): pairs of upper/lower; the base letter by range.
    if (0x100..=0x17F).contains(&cp) {
        return Some(match cp {
            0x100..=0x105 => "a",
            0x106..=0x10D => "c",
            0x10E..=0x111 => "d",
            0x112..=0x11B => "e",
            0x11C..=0x123 => "g",
            0x124..=0x127 => "h",
            0x128..=0x131 => "i",
            0x132..=0x133 => "ij",
            0x134..=0x135 => "j",
            0x136..=0x138 => "k",
            0x139..=0x142 => "l",
            0x143..=0x14B => "n",
            0x14C..=0x151 => "o",
            0x152..=0x153 => "oe",
            0x154..=0x159 => "r",
            0x15A..=0x161 => "s",
            0x162..=0x167 => "t",
            0x168..=0x173 => "u",
            0x174..=0x175 => "w",
            0x176..=0x178 => "y",
            _ => "z",
        });
    }
    // Common letters beyond: ș ț (comma below) and ə.
    match c {
        'ș' => Some("s"),
        'ț' => Some("t"),
        'ə' => Some("e"),
        // Combining diacritics (decomposed input) are dropped.
        '\u{300}'..='\u{36F}' => Some(""),
        _ => None,
    }
}
