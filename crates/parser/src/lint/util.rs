//! Small pieces several rule groups share.

/// The `wanted` keywords that `has` says are absent, each quoted (`` `root` ``), in the
/// order given: the list of an "… lacks `a`, `b`" message.
pub(crate) fn missing_names<K: Copy>(
    wanted: &[K],
    has: impl Fn(K) -> bool,
    name: impl Fn(K) -> &'static str,
) -> Vec<String> {
    wanted
        .iter()
        .copied()
        .filter(|&k| !has(k))
        .map(|k| format!("`{}`", name(k)))
        .collect()
}
