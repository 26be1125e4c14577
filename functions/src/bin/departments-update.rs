fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::departments::update::handle)
}
