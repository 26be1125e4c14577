fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::stays::update::handle)
}
