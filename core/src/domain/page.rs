//! Cursor pagination: opaque page tokens that name the last record of the previous page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::CoreError;

/// Page size when the caller sets none.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 200;

const TOKEN_VERSION: &str = "v1:";

/// A validated request for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// How many records at most.
    pub size: u64,
    /// Return records whose id sorts after this one.
    pub after: Option<String>,
}

impl PageRequest {
    /// Validates a page size (0 means the default) and a page token (empty means the first page).
    pub fn parse(page_size: i32, page_token: &str) -> Result<PageRequest, CoreError> {
        let size = match u64::try_from(page_size) {
            Ok(0) => DEFAULT_PAGE_SIZE,
            Ok(size) if size <= MAX_PAGE_SIZE => size,
            _ => return Err(CoreError::invalid("page_size", "must be between 1 and 200")),
        };
        let after = match page_token {
            "" => None,
            token => Some(decode_token(token)?),
        };
        Ok(PageRequest { size, after })
    }
}

/// One page of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The records.
    pub items: Vec<T>,
    /// Token for the next page, `None` on the last one.
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `size + 1` records fetched in order: the extra one only tells
    /// that another page exists.
    pub fn from_overfetch(mut items: Vec<T>, size: u64, id_of: impl Fn(&T) -> &str) -> Page<T> {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let more = items.len() > size;
        items.truncate(size);
        let next_token = match items.last() {
            Some(last) if more => Some(encode_token(id_of(last))),
            _ => None,
        };
        Page { items, next_token }
    }
}

fn encode_token(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{TOKEN_VERSION}{last_id}"))
}

fn decode_token(token: &str) -> Result<String, CoreError> {
    let invalid = || CoreError::invalid("page_token", "is not a token from a previous page");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let id = text.strip_prefix(TOKEN_VERSION).ok_or_else(invalid)?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(invalid());
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_default_and_are_bounded() {
        assert_eq!(PageRequest::parse(0, "").unwrap().size, DEFAULT_PAGE_SIZE);
        assert_eq!(PageRequest::parse(200, "").unwrap().size, 200);
        assert!(PageRequest::parse(201, "").is_err());
        assert!(PageRequest::parse(-1, "").is_err());
    }

    #[test]
    fn a_token_from_a_page_leads_to_the_next() {
        let page = Page::from_overfetch(vec!["a1", "b2", "c3"], 2, |s| s);
        assert_eq!(page.items, vec!["a1", "b2"]);
        let token = page.next_token.unwrap();
        assert_eq!(
            PageRequest::parse(2, &token).unwrap().after.as_deref(),
            Some("b2")
        );
    }

    #[test]
    fn the_last_page_has_no_token_and_forged_tokens_are_refused() {
        assert_eq!(Page::from_overfetch(vec!["a1"], 2, |s| s).next_token, None);
        assert!(PageRequest::parse(10, "garbage!").is_err());
        assert!(PageRequest::parse(10, &URL_SAFE_NO_PAD.encode("v1:x' OR 1=1")).is_err());
    }
}
