fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::health::operator::handle)
}
