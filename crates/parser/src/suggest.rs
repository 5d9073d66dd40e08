//! "Did you mean" suggestions, shared by every format: one edit distance and one search for
//! the closest candidate; each format only says how close is close enough.

/// Levenshtein distance, ignoring ASCII case (inputs are short keywords and names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(row[j]).min(above)
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate nearest to `word` (the first of equally near ones) among those `close`
/// accepts, given their distance and the candidate.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    close: impl Fn(usize, &str) -> bool,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| close(d, c))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The help line of a suggestion: ``did you mean `name`?``.
pub fn help(candidate: &str) -> String {
    format!("did you mean `{candidate}`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_ignores_case() {
        assert_eq!(edit_distance("Root", "root"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn closest_takes_the_first_nearest_accepted() {
        let names = ["install", "instal", "root"];
        assert_eq!(closest("instll", names, |d, _| d <= 1), Some("install"));
        assert_eq!(closest("xyzzy", names, |d, _| d <= 2), None);
    }
}
