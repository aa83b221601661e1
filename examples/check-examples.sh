#!/usr/bin/env bash
# Runs every example offline (against the in-process emulators, no API key, no network) and
# checks that its output contains the expected text.
#
#   examples/check-examples.sh            # all examples
#   examples/check-examples.sh errors     # only the named ones
#
# Exits non-zero, naming the example and the missing text, when an example fails or its
# output does not match. Every examples/*.rs must have an entry in EXPECTED below.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Offline: no keys, no URLs, no model selection from the caller's environment.
unset PEAKPRIVACY_API_TOKEN PEAKPRIVACY_API_URL \
      ALIGNEAI_API_KEY ALIGNEAI_BASE_URL ALIGNEAI_WORKSPACE_ID ALIGNEAI_CHAT_MODEL \
      LLM_MODEL LLM_PROVIDER LLM_EMBEDDING_MODEL

if [[ -f .env ]]; then
    echo "warning: ./.env exists; if it sets PEAKPRIVACY_API_TOKEN or ALIGNEAI_API_KEY the" \
         "examples use the real API and these offline checks will fail" >&2
fi

# Expected output per example: extended regular expressions (grep -E), one per line; each
# must match somewhere in the example's output (stdout and stderr).
declare -A EXPECTED
EXPECTED[quickstart]='using the local emulator \(no API key set\)
PeakPrivacy models: .*mistral-swiss
AligneAI models: .*nomic-embed
embedding of 768 dimensions
ErrorKind::Authentication
Summary \(against the local emulators\)
chat +ok +answered
stream +ok +[0-9]+ pieces
models +ok +[0-9]+ PeakPrivacy models, [0-9]+ AligneAI models
embeddings +ok +2 embedding vectors of 768 dimensions
error +ok +401 handled'
EXPECTED[telemetry]='1\. chat \(PeakPrivacy\), the emulator answers 503 twice first
- chat mistral-swiss
gen_ai\.provider\.name = peakprivacy
gen_ai\.request\.temperature = 0\.2
gen_ai\.usage\.input_tokens = [0-9]+
event: retrying request \(.*attempt=2
- chat llama-3\.1-8b-instruct
gen_ai\.response\.time_to_first_chunk = [0-9.e-]+
event: first chunk
- embeddings
gen_ai\.embeddings\.dimension\.count = 768
error\.type = authentication
- gen_ai\.client\.operation\.duration \[s\] count=1
- gen_ai\.client\.token\.usage \[\{token\}\] count=1 sum=[0-9]+ \{.*gen_ai\.token\.type=input
- gen_ai\.client\.operation\.time_to_first_chunk \[s\] count=1'
EXPECTED[chat_stream]='using the local emulator \(no API key set\)
streamed [0-9]+ chunks, finish reason: stop
got 1 chunk \(a plain JSON completion\): You said:
collect_completion\(\): You said: Hello stream
text\(\): +You said: Hello stream'
EXPECTED[models]='PeakPrivacy: using the local emulator
AligneAI: using the local emulator
PeakPrivacy token check: the token is valid
PeakPrivacy models \([1-9][0-9]*\)
mistral-swiss +mistralai +32768
AligneAI ping: the key is accepted
AligneAI models \([1-9][0-9]*\)
nomic-embed-v1.5'
EXPECTED[embeddings]='AligneAI: using the local emulator
One embedding: 768 dimensions
3 embeddings of 256 dimensions
cosine\(same text\) += 1\.000
same vectors as floats: true
100 inputs in one request: payload too large \(HTTP 413\)
create_batched\(batch_size 16, concurrency 4\): 100 embeddings, in input order
every vector matches its input: true
split automatically, 100 embeddings'
EXPECTED[errors]='ErrorKind::MissingCredential
PEAKPRIVACY_API_TOKEN
ErrorKind::InvalidRequest
ErrorKind::Connection
ErrorKind::Authentication
ErrorKind::Timeout
ErrorKind::RateLimit
back off for 2s
ErrorKind::QuotaExceeded
ErrorKind::UnprocessableEntity
model: The selected model is invalid
answered on attempt 3
ErrorKind::InternalServer
attempts: +3 \(1 \+ 2 retries\)
Stream broken mid-answer
All error kinds were handled'
EXPECTED[swap_providers]='\[peakprivacy:mistral-swiss\]
\[aligneai:llama-3\.1-8b-instruct\]
\[mock:
same function ran against 3 providers
peakprivacy +You said: What is a Rust trait object\?
aligneai +You said: What is a Rust trait object\?
mock +You said: What is a Rust trait object\?'
EXPECTED[fallback]='PeakPrivacy: using the local emulator
healthy: answered by peakprivacy:mistral-swiss
PeakPrivacy answered 503 to 2 attempts; answered by aligneai
breaker peakprivacy:mistral-swiss: Open
breaker aligneai:[^ ]+: Closed
breaker open: 0 PeakPrivacy attempts, answered by aligneai
401 is not retried elsewhere: ErrorKind::Authentication after 1 attempt
stream cut after 2 chunks: ErrorKind::StreamInterrupted, partial text "You said: ", retryable: true'
EXPECTED[blocking]='PeakPrivacy: using the local emulator
blocking chat: +You said: Hello from blocking code
blocking stream: You said: Stream without async
pieces from an iterator
blocking models: mistral-swiss
blocking embeddings: 2 vectors of 128 dimensions
blocking batched embeddings: 40 vectors in input order'
EXPECTED[assistant_with_files]='PeakPrivacy: using the local emulator
uploaded 2 files:
invoices\.txt \([0-9]+ bytes, text/plain\)
travel-policy\.md \([0-9]+ bytes, text/markdown\)
created assistant Back office \(mistral-swiss\) over 2 files
A: .*Hotels up to CHF 180 per night
files listed page by page \(1 per page\): 2
assistants: 1
cleaned up: assistant and 2 files deleted, 0 files left'

# Every example file needs expectations, so a new example cannot be skipped silently.
missing=()
for file in examples/*.rs; do
    name="$(basename "$file" .rs)"
    [[ -n "${EXPECTED[$name]+set}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
    echo "check-examples: no expected output defined for: ${missing[*]} (add it to EXPECTED in $0)" >&2
    exit 1
fi

if (($#)); then
    names=("$@")
else
    mapfile -t names < <(printf '%s\n' "${!EXPECTED[@]}" | sort)
fi

for name in "${names[@]}"; do
    if [[ -z "${EXPECTED[$name]+set}" ]]; then
        echo "check-examples: unknown example '$name' (known: ${!EXPECTED[*]})" >&2
        exit 2
    fi
done

echo "check-examples: building the examples"
cargo build --quiet -p llm-sdk-workspace --examples

run_limit=()
if command -v timeout >/dev/null; then
    run_limit=(timeout 120)
fi

failed=()
for name in "${names[@]}"; do
    status=0
    output="$("${run_limit[@]}" cargo run --quiet -p llm-sdk-workspace --example "$name" 2>&1)" || status=$?
    problems=()
    if ((status != 0)); then
        problems+=("exited with status $status")
    fi
    while IFS= read -r pattern; do
        [[ -z "$pattern" ]] && continue
        if ! grep -Eq -- "$pattern" <<<"$output"; then
            problems+=("output lacks /$pattern/")
        fi
    done <<<"${EXPECTED[$name]}"

    if ((${#problems[@]})); then
        failed+=("$name")
        echo "FAIL $name"
        printf '     - %s\n' "${problems[@]}"
        echo "     --- output of 'cargo run --example $name' ---"
        sed 's/^/     | /' <<<"$output"
    else
        echo "ok   $name"
    fi
done

if ((${#failed[@]})); then
    echo "check-examples: ${#failed[@]} example(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "check-examples: all ${#names[@]} examples ran offline with the expected output"
