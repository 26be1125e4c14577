fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::push::unsubscribe::handle)
}
