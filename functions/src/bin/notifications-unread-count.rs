fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::notifications::unread_count::handle)
}
