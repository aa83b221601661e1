//! Tests of the chunk reader: usual chunks, declined ones, and differential properties
//! against serde_json.
#![allow(clippy::unwrap_used)]
use proptest::prelude::*;

use super::*;

fn serde(text: &str) -> Option<ChatCompletionChunk> {
    serde_json::from_str(text).ok()
}

/// Whatever the reader accepts, serde_json accepts with the same value.
fn agrees(text: &str) -> Result<(), TestCaseError> {
    if let Some(fast) = read_chunk(text) {
        prop_assert_eq!(Some(fast), serde(text), "input: {}", text);
    }
    Ok(())
}

#[test]
fn usual_chunks_are_read_and_equal_serde() {
    let usual = [
        // OpenAI style, role first, then content, then the finish.
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732252800,"model":"gpt","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"content":"Hel\"lo\\n \u00e9\ud83d\ude00 \/"},"finish_reason":null}],"usage":null}"#,
        r#"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0}}}"#,
        // PeakPrivacy style: `message` only, or both (the bench's chunk).
        r#"{"id":"x","object":"chat.completion","created":1,"model":"mistral-swiss","choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":"Hel"}}]}"#,
        r#"{"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":" a"},"message":{"role":"assistant","content":" a"},"finish_reason":null}]}"#,
        // A message that supplies the role a delta lacks; nulls everywhere; whitespace.
        " { \"id\" : null , \"object\":null,\"created\":null,\"model\":null,\"choices\":[ {\"index\":null,\"delta\":{\"content\":\"x\"},\"message\":{\"role\":\"tool\",\"content\":null}} , {\"index\":1,\"delta\":null} ] }\r\n",
        r#"{"choices":[{"delta":{"role":null,"content":null,"tool_calls":[{"id":"t","function":{"arguments":"{\"a\":[1,2.5e-3,true,false,null]}"}}]},"finish_reason":"tool_calls"}]}"#,
        r#"{"choices":[],"extra":{"deep":[[[{}]]]}}"#,
        // A message repeating an incomplete delta; keys close to known ones; keys in
        // another order than the usual.
        r#"{"choices":[{"delta":{"content":"a"},"message":{"content":"a"}}]}"#,
        r#"{"i":1,"ids":"x","choices":[{"deltas":{},"delta":{"contents":"no","content":"yes"}}],"id":"late"}"#,
    ];
    for text in usual {
        let fast = read_chunk(text);
        assert!(fast.is_some(), "declined a usual chunk: {text}");
        assert_eq!(fast, serde(text), "{text}");
    }
    let first = read_chunk(usual[1]).unwrap();
    assert_eq!(first.content(), "Hel\"lo\\n \u{e9}\u{1F600} /");
    let merged = read_chunk(usual[5]).unwrap();
    assert_eq!(
        merged.choices[0].delta.role,
        Some(Role::Other("tool".into()))
    );
}

#[test]
fn unusual_or_invalid_text_is_left_to_serde() {
    let declined = [
        // Lenient cases serde reads: numbers as strings and vice versa, text choices.
        r#"{"id":42,"choices":[{"delta":{"content":"x"}}]}"#,
        r#"{"created":"17","choices":[]}"#,
        r#"{"created":1.5,"choices":[]}"#,
        r#"{"choices":[{"index":"2","delta":{}}]}"#,
        r#"{"choices":[{"text":"plain"}]}"#,
        r#"{"choices":[{"delta":{"content":7}}]}"#,
        // Repeated keys, escaped keys, lone surrogates.
        r#"{"id":"a","id":"b","choices":[]}"#,
        r#"{"i\u0064":"a","choices":[]}"#,
        r#"{"choices":[{"delta":{"content":"\ud800"}}]}"#,
        // Invalid JSON of every kind.
        r#"{"choices":[{"delta":{"content":"x"}}]"#,
        r#"{"choices":[{"delta":{"content":"x"}}]} x"#,
        r#"{"choices":[],}"#,
        r#"{"choices":[1,]}"#,
        r#"{"a":01,"choices":[]}"#,
        r#"{"a":1.,"choices":[]}"#,
        r#"{"a":-,"choices":[]}"#,
        r#"{"a":nul,"choices":[]}"#,
        "{\"a\":\"raw \u{1} control\",\"choices\":[]}",
        r#"{"a":"\x","choices":[]}"#,
        r#"{"a":"\u12G4","choices":[]}"#,
        r#"[{"choices":[]}]"#,
        "",
        // A message that starts as the delta's text, then is not valid JSON.
        r#"{"choices":[{"delta":{"content":"a"},"message":{"content":"a"}x}]}"#,
        r#"{"choices":[{"delta":{"content":"a"},"message":{"content":"a"},]}]}"#,
        r#"{"choices":[{"delta":{"content":"a"},"message":{"content":"a","x":tru}}]}"#,
    ];
    for text in declined {
        assert_eq!(read_chunk(text), None, "{text}");
    }
    // Deep nesting is declined before the reader recurses far.
    let deep = format!(
        r#"{{"a":{}1{},"choices":[]}}"#,
        "[".repeat(500),
        "]".repeat(500)
    );
    assert_eq!(read_chunk(&deep), None);
    // Counts past u32 read as 0, as `de::u32_or_zero` does; past u64 it declines.
    let big = r#"{"choices":[{"index":4294967296,"delta":{}}]}"#;
    assert_eq!(read_chunk(big).unwrap().choices[0].index, 0);
    assert_eq!(read_chunk(big), serde(big));
    assert_eq!(
        read_chunk(r#"{"created":18446744073709551616,"choices":[]}"#),
        None
    );
}

// --- Generators for the differential properties ---

fn ws() -> impl Strategy<Value = String> {
    prop_oneof![6 => Just(String::new()), 1 => "[ \t\r\n]{1,3}"]
}

/// A JSON string literal, mostly valid, sometimes with a bad escape or control byte.
fn string_literal(valid_only: bool) -> BoxedStrategy<String> {
    let valid = prop_oneof![
        8 => "[a-zA-Z0-9 ._:-]{0,12}",
        1 => Just("\\n".to_owned()),
        1 => Just("\\\"".to_owned()),
        1 => Just("\\\\".to_owned()),
        1 => Just("\\/\\b\\f\\r\\t".to_owned()),
        1 => Just("\\u00e9\\u0000".to_owned()),
        1 => Just("\\ud83d\\ude00".to_owned()),
        1 => Just("é世🦀".to_owned()),
    ];
    let piece = if valid_only {
        valid.boxed()
    } else {
        prop_oneof![
            12 => valid,
            1 => Just("\\ud83d".to_owned()),
            1 => Just("\\udc00".to_owned()),
            1 => Just("\u{1}".to_owned()),
            1 => Just("\\x".to_owned()),
            1 => Just("\\u12G4".to_owned()),
            1 => Just("\\".to_owned()),
        ]
        .boxed()
    };
    prop::collection::vec(piece, 0..4)
        .prop_map(|pieces| format!("\"{}\"", pieces.concat()))
        .boxed()
}

/// A number literal; unless `valid_only`, sometimes not valid JSON.
fn number(valid_only: bool) -> impl Strategy<Value = String> {
    let mut odd = vec![
        "0",
        "-0",
        "1.5",
        "2E-2",
        "1e+3",
        "18446744073709551616",
        "4294967296",
    ];
    if !valid_only {
        odd.extend(["01", "1.", "-", "1e", ".5"]);
    }
    prop_oneof![
        4 => any::<u32>().prop_map(|n| n.to_string()),
        2 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
        1 => prop::sample::select(odd).prop_map(str::to_owned),
    ]
}

fn scalar(valid_only: bool) -> BoxedStrategy<String> {
    let literal = prop::sample::select(if valid_only {
        vec!["null", "true", "false"]
    } else {
        vec!["null", "true", "false", "nul", "tru"]
    })
    .prop_map(str::to_owned);
    prop_oneof![string_literal(valid_only), number(valid_only), literal].boxed()
}

/// Any JSON value (nested up to a few levels).
fn value(valid_only: bool) -> BoxedStrategy<String> {
    scalar(valid_only)
        .prop_recursive(4, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((string_literal(valid_only), inner), 0..4).prop_map(
                    |members| {
                        let members: Vec<String> = members
                            .into_iter()
                            .map(|(k, v)| format!("{k}:{v}"))
                            .collect();
                        format!("{{{}}}", members.join(","))
                    }
                ),
            ]
        })
        .boxed()
}

/// An object from optional members, shuffled, with whitespace around the tokens.
fn object(members: Vec<BoxedStrategy<Option<(String, String)>>>) -> BoxedStrategy<String> {
    (members, prop::collection::vec((ws(), ws(), ws()), 12))
        .prop_map(|(members, spaces)| {
            members
                .into_iter()
                .flatten()
                .zip(spaces)
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
        .prop_map(|members| {
            let members: Vec<String> = members
                .into_iter()
                .map(|((key, value), (a, b, c))| format!("{a}\"{key}\"{b}:{c}{value}"))
                .collect();
            format!("{{{}}}", members.join(","))
        })
        .boxed()
}

fn member(
    key: &'static str,
    value: impl Strategy<Value = String> + 'static,
) -> BoxedStrategy<Option<(String, String)>> {
    prop::option::weighted(0.8, value.prop_map(move |v| (key.to_owned(), v))).boxed()
}

/// Sometimes a member whose key is close to a known one (a prefix, an extension), which
/// the reader must not take for it.
fn near_miss(keys: &[&'static str]) -> BoxedStrategy<Option<(String, String)>> {
    let key = prop::sample::select(keys.to_vec());
    prop::option::weighted(0.3, (key, value(true)).prop_map(|(k, v)| (k.to_owned(), v))).boxed()
}

/// A chunk-shaped document; with `valid_only`, every value has its usual type.
fn chunk_text(valid_only: bool) -> BoxedStrategy<String> {
    let text_or_null = move |weird: bool| -> BoxedStrategy<String> {
        if weird {
            prop_oneof![4 => string_literal(false), 1 => Just("null".to_owned()), 1 => scalar(false)].boxed()
        } else {
            prop_oneof![4 => string_literal(true), 1 => Just("null".to_owned())].boxed()
        }
    };
    let uint_or_null = move |weird: bool| -> BoxedStrategy<String> {
        if weird {
            prop_oneof![4 => number(false), 1 => Just("null".to_owned()), 1 => scalar(false)]
                .boxed()
        } else {
            prop_oneof![4 => any::<u32>().prop_map(|n| n.to_string()), 1 => Just("null".to_owned())]
                .boxed()
        }
    };
    let weird = !valid_only;
    let role = prop_oneof![
        3 => prop::sample::select(vec!["\"assistant\"", "\"user\"", "\"system\""]).prop_map(str::to_owned),
        1 => text_or_null(weird),
    ];
    let delta = object(vec![
        member("role", role),
        member("content", text_or_null(weird)),
        member("tool_calls", value(valid_only)),
        near_miss(&["rol", "roles", "contents", "conten", "Content"]),
    ]);
    let delta_or_null = prop_oneof![5 => delta, 1 => Just("null".to_owned())];
    // Half the time `message` repeats `delta` byte for byte, as PeakPrivacy sends it.
    let delta_and_message =
        (delta_or_null.clone(), delta_or_null, any::<bool>()).prop_map(|(delta, other, twin)| {
            let message = if twin { delta.clone() } else { other };
            (delta, message)
        });
    let mut choice_members = vec![
        member("index", uint_or_null(weird)),
        member("finish_reason", text_or_null(weird)),
        member("logprobs", value(valid_only)),
        near_miss(&["indexes", "delt", "messages", "finish", "finish_reason_"]),
    ];
    if weird {
        choice_members.push(
            prop::option::weighted(
                0.1,
                string_literal(false).prop_map(|v| ("text".to_owned(), v)),
            )
            .boxed(),
        );
        choice_members
            .push(prop::option::weighted(0.1, Just(("index".to_owned(), "1".to_owned()))).boxed());
    }
    let choice = (delta_and_message, any::<(bool, bool)>()).prop_flat_map(
        move |((delta, message), (has_delta, has_message))| {
            let mut members = choice_members.clone();
            if has_delta {
                members.push(Just(Some(("delta".to_owned(), delta))).boxed());
            }
            if has_message {
                members.push(Just(Some(("message".to_owned(), message))).boxed());
            }
            object(members)
        },
    );
    let choices = prop::collection::vec(choice, 0..3).prop_map(|c| format!("[{}]", c.join(",")));
    let usage = prop_oneof![
        1 => Just("null".to_owned()),
        2 => object(vec![
            member("prompt_tokens", uint_or_null(weird)),
            member("completion_tokens", uint_or_null(weird)),
            member("total_tokens", uint_or_null(weird)),
        ]),
    ];
    let mut members = vec![
        member("id", text_or_null(weird)),
        member("object", text_or_null(weird)),
        member("created", uint_or_null(weird)),
        member("model", text_or_null(weird)),
        member("choices", choices),
        member("usage", usage),
        member("system_fingerprint", value(valid_only)),
        near_miss(&[
            "i", "ids", "objects", "create", "models", "choice", "choicesx", "usag",
        ]),
    ];
    if weird {
        members.push(
            prop::option::weighted(0.1, Just(("model".to_owned(), "\"again\"".to_owned()))).boxed(),
        );
    }
    (object(members), ws())
        .prop_map(|(text, tail)| format!("{text}{tail}"))
        .boxed()
}

proptest! {
    /// The word scan finds the same first special byte as a plain loop.
    #[test]
    fn word_scan_finds_the_first_special_byte(word in prop::array::uniform8(prop_oneof![
        any::<u8>(),
        prop::sample::select(vec![b'"', b'\\', 0x00, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0xa0]),
    ])) {
        let naive = word.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        let special = special_bytes(u64::from_le_bytes(word));
        let found = (special != 0).then(|| (special.trailing_zeros() / 8) as usize);
        prop_assert_eq!(found, naive);
    }
}

proptest! {
    /// Eight digits at once read the number a digit loop reads, and anything else is not
    /// taken for digits.
    #[test]
    fn eight_digits_read_as_a_loop_reads_them(word in prop::array::uniform8(prop_oneof![
        4 => b'0'..=b'9',
        1 => any::<u8>(),
        1 => prop::sample::select(vec![b'/', b':', 0xF9, 0xFA, 0xFF, 0x00, b' ']),
    ])) {
        let naive = word.iter().try_fold(0u64, |value, &byte| {
            byte.is_ascii_digit().then(|| value * 10 + u64::from(byte - b'0'))
        });
        prop_assert_eq!(eight_digits(u64::from_le_bytes(word)), naive);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Chunks of the usual types are read by the reader, with serde's value.
    #[test]
    fn usual_shapes_are_read_as_serde_reads_them(text in chunk_text(true)) {
        let fast = read_chunk(&text);
        prop_assert!(fast.is_some(), "declined: {}", text);
        prop_assert_eq!(fast, serde(&text), "input: {}", text);
    }

    /// Any chunk-shaped text, with odd types, bad escapes and repeated keys.
    #[test]
    fn accepted_text_always_equals_serde(text in chunk_text(false)) {
        agrees(&text)?;
    }

    /// The same after one edit: a character removed, inserted or the text cut short.
    #[test]
    fn accepted_text_equals_serde_after_an_edit(
        text in chunk_text(true),
        at in any::<prop::sample::Index>(),
        edit in 0..3u8,
        byte in prop::sample::select(vec!['"', '{', '}', '[', ']', ',', ':', '\\', ' ', '0', 'a', 'n', '-', '.', 'e']),
    ) {
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len().max(1)).min(chars.len());
        let mut edited: String = chars[..at].iter().collect();
        match edit {
            0 => edited.extend(chars.iter().skip(at + 1)),
            1 => {
                edited.push(byte);
                edited.extend(&chars[at..]);
            }
            _ => {}
        }
        agrees(&edited)?;
    }
}
