fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::requests::cancel::handle)
}
