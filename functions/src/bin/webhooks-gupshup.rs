fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::webhooks::gupshup::handle)
}
