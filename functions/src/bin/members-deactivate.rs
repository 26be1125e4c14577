fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::members::deactivate::handle)
}
