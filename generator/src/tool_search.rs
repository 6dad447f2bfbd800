//! Finding tools by what they do: a BM25 ranking over each tool's name, summary, description,
//! tag and path, for the `search` tool of `rocketgen mcp --tools search`. Built once per set of
//! tools; a query costs a pass over the terms it names.

use std::collections::HashMap;

/// What is known of one tool for searching.
pub struct Document<'a> {
    pub name: &'a str,
    pub summary: Option<&'a str>,
    pub description: &'a str,
    pub tag: &'a str,
    pub path: &'a str,
}

/// How much a word counts by where it appears: the name and summary say most.
const NAME_WEIGHT: f64 = 3.0;
const SUMMARY_WEIGHT: f64 = 2.0;
const OTHER_WEIGHT: f64 = 1.0;
/// BM25's usual constants: term saturation and length normalization.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words too common to tell tools apart.
const STOPWORDS: &[&str] =
    &["a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "by", "with", "is", "are", "be", "this", "that", "it", "its", "from", "as", "at"];

pub struct Index {
    /// Per tool: weighted term frequencies and the weighted length.
    documents: Vec<(HashMap<String, f64>, f64)>,
    /// Per term: in how many tools it appears.
    frequency: HashMap<String, usize>,
    average_length: f64,
}

impl Index {
    pub fn new(documents: &[Document<'_>]) -> Index {
        let mut built = Vec::with_capacity(documents.len());
        let mut frequency: HashMap<String, usize> = HashMap::new();
        for document in documents {
            let mut terms: HashMap<String, f64> = HashMap::new();
            let mut add = |text: &str, weight: f64| {
                for term in terms_of(text) {
                    *terms.entry(term).or_default() += weight;
                }
            };
            add(document.name, NAME_WEIGHT);
            add(document.summary.unwrap_or(""), SUMMARY_WEIGHT);
            add(document.description, OTHER_WEIGHT);
            add(document.tag, OTHER_WEIGHT);
            add(document.path, OTHER_WEIGHT);
            for term in terms.keys() {
                *frequency.entry(term.clone()).or_default() += 1;
            }
            let length = terms.values().sum();
            built.push((terms, length));
        }
        let average_length = if built.is_empty() { 1.0 } else { built.iter().map(|(_, l)| l).sum::<f64>() / built.len() as f64 };
        Index { documents: built, frequency, average_length: average_length.max(1.0) }
    }

    /// The tools that match `query`, best first (ties in the order given), at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, f64)> {
        let count = self.documents.len() as f64;
        let mut query_terms = terms_of(query);
        query_terms.sort();
        query_terms.dedup();
        let mut scored: Vec<(usize, f64)> = self
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, (terms, length))| {
                let score: f64 = query_terms
                    .iter()
                    .filter_map(|term| {
                        let tf = *terms.get(term)?;
                        let df = *self.frequency.get(term)? as f64;
                        let idf = ((count - df + 0.5) / (df + 0.5) + 1.0).ln();
                        Some(idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average_length)))
                    })
                    .sum();
                (score > 0.0).then_some((i, score))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(limit);
        scored
    }
}

/// The words of a text, lower case: split at anything not a letter or digit and where
/// camelCase changes case (`getItemRelatedList` → get, item, related, list); a plural's `s`
/// dropped; stopwords and lone letters left out.
fn terms_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .into_iter()
        // A lone letter (the `s` of `user's`) says nothing.
        .filter(|w| w.chars().count() > 1 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_case_and_punctuation() {
        assert_eq!(terms_of("content.getItemRelatedList"), ["content", "get", "item", "related", "list"]);
        assert_eq!(terms_of("Get the items of a user's bookmarks"), ["get", "item", "user", "bookmark"]);
    }

    #[test]
    fn the_closest_tool_ranks_first() {
        let documents = [
            Document { name: "profile.getBookmarkList", summary: Some("Get the bookmarked items"), description: "", tag: "profile", path: "/bookmarks" },
            Document { name: "profile.deleteBookmark", summary: Some("Remove a bookmark"), description: "", tag: "profile", path: "/bookmarks/{id}" },
            Document { name: "content.getItem", summary: Some("Get an item"), description: "", tag: "content", path: "/items/{id}" },
        ];
        let index = Index::new(&documents);
        assert_eq!(index.search("remove bookmark", 3)[0].0, 1);
        assert_eq!(index.search("bookmarked items list", 3)[0].0, 0);
        assert!(index.search("nothing like it", 3).is_empty());
    }
}
