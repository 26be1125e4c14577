fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::operator::hotels_create::handle)
}
