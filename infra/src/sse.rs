//! Reading a server-sent event stream, as a browser's `EventSource` does: for the tests and the
//! stream latency benchmark.

use serde_json::Value;

/// One block of a stream: an event, or only an id, or a comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub id: Option<String>,
    pub event: Option<String>,
    /// The event's data, as JSON (our streams send one line of JSON per event).
    pub data: Option<Value>,
    pub comment: bool,
    /// The `retry` the server asked for, in milliseconds.
    pub retry: Option<u64>,
}

/// Cuts a stream's bytes into blocks.
#[derive(Debug, Default)]
pub struct Parser {
    buffer: String,
}

impl Parser {
    /// Adds what arrived.
    pub fn push(&mut self, text: &str) {
        self.buffer.push_str(text);
    }

    /// The next whole block, if one has arrived; an error for a line no stream of ours sends.
    pub fn next_block(&mut self) -> Result<Option<Block>, String> {
        let Some(end) = self.buffer.find("\n\n") else {
            return Ok(None);
        };
        let text: String = self.buffer.drain(..end + 2).collect();
        let mut block = Block::default();
        for line in text.lines().filter(|line| !line.is_empty()) {
            if let Some(id) = line.strip_prefix("id: ") {
                block.id = Some(id.to_owned());
            } else if let Some(name) = line.strip_prefix("event: ") {
                block.event = Some(name.to_owned());
            } else if let Some(data) = line.strip_prefix("data: ") {
                let data = serde_json::from_str(data).map_err(|e| format!("data {data:?}: {e}"))?;
                block.data = Some(data);
            } else if let Some(retry) = line.strip_prefix("retry: ") {
                block.retry = Some(retry.parse().map_err(|_| format!("retry {retry:?}"))?);
            } else if line.starts_with(':') {
                block.comment = true;
            } else {
                return Err(format!("unexpected line {line:?}"));
            }
        }
        Ok(Some(block))
    }

    /// Whether only whitespace is left (a stream that ended there ended cleanly).
    pub fn is_drained(&self) -> bool {
        self.buffer.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_whole_whatever_the_pieces() {
        let mut parser = Parser::default();
        parser.push("retry: 2000\n\nid: a\nevent: activity\nda");
        assert_eq!(parser.next_block().unwrap().unwrap().retry, Some(2000));
        assert_eq!(parser.next_block().unwrap(), None);
        parser.push("ta: {\"k\":1}\n\n: keep-alive\nid: b\n\n");
        let event = parser.next_block().unwrap().unwrap();
        assert_eq!(event.id.as_deref(), Some("a"));
        assert_eq!(event.event.as_deref(), Some("activity"));
        assert_eq!(event.data, Some(serde_json::json!({ "k": 1 })));
        let heartbeat = parser.next_block().unwrap().unwrap();
        assert!(heartbeat.comment && heartbeat.event.is_none());
        assert_eq!(heartbeat.id.as_deref(), Some("b"));
        assert!(parser.is_drained());
        parser.push("what\n\n");
        assert!(parser.next_block().is_err());
    }
}
