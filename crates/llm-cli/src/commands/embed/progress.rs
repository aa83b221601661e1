//! The progress bar of `llm embed` on stderr: inputs done of all, rate and ETA. Hidden
//! when stderr is not a terminal, with `--no-progress` and with `--json`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar's layout: elapsed time, bar, inputs done of all, rate, ETA.
const TEMPLATE: &str = "[{elapsed_precise}] {wide_bar} {pos}/{len} inputs ({per_sec}, ETA {eta})";

/// A progress bar over `total` inputs, `done` of them already in the output.
pub fn bar(total: usize, done: usize, wanted: bool) -> ProgressBar {
    let visible = wanted && std::io::stderr().is_terminal();
    let target = if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let total = u64::try_from(total).unwrap_or(u64::MAX);
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
        bar.set_style(style);
    }
    bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
    // The rate and ETA count from here: the resumed part took no time in this run.
    bar.reset_eta();
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_a_hidden_bar_still_counts() {
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
        let bar = bar(10, 4, false);
        assert!(bar.is_hidden());
        bar.inc(3);
        assert_eq!((bar.position(), bar.length()), (7, Some(10)));
    }
}
