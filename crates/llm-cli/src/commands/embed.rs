//! `llm embed`: a file of inputs into a JSONL file of vectors, in batches with bounded
//! concurrency, in input order, with a progress bar, resumable after a failure or Ctrl-C.

mod input;
mod progress;
mod resume;

use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use unified::{EmbeddingModel, Error, ErrorKind};

use crate::cli::{EmbedArgs, Global};
use crate::config::{env_lookup, resolve, Purpose};
use crate::failure::Failure;
use crate::output;

use input::{Input, Inputs};
use resume::Output;

/// One batch: the index of its first input, and its inputs.
#[derive(Debug)]
struct Batch {
    first: usize,
    inputs: Vec<Input>,
}

/// Runs `llm embed`.
pub async fn run(global: &Global, args: &EmbedArgs) -> Result<(), Failure> {
    if args.batch_size == 0 || args.concurrency == 0 {
        return Err(Failure::Usage(
            "--batch-size and --concurrency must be at least 1".to_owned(),
        ));
    }
    if args.input == args.output {
        return Err(Failure::Usage(
            "--in and --out name the same file".to_owned(),
        ));
    }
    let total = Inputs::count(&args.input)?;
    let mut output = Output::open(&args.output)?;
    let done = output.ids.len();
    let mut inputs = Inputs::open(&args.input)?;
    skip_done(&mut inputs, &output, args)?;

    let mut written = 0_usize;
    let mut batches_written = 0_usize;
    let mut dimensions = None;
    if done < total {
        let resolved = resolve(global, Purpose::Embed).await?;
        let model = resolved.config.build_embeddings_with(&env_lookup)?;
        let bar = progress::bar(total, done, !args.no_progress && !global.json);
        let result = embed_all(&model, inputs, args, done, &mut output, &mut |n, dims| {
            written = written.saturating_add(n);
            batches_written = batches_written.saturating_add(1);
            dimensions = Some(dims);
            bar.inc(u64::try_from(n).unwrap_or(u64::MAX));
        })
        .await;
        bar.finish_and_clear();
        if let Err(failure) = result {
            if !global.json {
                eprintln!(
                    "llm: {} of {total} inputs are in {}; run the same command again to resume",
                    done.saturating_add(written),
                    args.output.display()
                );
            }
            return Err(failure);
        }
    }
    let summary = json!({
        "embedded": written,
        "skipped": done,
        "total": total,
        "batches": batches_written,
        "dimensions": dimensions,
        "torn_bytes_dropped": output.torn_bytes,
        "out": args.output.display().to_string(),
    });
    if global.json {
        output::json(&summary)
    } else {
        output::text(&format!(
            "embedded {written} inputs in {batches_written} batches into {} ({done} were already there, {total} in all)\n",
            args.output.display()
        ))
    }
}

/// Skips the inputs the output already holds, checking that their ids match the records'.
fn skip_done(inputs: &mut Inputs, output: &Output, args: &EmbedArgs) -> Result<(), Failure> {
    for (index, stored) in output.ids.iter().enumerate() {
        match inputs.next() {
            Some(Ok(input)) if input.id == *stored => {}
            Some(Ok(input)) => {
                return Err(Failure::file(
                    &args.output,
                    format!(
                        "record {index} has id {} but input {index} of {} has id {}: the \
                         output belongs to another input; pass another --out",
                        show_id(stored.as_ref()),
                        args.input.display(),
                        show_id(input.id.as_ref())
                    ),
                ))
            }
            Some(Err(failure)) => return Err(failure),
            None => {
                return Err(Failure::file(
                    &args.output,
                    format!(
                        "holds {} records but {} has only {index} inputs: the output belongs \
                         to another input; pass another --out",
                        output.ids.len(),
                        args.input.display()
                    ),
                ))
            }
        }
    }
    Ok(())
}

fn show_id(id: Option<&Value>) -> String {
    id.map_or_else(|| "none".to_owned(), Value::to_string)
}

/// Embeds the remaining inputs: batches are sent `concurrency` at a time and written in
/// input order as each completes in turn; the first failure stops the job after the
/// batches before it were written.
async fn embed_all(
    model: &Arc<dyn EmbeddingModel>,
    inputs: Inputs,
    args: &EmbedArgs,
    first: usize,
    output: &mut Output,
    on_written: &mut dyn FnMut(usize, usize),
) -> Result<(), Failure> {
    let batches = batches(inputs, args.batch_size, first);
    let mut results = stream::iter(batches)
        .map(|batch| {
            let model = Arc::clone(model);
            async move {
                let batch = batch?;
                let texts: Vec<String> = batch.inputs.iter().map(|i| i.text.clone()).collect();
                let embeddings = model.embed(texts).await?;
                Ok::<_, Failure>((batch, embeddings))
            }
        })
        .buffered(args.concurrency);
    // Ctrl-C is checked between batches: every batch written so far stays whole.
    let interrupted = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No signal handler (unusual): never interrupt rather than stop at once.
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(interrupted);
    loop {
        let result = tokio::select! {
            biased;
            () = &mut interrupted => return Err(Failure::Interrupted),
            next = results.next() => match next {
                Some(result) => result,
                None => return Ok(()),
            },
        };
        let (batch, embeddings) = result?;
        if embeddings.vectors.len() != batch.inputs.len() {
            return Err(Failure::Api(Error::with_message(
                ErrorKind::Decode,
                format!(
                    "{} vectors for a batch of {} inputs",
                    embeddings.vectors.len(),
                    batch.inputs.len()
                ),
            )));
        }
        let ids: Vec<Option<Value>> = batch.inputs.iter().map(|i| i.id.clone()).collect();
        output.append(batch.first, &ids, &embeddings.vectors)?;
        let dimensions = embeddings.vectors.first().map_or(0, Vec::len);
        on_written(batch.inputs.len(), dimensions);
    }
}

/// Groups the inputs into batches of `size`, numbering them from `first`. A bad line ends
/// the sequence: the inputs before it go out first (as a shorter batch), then its error.
fn batches(
    mut inputs: Inputs,
    size: usize,
    first: usize,
) -> impl Iterator<Item = Result<Batch, Failure>> {
    let mut next = first;
    let mut pending: Option<Failure> = None;
    let mut finished = false;
    std::iter::from_fn(move || {
        if let Some(failure) = pending.take() {
            finished = true;
            return Some(Err(failure));
        }
        if finished {
            return None;
        }
        let mut batch = Vec::with_capacity(size.min(1024));
        while batch.len() < size {
            match inputs.next() {
                Some(Ok(input)) => batch.push(input),
                Some(Err(failure)) => {
                    pending = Some(failure);
                    break;
                }
                None => {
                    finished = true;
                    break;
                }
            }
        }
        if batch.is_empty() {
            finished = true;
            return pending.take().map(Err);
        }
        let start = next;
        next = next.saturating_add(batch.len());
        Some(Ok(Batch {
            first: start,
            inputs: batch,
        }))
    })
}
