//! The progress bar of `llm embed` on stderr: inputs done of all, rate and ETA. Hidden
//! when stderr is not a terminal, with `--no-progress` and with `--json`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The bar's layout: elapsed time, bar, inputs done of all, rate, ETA.
const TEMPLATE: &str = "[{elapsed_precise}] {wide_bar} {pos}/{len} inputs ({rate}/s, ETA {eta})";

/// The style: the template plus `{rate}`, inputs per second without decimals.
fn style() -> Option<ProgressStyle> {
    let style = ProgressStyle::with_template(TEMPLATE).ok()?;
    Some(style.with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}", state.per_sec());
        },
    ))
}

/// A progress bar over `total` inputs, `done` of them already in the output.
pub fn bar(total: usize, done: usize, wanted: bool) -> ProgressBar {
    let total = u64::try_from(total).unwrap_or(u64::MAX);
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    if let Some(style) = style() {
        bar.set_style(style);
    }
    bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
    // The rate and ETA count from here: the resumed part took no time in this run (and
    // the bar is drawn only now, so no frame shows the jump as a rate).
    bar.reset_eta();
    if wanted && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_a_hidden_bar_still_counts() {
        assert!(style().is_some());
        let bar = bar(10, 4, false);
        assert!(bar.is_hidden());
        bar.inc(3);
        assert_eq!((bar.position(), bar.length()), (7, Some(10)));
    }
}
