//! A small `multipart/form-data` parser (RFC 7578) for the emulators' upload routes: the
//! boundary from the `Content-Type`, then each part's headers and bytes.

use bytes::Bytes;

/// One part of a form.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The `name` of `Content-Disposition`.
    pub(crate) name: String,
    /// The `filename` of `Content-Disposition`, for a file part.
    pub(crate) filename: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub(crate) content_type: Option<String>,
    /// The part's bytes.
    pub(crate) data: Bytes,
}

/// The boundary of a `multipart/form-data` content type, or `None` for another type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    let essence = pieces.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    pieces.find_map(|piece| {
        let (key, value) = piece.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// Splits `body` into its parts, or says why it is not a well-formed form.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut position = find(body, delimiter, 0).ok_or("no boundary in the body")?;
    let mut parts = Vec::new();
    loop {
        position += delimiter.len();
        let rest = &body[position..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err("a boundary is not followed by CRLF".to_owned());
        }
        position += 2;
        let head_end = find(body, b"\r\n\r\n", position).ok_or("a part has no header end")?;
        let head = std::str::from_utf8(&body[position..head_end])
            .map_err(|_| "a part's headers are not UTF-8".to_owned())?;
        let data_start = head_end + 4;
        let mut next_delimiter = b"\r\n".to_vec();
        next_delimiter.extend_from_slice(delimiter);
        let data_end =
            find(body, &next_delimiter, data_start).ok_or("a part is not closed by a boundary")?;
        parts.push(part(head, body.slice(data_start..data_end))?);
        position = data_end + 2;
    }
}

/// A part from its header block and bytes.
fn part(head: &str, data: Bytes) -> Result<Part, String> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            name = parameter(value, "name");
            filename = parameter(value, "filename");
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    Ok(Part {
        name: name.ok_or("a part has no name")?,
        filename,
        content_type,
        data,
    })
}

/// A quoted (or bare) parameter of a `Content-Disposition` value, with the browsers'
/// `%22`/`%0D`/`%0A` escapes undone.
fn parameter(value: &str, key: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|piece| {
        let (k, v) = piece.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(key) {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        Some(
            v.replace("%22", "\"")
                .replace("%0D", "\r")
                .replace("%0A", "\n"),
        )
    })
}

/// The first index of `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_files_and_fields() {
        let body = Bytes::from_static(
            b"--b1\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"a%22.txt\"\r\n\
              Content-Type: text/plain\r\n\r\nalpha\r\n--b1\r\n\
              Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b1--\r\n",
        );
        let parts = parse(&body, "b1").expect("a valid form");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].filename.as_deref(), Some("a\".txt"));
        assert_eq!(parts[0].content_type.as_deref(), Some("text/plain"));
        assert_eq!(&parts[0].data[..], b"alpha");
        assert_eq!(
            (parts[1].name.as_str(), &parts[1].data[..]),
            ("x", &b"1"[..])
        );
        assert!(parse(&Bytes::from_static(b"--b1\r\nbroken"), "b1").is_err());
    }

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(boundary("application/json"), None);
    }
}
